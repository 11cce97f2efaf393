// The inbox as a team lives in it: filters that narrow the list and its counts, sorts,
// saved views (own and shared) with counts that follow changes live, and changes made to
// many tickets at once, with the tickets an agent may not change left alone.
const { test, expect } = require('@playwright/test');
const { startDesk, hydrated, signIn, postForm } = require('./desk');

test.describe.configure({ mode: 'serial' });

const ADMIN = { name: 'Mara Admin', email: 'mara@desk.example', password: 'a long password 123' };
const TIM = { name: 'Tim', email: 'tim@desk.example', password: 'a long password 123' };

let desk;
let cookie;
let billing;

async function change(number, field, value, as = cookie) {
  const resp = await postForm(desk.base, '/api/agent/change', { number: String(number), field, value }, { cookie: as });
  expect(resp.status, `${field} of #${number}`).toBe(200);
}

test.beforeAll(async () => {
  desk = await startDesk();
  const token = new URL(desk.setup).searchParams.get('token');
  const setup = await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN });
  expect(setup.status).toBe(200);
  cookie = setup.headers.get('set-cookie').split(';')[0];
  expect((await postForm(desk.base, '/api/admin/add-agent', TIM, { cookie })).status).toBe(200);
  const dept = await postForm(desk.base, '/api/admin/department', { id: '0', name: 'Billing', leader: '', members: '1' }, { cookie });
  expect(dept.status).toBe(200);
  billing = (await dept.json()).id;
  const tickets = [
    ['Ana', 'ana@example.com', 'Printer on fire'],
    ['Iva', 'iva@example.com', 'Invoice twice'],
    ['Ana', 'ana@example.com', 'Password reset'],
    ['Bo', 'bo@example.com', 'Refund for order 77'],
  ];
  for (const [name, email, subject] of tickets) {
    const made = await postForm(desk.base, '/api/portal/create', { name, email, subject, body: `About: ${subject}` });
    expect(made.status).toBe(200);
  }
  await change(1, 'priority', 'urgent');
  await change(2, 'tags', 'vip');
  await change(4, 'department', String(billing));
});

test.afterAll(async () => {
  expect(await desk.stop()).toBe(0);
});

const rows = (page) => page.locator('table.tickets tbody tr');

test('filters narrow the list and its counts, and sorts order it', async ({ page }) => {
  await signIn(page, desk.base, ADMIN.email, ADMIN.password);
  await hydrated(page);
  await expect(rows(page)).toHaveCount(4);

  await page.getByLabel('Priority', { exact: true }).selectOption('urgent');
  await expect(page).toHaveURL(/priority=urgent/);
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText('Printer on fire');
  await expect(page.locator('.pager .count-total')).toHaveText('1 ticket');
  await expect(page.locator('.status-tabs')).toContainText('New 1');

  // The filter is in the address: a reload keeps it, and the form shows it.
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel('Priority', { exact: true })).toHaveValue('urgent');
  await expect(rows(page)).toHaveCount(1);

  await page.goto(desk.base + '/agent');
  await hydrated(page);
  await page.locator('summary', { hasText: 'More filters' }).click();
  await page.getByLabel('Tag').selectOption({ label: 'vip' });
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText('Invoice twice');

  await page.goto(desk.base + '/agent');
  await hydrated(page);
  await page.locator('summary', { hasText: 'More filters' }).click();
  await page.getByLabel("Requester's email").fill('ANA@example.com');
  await page.getByLabel("Requester's email").press('Enter');
  await expect(page).toHaveURL(/requester=ana%40example\.com/);
  await expect(rows(page)).toHaveCount(2);
  await expect(page.locator('table.tickets')).not.toContainText('Invoice twice');

  await page.goto(desk.base + `/agent?department=${billing}`);
  await hydrated(page);
  await expect(page.getByLabel('Department', { exact: true }).locator('option:checked')).toHaveText('Billing');
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText('Refund for order 77');

  // Sorts: by priority the urgent one leads; newest first the last one does.
  await page.goto(desk.base + '/agent');
  await hydrated(page);
  await page.getByLabel('Sort').selectOption('priority');
  await expect(page).toHaveURL(/sort=priority/);
  await expect(rows(page).first()).toContainText('Printer on fire');
  await page.getByLabel('Sort').selectOption('newest');
  await expect(rows(page).first()).toContainText('Refund for order 77');
  await expect(rows(page).first().locator('.col-assignee')).toHaveText('—');
});

