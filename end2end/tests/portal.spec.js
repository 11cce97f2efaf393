// The customer's account: sign in with a link mailed through a real SMTP server, see
// every request, open one and reply; look a request up by number and address (the link
// goes to the requester's mailbox, never onto the page).
const { test, expect } = require('@playwright/test');
const { startDesk, hydrated, postForm } = require('./desk');
const { smtpServer, useSmtp } = require('./smtp');

const ADMIN = { name: 'Mara Admin', email: 'mara@desk.example', password: 'a long password 123' };

/// The sign-in link in the newest message to `to`.
function linkIn(messages, to) {
  const m = messages.filter((x) => x.includes(`To: ${to}`)).pop();
  const match = m && m.replace(/=\r?\n/g, '').match(/https?:\/\/\S+\/portal\/sign-in\/[A-Za-z0-9_-]+/);
  return match && match[0];
}

test('a customer signs in by a mailed link, sees their requests and replies', async ({ page, browser }) => {
  const desk = await startDesk();
  const smtp = await smtpServer();
  try {
    const token = new URL(desk.setup).searchParams.get('token');
    const setup = await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN });
    const cookie = setup.headers.get('set-cookie').split(';')[0];
    await useSmtp(desk.base, cookie, smtp, postForm);
    for (const subject of ['Printer jams', 'Invoice question']) {
      await postForm(desk.base, '/api/portal/create', { name: 'Ana Kovač', email: 'ana@example.com', subject, body: 'Please help.' });
    }
    await postForm(desk.base, '/api/portal/create', { name: 'Bob', email: 'bob@example.com', subject: 'Bob only', body: 'Mine.' });

    await page.goto(desk.base + '/portal');
    await hydrated(page);
    const signIn = page.getByRole('form', { name: 'Sign in' });
    await signIn.getByLabel('Your email').fill('ana@example.com');
    await signIn.getByRole('button', { name: 'Send me the link' }).click();
    await expect(page.getByText('If we know this address, a sign-in link is on its way.')).toBeVisible();
    await expect.poll(() => linkIn(smtp.messages(), 'ana@example.com'), { timeout: 15000 }).toBeTruthy();
    const link = linkIn(smtp.messages(), 'ana@example.com');
    expect(link.startsWith(desk.base)).toBe(true);

    // Opening the link (as a mail scanner would) uses nothing up; the button signs in.
    await page.goto(link);
    await hydrated(page);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Your requests' })).toBeVisible();
    const list = page.locator('.my-requests li');
    await expect(list).toHaveCount(2);
    await expect(page.locator('.my-requests')).not.toContainText('Bob only');
    await list.filter({ hasText: 'Printer jams' }).getByRole('link').click();
    await expect(page.getByRole('heading', { name: /Printer jams/ })).toBeVisible();
    await hydrated(page);
    await page.getByLabel('Your reply').fill('It jams on page two.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect(page.locator('.message.from-customer').last()).toContainText('It jams on page two.');

    // The link worked once.
    const again = await browser.newContext();
    const p2 = await again.newPage();
    await p2.goto(link);
    await hydrated(p2);
    await p2.getByRole('button', { name: 'Sign in' }).click();
    await expect(p2.getByText('This link has expired or was used already.')).toBeVisible();
    // Nor does Bob's ticket open with Ana's session.
    const bobs = await page.request.get(desk.base + '/portal/tickets/3');
    expect(await bobs.text()).not.toContain('Bob only');
    await again.close();
  } finally {
    smtp.stop();
    await desk.stop();
  }
});

test('a status lookup mails the link to the requester and shows nothing', async ({ page }) => {
  const desk = await startDesk();
  const smtp = await smtpServer();
  try {
    const token = new URL(desk.setup).searchParams.get('token');
    const setup = await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN });
    const cookie = setup.headers.get('set-cookie').split(';')[0];
    await useSmtp(desk.base, cookie, smtp, postForm);
    await postForm(desk.base, '/api/portal/create', { name: 'Ana Kovač', email: 'ana@example.com', subject: 'Where is my order', body: 'Ordered in May.' });

    await page.goto(desk.base + '/portal');
    await hydrated(page);
    const lookup = page.getByRole('form', { name: "Check a request's status" });
    // A stranger guessing: the same answer, and nothing sent.
    await lookup.getByLabel('Request number').fill('1');
    await lookup.getByLabel('Your email').fill('mallory@example.com');
    await lookup.getByRole('button', { name: 'Send me the link' }).click();
    await expect(lookup.getByRole('status')).toContainText('If the number and address match');
    await expect(page.locator('body')).not.toContainText('Where is my order');
    // The requester.
    await lookup.getByLabel('Your email').fill('ana@example.com');
    await lookup.getByRole('button', { name: 'Send me the link' }).click();
    await expect.poll(() => linkIn(smtp.messages(), 'ana@example.com'), { timeout: 15000 }).toBeTruthy();
    expect(smtp.messages().some((m) => m.includes('mallory@example.com'))).toBe(false);
    await page.goto(linkIn(smtp.messages(), 'ana@example.com'));
    await hydrated(page);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: /Where is my order/ })).toBeVisible();
  } finally {
    smtp.stop();
    await desk.stop();
  }
});

test('a customer chooses a password and signs in with it', async ({ page, browser }) => {
  const desk = await startDesk();
  const smtp = await smtpServer();
  try {
    const token = new URL(desk.setup).searchParams.get('token');
    const setup = await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN });
    const cookie = setup.headers.get('set-cookie').split(';')[0];
    await useSmtp(desk.base, cookie, smtp, postForm);
    await postForm(desk.base, '/api/portal/create', { name: 'Ana Kovač', email: 'ana@example.com', subject: 'Printer jams', body: 'Please help.' });
    await postForm(desk.base, '/api/portal/sign-in-link', { email: 'ana@example.com' });
    await expect.poll(() => linkIn(smtp.messages(), 'ana@example.com'), { timeout: 15000 }).toBeTruthy();
    await page.goto(linkIn(smtp.messages(), 'ana@example.com'));
    await hydrated(page);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Your requests' })).toBeVisible();
    await hydrated(page);

    // The password is optional, and too short a one is refused.
    await page.getByText('Password', { exact: true }).click();
    await page.getByLabel('New password (at least 10 characters)').fill('short');
    await page.getByRole('button', { name: 'Save password' }).click();
    await expect(page.getByText('The password needs at least 10 characters.')).toBeVisible();
    await page.getByLabel('New password (at least 10 characters)').fill('my own long phrase');
    await page.getByRole('button', { name: 'Save password' }).click();
    await expect(page.getByText('Password saved.', { exact: false })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Remove password' })).toBeVisible();

    // Another browser signs in with it; a wrong one is told so.
    const other = await (await browser.newContext()).newPage();
    await other.goto(desk.base + '/portal');
    await hydrated(other);
    const form = other.getByRole('form', { name: 'With a password' });
    await form.getByLabel('Your email').fill('ana@example.com');
    await form.getByLabel('Password', { exact: true }).fill('not my phrase at all');
    await form.getByRole('button', { name: 'Sign in' }).click();
    await expect(form.getByRole('alert')).toContainText('That email and password do not match.');
    await form.getByLabel('Password', { exact: true }).fill('my own long phrase');
    await form.getByRole('button', { name: 'Sign in' }).click();
    await expect(other.getByRole('heading', { name: 'Your requests' })).toBeVisible();
    await expect(other.locator('.my-requests')).toContainText('Printer jams');
  } finally {
    smtp.stop();
    await desk.stop();
  }
});
