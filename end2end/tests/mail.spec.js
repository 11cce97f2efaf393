// Outgoing mail: a message waits in the outbox while no SMTP server is set up; once an
// admin sets one (a real SMTP server, aiosmtpd, on loopback), it goes out, and the page
// says so. The password is never shown back.
const { test, expect } = require('@playwright/test');
const { startDesk, hydrated, signIn, postForm } = require('./desk');
const { smtpServer } = require('./smtp');

const ADMIN = { name: 'Mara Admin', email: 'mara@desk.example', password: 'a long password 123' };

test('a message waits without a server and goes out once one is set up', async ({ page }) => {
  const desk = await startDesk();
  const smtp = await smtpServer();
  try {
    const token = new URL(desk.setup).searchParams.get('token');
    await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN });
    await signIn(page, desk.base, ADMIN.email, ADMIN.password);
    await page.goto(desk.base + '/agent/admin/mail');
    await hydrated(page);
    await page.getByLabel('Send a test message to').fill('ana@example.com');
    await page.getByRole('button', { name: 'Send test' }).click();
    const row = page.locator('table.outbox tbody tr').first();
    await expect(row).toContainText('ana@example.com');
    await expect(row).toContainText('Waiting');

    await page.getByLabel('Host (empty: keep messages here)').fill('127.0.0.1');
    await page.getByLabel('Port').fill(String(smtp.port));
    await page.getByLabel('Encryption').selectOption('none');
    await page.getByLabel('User name').fill('');
    await page.getByLabel('Password', { exact: true }).fill('do-not-show-me');
    await page.getByLabel('Sender address').fill('support@desk.example');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();

    await expect.poll(() => smtp.messages().length, { timeout: 15000 }).toBe(1);
    const sent = smtp.messages()[0];
    expect(sent).toContain('To: ana@example.com');
    expect(sent).toContain('From: support@desk.example');
    expect(sent).toContain('Subject: Tessera: test message');
    await page.reload();
    await hydrated(page);
    await expect(page.locator('table.outbox tbody tr').first()).toContainText('Sent');
    // The password stays on the server.
    expect(await page.content()).not.toContain('do-not-show-me');
    await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  } finally {
    smtp.stop();
    await desk.stop();
  }
});
