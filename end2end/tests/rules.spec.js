// Rules: an admin builds business hours, a service level and a rule in the browser; a
// rule with a wrong value is refused with the reason; the dry run on a ticket shows each
// condition and what would change, and changes nothing; the rule then fires on the
// ticket, whose history says why, beside its service-level countdown. A rule's webhook
// reaches a server with the ticket as JSON.
const http = require('http');
const { test, expect } = require('@playwright/test');
const { startDesk, signIn, postForm, hydrated } = require('./desk');
const { freePort } = require('./smtp');

const ADMIN = { name: 'Mara Admin', email: 'mara@desk.example', password: 'a long password 123' };
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

async function setUp(desk) {
  const token = new URL(desk.setup).searchParams.get('token');
  expect((await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN })).status).toBe(200);
}

test('an admin builds hours, a service level and a rule, tries it, and the ticket shows why it fired', async ({ page }) => {
  const desk = await startDesk();
  try {
    await setUp(desk);
    const made = await postForm(desk.base, '/api/portal/create', { name: 'Ana', email: 'ana@example.com', subject: 'Refund for order 7', body: 'Charged twice.' });
    expect(made.status).toBe(200);
    const panics = [];
    page.on('console', (m) => { if (m.text().includes('panicked')) panics.push(m.text()); });
    await signIn(page, desk.base, ADMIN.email, ADMIN.password);

    // Business hours: every day, all day, the desk's default.
    await page.getByRole('link', { name: 'Business hours' }).click();
    const cal = page.locator('#calendar-new');
    await cal.getByLabel('Name').fill('Always');
    await cal.getByLabel('Time zone').fill('UTC');
    for (const day of DAYS) await cal.getByLabel(day).fill('00:00-24:00');
    await cal.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status').first()).toHaveText('Settings saved.');
    await page.getByLabel("The desk's default").selectOption({ label: 'Always' });
    await page.locator('form').filter({ has: page.getByLabel("The desk's default") }).getByRole('button', { name: 'Save settings' }).click();

    // A service level for every ticket.
    await page.getByRole('link', { name: 'Service levels' }).click();
    const policy = page.locator('#policy-new');
    await policy.getByLabel('Name').fill('Standard');
    await policy.getByLabel('First response').fill('2h');
    await policy.getByLabel('Resolution').fill('1d');
    await policy.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status').first()).toHaveText('Settings saved.');

    // Escalation starts from the service-levels page: a rule on the breach.
    await page.getByRole('link', { name: 'Service level breached' }).click();
    await expect(page.getByLabel('When')).toHaveValue('sla-breached');

    // A rule; first with a department that does not exist.
    await page.goto(desk.base + '/agent/admin/rules');
    await expect(page.getByRole('heading', { name: 'Rules', level: 1 })).toBeVisible();
    await expect(page.getByText('No rules yet.')).toBeVisible();
    await page.getByRole('link', { name: 'New rule' }).click();
    await page.getByLabel('Name').fill('Refunds first');
    await page.getByLabel('When').selectOption({ label: 'Ticket updated' });
    const conditions = page.locator('fieldset').filter({ hasText: 'Conditions' }).locator('tbody tr');
    await conditions.nth(0).getByLabel('Field').selectOption({ label: 'Subject' });
    await conditions.nth(0).getByLabel('Test').selectOption({ label: 'contains' });
    await conditions.nth(0).getByLabel('Value').fill('refund');
    await conditions.nth(1).getByLabel('Field').selectOption({ label: 'Department' });
    await conditions.nth(1).getByLabel('Value').fill('Nowhere');
    const actions = page.locator('fieldset').filter({ hasText: 'Actions' }).locator('tbody tr');
    await actions.nth(0).getByLabel('Action 1', { exact: true }).selectOption({ label: 'Set priority' });
    // Typed as the page words it ("High"), kept as the priority.
    await actions.nth(0).getByLabel('Value').fill('High');
    await actions.nth(1).getByLabel('Action 2', { exact: true }).selectOption({ label: 'Add tag' });
    await actions.nth(1).getByLabel('Value').fill('refund');
    await page.getByRole('button', { name: 'Save the rule' }).click();
    await expect(page.getByRole('alert')).toContainText('not one the field knows');
    // What was typed stays; the wrong row goes.
    await expect(page.getByLabel('Name')).toHaveValue('Refunds first');
    await conditions.nth(1).getByLabel('Field').selectOption({ label: '—' });
    await page.getByRole('button', { name: 'Save the rule' }).click();
    await expect(page.getByRole('status').first()).toHaveText('Settings saved.');

    // Dry run on ticket 1: both conditions... the one there holds; it would raise the
    // priority and tag it, and nothing changes.
    await page.getByLabel('Ticket number').fill('1');
    await page.getByRole('button', { name: 'Try' }).click();
    const result = page.locator('.dry-result');
    await expect(result).toContainText('the rule would fire.');
    await expect(result.locator('tr', { hasText: 'Subject' })).toContainText('Refund for order 7');
    await expect(result.locator('tr', { hasText: 'Subject' })).toContainText('holds');
    await expect(result.locator('.effects')).toContainText('Set priority: Normal → High');
    await expect(result.locator('.effects')).toContainText('Add tag: refund');
    await page.getByLabel('Ticket number').fill('99');
    await page.getByRole('button', { name: 'Try' }).click();
    await expect(page.getByRole('alert')).toHaveText('There is no ticket with that number.');

    // Nothing changed: the ticket is still Normal, with its countdown.
    await page.goto(desk.base + '/agent/tickets/1');
    await hydrated(page);
    const side = page.getByRole('complementary', { name: 'Ticket details' });
    await expect(side.getByLabel('Priority')).toHaveValue('normal');
    await expect(page.locator('section.sla h2')).toContainText('Standard');
    await expect(page.locator('section.sla tr', { hasText: 'First response' })).toContainText(/Due in 1 h 5\d min|Due in 2 h 0 min/);
    // An update wakes the rule: the priority rises, and the history says why.
    await side.getByLabel('Status').selectOption('open');
    await expect(side.getByLabel('Priority')).toHaveValue('high', { timeout: 10_000 });
    const history = page.locator('section.history');
    await expect(history).toContainText('rule “Refunds first” (Ticket updated) because Subject contains refund');
    await expect(history).toContainText('Set priority: Normal → High');
    const change = history.locator('li').filter({ has: page.locator('.what', { hasText: /^Priority: Normal → High$/ }) });
    await expect(change.locator('.who')).toHaveText('Refunds first');

    // The trace is worded in the reader's language.
    await page.goto(desk.base + '/lang/el?next=/agent/tickets/1');
    await hydrated(page);
    await expect(page.locator('section.history')).toContainText('κανόνας «Refunds first» (Το αίτημα ενημερώθηκε) επειδή');
    await page.goto(desk.base + '/lang/en?next=/agent/tickets/1');

    // The inbox sorted by the nearest due lists it, with its due time running.
    await page.goto(desk.base + '/agent?sort=due');
    await hydrated(page);
    await expect(page.getByLabel('Sort')).toHaveValue('due');
    await expect(page.locator('table.tickets tbody tr').first()).toContainText('Refund for order 7');

    // Only admins see the rules.
    const anon = await fetch(desk.base + '/agent/admin/rules', { redirect: 'manual' });
    expect(anon.status).toBe(303);
    expect(panics).toEqual([]);
  } finally {
    await desk.stop();
  }
});

