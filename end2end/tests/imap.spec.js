// Mailboxes fetched by IMAP from a real Dovecot: mail another client already read is
// fetched, every message makes one ticket in the mailbox's department, new mail comes
// in by IDLE, a new UIDVALIDITY, a restart and a crash in the middle of a fetch add
// nothing twice, and the desk tells \Seen to the server only after its commit. A
// server without IDLE is polled, and "fetch now" fetches at once. An admin adds a
// mailbox in the browser, and the agent's reply reaches the customer's mailbox with
// the headers that thread it.
const { test, expect } = require('@playwright/test');
const fs = require('fs');
const path = require('path');
const { startDesk, signIn, postForm } = require('./desk');
const { imapServer } = require('./imap');
const { smtpServer, useSmtp } = require('./smtp');

const ADMIN = { name: 'Mara Admin', email: 'mara@desk.example', password: 'a long password 123' };

function mail(n, { from = 'ana@example.com', subject = `Question ${n}`, body = `Body of question ${n}.`, headers = '' } = {}) {
  return `From: ${from}\r\nTo: support@desk.example\r\nSubject: ${subject}\r\nMessage-ID: <q${n}@example.com>\r\n${headers}` +
    `Date: Tue, 24 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`;
}

async function setUp(desk) {
  const token = new URL(desk.setup).searchParams.get('token');
  const setup = await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN });
  expect(setup.status).toBe(200);
  return setup.headers.get('set-cookie').split(';')[0];
}

async function signInApi(base) {
  // A plain form post is answered with a redirect to the workspace and the cookie.
  const resp = await postForm(base, '/api/auth/sign-in', { email: ADMIN.email, password: ADMIN.password });
  expect(resp.status).toBeLessThan(400);
  return resp.headers.get('set-cookie').split(';')[0];
}

function saveMailbox(base, cookie, imap, extra = {}) {
  return postForm(base, '/api/admin/mailbox', {
    id: '0', name: 'Support', address: 'support@desk.example', host: imap.host, port: String(imap.port),
    security: 'none', username: imap.user, password: imap.password, folder: 'INBOX', department: '', active: '1', ...extra,
  }, { cookie });
}

async function inbox(base, cookie, query = '') {
  const resp = await postForm(base, '/api/agent/inbox', { query, page: '0' }, { cookie });
  expect(resp.status).toBe(200);
  return resp.json();
}

async function mailboxes(base, cookie) {
  const resp = await postForm(base, '/api/admin/mailboxes', {}, { cookie });
  expect(resp.status).toBe(200);
  return (await resp.json())[0];
}

