// An operator's day: back the desk up while it runs, lose what came after, restore the
// backup with the desk stopped, and find every ticket of the backup again, searchable.
const { test, expect } = require('@playwright/test');
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { startDesk, postForm } = require('./desk');

async function create(base, subject) {
  const resp = await postForm(base, '/api/portal/create', { name: 'Ana', email: 'ana@example.com', subject, body: `About ${subject}` });
  expect(resp.status).toBe(200);
  return resp.json();
}

async function ticketSubject(base, t) {
  const resp = await postForm(base, '/api/portal/ticket', { number: String(t.number), key: t.link.split('/').pop() });
  return resp.status === 200 ? (await resp.json()).subject : null;
}

test('online backup, then a restore drill', async () => {
  const bin = process.env.TESSERA_BIN || path.join(__dirname, '../../target/release/tessera');
  let desk = await startDesk();
  const data = path.join(desk.dir, 'data');
  const copy = path.join(desk.dir, 'tessera');
  const form = (base, p, fields, cookie) => postForm(base, p, fields, cookie ? { cookie } : {});
  const admin = { name: 'Ops', email: 'ops@desk.example', password: 'a long password 123' };
  const token = new URL(desk.setup).searchParams.get('token');
  expect((await form(desk.base, '/api/auth/setup', { token, ...admin })).status).toBe(200);
  const before = [];
  for (const s of ['Refund kept', 'Κωδικός kept', 'Račun kept']) before.push(await create(desk.base, s));

  // The desk holds its database; the backup command asks it to make the copy.
  const dest = path.join(desk.dir, 'backup-1');
  const out = execFileSync(copy, ['--data-dir', data, 'backup', dest]).toString();
  expect(out).toContain('Backup written');
  expect(fs.existsSync(path.join(dest, 'tessera.redb'))).toBe(true);
  // The control socket is the desk's user's alone.
  expect(fs.statSync(path.join(data, 'control.sock')).mode & 0o077).toBe(0);
  const after = await create(desk.base, 'Lost after the backup');

  // Restoring while the desk runs is refused, and changes nothing.
  let refused = '';
  try {
    execFileSync(copy, ['--data-dir', data, 'restore', dest], { stdio: 'pipe' });
  } catch (e) {
    refused = e.stderr.toString();
  }
  expect(refused).toContain('stop it before restoring');

  // Stop, restore, start again on the same folder.
  const dir = desk.dir;
  expect(await desk.stop({ keep: true })).toBe(0);
  const restored = execFileSync(bin, ['--data-dir', data, 'restore', dest]).toString();
  expect(restored).toContain('Restored');
  expect(fs.readdirSync(data).some((f) => f.startsWith('tessera.redb.before-restore-'))).toBe(true);

  const { spawn } = require('child_process');
  const proc = spawn(bin, ['--listen', '127.0.0.1:0', '--data-dir', data, '--log', 'warn']);
  const base = await new Promise((resolve, reject) => {
    let outText = '';
    proc.stdout.on('data', (d) => {
      outText += d;
      const m = outText.match(/serving at (http:\/\/[^/\s]+)\//);
      if (m) resolve(m[1]);
    });
    proc.on('exit', (code) => reject(new Error(`exited ${code}`)));
  });
  try {
    for (const [i, t] of before.entries()) {
      expect(await ticketSubject(base, t)).toBe(['Refund kept', 'Κωδικός kept', 'Račun kept'][i]);
    }
    expect(await ticketSubject(base, after)).toBeNull();
    // The index was dropped with the old data and is rebuilt from the restored tickets.
    const signIn = await form(base, '/api/auth/sign-in', { email: admin.email, password: admin.password });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie').split(';')[0];
    await expect.poll(async () => {
      const resp = await form(base, '/api/agent/search', { query: 'κωδικος' }, cookie);
      return (await resp.json()).map((h) => h.number);
    }, { timeout: 20_000 }).toEqual([before[1].number]);
    const lost = await form(base, '/api/agent/search', { query: 'lost' }, cookie);
    expect(await lost.json()).toEqual([]);
  } finally {
    proc.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('logs are JSON lines on request, and plain text without colour codes otherwise', async () => {
  const bin = process.env.TESSERA_BIN || path.join(__dirname, '../../target/release/tessera');
  const os = require('os');
  const { spawn } = require('child_process');
  for (const format of ['json', 'text']) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-logs-'));
    const proc = spawn(bin, ['--listen', '127.0.0.1:0', '--data-dir', path.join(dir, 'data'), '--log', 'info', '--log-format', format]);
    let err = '';
    proc.stderr.on('data', (d) => { err += d; });
    await new Promise((resolve) => proc.stdout.on('data', (d) => { if (/serving at/.test(d)) resolve(); }));
    await new Promise((r) => setTimeout(r, 200));
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
    const lines = err.trim().split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    expect(err).not.toMatch(/\u001b\[/);
    if (format === 'json') {
      for (const line of lines) {
        const entry = JSON.parse(line);
        expect(entry.level).toBeTruthy();
      }
    } else {
      expect(() => JSON.parse(lines[0])).toThrow();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('metrics are off by default, and behind the operator\'s token when on', async () => {
  const off = await startDesk();
  expect((await fetch(off.base + '/metrics')).status).toBe(404);
  expect(await off.stop()).toBe(0);

  const desk = await startDesk(['--metrics-token', 'operator-secret-123']);
  await create(desk.base, 'Counted');
  await fetch(desk.base + '/t/1/not-the-key');
  expect((await fetch(desk.base + '/metrics')).status).toBe(401);
  const wrong = await fetch(desk.base + '/metrics', { headers: { authorization: 'Bearer nope' } });
  expect(wrong.status).toBe(401);
  const resp = await fetch(desk.base + '/metrics', { headers: { authorization: 'Bearer operator-secret-123' } });
  expect(resp.status).toBe(200);
  const text = await resp.text();
  expect(text).toMatch(/^tessera_tickets\{status="new"\} 1$/m);
  expect(text).toMatch(/^tessera_http_requests_total\{method="POST",route="\/api\/portal",status="200"\} 1$/m);
  expect(text).toMatch(/^tessera_http_requests_total\{method="GET",route="\/t\/:number\/:key",status="404"\} 1$/m);
  expect(text).toMatch(/^tessera_http_request_duration_seconds_count\{route="\/api\/portal"\} 1$/m);
  expect(text).toMatch(/^tessera_index_lag \d+$/m);
  expect(text).toMatch(/^tessera_outbox_backlog \d+$/m);
  expect(text).not.toContain('not-the-key');
  expect(await desk.stop()).toBe(0);
});

test('the systemd unit passes systemd-analyze verify', async () => {
  const { spawnSync } = require('child_process');
  const os = require('os');
  const found = spawnSync('sh', ['-c', 'command -v systemd-analyze']).status === 0;
  test.skip(!found, 'systemd-analyze is not installed here');
  const bin = process.env.TESSERA_BIN || path.join(__dirname, '../../target/release/tessera');
  const unit = fs.readFileSync(path.join(__dirname, '../../dist/tessera.service'), 'utf8');
  expect(unit).toMatch(/^DynamicUser=yes$/m);
  expect(unit).toMatch(/^ProtectSystem=strict$/m);
  expect(unit).toMatch(/^StateDirectory=tessera$/m);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-unit-'));
  const copy = path.join(dir, 'tessera.service');
  fs.writeFileSync(copy, unit.replaceAll('/usr/local/bin/tessera', path.resolve(bin)));
  const result = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  expect(result.stderr.trim()).toBe('');
  fs.rmSync(dir, { recursive: true, force: true });

});
