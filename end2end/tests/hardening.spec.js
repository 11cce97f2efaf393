// What an attacker tries over plain HTTP against the real binary: huge bodies, calls
// without a session, guessing passwords, flooding the portal, keeping a live stream
// after signing out; and what must never be cached.
const { test, expect } = require('@playwright/test');
const { startDesk, hydrated, postForm } = require('./desk');

test.describe.configure({ mode: 'serial' });

let desk;
const ADMIN = { name: 'Mara Admin', email: 'mara@desk.example', password: 'a long password 123' };

/** Posts a form to a server function as a browser on the desk would. */
function post(path, form, headers = {}) {
  return postForm(desk.base, path, form, headers);
}

/** Announces a large form body and sends only its start: the desk must answer from the
 * announced length alone, without waiting for (or holding) the rest. */
function postLarge(path, form) {
  const http = require('http');
  const body = new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const req = http.request(desk.base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: desk.base, 'content-length': Buffer.byteLength(body) },
    }, (resp) => { resp.resume(); resolve(resp.statusCode); req.destroy(); });
    req.on('error', () => {});
    setTimeout(() => reject(new Error('no answer before the body was sent')), 10_000);
    req.write(body.slice(0, 1024));
  });
}

/** Signs the admin in over HTTP and returns the session cookie. */
async function session() {
  const resp = await post('/api/auth/sign-in', { email: ADMIN.email, password: ADMIN.password });
  expect(resp.status).toBe(200);
  const cookie = resp.headers.get('set-cookie');
  return cookie.split(';')[0];
}

test.beforeAll(async () => {
  // Loopback is the trusted proxy here, so X-Forwarded-For stands for other clients.
  desk = await startDesk(['--portal-tickets-per-hour', '3', '--trusted-proxies', '127.0.0.1']);
  const token = new URL(desk.setup).searchParams.get('token');
  const resp = await post('/api/auth/setup', { token, ...ADMIN });
  expect(resp.status).toBe(200);
});

test.afterAll(async () => {
  expect(await desk.stop()).toBe(0);
});

test('status codes tell the truth', async () => {
  const anonymous = await post('/api/admin/agents', {});
  expect(anonymous.status).toBe(401);
  expect(await anonymous.text()).toContain('NotSignedIn');

  const missing = await fetch(desk.base + '/t/99999999999999999999999/abc');
  expect(missing.status).toBe(404);
  const nothing = await fetch(desk.base + '/no/such/page');
  expect(nothing.status).toBe(404);

  const invalid = await post('/api/portal/create', { name: '', email: 'x', subject: '', body: '' });
  expect(invalid.status).toBe(422);

  const wrong = await post('/api/auth/sign-in', { email: ADMIN.email, password: 'not it' }, { 'x-forwarded-for': '198.51.100.1' });
  expect(wrong.status).toBe(401);

  // Numbers from outside are clamped, never overflowed.
  const cookie = await session();
  const far = await post('/api/agent/inbox', { query: '', page: '18446744073709551615' }, { cookie });
  expect(far.status).toBe(200);
  expect((await far.json()).tickets).toEqual([]);
  const bad = await post('/api/agent/inbox', { query: 'status=%ZZ&department=-1&created_from=9999-99-99', page: '99999999999999999999999999' }, { cookie });
  expect(bad.status).toBeLessThan(500);
});

test('bodies over the limit are refused before they are read', async () => {
  const huge = 'x'.repeat(1_900_000);
  expect(await postLarge('/api/auth/sign-in', { email: huge, password: huge })).toBe(413);
  expect(await postLarge('/api/portal/create', { name: 'A', email: 'a@example.com', subject: 'S', body: huge })).toBe(413);
  // A body of unknown length is refused too, rather than read until it overflows.
  const chunked = await fetch(desk.base + '/api/portal/create', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: desk.base },
    body: new Blob([huge]).stream(),
    duplex: 'half',
  }).catch(() => null);
  if (chunked) expect([411, 413]).toContain(chunked.status);
  const health = await fetch(desk.base + '/healthz');
  expect(await health.text()).toBe('ok');
});