test('a mailbox is fetched by UID: read mail too, each message once, across IDLE, a new UIDVALIDITY, a restart and a crash', async () => {
  test.setTimeout(120_000);
  const imap = await imapServer();
  let desk = await startDesk();
  const data = path.join(desk.dir, 'data');
  try {
    // Two messages another client has already read.
    await imap.deliver(mail(1));
    await imap.deliver(mail(2, { from: 'Bo <bo@example.com>' }));
    await imap.markSeen();

    let cookie = await setUp(desk);
    const dept = await postForm(desk.base, '/api/admin/department', { id: '0', name: 'Billing', leader: '', members: '1' }, { cookie });
    const billing = (await dept.json()).id;
    const saved = await saveMailbox(desk.base, cookie, imap, { department: String(billing) });
    expect(saved.status, await saved.clone().text()).toBe(200);
    const box = await saved.json();
    // The password is never sent back.
    expect(JSON.stringify(box)).not.toContain(imap.password);
    expect(box.password_set).toBe(true);

    await expect.poll(async () => (await inbox(desk.base, cookie)).total, { timeout: 20_000 }).toBe(2);
    // Both in the mailbox's department.
    expect((await inbox(desk.base, cookie, `department=${billing}`)).total).toBe(2);

    // New mail comes in while the desk waits in IDLE.
    await imap.deliver(mail(3, { subject: 'Arrived during IDLE' }));
    await expect.poll(async () => (await inbox(desk.base, cookie)).total, { timeout: 20_000 }).toBe(3);
    // \Seen is set once the ticket is committed.
    await expect.poll(async () => (await imap.messages()).every((m) => m.flags.includes('\\Seen')), { timeout: 10_000 }).toBe(true);
    let health = (await mailboxes(desk.base, cookie))[0];
    expect(health.last_error).toBe('');
    expect(health.last_ok).toBeTruthy();
    expect(health.today).toBe(3);

    // The server renumbers its mail: everything is offered again, nothing is added twice.
    await imap.resetUidValidity();
    await imap.deliver(mail(4));
    const fetched = await postForm(desk.base, '/api/admin/mailbox-fetch', { id: String(box.id) }, { cookie });
    expect(fetched.status).toBe(200);
    await expect.poll(async () => (await inbox(desk.base, cookie)).total, { timeout: 20_000 }).toBe(4);

    // Mail that arrives while the desk is down is fetched when it is back.
    expect(await desk.stop({ keep: true })).toBe(0);
    await imap.deliver(mail(5));
    desk = await startDesk([], { dataDir: data });
    cookie = await signInApi(desk.base);
    await expect.poll(async () => (await inbox(desk.base, cookie)).total, { timeout: 20_000 }).toBe(5);

    // A crash in the middle of a fetch: what was committed is not taken again.
    for (let n = 6; n < 46; n++) await imap.deliver(mail(n));
    await expect.poll(async () => (await inbox(desk.base, cookie)).total, { timeout: 20_000 }).toBeGreaterThan(5);
    await desk.kill();
    desk = await startDesk([], { dataDir: data });
    cookie = await signInApi(desk.base);
    await expect.poll(async () => (await inbox(desk.base, cookie)).total, { timeout: 30_000 }).toBe(45);
    // And it stays at one ticket each once the desk has looked again.
    await postForm(desk.base, '/api/admin/mailbox-fetch', { id: String(box.id) }, { cookie });
    expect((await inbox(desk.base, cookie)).total).toBe(45);
    const subjects = (await inbox(desk.base, cookie)).tickets.map((t) => t.subject);
    expect(new Set(subjects).size).toBe(subjects.length);
  } finally {
    await desk.stop();
    await imap.stop();
  }
});

test('a server without IDLE is polled, fetch now fetches at once, and errors are told in words', async () => {
  test.setTimeout(90_000);
  const imap = await imapServer({ idle: false });
  const desk = await startDesk();
  try {
    const cookie = await setUp(desk);
    // A wrong password: the page says so, and nothing else breaks.
    const saved = await saveMailbox(desk.base, cookie, imap, { password: 'not the password' });
    expect(saved.status).toBe(200);
    const box = await saved.json();
    await expect.poll(async () => (await mailboxes(desk.base, cookie))[0].last_error, { timeout: 20_000 })
      .toContain('refused the user name or password');

    // Corrected: "fetch now" takes what waits, at once, and the error is gone.
    await imap.deliver(mail(1));
    const fixed = await saveMailbox(desk.base, cookie, imap, { id: String(box.id) });
    expect(fixed.status).toBe(200);
    await expect.poll(async () => (await inbox(desk.base, cookie)).total, { timeout: 20_000 }).toBe(1);
    await expect.poll(async () => (await mailboxes(desk.base, cookie))[0].last_error, { timeout: 10_000 }).toBe('');

    // No IDLE: new mail waits for the next poll, or for "fetch now".
    await imap.deliver(mail(2));
    const fetched = await postForm(desk.base, '/api/admin/mailbox-fetch', { id: String(box.id) }, { cookie });
    expect(fetched.status).toBe(200);
    await expect.poll(async () => (await inbox(desk.base, cookie)).total, { timeout: 10_000 }).toBe(2);

    // A server that is down: the error is in words, the desk carries on.
    await imap.stop();
    await postForm(desk.base, '/api/admin/mailbox-fetch', { id: String(box.id) }, { cookie });
    await expect.poll(async () => (await mailboxes(desk.base, cookie))[0].last_error, { timeout: 20_000 })
      .toMatch(/connection|closed|refused/i);
    expect((await fetch(desk.base + '/healthz')).status).toBe(200);

    // Only admins see mailboxes; nobody signed in gets nothing.
    expect((await postForm(desk.base, '/api/admin/mailboxes', {})).status).toBe(401);
  } finally {
    await desk.stop();
    await imap.stop();
  }
});

