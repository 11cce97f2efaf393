// Mail from the shell, as a mail server's pipe and a team moving in would use it:
// `tessera mail ingest` hands a message to the running desk (exit 0 once stored, the
// same message again adds nothing, 75 when the desk cannot take it), the agent sees
// the ticket with its attachment and downloads the original; `tessera mail import`
// reads an mbox with the desk stopped, and a second run adds nothing.
const { test, expect } = require('@playwright/test');
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { startDesk, signIn, postForm } = require('./desk');

const ADMIN = { name: 'Mara Admin', email: 'mara@desk.example', password: 'a long password 123' };

/** A MIME message with a text part in ISO-8859-2 and a small attachment. */
function message(id, subject) {
  return Buffer.concat([
    Buffer.from(
      `From: Ana Kovac <ana@example.com>\r\nTo: support@desk.example\r\nSubject: ${subject}\r\n` +
      `Message-ID: <${id}@example.com>\r\nMIME-Version: 1.0\r\n` +
      'Content-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\n' +
      'Content-Type: text/plain; charset=iso-8859-2\r\nContent-Transfer-Encoding: 8bit\r\n\r\n',
    ),
    // "Račun ne dela." in ISO-8859-2: č is 0xE8.
    Buffer.from([0x52, 0x61, 0xe8, 0x75, 0x6e, 0x20, 0x6e, 0x65, 0x20, 0x64, 0x65, 0x6c, 0x61, 0x2e]),
    Buffer.from(
      '\r\n--x\r\nContent-Type: text/plain; name="log.txt"\r\nContent-Disposition: attachment; filename="log.txt"\r\n' +
      'Content-Transfer-Encoding: base64\r\n\r\n' + Buffer.from('error 42\n').toString('base64') + '\r\n--x--\r\n',
    ),
  ]);
}

test('mail piped in and imported becomes tickets once', async ({ page }) => {
  const bin = process.env.TESSERA_BIN || path.join(__dirname, '../../target/release/tessera');
  const desk = await startDesk();
  const data = path.join(desk.dir, 'data');
  try {
    const token = new URL(desk.setup).searchParams.get('token');
    expect((await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN })).status).toBe(200);

    // Piped into the running desk.
    const raw = message('m1', 'Invoice will not open');
    const first = spawnSync(bin, ['--data-dir', data, 'mail', 'ingest', '-'], { input: raw });
    expect(first.status, first.stderr.toString()).toBe(0);
    expect(first.stdout.toString()).toContain('new ticket #1');
    const again = spawnSync(bin, ['--data-dir', data, 'mail', 'ingest'], { input: raw });
    expect(again.status).toBe(0);
    expect(again.stdout.toString()).toContain('already taken (ticket #1)');

    await signIn(page, desk.base, ADMIN.email, ADMIN.password);
    await page.goto(desk.base + '/agent/tickets/1');
    await expect(page.getByRole('heading', { name: /Invoice will not open/ })).toBeVisible();
    const msg = page.locator('.message.from-customer').first();
    await expect(msg).toContainText('Račun ne dela.');
    await expect(msg.locator('.attachments')).toContainText('log.txt');
    const original = msg.getByRole('link', { name: 'Original email' });
    const href = await original.getAttribute('href');
    const download = await page.request.get(desk.base + href);
    expect(download.status()).toBe(200);
    expect(download.headers()['content-disposition']).toContain('attachment');
    expect(Buffer.compare(await download.body(), raw)).toBe(0);
    // Nobody signed in gets nothing.
    expect((await fetch(desk.base + href)).status).toBe(404);

    // With the desk stopped, an mbox of two messages (one already in) is imported.
    expect(await desk.stop({ keep: true })).toBe(0);
    const mbox = path.join(desk.dir, 'old.mbox');
    fs.writeFileSync(mbox, Buffer.concat([
      Buffer.from('From ana@example.com Mon Jan  1 00:00:00 2024\n'), message('m1', 'Invoice will not open'), Buffer.from('\n'),
      Buffer.from('From bob@example.com Mon Jan  1 00:00:00 2024\n'), message('m2', 'Printer'), Buffer.from('\n'),
    ]));
    const imported = execFileSync(bin, ['--data-dir', data, 'mail', 'import', mbox]).toString();
    expect(imported).toContain('2 messages: 1 new tickets');
    const twice = execFileSync(bin, ['--data-dir', data, 'mail', 'import', mbox]).toString();
    expect(twice).toContain('0 new tickets, 0 added to tickets, 2 imported before');

    // A data folder it cannot use: the mail server is told to try again later.
    const blocked = path.join(desk.dir, 'not-a-folder');
    fs.writeFileSync(blocked, 'x');
    const refused = spawnSync(bin, ['--data-dir', blocked, 'mail', 'ingest', '-'], { input: raw });
    expect(refused.status).toBe(75);
  } finally {
    fs.rmSync(desk.dir, { recursive: true, force: true });
  }
});

