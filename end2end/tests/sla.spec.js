// Service levels: an admin writes a policy on its page (conditions, targets in business
// time), a wrong target is refused with the reason; a ticket the policy matches shows
// its clocks counting down, a waiting ticket's clocks stand still, and an answer in
// time is met. Policies apply in order.
const { test, expect } = require('@playwright/test');
const { startDesk, signIn, postForm, hydrated } = require('./desk');

const ADMIN = { name: 'Mara Admin', email: 'mara@desk.example', password: 'a long password 123' };

test('an admin sets a service level and a ticket shows its countdown', async ({ page }) => {
  const desk = await startDesk();
  try {
    const token = new URL(desk.setup).searchParams.get('token');
    const setup = await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN });
    const cookie = setup.headers.get('set-cookie').split(';')[0];
    const made = await postForm(desk.base, '/api/portal/create', { name: 'Ana', email: 'ana@example.com', subject: 'Printer jams', body: 'Page two jams.' });
    expect(made.status).toBe(200);

    // A panic in the browser (a hydration mismatch) would leave the page dead.
    const panics = [];
    page.on('console', (m) => { if (m.text().includes('panicked')) panics.push(m.text()); });
    await signIn(page, desk.base, ADMIN.email, ADMIN.password);
    await page.getByRole('link', { name: 'Service levels' }).click();
    await expect(page.getByRole('heading', { name: 'Service levels', level: 1 })).toBeVisible();
    await expect(page.getByText('No policy yet')).toBeVisible();
    const form = page.locator('#policy-new');
    await form.getByLabel('Name').fill('Urgent');
    await form.getByLabel('First response').fill('soon');
    await form.getByRole('checkbox', { name: 'Urgent' }).check();
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.locator('#policy-new').getByRole('alert')).toContainText('30m, 4h or 1d 4h');
    // What was typed stays.
    await expect(page.locator('#policy-new').getByLabel('Name')).toHaveValue('Urgent');
    await expect(page.locator('#policy-new').getByRole('checkbox', { name: 'Urgent' })).toBeChecked();
    await page.locator('#policy-new').getByLabel('First response').fill('15m');
    await page.locator('#policy-new').getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status').first()).toHaveText('Settings saved.');

    // A second policy for everything else, after the first.
    await page.locator('#policy-new').getByLabel('Name').fill('Standard');
    await page.locator('#policy-new').getByLabel('First response').fill('2h');
    await page.locator('#policy-new').getByLabel('Next response').fill('4h');
    await page.locator('#policy-new').getByLabel('Resolution').fill('1d');
    await page.locator('#policy-new').getByRole('button', { name: 'Save settings' }).click();
    await expect(page.locator('section.policy h2').first()).toContainText('1. Urgent');
    await expect(page.locator('section.policy h2').nth(1)).toContainText('2. Standard');

    // The ticket (normal priority, every hour counts: no calendar) is Standard's.
    await page.goto(desk.base + '/agent/tickets/1');
    await hydrated(page);
    const side = page.getByRole('complementary', { name: 'Ticket details' });
    const sla = page.locator('section.sla');
    await expect(sla.getByRole('heading')).toContainText('Standard');
    await expect(sla.locator('tr', { hasText: 'First response' })).toContainText(/Due in 1 h 5\d min|Due in 2 h 0 min/);
    await expect(sla.locator('tr', { hasText: 'Resolution' })).toContainText('Due in 23 h');
    // Urgent, it is the first policy's: fifteen minutes.
    await side.getByLabel('Priority').selectOption('urgent');
    await expect(page.locator('section.sla h2')).toContainText('Urgent', { timeout: 10_000 });
    await expect(page.locator('section.sla tr', { hasText: 'First response' })).toContainText(/Due in 1\d min/);
    // Waiting on the customer: the clocks stand still.
    await side.getByLabel('Status').selectOption('pending');
    await expect(page.locator('section.sla tr', { hasText: 'First response' })).toHaveText(/Paused while waiting/, { timeout: 10_000 });
    // Answered: met.
    await side.getByLabel('Status').selectOption('open');
    await page.getByLabel('Message').fill('On it.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect(page.locator('section.sla tr', { hasText: 'First response' })).toHaveText(/Met/, { timeout: 10_000 });

    // Only admins write policies.
    const anon = await fetch(desk.base + '/agent/admin/sla', { redirect: 'manual' });
    expect(anon.status).toBe(303);
    void cookie;
    expect(panics).toEqual([]);
  } finally {
    await desk.stop();
  }
});