test("a rule's webhook posts the ticket to a server", async ({ page }) => {
  const port = await freePort();
  const received = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push({ path: req.url, type: req.headers['content-type'], body: JSON.parse(body) });
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  const desk = await startDesk();
  try {
    await setUp(desk);
    await signIn(page, desk.base, ADMIN.email, ADMIN.password);
    await page.goto(desk.base + '/agent/admin/rules/new');
    await page.getByLabel('Name').fill('Tell the CRM');
    await page.getByLabel('When').selectOption({ label: 'Ticket created' });
    const actions = page.locator('fieldset').filter({ hasText: 'Actions' }).locator('tbody tr');
    await actions.nth(0).getByLabel('Action 1', { exact: true }).selectOption({ label: 'Call a webhook URL' });
    await actions.nth(0).getByLabel('Value').fill(`http://127.0.0.1:${port}/hooks/tessera?x=1`);
    await page.getByRole('button', { name: 'Save the rule' }).click();
    await expect(page.getByRole('status').first()).toHaveText('Settings saved.');

    const made = await postForm(desk.base, '/api/portal/create', { name: 'Ana', email: 'ana@example.com', subject: 'Where is my order?', body: 'Order 7.' });
    expect(made.status).toBe(200);
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(1);
    expect(received[0].path).toBe('/hooks/tessera?x=1');
    expect(received[0].type).toBe('application/json');
    expect(received[0].body.event).toBe('created');
    expect(received[0].body.rule.name).toBe('Tell the CRM');
    expect(received[0].body.ticket.subject).toBe('Where is my order?');
    expect(received[0].body.ticket.customer.email).toBe('ana@example.com');
  } finally {
    await desk.stop();
    server.close();
  }
});

test('goals set by an admin show on the dashboard with the period\'s figure', async ({ page }) => {
  const desk = await startDesk();
  try {
    await setUp(desk);
    expect((await postForm(desk.base, '/api/portal/create', { name: 'Ana', email: 'ana@example.com', subject: 'Invoice', body: 'Wrong total.' })).status).toBe(200);
    await signIn(page, desk.base, ADMIN.email, ADMIN.password);
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
    await expect(page.getByText('No goals yet.')).toBeVisible();
    await page.getByRole('link', { name: 'Set goals' }).click();
    const form = page.locator('#goal-new');
    await form.getByLabel('Name').fill('Quick answers');
    await form.getByLabel('Measure').selectOption({ label: 'First response' });
    await form.getByLabel('Within (business time)').fill('soon');
    await form.getByRole('button', { name: 'Save the goal' }).click();
    await expect(page.locator('#goal-new').getByRole('alert')).toContainText('30m, 4h or 1d 4h');
    await page.locator('#goal-new').getByLabel('Within (business time)').fill('1h');
    await page.locator('#goal-new').getByLabel('Share of tickets (%)').fill('95');
    await page.locator('#goal-new').getByRole('button', { name: 'Save the goal' }).click();
    await expect(page.getByRole('status').first()).toHaveText('Settings saved.');
    await expect(page.locator('section.card h2').first()).toHaveText('Quick answers');

    // Nothing counts until the ticket is answered (or an hour passes).
    await page.goto(desk.base + '/agent/dashboard');
    const tile = page.locator('li.tile', { hasText: 'Quick answers' });
    await expect(tile.locator('.goal')).toHaveText('95 % of tickets answered within 1h');
    await expect(tile.locator('.state')).toHaveText('No ticket counts yet');
    await page.goto(desk.base + '/agent/tickets/1');
    await hydrated(page);
    await page.getByLabel('Message').fill('We are on it.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect(page.locator('.message.from-agent')).toContainText('We are on it.');
    await page.goto(desk.base + '/agent/dashboard?days=7');
    await expect(page.getByLabel('Period')).toHaveValue('7');
    await expect(tile.locator('.figure')).toHaveText('100 %');
    await expect(tile.locator('.counts')).toHaveText('1 of 1 ticket');
    await expect(tile.locator('.state')).toHaveText('On track');
  } finally {
    await desk.stop();
  }
});