test('an admin adds a mailbox, mail arrives, the reply reaches the customer with its thread', async ({ page }) => {
  test.setTimeout(120_000);
  const support = await imapServer();
  const customer = await imapServer();
  const smtp = await smtpServer({ dovecot: customer });
  const desk = await startDesk();
  try {
    const cookie = await setUp(desk);
    // The desk's own server sends from another address; the mailbox's is used.
    await useSmtp(desk.base, cookie, smtp, postForm);
    await support.deliver(mail(1, { subject: 'Račun ne dela', body: 'Računa ne morem odpreti.' }));

    await signIn(page, desk.base, ADMIN.email, ADMIN.password);
    await page.goto(desk.base + '/agent/admin/mailboxes');
    await expect(page.getByRole('heading', { name: 'Mailboxes', level: 1 })).toBeVisible();
    await expect(page.getByText('No mailbox yet')).toBeVisible();
    await page.getByLabel('Name', { exact: true }).fill('Support');
    await page.getByLabel('Address customers write to').fill('help@desk.example');
    await page.getByLabel('Server', { exact: true }).first().fill(support.host);
    await page.getByLabel('Port', { exact: true }).first().fill(String(support.port));
    await page.getByLabel('Encryption').first().selectOption('none');
    await page.getByLabel('User name', { exact: true }).first().fill(support.user);
    await page.getByLabel('Password', { exact: true }).first().fill(support.password);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('status')).toHaveText('Settings saved.');
    const row = page.locator('tr.mailbox');
    await expect(row).toContainText('help@desk.example');
    // Its health: fetched, one message today.
    await expect.poll(async () => {
      await page.reload();
      return row.textContent();
    }, { timeout: 20_000 }).toContain('Working');
    await expect(row.locator('td.num').first()).toHaveText('1');
    // Fetch now, and back.
    await row.getByRole('button', { name: 'Fetch now' }).click();
    await expect(page.getByRole('status')).toContainText('Fetched');
    // The password field does not show it back.
    await row.getByRole('link', { name: 'Edit' }).click();
    await expect(page.getByLabel('Password', { exact: true }).first()).toHaveValue('');
    await expect(page.getByLabel('Password', { exact: true }).first()).toHaveAttribute('placeholder', /Stored/);

    await page.goto(desk.base + '/agent/tickets/1');
    await expect(page.getByRole('heading', { name: /Račun ne dela/ })).toBeVisible();
    await page.getByLabel('Message').fill('Poskusite s to povezavo.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect(page.locator('.message.from-agent').last()).toContainText('Poskusite s to povezavo.');

    // The reply lands in the customer's mailbox.
    const reply = async () => (await customer.messages()).find((m) => m.raw.includes('Subject: Re: [#1]'));
    await expect.poll(reply, { timeout: 20_000 }).toBeTruthy();
    const sent = (await reply()).raw.replace(/\r?\n[ \t]+/g, ' ');
    expect(sent).toContain('In-Reply-To: <q1@example.com>');
    expect(sent).toContain('References: <q1@example.com>');
    expect(sent).toMatch(/^To: ana@example\.com/m);
    // From the mailbox the ticket came through, not the desk's default sender.
    expect(sent.match(/^From: (.*)$/m)[1]).toContain('<help@desk.example>');
    const id = sent.match(/^Message-ID: <([^>]+)>/im)[1];
    expect(id).toMatch(/^t1\.m\d+\.[0-9a-f]{16}@desk\.example$/);

    // Her answer to it, fetched by IMAP, joins ticket 1.
    await support.deliver(`From: ana@example.com\r\nTo: help@desk.example\r\nSubject: Re: your answer\r\nMessage-ID: <a2@example.com>\r\nIn-Reply-To: <${id}>\r\n\r\nPovezava deluje.\r\n`);
    await expect.poll(async () => {
      await page.reload();
      return page.locator('.message.from-customer').last().textContent();
    }, { timeout: 20_000 }).toContain('Povezava deluje.');
    expect((await inbox(desk.base, cookie)).total).toBe(1);
  } finally {
    smtp.stop();
    await desk.stop();
    await support.stop();
    await customer.stop();
  }
});
