// HTTPS served by the desk itself: with the operator's certificate files, and with a
// certificate it obtains over ACME, from a real ACME server (pebble) on loopback. Over
// HTTPS every answer carries HSTS and the session cookie is Secure; a plain-HTTP
// listener sends visitors to HTTPS; the certificate is kept across restarts.
const { test, expect } = require('@playwright/test');
const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const https = require('https');
const net = require('net');
const os = require('os');
const path = require('path');
const { startDesk } = require('./desk');

const ADMIN = 'name=Ops&email=ops%40desk.example&password=a+long+password+123';

/** A CA and a server certificate it signed for 127.0.0.1, in `dir`. */
function certificates(dir) {
  const ssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Tessera test CA');
  ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'key.pem', '-out', 'leaf.csr', '-subj', '/CN=127.0.0.1');
  fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  ssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'cert.pem', '-days', '2', '-extfile', 'ext.cnf');
  return { ca: path.join(dir, 'ca.pem'), cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem') };
}

/** An HTTPS request to 127.0.0.1:`port` for host `name`, trusting only `ca`. */
function request(port, name, ca, { method = 'GET', pathname = '/healthz', body, origin } = {}) {
  return new Promise((resolve, reject) => {
    const headers = { host: `${name}:${port}` };
    if (body) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(body);
      headers.origin = origin;
    }
    const req = https.request({ host: '127.0.0.1', port, servername: net.isIP(name) ? undefined : name, path: pathname, method, ca: fs.readFileSync(ca), headers }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

test('HTTPS with the operator certificate: HSTS, a Secure session cookie, no plain HTTP', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-tls-'));
  const { ca, cert, key } = certificates(dir);
  const desk = await startDesk(['--tls-cert', cert, '--tls-key', key]);
  try {
    expect(desk.base).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const port = Number(new URL(desk.base).port);
    const health = await request(port, '127.0.0.1', ca);
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toBe('max-age=31536000');
    const token = new URL(desk.setup).searchParams.get('token');
    const setup = await request(port, '127.0.0.1', ca, { method: 'POST', pathname: '/api/auth/setup', body: `token=${token}&${ADMIN}`, origin: desk.base });
    expect(setup.status).toBe(200);
    expect(setup.headers['set-cookie'][0]).toMatch(/^tessera_session=[^;]+;.*; Secure$/);
    // The port speaks TLS only: plain HTTP gets no page.
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  } finally {
    await desk.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('HTTPS with a certificate from an ACME server, kept across a restart', async () => {
  test.setTimeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-acme-'));
  const { ca, cert, key } = certificates(dir);
  const [acmePort, managePort, plainPort] = [await freePort(), await freePort(), await freePort()];
  fs.writeFileSync(path.join(dir, 'pebble.json'), JSON.stringify({
    pebble: {
      listenAddress: `127.0.0.1:${acmePort}`, managementListenAddress: `127.0.0.1:${managePort}`,
      certificate: cert, privateKey: key, httpPort: 5002, tlsPort: 5001, ocspResponderURL: '', externalAccountBindingRequired: false,
    },
  }));
  // Pebble validates challenges only against real DNS; here it takes them as passed.
  const pebble = spawn('pebble', ['-config', path.join(dir, 'pebble.json')], {
    env: { ...process.env, PEBBLE_VA_ALWAYS_VALID: '1', PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0' },
  });
  let desk;
  try {
    const data = path.join(dir, 'data');
    const args = ['--acme-domain', 'tessera.test', '--acme-directory', `https://127.0.0.1:${acmePort}/dir`, '--acme-ca', ca, '--acme-email', 'ops@desk.example'];
    await expect.poll(async () => (await request(managePort, '127.0.0.1', ca, { pathname: '/roots/0' }).catch(() => ({ status: 0 }))).status).toBe(200);
    desk = await startDesk([...args, '--redirect-http', `127.0.0.1:${plainPort}`], { dataDir: data });
    expect(desk.base).toMatch(/^https:\/\/tessera\.test:\d+$/);
    expect(desk.setup).toMatch(/^https:\/\/tessera\.test:\d+\/setup\?token=/);
    const port = Number(new URL(desk.base).port);
    const root = path.join(dir, 'root.pem');
    fs.writeFileSync(root, (await request(managePort, '127.0.0.1', ca, { pathname: '/roots/0' })).text);
    // The certificate arrives within seconds; until then handshakes fail.
    await expect.poll(async () => (await request(port, 'tessera.test', root).catch(() => ({ status: 0 }))).status, { timeout: 60_000 }).toBe(200);
    const health = await request(port, 'tessera.test', root);
    expect(health.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(fs.statSync(path.join(data, 'acme')).mode & 0o077).toBe(0);

    // Plain HTTP is sent to HTTPS, at the desk's domain.
    const plain = await fetch(`http://127.0.0.1:${plainPort}/agent?x=1`, { redirect: 'manual' });
    expect(plain.status).toBe(308);
    expect(plain.headers.get('location')).toBe(`https://tessera.test:${port}/agent?x=1`);

    // Without the ACME server, a restarted desk serves the certificate it kept.
    pebble.kill();
    expect(await desk.stop({ keep: true })).toBe(0);
    desk = await startDesk(args, { dataDir: data });
    const again = Number(new URL(desk.base).port);
    await expect.poll(async () => (await request(again, 'tessera.test', root).catch(() => ({ status: 0 }))).status, { timeout: 10_000 }).toBe(200);
  } finally {
    pebble.kill();
    if (desk) await desk.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
