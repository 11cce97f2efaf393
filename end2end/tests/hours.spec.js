// Business hours: an admin builds a calendar on its page (weekly hours, holidays typed
// and pasted from an iCal file), makes it the desk's default, and the portal tells
// customers whether the desk is open now, or when it opens again.
const { test, expect } = require('@playwright/test');
const { startDesk, signIn, postForm, hydrated } = require('./desk');

const ADMIN = { name: 'Mara Admin', email: 'mara@desk.example', password: 'a long password 123' };
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

test('an admin sets business hours and the portal says whether the desk is open', async ({ page, browser }) => {
  const desk = await startDesk();
  try {
    const token = new URL(desk.setup).searchParams.get('token');
    expect((await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN })).status).toBe(200);
    // A panic in the browser (a hydration mismatch) would leave the page dead.
    const panics = [];
    page.on('console', (m) => { if (m.text().includes('panicked')) panics.push(m.text()); });
    await signIn(page, desk.base, ADMIN.email, ADMIN.password);
    await page.getByRole('link', { name: 'Business hours' }).click();
    await expect(page.getByRole('heading', { name: 'Business hours', level: 1 })).toBeVisible();

    // Open every day, all day, in UTC; one holiday line is wrong at first.
    const form = page.locator('#calendar-new');
    await form.getByLabel('Name').fill('Office');
    await form.getByLabel('Time zone').fill('UTC');
    for (const day of DAYS) await form.getByLabel(day).fill('00:00-24:00');
    await form.getByLabel('Holidays', { exact: true }).fill('2030-12-25 yearly Christmas\nnot a date');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.locator('#calendar-new').getByRole('alert')).toContainText('do not start with a date');
    // What was typed is still there.
    await expect(page.locator('#calendar-new').getByLabel('Monday')).toHaveValue('00:00-24:00');
    await page.locator('#calendar-new').getByLabel('Holidays', { exact: true }).fill('2030-12-25 yearly Christmas');
    await page.locator('#calendar-new').getByLabel('Add holidays from an iCal file').fill(
      'BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20310101\nSUMMARY:New Year\nRRULE:FREQ=YEARLY\nEND:VEVENT\nEND:VCALENDAR\n');
    await page.locator('#calendar-new').getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status').first()).toHaveText('Settings saved.');
    const office = page.locator('section.calendar').filter({ hasText: 'Office' }).first();
    await expect(office.getByLabel('Holidays', { exact: true })).toHaveValue('2030-12-25 yearly Christmas\n2031-01-01 yearly New Year');

    // The desk's default; the portal says it is open.
    await page.getByLabel("The desk's default").selectOption({ label: 'Office' });
    await page.locator('form').filter({ has: page.getByLabel("The desk's default") }).getByRole('button', { name: 'Save settings' }).click();
    await expect(page.locator('section.calendar small.badge')).toHaveText("the desk's default");
    const customer = await browser.newPage();
    customer.on('console', (m) => { if (m.text().includes('panicked')) panics.push(m.text()); });
    await customer.goto(desk.base + '/');
    await hydrated(customer);
    await expect(customer.locator('details.hours summary')).toHaveText('We are open now');

    // Hours twelve hours away from now, every day: closed now, opening at that hour.
    const at = (new Date().getUTCHours() + 12) % 24;
    const hh = String(at).padStart(2, '0');
    for (const day of DAYS) await office.getByLabel(day).fill(`${hh}:00-${hh}:30`);
    await office.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status').first()).toHaveText('Settings saved.');
    await customer.reload();
    await expect(customer.locator('details.hours summary')).toContainText(`We open again:`);
    await expect(customer.locator('details.hours summary')).toContainText(`${hh}:00`);
    await customer.locator('details.hours summary').click();
    await expect(customer.locator('.hours-week')).toContainText(`${hh}:00–${hh}:30`);
    // The same in Greek.
    await customer.goto(desk.base + '/lang/el?next=/');
    await expect(customer.locator('details.hours summary')).toContainText('Ανοίγουμε ξανά');

    // Only admins.
    const anon = await fetch(desk.base + '/agent/admin/hours', { redirect: 'manual' });
    expect(anon.status).toBe(303);
    expect(panics).toEqual([]);
  } finally {
    await desk.stop();
  }
});

test('a customer choosing a team sees its hours, and the ticket goes to it', async ({ page, browser }) => {
  const desk = await startDesk();
  try {
    const token = new URL(desk.setup).searchParams.get('token');
    const setup = await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN });
    const cookie = setup.headers.get('set-cookie').split(';')[0];
    await postForm(desk.base, '/api/admin/department', { id: '0', name: 'Night shift', leader: '', members: '1' }, { cookie });
    await signIn(page, desk.base, ADMIN.email, ADMIN.password);
    await page.goto(desk.base + '/agent/admin/hours');
    // The desk is open all day; the night shift twelve hours from now.
    const at = (new Date().getUTCHours() + 12) % 24;
    const hh = String(at).padStart(2, '0');
    for (const [name, hours] of [['Always', '00:00-24:00'], ['Nights', `${hh}:00-${hh}:30`]]) {
      const form = page.locator('#calendar-new');
      await form.getByLabel('Name').fill(name);
      await form.getByLabel('Time zone').fill('UTC');
      for (const day of DAYS) await form.getByLabel(day).fill(hours);
      await form.getByRole('button', { name: 'Save settings' }).click();
      await expect(page.getByRole('status').first()).toHaveText('Settings saved.');
    }
    await page.getByLabel("The desk's default").selectOption({ label: 'Always' });
    await page.getByLabel('Night shift').selectOption({ label: 'Nights' });
    await page.locator('form').filter({ has: page.getByLabel("The desk's default") }).getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status').first()).toHaveText('Settings saved.');

    const customer = await browser.newPage();
    const panics = [];
    customer.on('console', (m) => { if (m.text().includes('panicked')) panics.push(m.text()); });
    await customer.goto(desk.base + '/');
    await hydrated(customer);
    await expect(customer.locator('details.hours summary')).toHaveText('We are open now');
    await customer.getByLabel('Team (optional)').selectOption({ label: 'Night shift' });
    await expect(customer.locator('details.hours summary')).toContainText(`${hh}:00`);
    await customer.getByLabel('Team (optional)').selectOption({ label: 'Whoever can help' });
    await expect(customer.locator('details.hours summary')).toHaveText('We are open now');
    await customer.getByLabel('Team (optional)').selectOption({ label: 'Night shift' });
    await customer.getByLabel('Your name').fill('Ana');
    await customer.getByLabel('Email address').fill('ana@example.com');
    await customer.getByLabel('Subject').fill('At night');
    await customer.getByLabel('Message').fill('Who is there?');
    await customer.getByRole('button', { name: 'Send request' }).click();
    await expect(customer.getByRole('heading', { name: 'Thank you — we have your request' })).toBeVisible();
    await page.goto(desk.base + '/agent/tickets/1');
    await hydrated(page);
    await expect(page.getByRole('complementary', { name: 'Ticket details' }).getByLabel('Department')).toHaveValue(/\d+/);
    await expect(page.locator('section.history')).toContainText('Night shift');
    expect(panics).toEqual([]);
  } finally {
    await desk.stop();
  }
});
