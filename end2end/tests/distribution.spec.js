// Distribution: an admin has a department hand out its tickets in turn, with a
// capacity for one agent; tickets moved into it are given out, the history says how;
// an agent going away gives theirs back to the queue from their settings.
const { test, expect } = require('@playwright/test');
const { startDesk, signIn, postForm, hydrated } = require('./desk');

const ADMIN = { name: 'Mara Admin', email: 'mara@desk.example', password: 'a long password 123' };
const TIM = { name: 'Tim Agent', email: 'tim@desk.example', password: 'another long password 1' };

test('a department hands out tickets in turn and an agent going away gives theirs back', async ({ page, browser }) => {
  const desk = await startDesk();
  try {
    const token = new URL(desk.setup).searchParams.get('token');
    const setup = await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN });
    const cookie = setup.headers.get('set-cookie').split(';')[0];
    const tim = await (await postForm(desk.base, '/api/admin/add-agent', TIM, { cookie, accept: 'application/json' })).json();
    const dept = await (await postForm(desk.base, '/api/admin/department', { id: '0', name: 'Billing', leader: '', members: `1,${tim.id}` }, { cookie })).json();
    for (let i = 1; i <= 4; i++) {
      expect((await postForm(desk.base, '/api/portal/create', { name: 'Ana', email: 'ana@example.com', subject: `Invoice ${i}`, body: 'Twice charged.' })).status).toBe(200);
    }

    await signIn(page, desk.base, ADMIN.email, ADMIN.password);
    await page.getByRole('link', { name: 'Distribution' }).click();
    await expect(page.getByRole('heading', { name: 'Distribution', level: 1 })).toBeVisible();
    await page.getByLabel('Billing').selectOption('round-robin');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status')).toHaveText('Settings saved.');
    await expect(page.getByLabel('Billing')).toHaveValue('round-robin');

    // Moved into Billing: handed out in turn.
    for (let n = 1; n <= 4; n++) {
      expect((await postForm(desk.base, '/api/agent/change', { number: String(n), field: 'department', value: String(dept.id) }, { cookie })).status).toBe(200);
    }
    const assignee = async (n) => (await (await postForm(desk.base, '/api/agent/ticket', { number: String(n), show: '10' }, { cookie })).json()).summary.assignee;
    const given = await Promise.all([1, 2, 3, 4].map(assignee));
    expect(given.filter((a) => a === 1).length).toBe(2);
    expect(given.filter((a) => a === tim.id).length).toBe(2);
    await page.goto(desk.base + '/agent/tickets/1');
    await expect(page.locator('.history')).toContainText('Assigned by distribution: In turn (round-robin)');
    // The page shows the load.
    await page.goto(desk.base + '/agent/admin/distribution');
    await expect(page.locator('table.loads tr', { hasText: 'Tim Agent' })).toContainText('2');

    // Tim goes away and gives his tickets back.
    const ctx = await browser.newContext();
    const timPage = await ctx.newPage();
    await signIn(timPage, desk.base, TIM.email, TIM.password);
    await timPage.goto(desk.base + '/agent/settings');
    await hydrated(timPage);
    await timPage.getByLabel('Availability').selectOption('away');
    await timPage.getByLabel('give my New and Open tickets back').check();
    await timPage.locator('form.availability-form').getByRole('button', { name: 'Save settings' }).click();
    await expect(timPage.locator('form.availability-form').getByRole('status')).toHaveText('Saved. Tickets given back to the queue: 2.');
    const after = await Promise.all([1, 2, 3, 4].map(assignee));
    expect(after.filter((a) => a === tim.id).length).toBe(0);
    expect(after.filter((a) => a === null).length).toBe(2);
    await ctx.close();
  } finally {
    await desk.stop();
  }
});
