// The pages are server-rendered and their forms still work before (or without) the wasm:
// a customer who submits early lands on their ticket, an agent who signs in early lands
// in the workspace. Controls that need the wasm stay inert without it, which shows the
// other tests really exercise the hydrated app.
const { test, expect } = require('@playwright/test');
const { startDesk, hydrated, signIn, postForm } = require('./desk');

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

// Hydration must hold on every load, not most: a page whose data loads under the
// workspace's own loading state once paired a resource with the wrong value now and then.
test.describe('the workspace hydrates on every sign-in', () => {
  let team;
  const ADMIN = { name: 'Loop Admin', email: 'loop@desk.example', password: 'loop password 12' };
  test.beforeAll(async () => {
    team = await startDesk();
    const token = new URL(team.setup).searchParams.get('token');
    const resp = await postForm(team.base, '/api/auth/setup', { token, ...ADMIN });
    expect(resp.status).toBe(200);
    for (const subject of ['First loop ticket', 'Second loop ticket']) {
      const made = await postForm(team.base, '/api/portal/create', {
        name: 'Loop Customer', email: 'customer@example.com', subject, body: 'Body of ' + subject,
      });
      expect(made.status).toBeLessThan(400);
    }
  });
  test.afterAll(async () => { await team?.stop(); });

  test('twelve sign-ins, each hydrated and navigating in the browser', async ({ browser }) => {
    test.setTimeout(180_000);
    for (let i = 0; i < 12; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      await signIn(page, team.base, ADMIN.email, ADMIN.password);
      await expect(page.getByRole('link', { name: 'Second loop ticket' })).toBeVisible();
      // Reload, so the list is rendered by the server and hydrated, as after a bookmark.
      await page.reload();
      await hydrated(page);
      await page.getByRole('link', { name: 'Agents' }).click();
      await expect(page).toHaveURL(/\/agent\/admin\/agents$/);
      await expect(page.getByRole('heading', { name: 'Agents' })).toBeVisible();
      await page.goto(team.base + '/agent/tickets/1');
      await hydrated(page);
      await page.getByRole('link', { name: 'All' }).first().click();
      await expect(page).toHaveURL(/\/agent$/);
      await expect(page.getByRole('link', { name: 'First loop ticket' })).toBeVisible();
      expect(errors, `load ${i}`).toEqual([]);
      await context.close();
    }
  });
});
