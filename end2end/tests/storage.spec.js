// The disk under the data folder fills up while the desk runs: what it acknowledged
// stays, new work is refused with a clear message (507, in the user's language, and
// a line for the operator), nothing is half-written, and once space is freed the desk
// takes work again without a restart. A read-only data folder stops the start with a
// clear error. Needs root, for the small tmpfs and the read-only mount.
const { test, expect } = require('@playwright/test');
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { startDesk, hydrated, postForm } = require('./desk');

const ADMIN = { name: 'Ops', email: 'ops@desk.example', password: 'a long password 123' };

/** A fresh mount of a `size` tmpfs; removed by the returned function. */
function smallDisk(size) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  return { dir, remove: () => { spawnSync('umount', ['-l', dir]); fs.rmSync(dir, { recursive: true, force: true }); } };
}

/** Writes zeros into `file` until the disk has no room left. */
function fill(file) {
  const fd = fs.openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (e) {
    expect(e.code).toBe('ENOSPC');
  } finally {
    fs.closeSync(fd);
  }
}

function create(base, i) {
  return postForm(base, '/api/portal/create', {
    name: 'Ana', email: 'ana@example.com', subject: `Disk ticket d${i}x`, body: `Body d${i}x ${'words '.repeat(400)}`,
  });
}

test('a full disk refuses work clearly, loses nothing, and recovers once space is freed', async ({ page }) => {
  const disk = smallDisk('3m');
  let desk;
  try {
    desk = await startDesk(['--portal-tickets-per-hour', '100000'], { dataDir: path.join(disk.dir, 'data') });
    const setup = await postForm(desk.base, '/api/auth/setup', { token: new URL(desk.setup).searchParams.get('token'), ...ADMIN });
    expect(setup.status).toBe(200);
    const cookie = setup.headers.get('set-cookie').split(';')[0];
    const acked = new Map();
    let i = 0;
    for (; i < 5; i++) {
      const resp = await create(desk.base, i);
      expect(resp.status).toBe(200);
      acked.set(i, await resp.json());
    }

    fill(path.join(disk.dir, 'filler'));
    // The database may still have room in pages it already holds; keep going until
    // the disk refuses. Every answer is an acknowledgement or a clear refusal.
    let refused = null;
    for (let n = 0; n < 400 && !refused; n++, i++) {
      const resp = await create(desk.base, i);
      if (resp.status === 200) acked.set(i, await resp.json());
      else {
        expect(resp.status).toBe(507);
        refused = await resp.text();
      }
    }
    expect(refused, 'the full disk was never noticed').not.toBeNull();
    expect(refused).toContain('Storage');
    await expect.poll(() => desk.log()).toContain('the data folder cannot be written');

    // A customer sees what happened, in their language.
    await page.goto(desk.base + '/lang/sl?next=/');
    await hydrated(page);
    await page.getByLabel('Vaše ime').fill('Ana');
    await page.getByLabel('E-poštni naslov').fill('ana@example.com');
    await page.getByLabel('Zadeva').fill('Disk poln');
    await page.getByLabel('Sporočilo').fill('Ali me slišite?');
    await page.getByRole('button', { name: 'Pošljite zahtevek' }).click();
    await expect(page.getByRole('alert')).toContainText('Nič ni bilo shranjeno');
    // Reading still works while writing does not.
    const first = acked.get(0);
    const read = await postForm(desk.base, '/api/portal/ticket', { number: String(first.number), key: first.link.split('/').pop() });
    expect(read.status).toBe(200);

    // Space comes back: the desk takes work again by itself.
    fs.rmSync(path.join(disk.dir, 'filler'));
    await expect.poll(async () => (await create(desk.base, 'after')).status, { timeout: 15_000 }).toBe(200);
    const after = await create(desk.base, i);
    expect(after.status).toBe(200);
    acked.set(i, await after.json());

    // Everything acknowledged is there, once, and searchable; after a restart too.
    const check = async (base, auth) => {
      for (const [k, t] of acked) {
        const resp = await postForm(base, '/api/portal/ticket', { number: String(t.number), key: t.link.split('/').pop() });
        expect(resp.status, `ticket ${t.number}`).toBe(200);
        expect((await resp.json()).subject).toBe(`Disk ticket d${k}x`);
      }
      for (const k of [0, i]) {
        await expect.poll(async () => {
          const resp = await postForm(base, '/api/agent/search', { query: `d${k}x` }, { cookie: auth });
          return (await resp.json()).map((h) => h.number);
        }, { timeout: 20_000 }).toEqual([acked.get(k).number]);
      }
    };
    await check(desk.base, cookie);
    expect(await desk.stop({ keep: true })).toBe(0);
    desk = await startDesk([], { dataDir: path.join(disk.dir, 'data') });
    const again = await postForm(desk.base, '/api/auth/sign-in', { email: ADMIN.email, password: ADMIN.password });
    expect(again.status).toBe(200);
    await check(desk.base, again.headers.get('set-cookie').split(';')[0]);
  } finally {
    if (desk) await desk.stop();
    disk.remove();
  }
});

test('a read-only data folder stops the start with a clear error', async () => {
  const disk = smallDisk('4m');
  const ro = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-ro-'));
  try {
    const bin = process.env.TESSERA_BIN || path.join(__dirname, '../../target/release/tessera');
    const data = path.join(disk.dir, 'data');
    execFileSync(bin, ['--data-dir', data, '--log', 'error', 'admin', 'create', '--name', 'Ops', '--email', ADMIN.email], { input: ADMIN.password + '\n' });
    execFileSync('mount', ['--bind', disk.dir, ro]);
    execFileSync('mount', ['-o', 'remount,ro,bind', ro]);
    const run = spawnSync(bin, ['--listen', '127.0.0.1:0', '--data-dir', path.join(ro, 'data')], { timeout: 20_000 });
    expect(run.status).not.toBe(0);
    expect(run.stderr.toString()).toContain('read-only');
  } finally {
    spawnSync('umount', ['-l', ro]);
    fs.rmSync(ro, { recursive: true, force: true });
    disk.remove();
  }
});
