// Direct intake: with --smtp-listen the desk takes mail by SMTP itself, as an MX or a
// forwarding rule would send it. A message is answered 250 only once its ticket is
// stored (the answer names it); mail for other domains is refused (nothing is
// relayed); a message to a mailbox's address goes to its department. Then the agent
// sees an HTML email as sent: sanitized, its inline image shown, remote images
// blocked until asked for, and no script run.
const { test, expect } = require('@playwright/test');
const { spawnSync } = require('child_process');
const { startDesk, signIn, postForm } = require('./desk');

const ADMIN = { name: 'Mara Admin', email: 'mara@desk.example', password: 'a long password 123' };

// A real SMTP client: Python's smtplib, with the message composed by its email package.
const CLIENT = `
import smtplib, sys, json
from email.message import EmailMessage
from email.utils import make_msgid
host, port, to, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
m = EmailMessage()
m['From'] = 'Ελένη Παπαδοπούλου <eleni@example.gr>'
m['To'] = to
m['Message-ID'] = make_msgid(domain='example.gr')
if kind == 'html':
    m['Subject'] = 'Screenshot of the error'
    m.set_content('The error is in the picture.')
    cid = make_msgid(domain='example.gr')
    m.add_alternative('<p onclick="alert(1)">The error is <b>here</b>:</p><img src="cid:%s" alt="shot">'
        '<img src="https://tracker.example.net/pixel.gif" alt="pixel"><script>alert("x")</script>' % cid[1:-1], subtype='html')
    png = bytes.fromhex('89504e470d0a1a0a0000000d4948445200000001000000010806000000'
        '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082')
    m.get_payload()[1].add_related(png, 'image', 'png', cid=cid)
else:
    charset, subject, body = sys.argv[5], sys.argv[6], sys.argv[7]
    m['Subject'] = subject
    m.set_content(body, charset=charset)
s = smtplib.SMTP(host, port, timeout=30)
s.ehlo('client.example.gr')
s.mail('eleni@example.gr')
code, _ = s.rcpt(to)
if code != 250:
    print(json.dumps({'rcpt': code})); sys.exit(0)
code, text = s.data(m.as_bytes())
s.quit()
print(json.dumps({'rcpt': 250, 'data': code, 'text': text.decode()}))
`;

function send(addr, to, kind = 'text', charset = 'iso-8859-7', subject = 'Τιμολόγιο Νοεμβρίου', body = 'Δεν βρίσκω το τιμολόγιο του Νοεμβρίου.') {
  const [host, port] = addr.split(':');
  const r = spawnSync('python3', ['-c', CLIENT, host, port, to, kind, charset, subject, body]);
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return JSON.parse(r.stdout.toString());
}

