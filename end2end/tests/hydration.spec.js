// The pages are server-rendered and their forms still work before (or without) the wasm:
// a customer who submits early lands on their ticket, an agent who signs in early lands
// in the workspace. Controls that need the wasm stay inert without it, which shows the
// other tests really exercise the hydrated app.
const { test, expect } = require('@playwright/test');
const { startDesk, hydrated } = require('./desk');

let desk;
test.beforeAll(async () => { desk = await startDesk(); });
test.afterAll(async () => { await desk?.stop(); });

async function withoutWasm(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route('**/*.wasm', (route) => route.abort());
  return { context, page };
}

test('the portal hydrates with the wasm and not without it', async ({ page, browser }) => {
  await page.goto(desk.base + '/');
  await hydrated(page);
  const { context, page: bare } = await withoutWasm(browser);
  await bare.goto(desk.base + '/');
  await expect(bare.getByRole('heading', { name: 'How can we help?' })).toBeVisible();
  await bare.waitForTimeout(1000);
  await expect(bare.locator('body[data-hydrated="true"]')).toHaveCount(0);
  await context.close();
});

test('without the wasm, a customer still reaches their ticket and an admin still signs in', async ({ browser }) => {
  const { context, page } = await withoutWasm(browser);
  await page.goto(desk.base + '/');
  await page.getByLabel('Your name').fill('Early Bird');
  await page.getByLabel('Email address').fill('early@example.com');
  await page.getByLabel('Subject').fill('Submitted before the page woke up');
  await page.getByLabel('Message').fill('Plain HTML form post.');
  await page.getByRole('button', { name: 'Send request' }).click();
  await expect(page).toHaveURL(/\/t\/1\/[A-Za-z0-9_-]{22}$/);
  await expect(page.getByText('Plain HTML form post.')).toBeVisible();

  await page.goto(desk.setup);
  await page.getByLabel('Your name').fill('Plain Admin');
  await page.getByLabel('Email').fill('plain@desk.example');
  await page.getByLabel('Password (at least 10 characters)').fill('plain password 1');
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await expect(page).toHaveURL(/\/agent$/);
  await expect(page.getByRole('link', { name: 'Submitted before the page woke up' })).toBeVisible();
  await context.close();
});
