// The ticket page's side panel: an agent sets priority, type, tags and assignee, snoozes
// the ticket, and finds every change in the ticket's history, after a reload too.
const { test, expect } = require('@playwright/test');
const { startDesk, hydrated, signIn, postForm } = require('./desk');

const ADMIN = { name: 'Mara Admin', email: 'mara@desk.example', password: 'a long password 123' };

test('fields change from the side panel and the history shows each change', async ({ page }) => {
  const desk = await startDesk();
  try {
    const token = new URL(desk.setup).searchParams.get('token');
    expect((await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN })).status).toBe(200);
    const created = await postForm(desk.base, '/api/portal/create', { name: 'Ana', email: 'ana@example.com', subject: 'Card declined', body: 'My card was declined twice.' });
    expect(created.status).toBe(200);

    await signIn(page, desk.base, ADMIN.email, ADMIN.password);
    await page.goto(desk.base + '/agent/tickets/1');
    await hydrated(page);
    const side = page.getByRole('complementary', { name: 'Ticket details' });
    const saved = async () => {
      await expect(side.getByRole('status')).toHaveText('Saved');
    };

    await side.getByLabel('Priority').selectOption('high');
    await saved();
    await side.getByLabel('Type').selectOption({ label: 'Billing' });
    await expect(side.getByLabel('Type')).toHaveValue(/\d+/);
    await side.getByLabel('Tags').fill('vip, card issue');
    await side.getByLabel('Tags').press('Tab');
    await expect(page.locator('.history')).toContainText('Tags: + vip, card issue');
    await side.getByLabel('CC', { exact: true }).fill('boss@example.com, not an address');
    await side.getByLabel('CC', { exact: true }).press('Tab');
    await expect(side.getByRole('alert')).toHaveText('This does not look like an email address.');
    await side.getByLabel('CC', { exact: true }).fill('Boss@Example.com');
    await side.getByLabel('CC', { exact: true }).press('Tab');
    await expect(page.locator('.history')).toContainText('CC: + boss@example.com');
    await side.getByRole('button', { name: 'Assign to me' }).click();
    await expect(side.getByLabel('Assignee')).toHaveValue(/\d+/);
    await expect(side.getByRole('button', { name: 'Assign to me' })).toHaveCount(0);
    // Postponing needs a time, so the status list does not offer it.
    await expect(side.getByLabel('Status').locator('option[value="postponed"]')).toBeDisabled();

    await page.reload();
    await hydrated(page);
    await expect(side.getByLabel('Priority')).toHaveValue('high');
    await expect(side.getByLabel('Tags')).toHaveValue('vip, card issue');
    await expect(side.getByLabel('Assignee').locator('option:checked')).toHaveText('Mara Admin');
    const history = page.locator('.history');
    await expect(history).toContainText('Priority: Normal → High');
    await expect(history).toContainText('Type: None → Billing');
    await expect(history).toContainText('Assignee: None → Mara Admin');
    await expect(history.locator('li').last()).toContainText('opened the ticket');

    // The inbox's server function narrows to the agent's own tickets, and to nobody's.
    await postForm(desk.base, '/api/portal/create', { name: 'Ivo', email: 'ivo@example.com', subject: 'Nobody has this yet', body: 'Hello.' });
    const cookie = (await page.context().cookies()).filter((c) => c.name === 'tessera_session').map((c) => `${c.name}=${c.value}`).join('');
    const subjects = async (assigned) => {
      const resp = await postForm(desk.base, '/api/agent/inbox', { query: `assigned=${assigned}&sort=oldest`, page: '0' }, { cookie });
      expect(resp.status).toBe(200);
      const body = await resp.json();
      return { subjects: body.tickets.map((t) => t.subject), total: body.total };
    };
    expect(await subjects('mine')).toEqual({ subjects: ['Card declined'], total: 1 });
    expect(await subjects('unassigned')).toEqual({ subjects: ['Nobody has this yet'], total: 1 });

    // Snooze it until tomorrow: it is Postponed, and says until when.
    await side.locator('summary', { hasText: 'Postpone' }).click();
    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
    const pad = (n) => String(n).padStart(2, '0');
    const local = `${tomorrow.getFullYear()}-${pad(tomorrow.getMonth() + 1)}-${pad(tomorrow.getDate())}T09:30`;
    await side.getByLabel('Reopens at').fill(local);
    await side.getByRole('button', { name: 'Postpone' }).click();
    await expect(side.getByLabel('Status')).toHaveValue('postponed');
    await expect(history).toContainText('Status: New → Postponed');
    await expect(side.getByText(/Postponed until/).first()).toBeVisible();

    // A time in the past is refused with a clear message.
    await side.getByLabel('Reopens at').fill('2020-01-01T09:00');
    await side.getByRole('button', { name: 'Postpone' }).click();
    await expect(side.getByRole('alert')).toHaveText('Choose a time in the future.');
  } finally {
    await desk.stop();
  }
});

