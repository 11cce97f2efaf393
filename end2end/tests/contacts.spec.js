// A contact page: reached from a ticket, it keeps the customer's details and lists their
// tickets; merging a duplicate brings its tickets along.
const { test, expect } = require('@playwright/test');
const { startDesk, hydrated, signIn, postForm } = require('./desk');

const ADMIN = { name: 'Mara Admin', email: 'mara@desk.example', password: 'a long password 123' };

test('a contact keeps details, lists tickets, and a duplicate merges into it', async ({ page }) => {
  const desk = await startDesk();
  try {
    const token = new URL(desk.setup).searchParams.get('token');
    const setup = await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN });
    expect(setup.status).toBe(200);
    await postForm(desk.base, '/api/portal/create', { name: 'Ana Kovač', email: 'ana@example.com', subject: 'Printer jam', body: 'Paper stuck.' });
    await postForm(desk.base, '/api/portal/create', { name: 'A. Kovač', email: 'ana.k@example.net', subject: 'Toner empty', body: 'No toner.' });

    await signIn(page, desk.base, ADMIN.email, ADMIN.password);
    await page.goto(desk.base + '/agent/tickets/1');
    await hydrated(page);
    await page.getByRole('link', { name: 'Ana Kovač' }).click();
    await expect(page).toHaveURL(/\/agent\/contacts\/\d+$/);
    await expect(page.getByRole('heading', { name: 'Ana Kovač', level: 1 })).toBeVisible();
    await hydrated(page);
    const form = page.getByRole('form', { name: 'Contact details' });
    await form.getByLabel('Phone numbers (one per line)').fill('+386 40 123 456');
    await form.getByLabel('Organization').fill('Kovač d.o.o.');
    await form.getByLabel('Customer group').fill('VIP');
    await form.getByLabel('Notes').fill('Prefers email.');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('status')).toHaveText('Saved');
    await page.reload();
    await hydrated(page);
    await expect(form.getByLabel('Customer group')).toHaveValue('VIP');
    await expect(form.getByLabel('Phone numbers (one per line)')).toHaveValue('+386 40 123 456');
    await expect(page.locator('.contact-tickets h2')).toHaveText('1 ticket');

    // A phone that is not one is refused with a clear message.
    await form.getByLabel('Phone numbers (one per line)').fill('12');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('alert')).toHaveText('This does not look like a phone number.');

    // The duplicate merges into Ana: its ticket comes along.
    const anaUrl = page.url();
    const anaId = anaUrl.split('/').pop();
    await page.goto(desk.base + '/agent/tickets/2');
    await hydrated(page);
    await page.getByRole('link', { name: 'A. Kovač' }).click();
    await hydrated(page);
    await page.locator('summary', { hasText: 'Merge into another contact' }).click();
    await page.getByLabel('Contact number').fill(anaId);
    await page.getByRole('button', { name: 'Merge into another contact' }).click();
    await expect(page.getByRole('note')).toContainText('This contact was merged into');
    await page.goto(anaUrl);
    await hydrated(page);
    await expect(page.locator('.contact-tickets h2')).toHaveText('2 tickets');
    await expect(page.locator('.contact-tickets')).toContainText('Toner empty');
    await expect(page.getByRole('form', { name: 'Contact details' }).getByLabel('Email addresses (one per line)')).toHaveValue('ana@example.com\nana.k@example.net');
    const missing = await page.goto(desk.base + '/agent/contacts/999');
    expect(missing.status()).toBe(404);
  } finally {
    await desk.stop();
  }
});
