// Nothing acknowledged is lost: customers keep submitting tickets and an agent keeps
// replying while the desk is killed with SIGKILL at random moments and started again,
// round after round. Every ticket and reply the clients saw acknowledged must be there
// afterwards, once each, and the search index must catch up with all of them.
const { test, expect } = require('@playwright/test');
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { postForm } = require('./desk');

const ROUNDS = Number(process.env.TESSERA_CRASH_ROUNDS || 200);
const ADMIN = { email: 'crash@desk.example', password: 'a long password 123' };

test.setTimeout(600_000);

/** Starts the desk on `dataDir`; resolves with its base address and process. */
function start(bin, dataDir) {
  const proc = spawn(bin, ['--listen', '127.0.0.1:0', '--data-dir', dataDir, '--log', 'error',
    '--portal-tickets-per-hour', '1000000', '--portal-replies-per-hour', '1000000', '--max-messages-per-ticket', '1000000']);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no start: ' + out)), 30_000);
    proc.stdout.on('data', (d) => {
      out += d.toString();
      const base = out.match(/serving at (http:\/\/[^/\s]+)\//);
      if (base) {
        clearTimeout(timer);
        resolve({ base: base[1], proc });
      }
    });
    proc.stderr.on('data', (d) => { out += d.toString(); });
    proc.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
}

function killed(proc) {
  return new Promise((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

function post(base, p, form, cookie) {
  return postForm(base, p, form, cookie ? { cookie } : {});
}

test('acknowledged tickets and replies survive SIGKILL, once each', async () => {
  const bin = process.env.TESSERA_BIN || path.join(__dirname, '../../target/release/tessera');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-crash-'));
  const dataDir = path.join(dir, 'data');
  execFileSync(bin, ['--data-dir', dataDir, '--log', 'error', 'admin', 'create', '--name', 'Crash Admin', '--email', ADMIN.email], { input: ADMIN.password + '\n' });

  const tickets = new Map(); // token in the subject → acknowledged ticket (number, link)
  const replies = new Set(); // acknowledged reply texts on ticket #1
  let cookie = null;
  let seq = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const { base, proc } = await start(bin, dataDir);
    if (!cookie) {
      const resp = await post(base, '/api/auth/sign-in', ADMIN);
      expect(resp.status).toBe(200);
      cookie = resp.headers.get('set-cookie').split(';')[0];
    }
    let alive = true;
    const customer = async () => {
      while (alive) {
        const token = `crash${++seq}x`;
        try {
          const resp = await post(base, '/api/portal/create', { name: 'Ana', email: `ana${seq % 7}@example.com`, subject: `Order ${token}`, body: `Where is ${token}?` });
          if (resp.status === 200) tickets.set(token, await resp.json());
        } catch { /* killed mid-request: not acknowledged */ }
      }
    };
    const agent = async () => {
      while (alive) {
        if (!tickets.size) { await new Promise((r) => setTimeout(r, 5)); continue; }
        const text = `Reply ${++seq}`;
        try {
          const resp = await post(base, '/api/agent/post', { number: '1', kind: 'reply', body: text }, cookie);
          if (resp.status === 200) replies.add(text);
        } catch { /* not acknowledged */ }
      }
    };
    const work = [customer(), customer(), agent()];
    await new Promise((r) => setTimeout(r, 20 + Math.random() * 120));
    await killed(proc);
    alive = false;
    await Promise.all(work);
  }

  // After the last kill: everything acknowledged is there, and the index catches up.
  const { base, proc } = await start(bin, dataDir);
  try {
    expect(tickets.size).toBeGreaterThan(ROUNDS);
    const numbers = new Set([...tickets.values()].map((t) => t.number));
    expect(numbers.size, 'no number was handed out twice').toBe(tickets.size);
    const all = [...tickets];
    for (let i = 0; i < all.length; i += 32) {
      await Promise.all(all.slice(i, i + 32).map(async ([token, t]) => {
        const resp = await post(base, '/api/portal/ticket', { number: String(t.number), key: t.link.split('/').pop() });
        expect(resp.status, `ticket ${t.number}`).toBe(200);
        const body = await resp.json();
        expect(body.subject).toBe(`Order ${token}`);
      }));
    }
    const first = await post(base, '/api/agent/ticket', { number: '1', show: '10000' }, cookie);
    expect(first.status).toBe(200);
    const conversation = (await first.json()).messages.map((m) => m.body);
    for (const text of replies) {
      expect(conversation.filter((b) => b === text), text).toHaveLength(1);
    }
    // Each acknowledged ticket is found by its own word, exactly once.
    const sample = [...tickets.keys()].filter((_, i) => i % Math.max(1, Math.floor(tickets.size / 60)) === 0);
    for (const token of sample) {
      await expect.poll(async () => {
        const resp = await post(base, '/api/agent/search', { query: token }, cookie);
        return (await resp.json()).map((h) => h.number);
      }, { timeout: 30_000 }).toEqual([tickets.get(token).number]);
    }
    console.log(`crash loop: ${ROUNDS} kills, ${tickets.size} tickets and ${replies.size} replies acknowledged, none lost`);
  } finally {
    await killed(proc);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
