// Sending through a mail server that is down: the reply says it will be tried again
// (in the server's words), nothing is lost, and once the server is back the outbox
// retries by itself and delivers it once, with the reply then saying it was sent.
const { test, expect } = require('@playwright/test');
const { startDesk, signIn, postForm } = require('./desk');
const { smtpServer, useSmtp, freePort } = require('./smtp');

const ADMIN = { name: 'Mara Admin', email: 'mara@desk.example', password: 'a long password 123' };

test('a reply to a server that is down is retried and delivered once it is back', async ({ page }) => {
  test.setTimeout(180_000);
  const desk = await startDesk();
  const port = await freePort();
  let smtp;
  try {
    const token = new URL(desk.setup).searchParams.get('token');
    const setup = await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN });
    const cookie = setup.headers.get('set-cookie').split(';')[0];
    // The server's address is set, but nothing answers there yet.
    await useSmtp(desk.base, cookie, { port }, postForm);
    const made = await postForm(desk.base, '/api/portal/create', { name: 'Ana', email: 'ana@example.com', subject: 'Printer jams', body: 'Page two jams.' });
    expect(made.status).toBe(200);

    await signIn(page, desk.base, ADMIN.email, ADMIN.password);
    await page.goto(desk.base + '/agent/tickets/1');
    await page.getByLabel('Message').fill('Please clean the roller.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    const delivery = page.locator('.message.from-agent').last().locator('.delivery');
    await expect.poll(async () => {
      await page.reload();
      return delivery.textContent();
    }, { timeout: 20_000 }).toContain('Not sent yet; trying again');
    await expect(delivery).toContainText(/refused|connect/i);

    // The server comes up; the outbox tries again on its own (the first retry is
    // a minute later) and delivers once.
    smtp = await smtpServer({ port });
    const sent = () => smtp.messages().filter((m) => m.includes('Please clean the roller.'));
    await expect.poll(() => sent().length, { timeout: 120_000, intervals: [2_000] }).toBe(1);
    await page.reload();
    await expect(delivery).toHaveText('Sent by email');
    await page.waitForTimeout(2_000);
    expect(sent().length).toBe(1);
  } finally {
    if (smtp) smtp.stop();
    await desk.stop();
  }
});
