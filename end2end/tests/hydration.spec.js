// The page is server-rendered; controls that need the wasm stay inert without it, which
// shows the other tests really exercise the hydrated app.
const { test, expect } = require('@playwright/test');
const { startDesk, hydrated } = require('./desk');

let desk;
test.beforeAll(async () => { desk = await startDesk(); });
test.afterAll(async () => { await desk?.stop(); });

test('the portal renders without wasm but only hydrates with it', async ({ page, browser }) => {
  await page.goto(desk.base + '/');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'How can we help?' })).toBeVisible();

  const context = await browser.newContext();
  const bare = await context.newPage();
  await bare.route('**/*.wasm', (route) => route.abort());
  await bare.goto(desk.base + '/');
  await expect(bare.getByRole('heading', { name: 'How can we help?' })).toBeVisible();
  await bare.waitForTimeout(1000);
  await expect(bare.locator('body[data-hydrated="true"]')).toHaveCount(0);
  await context.close();
});
