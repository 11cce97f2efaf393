// Satisfaction: resolving a ticket mails its customer one link per answer (through a
// real SMTP server); one click rates it, a comment may follow; the agent sees it on the
// ticket and on the satisfaction page.
const { test, expect } = require('@playwright/test');
const { startDesk, hydrated, signIn, postForm } = require('./desk');
const { smtpServer, useSmtp } = require('./smtp');

const ADMIN = { name: 'Mara Admin', email: 'mara@desk.example', password: 'a long password 123' };

test('a resolved ticket is rated in one click from the mail, then commented', async ({ page, browser }) => {
  const desk = await startDesk();
  const smtp = await smtpServer();
  try {
    const token = new URL(desk.setup).searchParams.get('token');
    const setup = await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN });
    const cookie = setup.headers.get('set-cookie').split(';')[0];
    await useSmtp(desk.base, cookie, smtp, postForm);
    const created = await (await postForm(desk.base, '/api/portal/create', {
      name: 'Ana Kovač', email: 'ana@example.com', subject: 'Printer jams', body: 'Page two jams.',
    })).json();
    expect((await postForm(desk.base, '/api/agent/change', { number: '1', field: 'assignee', value: '1' }, { cookie })).status).toBe(200);
    expect((await postForm(desk.base, '/api/agent/status', { number: '1', status: 'resolved' }, { cookie })).status).toBe(200);

    const rateLink = () => {
      const m = smtp.messages().find((x) => x.includes('How did we do'));
      const match = m && m.replace(/=\r?\n/g, '').match(/https?:\/\/\S+\/rate\/[A-Za-z0-9_-]+\/bad/);
      return match && match[0];
    };
    await expect.poll(rateLink, { timeout: 15000 }).toBeTruthy();
    const customer = await (await browser.newContext()).newPage();
    await customer.goto(rateLink());
    await expect(customer.getByRole('heading', { name: 'Thank you for your answer' })).toBeVisible();
    await expect(customer.locator('.rating-done')).toContainText('Bad');
    await hydrated(customer);
    await customer.getByLabel('Anything to add? (optional)').fill('It took three days.');
    await customer.getByRole('button', { name: 'Send comment' }).click();
    await expect(customer.getByText('Your comment was saved.')).toBeVisible();
    // A forged link rates nothing.
    await customer.goto(desk.base + '/rate/forged-token/good');
    await expect(customer.locator('.form-error')).toBeVisible();

    // On the customer's page, the rating shows and can still change.
    await customer.goto(desk.base + created.link);
    await hydrated(customer);
    await expect(customer.locator('.rate-box')).toContainText('Your rating: Bad');
    await customer.locator('.rate-box').getByRole('button', { name: 'Okay' }).click();
    await expect(customer.locator('.rate-box')).toContainText('Your rating: Okay');

    await signIn(page, desk.base, ADMIN.email, ADMIN.password);
    await page.goto(desk.base + '/agent/tickets/1');
    await expect(page.locator('.rating-shown')).toContainText('Okay');
    await expect(page.locator('.rating-shown')).toContainText('It took three days.');
    await page.goto(desk.base + '/agent/satisfaction');
    await expect(page.getByRole('status').filter({ hasText: '1 rating' })).toBeVisible();
    await expect(page.locator('.rating-comments')).toContainText('It took three days.');
    // On the agent's profile, reached from the satisfaction page.
    await page.getByRole('link', { name: 'Mara Admin' }).click();
    await expect(page.getByRole('heading', { name: 'Mara Admin', level: 1 })).toBeVisible();
    await expect(page.locator('.stat').first()).toContainText('0 %');
    await expect(page.locator('.rating-comments')).toContainText('Printer jams');
    await expect(page.locator('.rating-comments')).toContainText('It took three days.');
    // And on the customer's contact page.
    await page.goto(desk.base + '/agent/contacts/1');
    await expect(page.locator('.rating-comments')).toContainText('Okay');
  } finally {
    smtp.stop();
    await desk.stop();
  }
});
