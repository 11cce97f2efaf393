// The desk's settings page: an administrator sets when resolved tickets close, adds and
// renames ticket types, renames and merges tags; an agent may do none of it.
const { test, expect } = require('@playwright/test');
const { startDesk, hydrated, signIn, postForm } = require('./desk');

const ADMIN = { name: 'Mara Admin', email: 'mara@desk.example', password: 'a long password 123' };
const TIM = { name: 'Tim', email: 'tim@desk.example', password: 'a long password 123' };

test('types, tags and auto-close days are arranged on the desk settings page', async ({ page }) => {
  const desk = await startDesk();
  try {
    const token = new URL(desk.setup).searchParams.get('token');
    const setup = await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN });
    const cookie = setup.headers.get('set-cookie').split(';')[0];
    expect((await postForm(desk.base, '/api/admin/add-agent', TIM, { cookie })).status).toBe(200);
    await postForm(desk.base, '/api/portal/create', { name: 'Ana', email: 'ana@example.com', subject: 'Tagged one', body: 'Hello.' });
    await postForm(desk.base, '/api/agent/change', { number: '1', field: 'tags', value: 'vip, urgentish' }, { cookie });

    await signIn(page, desk.base, ADMIN.email, ADMIN.password);
    await page.getByRole('link', { name: 'Desk settings' }).click();
    await expect(page.getByRole('heading', { name: 'Desk settings', level: 1 })).toBeVisible();
    await hydrated(page);

    const days = page.getByLabel('Days before a resolved ticket closes (1–365)');
    await expect(days).toHaveValue('7');
    await days.fill('0');
    await days.press('Enter');
    await expect(page.getByRole('alert')).not.toBeEmpty();
    await days.fill('3');
    await days.press('Enter');
    await expect(page.getByRole('status')).toHaveText('Saved');
    await page.reload();
    await hydrated(page);
    await expect(page.getByLabel('Days before a resolved ticket closes (1–365)')).toHaveValue('3');

    await page.getByLabel('New type').fill('Returns');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByLabel('Returns', { exact: true })).toBeVisible();
    await page.getByLabel('Sales', { exact: true }).fill('Presales');
    await page.getByLabel('Sales', { exact: true }).press('Enter');
    await expect(page.getByLabel('Presales', { exact: true })).toBeVisible();

    await page.getByLabel('vip', { exact: true }).fill('gold');
    await page.getByLabel('vip', { exact: true }).press('Enter');
    await expect(page.getByLabel('gold', { exact: true })).toBeVisible();
    await page.getByLabel('urgentish — Merge into').selectOption({ label: 'gold' });
    await page.locator('.tag-row').filter({ has: page.getByLabel('urgentish', { exact: true }) }).getByRole('button', { name: 'Merge' }).click();
    await expect(page.locator('.desk-setup')).not.toContainText('urgentish');

    await page.goto(desk.base + '/agent/tickets/1');
    await hydrated(page);
    const side = page.getByRole('complementary', { name: 'Ticket details' });
    await expect(side.getByLabel('Tags')).toHaveValue('gold');
    await expect(side.getByLabel('Type').locator('option', { hasText: 'Returns' })).toHaveCount(1);
    await expect(side.getByLabel('Type').locator('option', { hasText: 'Presales' })).toHaveCount(1);

    // An agent may not.
    const tim = (await postForm(desk.base, '/api/auth/sign-in', { email: TIM.email, password: TIM.password })).headers.get('set-cookie').split(';')[0];
    expect((await postForm(desk.base, '/api/admin/desk', {}, { cookie: tim })).status).toBe(403);
    expect((await postForm(desk.base, '/api/admin/desk-change', { what: 'auto_close', id: '0', value: '30' }, { cookie: tim })).status).toBe(403);
    expect((await postForm(desk.base, '/api/admin/desk-change', { what: 'colour', id: '0', value: 'x' }, { cookie })).status).toBe(422);
  } finally {
    await desk.stop();
  }
});