test('a saved view is listed with a live count, shared with the team, and deleted', async ({ page, browser }) => {
  await signIn(page, desk.base, ADMIN.email, ADMIN.password);
  await page.goto(desk.base + '/agent?priority=urgent');
  await hydrated(page);
  await page.locator('summary', { hasText: 'Save as view' }).click();
  await page.getByLabel('View name').fill('Urgent ones');
  await page.getByLabel('Share with the team').check();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const sidebar = page.locator('nav.sidebar .saved-views');
  await expect(sidebar.getByRole('link', { name: /Urgent ones/ })).toContainText('1');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Urgent ones');

  // Another urgent ticket arrives and is marked: the count follows without a reload.
  const made = await postForm(desk.base, '/api/portal/create', { name: 'Zoe', email: 'zoe@example.com', subject: 'Server down', body: 'Everything is down.' });
  expect(made.status).toBe(200);
  await change(5, 'priority', 'urgent');
  await expect(sidebar.getByRole('link', { name: /Urgent ones/ })).toContainText('2');
  await expect(rows(page)).toHaveCount(2);

  // Tim sees the shared view, counted over what he may work (Billing is not his).
  const tim = await browser.newContext();
  const timPage = await tim.newPage();
  await signIn(timPage, desk.base, TIM.email, TIM.password);
  await hydrated(timPage);
  await expect(timPage.locator('nav.sidebar .saved-views')).toContainText('Urgent ones');
  await expect(timPage.locator('.pager .count-total')).toHaveText('4 tickets');
  // An agent cannot share a view: the option is not offered, and the server refuses.
  const timCookie = (await tim.cookies()).filter((c) => c.name === 'tessera_session').map((c) => `${c.name}=${c.value}`).join('');
  const shared = await postForm(desk.base, '/api/agent/view', { id: '0', name: 'Mine', query: 'assigned=mine', shared: '1' }, { cookie: timCookie });
  expect(shared.status).toBe(403);
  const own = await postForm(desk.base, '/api/agent/view', { id: '0', name: 'Mine', query: 'assigned=mine' }, { cookie: timCookie });
  expect(own.status).toBe(200);
  // Tim's own view is his alone.
  await page.reload();
  await hydrated(page);
  await expect(sidebar).not.toContainText('Mine');
  await tim.close();

  await page.getByRole('button', { name: 'Delete this view' }).click();
  await expect(page.locator('nav.sidebar')).not.toContainText('Urgent ones');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tickets');
});