test('mail taken by SMTP becomes a ticket before the 250, and shows as sent without running anything', async ({ page }) => {
  const desk = await startDesk(['--smtp-listen', '127.0.0.1:0']);
  try {
    const addr = desk.output().match(/Taking mail by SMTP at (\S+)/)[1];
    const token = new URL(desk.setup).searchParams.get('token');
    const setup = await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN });
    const cookie = setup.headers.get('set-cookie').split(';')[0];
    const dept = await postForm(desk.base, '/api/admin/department', { id: '0', name: 'Billing', leader: '', members: '1' }, { cookie });
    const billing = (await dept.json()).id;
    const saved = await postForm(desk.base, '/api/admin/mailbox', {
      id: '0', name: 'Billing', address: 'billing@desk.example', host: '127.0.0.1', port: '9', security: 'none',
      username: 'x', password: '', folder: 'INBOX', department: String(billing), active: '',
    }, { cookie });
    expect(saved.status).toBe(200);

    // Greek in ISO-8859-7, to the mailbox's address: its department.
    const first = send(addr, 'billing@desk.example');
    expect(first.data).toBe(250);
    // The answer says it is stored, and names no ticket.
    expect(first.text).toContain('stored');
    expect(first.text).not.toContain('#');
    const inbox = async (query) => (await (await postForm(desk.base, '/api/agent/inbox', { query, page: '0' }, { cookie })).json());
    expect((await inbox(`department=${billing}`)).total).toBe(1);
    expect((await inbox('')).tickets[0].subject).toBe('Τιμολόγιο Νοεμβρίου');

    // Another domain is refused: the desk relays nothing.
    expect(send(addr, 'someone@elsewhere.example').rcpt).toBe(550);
    // Another address at the desk's domain is taken.
    const html = send(addr, 'support@desk.example', 'html');
    expect(html.data).toBe(250);
    expect((await inbox('')).total).toBe(2);

    // Other charsets, as other clients send them: each reads back as written.
    const more = [
      ['windows-1251', 'Фактура за ноември', 'Не мога да намеря фактурата.'],
      ['windows-1250', 'Račun za studeni', 'Ne mogu pronaći račun, šaljem ponovno.'],
      ['koi8-r', 'Счёт', 'Не могу найти счёт.'],
      ['shift_jis', '請求書', '請求書が見つかりません。'],
      ['utf-8', 'Plačilo 💶', 'Plačilo ni uspelo — poskusite znova.'],
    ];
    for (const [i, [charset, subject, body]] of more.entries()) {
      const r = send(addr, 'support@desk.example', 'text', charset, subject, body);
      expect(r.data, charset).toBe(250);
      const n = 3 + i;
      const detail = await (await postForm(desk.base, '/api/agent/ticket', { number: String(n), show: '10' }, { cookie })).json();
      expect(detail.summary.subject, charset).toBe(subject);
      expect(detail.messages[0].html, charset).toContain(body.replace('—', '—'));
    }

    await signIn(page, desk.base, ADMIN.email, ADMIN.password);
    await page.goto(desk.base + '/agent/tickets/1');
    await expect(page.locator('.message.from-customer').first()).toContainText('Δεν βρίσκω το τιμολόγιο του Νοεμβρίου.');

    await page.goto(desk.base + '/agent/tickets/2');
    const asSent = page.getByRole('link', { name: 'As sent' });
    const href = await asSent.getAttribute('href');
    const id = href.match(/\/messages\/(\d+)\/as-sent/)[1];
    // The page itself: sanitized, sandboxed, remote content left out.
    const resp = await page.request.get(desk.base + href);
    expect(resp.status()).toBe(200);
    expect(resp.headers()['content-security-policy']).toContain('sandbox');
    expect(resp.headers()['content-security-policy']).toContain("img-src 'self' data:;");
    const body = await resp.text();
    expect(body).not.toMatch(/<script|onclick|alert\(/i);
    expect(body).not.toContain('tracker.example.net');
    expect(body).toContain('Remote images and styles are blocked');
    const inline = body.match(/src="(\/messages\/\d+\/inline\/\d+)"/)[1];
    const img = await page.request.get(desk.base + inline);
    expect(img.status()).toBe(200);
    expect(img.headers()['content-type']).toBe('image/png');
    // Asked for, the remote image is kept.
    expect(await (await page.request.get(desk.base + href + '?remote=1')).text()).toContain('https://tracker.example.net/pixel.gif');
    // Nobody signed in sees nothing.
    expect((await fetch(desk.base + href)).status).toBe(404);
    expect((await fetch(desk.base + inline)).status).toBe(404);
    expect((await page.request.get(desk.base + `/messages/${Number(id) + 100}/as-sent`)).status()).toBe(404);

    // Opened by the agent: the text and the picture show, no dialog ever opens.
    let dialogs = 0;
    const [tab] = await Promise.all([page.context().waitForEvent('page'), asSent.click()]);
    tab.on('dialog', (d) => { dialogs += 1; d.dismiss(); });
    await expect(tab.locator('b')).toHaveText('here');
    await expect(tab.locator('img[alt="shot"]')).toHaveJSProperty('naturalWidth', 1);
    await tab.locator('p').first().click();
    expect(dialogs).toBe(0);
  } finally {
    await desk.stop();
  }
});
