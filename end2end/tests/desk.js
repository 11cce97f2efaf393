// Starts the real tessera binary on a temp data folder and reads its address and
// first-run setup link from what it prints.
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

/** Starts the desk with `extraArgs`; its data goes in a temp folder, or in `dataDir`.
 * What it logs is kept in `log()`. */
async function startDesk(extraArgs = [], { dataDir } = {}) {
  const bin = process.env.TESSERA_BIN || path.join(__dirname, '../../target/release/tessera');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-'));
  // Run a copy from an empty folder: the binary must carry all of its assets.
  const copy = path.join(dir, 'tessera');
  fs.copyFileSync(bin, copy);
  fs.chmodSync(copy, 0o755);
  const proc = spawn(copy, ['--listen', '127.0.0.1:0', '--data-dir', dataDir || path.join(dir, 'data'), '--log', 'warn', ...extraArgs], { cwd: dir });
  let out = '';
  let log = '';
  proc.stderr.on('data', (d) => {
    log += d.toString();
    process.stderr.write(d);
  });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('tessera did not start: ' + out)), 30_000);
    proc.stdout.on('data', (d) => {
      out += d.toString();
      // The address and the setup link (when there is no administrator yet) come in
      // one write.
      const base = out.match(/serving at (https?:\/\/[^/\s]+)\//);
      const setup = out.match(/(https?:\/\/\S+\/setup\?token=\S+)/);
      if (base && (setup || !out.includes('No administrator'))) {
        clearTimeout(timer);
        resolve({ base: base[1], setup: setup && setup[1] });
      }
    });
    proc.on('exit', (code) => reject(new Error(`tessera exited with ${code}: ${out}`)));
  });
  const { base, setup } = await ready;
  if (base.startsWith('http:')) {
    const health = await fetch(base + '/healthz');
    if (!health.ok) throw new Error('healthz failed');
  }
  return {
    base,
    setup,
    dir,
    log: () => log,
    /** What it printed on standard output (its address, setup link, SMTP address). */
    output: () => out,
    /** Kills the desk with SIGKILL, as a crash or a power cut would; its folder stays. */
    async kill() {
      const exited = new Promise((r) => proc.once('exit', () => r()));
      proc.kill('SIGKILL');
      await exited;
    },
    /** Stops the desk with SIGTERM and returns its exit code (0 when it shut down
     * cleanly); its folder is removed unless `keep`. */
    async stop({ keep = false } = {}) {
      const exited = new Promise((r) => proc.once('exit', (code) => r(code)));
      proc.kill('SIGTERM');
      const code = await exited;
      if (!keep) fs.rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Waits until the wasm has hydrated the page. */
async function hydrated(page) {
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 20_000 });
}

/** Signs an agent in through the form and waits for the workspace. */
async function signIn(page, base, email, password) {
  await page.goto(base + '/agent/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/agent$/);
}

/** POSTs `fields` as a form to a server function on the desk at `base`, as a page of the
 * desk would (same origin); `headers` adds or overrides headers (a cookie, say). */
function postForm(base, path, fields, headers = {}) {
  return fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

module.exports = { startDesk, hydrated, signIn, postForm };