test('changes to many tickets at once, and what an agent may not change is left alone', async ({ page }) => {
  await signIn(page, desk.base, ADMIN.email, ADMIN.password);
  await page.goto(desk.base + '/agent?sort=oldest');
  await hydrated(page);
  await page.getByLabel('Select #2').check();
  await page.getByLabel('Select #3').check();
  const bar = page.getByRole('region', { name: 'Change selected tickets' });
  await expect(bar).toContainText('2 selected');
  await bar.getByLabel('Set priority…').selectOption('high');
  await expect(page.locator('.bulk-outcome')).toHaveText('2 tickets changed.');
  await expect(rows(page).nth(1).locator('.col-priority')).toHaveText('High');
  await expect(rows(page).nth(2).locator('.col-priority')).toHaveText('High');
  await expect(bar).toHaveCount(0);

  await page.getByLabel('Select #3').check();
  await bar.getByLabel('Tag').fill('follow up');
  await bar.getByRole('button', { name: 'Add tag' }).click();
  await expect(page.locator('.bulk-outcome')).toHaveText('1 ticket changed.');
  await page.getByLabel('Select #3').check();
  await bar.getByLabel('Assign to…').selectOption({ label: 'Tim' });
  await expect(rows(page).nth(2).locator('.col-assignee')).toHaveText('Tim');

  // Spam leaves the list; the spam filter finds it.
  await page.getByLabel('Select #5').check();
  await bar.getByRole('button', { name: 'Mark as spam' }).click();
  await expect(page.locator('table.tickets')).not.toContainText('Server down');
  await page.goto(desk.base + '/agent?spam=1');
  await hydrated(page);
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText('Server down');

  // Select all on a page ticks every row.
  await page.goto(desk.base + '/agent');
  await hydrated(page);
  await page.getByLabel('Select all on this page').check();
  await expect(bar).toContainText('4 selected');
  await bar.getByRole('button', { name: 'Clear selection' }).click();
  await expect(bar).toHaveCount(0);

  // Tim is not in Billing: ticket 4 is refused, the rest changed.
  const setup = await postForm(desk.base, '/api/auth/sign-in', { email: TIM.email, password: TIM.password });
  const tim = setup.headers.get('set-cookie').split(';')[0];
  const resp = await postForm(desk.base, '/api/agent/bulk', { numbers: '1,4', field: 'status', value: 'open' }, { cookie: tim });
  expect(resp.status).toBe(200);
  expect(await resp.json()).toEqual({ changed: [1], refused: [4] });
  for (const fields of [{ numbers: '', field: 'status', value: 'open' }, { numbers: '1,x', field: 'status', value: 'open' }, { numbers: '1', field: 'status', value: 'sleeping' }, { numbers: '1', field: 'colour', value: 'red' }]) {
    expect((await postForm(desk.base, '/api/agent/bulk', fields, { cookie: tim })).status, JSON.stringify(fields)).toBe(422);
  }
  expect((await postForm(desk.base, '/api/agent/bulk', { numbers: '1', field: 'status', value: 'open' })).status).toBe(401);
});

test('tickets merge into another from the list, and both say so', async ({ page }) => {
  await signIn(page, desk.base, ADMIN.email, ADMIN.password);
  await page.goto(desk.base + '/agent?sort=oldest');
  await hydrated(page);
  await page.getByLabel('Select #2').check();
  await page.getByLabel('Select #3').check();
  const bar = page.getByRole('region', { name: 'Change selected tickets' });
  await bar.getByLabel('Into ticket number').fill('#2');
  await bar.getByRole('button', { name: 'Merge' }).click();
  await expect(page.locator('.bulk-outcome')).toHaveText('1 ticket changed.');
  await expect(rows(page).filter({ hasText: 'Password reset' }).locator('.badge')).toHaveText('Closed');

  await page.goto(desk.base + '/agent/tickets/3');
  await hydrated(page);
  await expect(page.getByRole('note')).toContainText('This ticket was merged into #2');
  await expect(page.locator('.history')).toContainText('Merged into #2');
  await page.getByRole('note').getByRole('link', { name: '#2' }).click();
  await expect(page).toHaveURL(/\/agent\/tickets\/2$/);
  await expect(page.locator('.conversation')).toContainText('About: Password reset');
  await expect(page.locator('.history')).toContainText('Merged in: #3');

  // A ticket cannot go into itself, nor twice.
  const again = await postForm(desk.base, '/api/agent/change', { number: '3', field: 'merge_into', value: '2' }, { cookie });
  expect(again.status).toBe(422);
  const self = await postForm(desk.base, '/api/agent/change', { number: '2', field: 'merge_into', value: '2' }, { cookie });
  expect(self.status).toBe(422);
  const junk = await postForm(desk.base, '/api/agent/change', { number: '2', field: 'merge_into', value: 'two' }, { cookie });
  expect(junk.status).toBe(422);
});

test('j and k on a ticket page open the next and previous ticket of the list', async ({ page }) => {
  await signIn(page, desk.base, ADMIN.email, ADMIN.password);
  await page.goto(desk.base + '/agent?sort=oldest');
  await hydrated(page);
  await expect(rows(page).first()).toContainText('Printer on fire');
  await rows(page).nth(1).getByRole('link').click();
  await expect(page).toHaveURL(/\/agent\/tickets\/2$/);
  await hydrated(page);
  await page.locator('body').press('j');
  await expect(page).toHaveURL(/\/agent\/tickets\/3$/);
  await page.locator('body').press('k');
  await expect(page).toHaveURL(/\/agent\/tickets\/2$/);
});
