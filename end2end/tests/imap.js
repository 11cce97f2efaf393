// A real IMAP server for the mail tests: Debian's Dovecot on a free loopback port, with
// its whole configuration, sockets, state, log and maildir in a temp dir of its own, so
// parallel workers never share anything and /etc/dovecot is never read.
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const USER = 'support';
const PASSWORD = 'tessera-imap-test';
// Dovecot refuses to run mail processes as root ("userdb returned 0 as uid", and
// passwd-file rejects uid 0 outright), so as root the mail belongs to nobody:nogroup.
const MAIL_UID = process.getuid() === 0 ? 65534 : process.getuid();
const MAIL_GID = process.getgid() === 0 ? 65534 : process.getgid();
// Dovecot 2.3.19's post-login capabilities minus IDLE; imap_capability can only
// replace the list (or add with "+"), not remove from it.
const NO_IDLE = 'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT SORT=DISPLAY THREAD=REFERENCES '
  + 'THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE '
  + 'UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH '
  + 'LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY';

// Servers a test forgot to stop would outlive the worker (they run in their own process
// group), holding their ports; the worker takes them down as it exits.
const running = new Set();
process.on('exit', () => {
  for (const pid of running) try { process.kill(-pid, 'SIGKILL'); } catch (e) { /* gone */ }
});

// Without root Dovecot can neither switch users (so everything runs as the current one,
// named, as its settings want names) nor chroot (so no service may ask to).
function nonRootSettings() {
  const user = os.userInfo().username;
  const line = fs.readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.split(':')[2] === String(process.getgid()));
  const chrooted = ['aggregator', 'anvil', 'director', 'imap-login', 'imap-urlauth-login', 'ipc', 'old-stats', 'pop3-login', 'submission-login'];
  return `default_login_user = ${user}\ndefault_internal_user = ${user}\ndefault_internal_group = ${line.split(':')[0]}\n`
    + chrooted.map((s) => `service ${s} {\n  chroot =\n}\n`).join('');
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// Runs doveadm against this server's config; resolves to stdout, rejects with stderr.
function doveadm(conf, args, input) {
  return new Promise((resolve, reject) => {
    const p = spawn('doveadm', ['-c', conf, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out = []; const err = [];
    p.stdout.on('data', (d) => out.push(d));
    p.stderr.on('data', (d) => err.push(d));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`doveadm ${args.join(' ')}: exit ${code}: ${Buffer.concat(err).toString('utf8')}`));
    });
    p.stdin.on('error', () => {}); // an early exit is reported by 'close' above
    p.stdin.end(input === undefined ? '' : input);
  });
}

async function imapServer({ idle = true } = {}) {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-imap-'));
  // The auth process runs as the dovecot user and the mail as MAIL_UID: both must get in.
  fs.chmodSync(dir, 0o755);
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  fs.chownSync(home, MAIL_UID, MAIL_GID);
  const users = path.join(dir, 'users');
  fs.writeFileSync(users, `${USER}:{PLAIN}${PASSWORD}:${MAIL_UID}:${MAIL_GID}::${home}::\n`, { mode: 0o644 });
  const log = path.join(dir, 'dovecot.log');
  const conf = path.join(dir, 'dovecot.conf');
  fs.writeFileSync(conf, `# Written by end2end/tests/imap.js; nothing from /etc/dovecot is included.
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${log}
info_log_path = ${log}
first_valid_uid = 0
first_valid_gid = 0
mail_location = maildir:${home}/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${users}
}
userdb {
  driver = passwd-file
  args = ${users}
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
${idle ? '' : `imap_capability = ${NO_IDLE}\n`}${process.getuid() === 0 ? '' : nonRootSettings()}`);

  // detached: its own process group, so stop() reaches every child even if the master is gone.
  const proc = spawn('dovecot', ['-F', '-c', conf], { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  running.add(proc.pid);
  let exited = false;
  const exit = new Promise((resolve) => proc.on('exit', () => { exited = true; resolve(); }));
  for (let i = 0; ; i++) {
    const up = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => { c.end(); resolve(true); });
      c.on('error', () => resolve(false));
    });
    if (up) break;
    if (exited || i >= 100) {
      if (!exited) process.kill(-proc.pid, 'SIGKILL');
      running.delete(proc.pid);
      const text = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
      throw new Error(`dovecot did not start on port ${port} (${dir}):\n${text}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const adm = (args, input) => doveadm(conf, args, input);
  // Through Dovecot rather than into the maildir, so UIDs are assigned as for real mail.
  const deliver = async (raw) => { await adm(['save', '-u', USER, '-m', 'INBOX'], raw); };
  // JSON rather than the default pager format, whose form-feed separator could occur in a message.
  // Maildir keeps messages with LF line ends, so `raw` has LF where IMAP would send CRLF.
  const messages = async (folder = 'INBOX') => {
    const out = await adm(['-f', 'json', 'fetch', '-u', USER, 'uid flags text', 'mailbox', folder, 'all']);
    return JSON.parse(out.trim() || '[]').map((m) => ({
      uid: Number(m.uid), flags: m.flags.split(' ').filter(Boolean), raw: m.text,
    }));
  };
  const markSeen = async () => { await adm(['flags', 'add', '-u', USER, '\\Seen', 'mailbox', 'INBOX', 'all']); };
  const uidValidity = async () => {
    const out = await adm(['-f', 'flow', 'mailbox', 'status', '-u', USER, 'uidvalidity', 'INBOX']);
    const m = /uidvalidity=(\d+)/.exec(out);
    if (!m) throw new Error(`doveadm mailbox status: unexpected output ${JSON.stringify(out)}`);
    return Number(m[1]);
  };
  // As after a restore or a server move: same messages, and clients must forget their UIDs.
  const resetUidValidity = async () => {
    const next = ((await uidValidity()) % 0xffffffff) + 1;
    await adm(['mailbox', 'update', '-u', USER, '--uid-validity', String(next), 'INBOX']);
    return next;
  };
  const stop = async () => {
    if (!exited) {
      proc.kill('SIGTERM'); // the master shuts its children down in order
      await Promise.race([exit, new Promise((r) => setTimeout(r, 5000))]);
    }
    // Anything that ignored SIGTERM (or outlived the master) goes now.
    try { process.kill(-proc.pid, 'SIGKILL'); } catch (e) { /* group is empty */ }
    running.delete(proc.pid);
  };
  return {
    port, host: '127.0.0.1', user: USER, password: PASSWORD, dir, log,
    deliver, messages, markSeen, resetUidValidity, uidValidity, stop,
  };
}

module.exports = { imapServer };
