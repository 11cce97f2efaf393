// Canned responses: an administrator shares one, an agent keeps their own, and the reply
// box inserts one by `#` and part of its title, with the ticket's placeholders filled.
const { test, expect } = require('@playwright/test');
const { startDesk, hydrated, signIn, postForm } = require('./desk');

const ADMIN = { name: 'Mara Admin', email: 'mara@desk.example', password: 'a long password 123' };
const TIM = { name: 'Tim', email: 'tim@desk.example', password: 'a long password 123' };

test('a shared canned response is inserted with # and its placeholders filled', async ({ page, browser }) => {
  const desk = await startDesk();
  try {
    const token = new URL(desk.setup).searchParams.get('token');
    const setup = await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN });
    const cookie = setup.headers.get('set-cookie').split(';')[0];
    expect((await postForm(desk.base, '/api/admin/add-agent', TIM, { cookie })).status).toBe(200);
    await postForm(desk.base, '/api/portal/create', { name: 'Ana Kovač', email: 'ana@example.com', subject: 'Where is my refund?', body: 'Ordered in May.' });

    await signIn(page, desk.base, ADMIN.email, ADMIN.password);
    await page.getByRole('link', { name: 'Canned responses' }).click();
    await expect(page.getByRole('heading', { name: 'Canned responses' })).toBeVisible();
    await hydrated(page);
    const form = page.getByRole('form', { name: 'Add a canned response' });
    await form.getByLabel('Title').fill('Refund steps');
    await form.getByLabel('Text').fill('Hello {{customer.name}}, about #{{ticket.number}}: refunds take three days. {{agent.name}}');
    await form.getByLabel('Shared with the team').check();
    await form.getByRole('button', { name: 'Add a canned response' }).click();
    await expect(page.getByRole('form', { name: 'Refund steps' })).toBeVisible();
    // A title is needed.
    await form.getByLabel('Text').fill('No title');
    await form.getByRole('button', { name: 'Add a canned response' }).click();
    await expect(page.getByRole('alert')).toHaveText('Give it a title of at most 100 characters.');

    await page.goto(desk.base + '/agent/tickets/1');
    await hydrated(page);
    const box = page.getByLabel('Message');
    await box.fill('');
    await box.pressSequentially('Thanks. #ref');
    const picker = page.getByRole('listbox', { name: 'Canned responses' });
    await expect(picker.getByRole('option')).toHaveCount(1);
    await expect(picker.getByRole('option').first()).toContainText('Refund steps');
    await box.press('Enter');
    await expect(picker).toHaveCount(0);
    await expect(box).toHaveValue('Thanks. Hello Ana Kovač, about #1: refunds take three days. Mara Admin');
    // A ticket number after # matches nothing and is left as typed.
    await box.pressSequentially(' See #1042');
    await expect(picker).toHaveCount(0);
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect(page.locator('.message.from-agent').last()).toContainText('refunds take three days. Mara Admin See #1042');

    // Tim uses the shared one but cannot change it, keeps his own, and cannot share.
    const tim = await browser.newContext();
    const timPage = await tim.newPage();
    await signIn(timPage, desk.base, TIM.email, TIM.password);
    await timPage.goto(desk.base + '/agent/canned');
    await hydrated(timPage);
    const shared = timPage.getByRole('form', { name: 'Refund steps' });
    await expect(shared.getByText('Shared by an administrator: only administrators change it.')).toBeVisible();
    await expect(shared.getByRole('button')).toHaveCount(0);
    await expect(timPage.getByLabel('Shared with the team')).toHaveCount(0);
    const timCookie = (await tim.cookies()).filter((c) => c.name === 'tessera_session').map((c) => `${c.name}=${c.value}`).join('');
    const refused = await postForm(desk.base, '/api/agent/canned-save', { id: '0', title: 'Team', body: 'Text', shared: '1' }, { cookie: timCookie });
    expect(refused.status).toBe(403);
    const own = timPage.getByRole('form', { name: 'Add a canned response' });
    await own.getByLabel('Title').fill('My sign-off');
    await own.getByLabel('Text').fill('Best, {{agent.name}}');
    await own.getByRole('button', { name: 'Add a canned response' }).click();
    await expect(timPage.getByRole('form', { name: 'My sign-off' })).toBeVisible();
    await tim.close();
    // Tim's own response is not Mara's.
    await page.goto(desk.base + '/agent/canned');
    await hydrated(page);
    await expect(page.getByRole('form', { name: 'My sign-off' })).toHaveCount(0);
  } finally {
    await desk.stop();
  }
});