test('private pages and server-function answers are never cached', async () => {
  const cookie = await session();
  const created = await post('/api/portal/create', { name: 'Ana', email: 'ana@example.com', subject: 'Cache', body: 'Hello' });
  expect(created.status).toBe(200);
  expect(created.headers.get('cache-control')).toBe('no-store');
  const { link } = await created.json();
  const ticket = await fetch(desk.base + link);
  expect(ticket.status).toBe(200);
  expect(ticket.headers.get('cache-control')).toBe('no-store');
  const inbox = await fetch(desk.base + '/agent', { headers: { cookie } });
  expect(inbox.headers.get('cache-control')).toBe('no-store');
  const home = await fetch(desk.base + '/');
  expect(home.headers.get('cache-control')).not.toBe('no-store');
});

test('guessing one account\'s password is throttled per address, not for the owner', async () => {
  let throttled;
  const stranger = { 'x-forwarded-for': '203.0.113.50' };
  for (let i = 0; i < 8; i++) {
    const resp = await post('/api/auth/sign-in', { email: ADMIN.email, password: `guess ${i}` }, stranger);
    if (resp.status === 429) {
      throttled = resp;
      break;
    }
    expect(resp.status).toBe(401);
  }
  expect(throttled, 'the guesser is stopped').toBeTruthy();
  expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(await throttled.text()).toContain('TooMany');
  // The owner, from their own address, is not locked out by the stranger.
  const owner = await post('/api/auth/sign-in', { email: ADMIN.email, password: ADMIN.password }, { 'x-forwarded-for': '192.0.2.77' });
  expect(owner.status).toBe(200);
});

test('the portal answers a flood with 429, Retry-After and a clear message', async ({ page }) => {
  // Two tickets were opened above; the limit is three an hour.
  const third = await post('/api/portal/create', { name: 'Ana', email: 'ana@example.com', subject: 'Third', body: 'Hello' });
  expect(third.status).toBe(200);
  const fourth = await post('/api/portal/create', { name: 'Ana', email: 'ana@example.com', subject: 'Fourth', body: 'Hello' });
  expect(fourth.status).toBe(429);
  expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(60);

  await page.goto(desk.base + '/');
  await hydrated(page);
  await page.getByLabel('Your name').fill('Ana');
  await page.getByLabel('Email address').fill('ana@example.com');
  await page.getByLabel('Subject').fill('Once more');
  await page.getByLabel('Message').fill('Hello');
  await page.getByRole('button', { name: 'Send request' }).click();
  await expect(page.locator('.form-error')).toContainText(/Too many attempts from here\. Please wait \d+ minutes?/);
});

test('a live stream ends within seconds of signing out', async () => {
  const cookie = await session();
  const stream = await fetch(desk.base + '/api/live', { headers: { cookie } });
  expect(stream.status).toBe(200);
  const reader = stream.body.getReader();
  const out = await post('/api/auth/sign-out', {}, { cookie });
  expect(out.status).toBe(200);
  const started = Date.now();
  const ended = (async () => {
    for (;;) {
      const { done } = await reader.read();
      if (done) return Date.now() - started;
    }
  })();
  const took = await Promise.race([ended, new Promise((r) => setTimeout(() => r(null), 15_000))]);
  expect(took, 'the stream ended').not.toBeNull();
  const again = await fetch(desk.base + '/api/live', { headers: { cookie } });
  expect(again.status).toBe(401);
});

test('a long conversation comes in pages, newest first', async ({ page }) => {
  const cookie = await session();
  const created = await post('/api/portal/create', { name: 'Ana', email: 'ana@example.com', subject: 'Long thread', body: 'First words' }, { 'x-forwarded-for': '192.0.2.200' });
  expect(created.status).toBe(200);
  const { number, link } = await created.json();
  for (let i = 1; i <= 55; i++) {
    const r = await post('/api/agent/post', { number: String(number), kind: 'reply', body: `Answer ${i}` }, { cookie });
    expect(r.status).toBe(200);
  }
  await page.goto(desk.base + link);
  await hydrated(page);
  await expect(page.locator('.conversation .message')).toHaveCount(50);
  await expect(page.locator('.conversation-count')).toHaveText('Latest 50 messages');
  await expect(page.locator('.conversation .message').last()).toContainText('Answer 55');
  await page.getByRole('link', { name: 'Show earlier messages' }).click();
  await expect(page.locator('.conversation .message')).toHaveCount(56);
  await expect(page.locator('.conversation-count')).toHaveText('56 messages');
  await expect(page.locator('.conversation .message').first()).toContainText('First words');
});
