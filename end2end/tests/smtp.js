// A real SMTP server for the mail tests: Debian's aiosmtpd on a free loopback port,
// keeping what it receives in a maildir.
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// An aiosmtpd handler that keeps each message in the maildir and also delivers it
// through Dovecot (`doveadm save`) into an IMAP mailbox, as a mail server would.
const DOVECOT_HANDLER = `
import mailbox, subprocess
from aiosmtpd.handlers import Mailbox

class Dovecot(Mailbox):
    def __init__(self, maildir, conf, user):
        super().__init__(maildir)
        self.conf, self.user = conf, user

    async def handle_DATA(self, server, session, envelope):
        subprocess.run(['doveadm', '-c', self.conf, 'save', '-u', self.user], input=envelope.original_content, check=True)
        return await super().handle_DATA(server, session, envelope)

    @classmethod
    def from_cli(cls, parser, *args):
        return cls(*args)
`;

/** Starts aiosmtpd on a free port. With `dovecot` (an `imapServer()`), what it
 * receives is delivered to that Dovecot's mailbox too; with `port`, on that port. */
async function smtpServer({ dovecot, port: wanted } = {}) {
  const port = wanted || await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-smtp-'));
  const maildir = path.join(dir, 'mail');
  let handler = ['-c', 'aiosmtpd.handlers.Mailbox', maildir];
  const env = { ...process.env };
  if (dovecot) {
    fs.writeFileSync(path.join(dir, 'tessera_dovecot.py'), DOVECOT_HANDLER);
    env.PYTHONPATH = dir;
    handler = ['-c', 'tessera_dovecot.Dovecot', maildir, path.join(dovecot.dir, 'dovecot.conf'), dovecot.user];
  }
  const proc = spawn('aiosmtpd', ['-n', '-l', `127.0.0.1:${port}`, ...handler], { stdio: 'inherit', env });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => { c.end(); resolve(true); });
      c.on('error', () => resolve(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const messages = () => {
    const out = [];
    for (const sub of ['new', 'cur']) {
      const d = path.join(maildir, sub);
      if (fs.existsSync(d)) for (const f of fs.readdirSync(d)) out.push(fs.readFileSync(path.join(d, f), 'utf8'));
    }
    return out;
  };
  return { port, messages, stop: () => proc.kill() };
}

// Sets the desk's SMTP server to `smtp` through the admin API.
async function useSmtp(base, cookie, smtp, postForm) {
  const resp = await postForm(base, '/api/admin/smtp', {
    host: '127.0.0.1', port: String(smtp.port), security: 'none', username: '', password: '', from: 'support@desk.example',
  }, { cookie });
  if (resp.status !== 200) throw new Error(`smtp settings: ${resp.status} ${await resp.text()}`);
}

module.exports = { smtpServer, useSmtp, freePort };