test('an agent answers a mailed-in ticket and the answer threads back', async ({ page }) => {
  const bin = process.env.TESSERA_BIN || path.join(__dirname, '../../target/release/tessera');
  const { smtpServer, useSmtp } = require('./smtp');
  const desk = await startDesk();
  const smtp = await smtpServer();
  const data = path.join(desk.dir, 'data');
  try {
    const token = new URL(desk.setup).searchParams.get('token');
    const setup = await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN });
    const cookie = setup.headers.get('set-cookie').split(';')[0];
    await useSmtp(desk.base, cookie, smtp, postForm);
    const piped = spawnSync(bin, ['--data-dir', data, 'mail', 'ingest', '-'], { input: message('m1', 'Invoice will not open') });
    expect(piped.status, piped.stderr.toString()).toBe(0);

    await signIn(page, desk.base, ADMIN.email, ADMIN.password);
    await page.goto(desk.base + '/agent/tickets/1');
    await page.getByLabel('Message').fill('Please try the new invoice link.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect(page.locator('.message.from-agent').last()).toContainText('Please try the new invoice link.');

    const reply = () => smtp.messages().find((m) => m.includes('Please try the new invoice link.'));
    await expect.poll(reply, { timeout: 15000 }).toBeTruthy();
    const sent = reply().replace(/\r?\n[ \t]+/g, ' ');
    expect(sent).toContain('To: ana@example.com');
    expect(sent).toMatch(/Subject: Re: \[#1\] Invoice will not open/);
    expect(sent).toContain('In-Reply-To: <m1@example.com>');
    expect(sent).toContain('References: <m1@example.com>');
    // The sender's name (the agent's, with the desk's) may come encoded (RFC 2047).
    const from = sent.match(/^From: (.*)$/m)[1].replace(/=\?utf-8\?b\?([^?]+)\?=/gi, (_, b) => Buffer.from(b, 'base64').toString('utf8'));
    expect(from).toContain('Mara Admin');
    expect(from).toContain('<support@desk.example>');
    const id = sent.match(/Message-ID: <([^>]+)>/i)[1];
    expect(id).toMatch(/^t1\.m\d+\.[0-9a-f]{16}@/);
    // The reply says it went out.
    await page.reload();
    await expect(page.locator('.message.from-agent').last().locator('.delivery')).toHaveText('Sent by email');

    // Her answer refers to it, without a number in the subject: it joins ticket 1.
    const answer = Buffer.from(
      `From: ana@example.com\r\nTo: support@desk.example\r\nSubject: Re: your answer\r\nMessage-ID: <m2@example.com>\r\nIn-Reply-To: <${id}>\r\n\r\nThe new link works.\r\n`,
    );
    const back = spawnSync(bin, ['--data-dir', data, 'mail', 'ingest', '-'], { input: answer });
    expect(back.stdout.toString()).toContain('added to ticket #1');
    await page.reload();
    await expect(page.locator('.message.from-customer').last()).toContainText('The new link works.');
  } finally {
    smtp.stop();
    await desk.stop();
  }
});