test('changing a ticket needs a session and an agent who may work it', async () => {
  const desk = await startDesk();
  try {
    const resp = await postForm(desk.base, '/api/agent/change', { number: '1', field: 'priority', value: 'high' });
    expect(resp.status).toBe(401);
    // Signed in, a value the form could not have sent is invalid input: 422, not a fault.
    const token = new URL(desk.setup).searchParams.get('token');
    const setup = await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN });
    const cookie = setup.headers.get('set-cookie').split(';')[0];
    await postForm(desk.base, '/api/portal/create', { name: 'Ana', email: 'ana@example.com', subject: 'Hi', body: 'Hello.' });
    for (const [path, fields] of [
      ['/api/agent/change', { number: '1', field: 'priority', value: 'extreme' }],
      ['/api/agent/change', { number: '1', field: 'colour', value: 'red' }],
      ['/api/agent/status', { number: '1', status: 'sleeping' }],
      ['/api/admin/department', { id: '0', name: 'Billing', leader: 'x', members: '' }],
    ]) {
      expect((await postForm(desk.base, path, fields, { cookie })).status, path).toBe(422);
    }
  } finally {
    await desk.stop();
  }
});

test('departments: an admin makes one, routes a ticket to it, and only its people see it', async ({ page, browser }) => {
  const desk = await startDesk();
  try {
    const token = new URL(desk.setup).searchParams.get('token');
    const setup = await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN });
    const cookie = setup.headers.get('set-cookie').split(';')[0];
    for (const name of ['Lea', 'Tim']) {
      const added = await postForm(desk.base, '/api/admin/add-agent', { name, email: `${name.toLowerCase()}@desk.example`, password: 'a long password 123' }, { cookie });
      expect(added.status).toBe(200);
    }
    await postForm(desk.base, '/api/portal/create', { name: 'Ana', email: 'ana@example.com', subject: 'Refund please', body: 'Money back.' });

    await signIn(page, desk.base, ADMIN.email, ADMIN.password);
    await page.getByRole('link', { name: 'Departments' }).click();
    await expect(page.getByRole('heading', { name: 'Departments' })).toBeVisible();
    await hydrated(page);
    const form = page.getByRole('form', { name: 'Add a department' });
    await form.getByLabel('Name').fill('Billing');
    await form.getByLabel('Leader').selectOption({ label: 'Lea' });
    await form.getByLabel('Mara Admin').check();
    await form.getByRole('button', { name: 'Add a department' }).click();
    const billing = page.getByRole('form', { name: 'Billing' });
    await expect(billing.getByLabel('Leader').locator('option:checked')).toHaveText('Lea');
    await expect(billing.getByLabel('Mara Admin')).toBeChecked();
    await expect(billing.getByLabel('Tim')).not.toBeChecked();

    await page.goto(desk.base + '/agent/tickets/1');
    await hydrated(page);
    const side = page.getByRole('complementary', { name: 'Ticket details' });
    await side.getByLabel('Department').selectOption({ label: 'Billing' });
    await expect(page.locator('.history')).toContainText('Department: None → Billing');

    // Tim is not in Billing: the ticket is not in his list, and its page refuses him.
    const tim = await browser.newContext();
    const timPage = await tim.newPage();
    await signIn(timPage, desk.base, 'tim@desk.example', 'a long password 123');
    await expect(timPage.getByRole('heading', { name: 'Tickets' })).toBeVisible();
    await hydrated(timPage);
    await expect(timPage.locator('main')).not.toContainText('Refund please');
    await timPage.goto(desk.base + '/agent/tickets/1');
    await hydrated(timPage);
    await expect(timPage.getByText('You are not allowed to do that.')).toBeVisible();
    // Lea leads Billing: she sees it.
    const lea = await browser.newContext();
    const leaPage = await lea.newPage();
    await signIn(leaPage, desk.base, 'lea@desk.example', 'a long password 123');
    await expect(leaPage.locator('table.tickets')).toContainText('Refund please');
    await tim.close();
    await lea.close();
  } finally {
    await desk.stop();
  }
});

test('an agent sets a signature in their settings and it goes under their replies', async ({ page }) => {
  const desk = await startDesk();
  try {
    const token = new URL(desk.setup).searchParams.get('token');
    expect((await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN })).status).toBe(200);
    await postForm(desk.base, '/api/portal/create', { name: 'Ana', email: 'ana@example.com', subject: 'Hello', body: 'Hi.' });
    await signIn(page, desk.base, ADMIN.email, ADMIN.password);
    await page.goto(desk.base + '/agent/settings');
    await hydrated(page);
    await page.getByLabel('Signature').fill('Mara · Support');
    await page.locator('.profile-form').getByRole('button', { name: 'Save settings' }).click();
    await expect(page.locator('.profile-form [role=status]')).toHaveText('Settings saved.');
    await page.goto(desk.base + '/agent/tickets/1');
    await hydrated(page);
    await page.getByLabel('Message').fill('All sorted.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect(page.locator('.message.from-agent').last()).toContainText('All sorted.');
    await expect(page.locator('.message.from-agent').last()).toContainText('Mara · Support');
  } finally {
    await desk.stop();
  }
});
