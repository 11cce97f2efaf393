// Mail templates, on a page the server renders with plain forms (no script): an admin
// changes the acknowledgement, and the next mail's customer gets it in those words,
// marked Auto-Submitted; a reply template without {{reply}} is refused with the reason
// and what was typed kept; the default comes back; agents and strangers are kept out.
const { test, expect } = require('@playwright/test');
const { spawnSync } = require('child_process');
const path = require('path');
const { startDesk, signIn, postForm, hydrated } = require('./desk');
const { smtpServer, useSmtp } = require('./smtp');

const ADMIN = { name: 'Mara Admin', email: 'mara@desk.example', password: 'a long password 123' };
const TIM = { name: 'Tim Agent', email: 'tim@desk.example', password: 'another long password 1' };

test('an admin words the acknowledgement, and the next customer gets it', async ({ page }) => {
  const bin = process.env.TESSERA_BIN || path.join(__dirname, '../../target/release/tessera');
  const desk = await startDesk();
  const smtp = await smtpServer();
  try {
    const token = new URL(desk.setup).searchParams.get('token');
    const setup = await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN });
    const cookie = setup.headers.get('set-cookie').split(';')[0];
    await useSmtp(desk.base, cookie, smtp, postForm);
    expect((await postForm(desk.base, '/api/admin/add-agent', TIM, { cookie })).status).toBe(200);

    await signIn(page, desk.base, ADMIN.email, ADMIN.password);
    // From the workspace's menu, a whole page load.
    await page.getByRole('link', { name: 'Mail templates' }).click();
    await expect(page.getByRole('heading', { name: 'Mail templates', level: 1 })).toBeVisible();
    const ack = page.locator('#t-acknowledgement');
    await expect(ack.getByRole('heading')).toContainText('(the desk\'s default)');
    await ack.getByLabel('Subject').fill('We have it: {{ticket.subject}} [#{{ticket.number}}]');
    await ack.getByLabel('Text').fill('Dear {{customer.name}},\n\nyour message reached {{desk.name}}.');
    await ack.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.locator('#t-acknowledgement').getByRole('status')).toHaveText('Settings saved.');
    await expect(page.locator('#t-acknowledgement').getByRole('heading')).not.toContainText('default');

    // A reply template that would drop the agent's words: refused, what was typed kept.
    const reply = page.locator('#t-reply');
    await reply.getByLabel('Text').fill('Thanks for waiting.');
    await reply.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.locator('#t-reply').getByRole('alert')).toContainText('must contain {{reply}}');
    await expect(page.locator('#t-reply').getByLabel('Text')).toHaveValue('Thanks for waiting.');
    await expect(page.locator('#t-reply').getByLabel('Text')).toHaveAttribute('aria-invalid', 'true');

    // Mail comes in: the customer is acknowledged in the admin's words.
    const raw = 'From: Ana Kovač <ana@example.com>\r\nTo: support@desk.example\r\nSubject: Printer jams\r\nMessage-ID: <p1@example.com>\r\n\r\nPage two jams.\r\n';
    const piped = spawnSync(bin, ['--data-dir', path.join(desk.dir, 'data'), 'mail', 'ingest', '-'], { input: raw });
    expect(piped.status, piped.stderr.toString()).toBe(0);
    const got = () => smtp.messages().find((m) => m.includes('your message reached'));
    await expect.poll(got, { timeout: 15_000 }).toBeTruthy();
    const sent = got().replace(/\r?\n[ \t]+/g, ' ');
    expect(sent).toContain('Subject: We have it: Printer jams [#1]');
    expect(sent).toMatch(/^Auto-Submitted: auto-replied/m);
    expect(sent).toMatch(/Dear Ana Kova/);

    // Put back to the default.
    await page.reload();
    await page.locator('#t-acknowledgement').getByRole('button', { name: 'Restore the default' }).click();
    await expect(page.locator('#t-acknowledgement').getByRole('heading')).toContainText('(the desk\'s default)');
    await expect(page.locator('#t-acknowledgement').getByLabel('Text')).toHaveValue(/thank you for writing to us/);

    // An agent who is not an admin, and nobody at all, are kept out.
    const tim = await postForm(desk.base, '/api/auth/sign-in', { email: TIM.email, password: TIM.password });
    const timCookie = tim.headers.get('set-cookie').split(';')[0];
    expect((await fetch(desk.base + '/agent/admin/templates', { headers: { cookie: timCookie } })).status).toBe(403);
    expect((await postForm(desk.base, '/agent/admin/templates', { kind: 'reply', subject: 'x', text: '{{reply}}', do: 'save' }, { cookie: timCookie })).status).toBe(403);
    const anon = await fetch(desk.base + '/agent/admin/templates', { redirect: 'manual' });
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toBe('/agent/login');
    // A form from another site is refused.
    const forged = await fetch(desk.base + '/agent/admin/templates', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', cookie },
      body: new URLSearchParams({ kind: 'acknowledgement', subject: 'x', text: 'y', do: 'save' }).toString(),
    });
    expect(forged.status).toBe(403);
    // The page runs no script.
    const page2 = await fetch(desk.base + '/agent/admin/templates', { headers: { cookie } });
    expect(page2.headers.get('content-security-policy')).toContain("script-src 'none'");
    expect(await page2.text()).not.toContain('<script');
    void hydrated;
  } finally {
    smtp.stop();
    await desk.stop();
  }
});
