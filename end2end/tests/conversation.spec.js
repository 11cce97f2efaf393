// The conversation: files uploaded by picker, drop and paste, downloaded by who may;
// two agents on one ticket see each other, and a send is held when the customer
// writes meanwhile; a call is logged; the bell tells an agent what was given to them.
const { test, expect } = require('@playwright/test');
const { startDesk, hydrated, signIn, postForm } = require('./desk');

const ADMIN = { name: 'Mara Admin', email: 'mara@desk.example', password: 'a long password 123' };
const TIM = { name: 'Tim', email: 'tim@desk.example', password: 'a long password 123' };

async function team(desk) {
  const token = new URL(desk.setup).searchParams.get('token');
  const setup = await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN });
  const cookie = setup.headers.get('set-cookie').split(';')[0];
  expect((await postForm(desk.base, '/api/admin/add-agent', TIM, { cookie })).status).toBe(200);
  const created = await postForm(desk.base, '/api/portal/create', {
    name: 'Ana Kovač', email: 'ana@example.com', subject: 'The app crashes', body: 'It crashes on start.',
  });
  const ticket = await created.json();
  return { cookie, link: ticket.link };
}

// A tiny PNG (1×1, red).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

test('files go up by picker, drop and paste, and come down only to who may see them', async ({ page, browser }) => {
  const desk = await startDesk();
  try {
    const { link } = await team(desk);
    await signIn(page, desk.base, ADMIN.email, ADMIN.password);
    await page.goto(desk.base + '/agent/tickets/1');
    await hydrated(page);
    // The picker.
    await page.getByLabel('Attach files').setInputFiles([
      { name: 'steps.txt', mimeType: 'text/plain', buffer: Buffer.from('1. open the app\n2. it crashes') },
    ]);
    const uploads = page.locator('.uploads li');
    await expect(uploads).toHaveCount(1);
    await expect(uploads.first()).toContainText('steps.txt');
    await expect(uploads.first()).toContainText('✓');
    // Dropped on the composer.
    await page.evaluate((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'screen.png', { type: 'image/png' }));
      const form = document.querySelector('form.composer');
      form.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, PNG.toString('base64'));
    // Pasted into the message box, as a screenshot is.
    await page.evaluate((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
      const box = document.querySelector('form.composer textarea');
      box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, PNG.toString('base64'));
    await expect(uploads).toHaveCount(3);
    await expect(page.locator('.uploads li', { hasText: '✓' })).toHaveCount(3);
    await page.getByLabel('Message').fill('Here is **what we found**.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    const reply = page.locator('.message.from-agent').last();
    await expect(reply.locator('strong', { hasText: 'what we found' })).toBeVisible();
    await expect(reply.locator('.attachments li')).toHaveCount(3);
    await expect(page.locator('.uploads li')).toHaveCount(0);
    // Pictures preview; every file downloads with its name.
    const preview = reply.locator('.attachments img').first();
    await expect(preview).toBeVisible();
    expect(await preview.evaluate((img) => img.naturalWidth)).toBe(1);
    const href = await reply.locator('.attachments a', { hasText: 'steps.txt' }).getAttribute('href');
    const download = await page.request.get(desk.base + href);
    expect(download.status()).toBe(200);
    expect(download.headers()['content-disposition']).toContain('attachment');
    expect(download.headers()['content-disposition']).toContain('steps.txt');
    expect(await download.text()).toContain('it crashes');

    // The customer downloads it through their link; a stranger gets nothing.
    const customer = await browser.newContext();
    const asCustomer = await customer.request.get(desk.base + new URL(link, desk.base).pathname + href);
    expect(asCustomer.status()).toBe(200);
    expect(await asCustomer.text()).toContain('it crashes');
    await customer.close();
    const stranger = await browser.newContext();
    expect((await stranger.request.get(desk.base + href)).status()).toBe(404);
    await stranger.close();

    // An HTML file is never served as a page.
    await page.getByLabel('Attach files').setInputFiles([
      { name: 'evil.html', mimeType: 'text/html', buffer: Buffer.from('<script>document.title="owned"</script>') },
    ]);
    await expect(page.locator('.uploads li', { hasText: '✓' })).toHaveCount(1);
    await page.getByRole('radio', { name: 'Internal note' }).check();
    await page.getByLabel('Message').fill('html file');
    await page.getByRole('button', { name: 'Add note' }).click();
    const note = page.locator('.message.note').last();
    const evil = await note.locator('.attachments a').getAttribute('href');
    const served = await page.request.get(desk.base + evil);
    expect(served.headers()['content-type']).toBe('application/octet-stream');
    expect(served.headers()['content-disposition']).toContain('attachment');
    // A note's file is not the customer's.
    const noteForCustomer = new URL(link, desk.base).pathname + evil;
    expect((await page.request.get(desk.base + noteForCustomer)).status()).toBe(404);

    // Past the desk's limit (set to 1 MiB) a file is refused with a clear message.
    const admin = await page.context().cookies();
    const cookie = admin.filter((c) => c.name === 'tessera_session').map((c) => `${c.name}=${c.value}`).join('');
    expect((await postForm(desk.base, '/api/admin/desk-change', { what: 'attachment_max', id: '0', value: '1' }, { cookie })).status).toBe(200);
    await page.getByLabel('Attach files').setInputFiles([
      { name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(2 * 1024 * 1024, 7) },
    ]);
    await expect(page.locator('.uploads li.failed')).toContainText('This file is larger than the desk accepts.');
  } finally {
    await desk.stop();
  }
});

test('two agents on one ticket see each other, and a send is held when the customer writes', async ({ browser }) => {
  const desk = await startDesk();
  try {
    const { link } = await team(desk);
    const mara = await (await browser.newContext()).newPage();
    const tim = await (await browser.newContext()).newPage();
    await signIn(mara, desk.base, ADMIN.email, ADMIN.password);
    await signIn(tim, desk.base, TIM.email, TIM.password);
    await mara.goto(desk.base + '/agent/tickets/1');
    await hydrated(mara);
    await tim.goto(desk.base + '/agent/tickets/1');
    await hydrated(tim);
    await expect(mara.locator('.viewers')).toContainText('Tim is viewing');
    await expect(tim.locator('.viewers')).toContainText('Mara Admin is viewing');
    await tim.getByLabel('Message').pressSequentially('Looking into it');
    await expect(mara.locator('.viewers')).toContainText('Tim is typing a reply');

    // Mara writes; meanwhile the customer answers.
    await mara.getByLabel('Message').fill('Please reinstall the app.');
    const path = new URL(link, desk.base).pathname.split('/');
    const replied = await postForm(desk.base, '/api/portal/reply', { number: path[2], key: path[3], body: 'It also fails on my phone.' });
    expect(replied.status).toBe(200);
    await mara.getByRole('button', { name: 'Send reply' }).click();
    await expect(mara.getByRole('alert').filter({ hasText: 'a new message arrived' })).toBeVisible();
    await expect(mara.locator('.message.from-customer').last()).toContainText('It also fails on my phone.');
    await expect(mara.locator('.message.from-agent')).toHaveCount(0);
    // Confirmed, it goes.
    await mara.getByRole('button', { name: 'Send anyway' }).click();
    await expect(mara.locator('.message.from-agent').last()).toContainText('Please reinstall the app.');
    // Tim now holds an out-of-date view: his send is held too.
    await tim.getByRole('button', { name: 'Send reply' }).click();
    await expect(tim.getByRole('button', { name: 'Send anyway' })).toBeVisible();
    await expect(tim.locator('.message.from-agent').last()).toContainText('Please reinstall the app.');

    // Tim leaves: Mara no longer sees him.
    await tim.goto(desk.base + '/agent');
    await expect(mara.locator('.viewers')).not.toContainText('Tim');
  } finally {
    await desk.stop();
  }
});

test('a call is logged, and an assignment rings the bell', async ({ browser }) => {
  const desk = await startDesk();
  try {
    await team(desk);
    const mara = await (await browser.newContext()).newPage();
    const tim = await (await browser.newContext()).newPage();
    await signIn(mara, desk.base, ADMIN.email, ADMIN.password);
    await signIn(tim, desk.base, TIM.email, TIM.password);
    await tim.goto(desk.base + '/agent');
    await hydrated(tim);
    await expect(tim.locator('.bell summary')).toHaveAttribute('aria-label', 'Notifications');

    await mara.goto(desk.base + '/agent/tickets/1');
    await hydrated(mara);
    await mara.getByRole('radio', { name: 'Call' }).check();
    await mara.getByLabel('Direction').selectOption('out');
    await mara.getByLabel('Phone number').fill('+386 1 234 5678');
    await mara.getByLabel('Length in minutes').fill('4');
    await mara.getByLabel('Message').fill('Walked her through a reinstall.');
    await mara.getByRole('button', { name: 'Log call' }).click();
    const call = mara.locator('.message.call').last();
    await expect(call).toContainText('Outgoing call');
    await expect(call).toContainText('+386 1 234 5678');
    await expect(call).toContainText('4 minutes');

    // Mara gives the ticket to Tim: his bell shows it, live.
    await mara.getByLabel('Assignee').selectOption({ label: 'Tim' });
    await expect(tim.locator('.bell summary')).toHaveAttribute('aria-label', 'Notifications (1)');
    await tim.locator('.bell summary').click();
    const item = tim.locator('.bell-menu li').first();
    await expect(item).toContainText('Mara Admin assigned you #1 The app crashes');
    await item.getByRole('link').click();
    await expect(tim.getByRole('heading', { name: /The app crashes/ })).toBeVisible();
    await expect(tim.locator('.bell summary')).toHaveAttribute('aria-label', 'Notifications');
  } finally {
    await desk.stop();
  }
});
