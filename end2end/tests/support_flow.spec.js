// A support day in the browser: first-run setup, a customer writes in, an agent answers,
// the customer reads the answer and replies, and search finds the ticket.
const { test, expect } = require('@playwright/test');
const { startDesk, hydrated, signIn } = require('./desk');

test.describe.configure({ mode: 'serial' });

let desk;
let customerLink;

test.beforeAll(async () => {
  desk = await startDesk();
});

test.afterAll(async () => {
  expect(await desk.stop()).toBe(0);
});

test('first run: the setup link creates the first administrator', async ({ page }) => {
  await page.goto(desk.setup);
  await hydrated(page);
  await page.getByLabel('Your name').fill('Mara Admin');
  await page.getByLabel('Email').fill('mara@desk.example');
  await page.getByLabel('Password (at least 10 characters)').fill('short');
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await expect(page.getByText('The password needs at least 10 characters.')).toBeVisible();
  await page.getByLabel('Password (at least 10 characters)').fill('a long password 123');
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await expect(page).toHaveURL(/\/agent$/);
  await expect(page.getByRole('heading', { name: 'Tickets' })).toBeVisible();

  // The link works once.
  const again = await page.goto(desk.setup);
  expect(again.status()).toBe(404);
});

test('a customer opens a ticket from the portal, with errors beside the fields', async ({ page }) => {
  await page.goto(desk.base + '/');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'How can we help?' })).toBeVisible();
  await page.getByLabel('Your name').fill('Ana Kovač');
  await page.getByLabel('Email address').fill('ana@example.com');
  await page.getByLabel('Subject').fill('   ');
  await page.getByLabel('Message').fill('x');
  await page.getByRole('button', { name: 'Send request' }).click();
  await expect(page.locator('#field-subject-error')).toHaveText('Please enter a subject.');
  await expect(page.getByLabel('Subject')).toHaveAttribute('aria-invalid', 'true');

  await page.getByLabel('Subject').fill('Refund <script>window.__pwned=1</script> for order 8812');
  await page.getByLabel('Message').fill('The parcel never arrived. <img src=x onerror="window.__pwned=2">');
  await page.getByRole('button', { name: 'Send request' }).click();
  await expect(page.getByRole('heading', { name: 'Thank you — we have your request' })).toBeVisible();
  await expect(page.locator('.ticket-number')).toHaveText('#1');
  customerLink = await page.locator('a.private-link').getAttribute('href');
  expect(customerLink).toMatch(/^\/t\/1\/[A-Za-z0-9_-]{22}$/);
});

test('an agent signs in, replies, notes and changes the status', async ({ page }) => {
  await page.goto(desk.base + '/agent');
  await expect(page).toHaveURL(/\/agent\/login$/);
  await hydrated(page);
  await page.getByLabel('Email').fill('mara@desk.example');
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('That email and password do not match.')).toBeVisible();
  await page.getByLabel('Password').fill('a long password 123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/agent$/);

  const row = page.getByRole('row').filter({ hasText: '#1' });
  await expect(row).toContainText('Refund <script>window.__pwned=1</script> for order 8812');
  await expect(row).toContainText('Ana Kovač');
  await expect(row).toContainText('New');
  await row.getByRole('link').click();
  await expect(page).toHaveURL(/\/agent\/tickets\/1$/);
  await hydrated(page);
  await expect(page.locator('.message').first()).toContainText('<img src=x onerror="window.__pwned=2">');

  await page.getByLabel('Message').fill('We have issued your refund today.');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.locator('.message.from-agent')).toContainText('We have issued your refund today.');

  await page.getByRole('radio', { name: 'Internal note' }).check();
  await page.getByLabel('Message').fill('Courier lost it; claim 77 filed.');
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.locator('.message.note')).toContainText('Courier lost it');
  await expect(page.locator('.message.note .note-label')).toHaveText('Note');

  // The status select acts through the wasm only: this proves hydration.
  await expect(page.getByLabel('Status')).toHaveValue('answered');
  await page.getByLabel('Status').selectOption('pending');
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Status')).toHaveValue('pending');
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
});

test('the customer reads the answer, never the note, and replies', async ({ page }) => {
  await page.goto(desk.base + customerLink);
  await hydrated(page);
  await expect(page.getByText('We have issued your refund today.')).toBeVisible();
  await expect(page.getByText('Courier lost it')).toHaveCount(0);
  await expect(page.locator('.meta .badge')).toHaveText('Pending');
  await page.getByLabel('Your reply').fill('Thank you, received!');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByText('Your reply was sent.')).toBeVisible();
  await expect(page.locator('.message').last()).toContainText('Thank you, received!');
  await expect(page.locator('.meta .badge')).toHaveText('Open');
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
});

test('wrong links get a 404 page and never another ticket', async ({ page }) => {
  const wrongKey = await page.goto(desk.base + '/t/1/AAAAAAAAAAAAAAAAAAAAAA');
  expect(wrongKey.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expect(page.getByText('We have issued')).toHaveCount(0);
  const noSuchTicket = await page.goto(desk.base + customerLink.replace('/t/1/', '/t/2/'));
  expect(noSuchTicket.status()).toBe(404);
  const nowhere = await page.goto(desk.base + '/no/such/page');
  expect(nowhere.status()).toBe(404);
});

test('an agent finds the ticket by typing, accents or not', async ({ page }) => {
  await signIn(page, desk.base, 'mara@desk.example', 'a long password 123');
  await page.goto(desk.base + '/agent/tickets/1');
  await hydrated(page);
  const missing = await page.goto(desk.base + '/agent/tickets/999');
  expect(missing.status()).toBe(404);
  await page.goto(desk.base + '/agent/search');
  await hydrated(page);
  const box = page.locator('#search-page-q');
  await box.pressSequentially('parc', { delay: 30 });
  const hit = page.locator('.hit').first();
  await expect(hit).toContainText('#1');
  await expect(hit.locator('mark').first()).toHaveText('parcel');
  await expect(page).toHaveURL(/q=parc/);
  // The requester's name is searchable without its accent.
  await box.fill('');
  await box.pressSequentially('kovac', { delay: 30 });
  await expect(page.locator('.hit').first()).toContainText('Ana Kovač');
  await box.fill('');
  await box.pressSequentially('nothing-like-this', { delay: 10 });
  await expect(page.getByText('No ticket matches.')).toBeVisible();
});

test('the workspace is keyboard friendly', async ({ page }) => {
  await page.goto(desk.base + '/agent/login');
  await hydrated(page);
  await page.getByLabel('Email').fill('mara@desk.example');
  await page.getByLabel('Password').fill('a long password 123');
  await page.getByLabel('Password').press('Enter');
  await expect(page).toHaveURL(/\/agent$/);
  await hydrated(page);
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await page.keyboard.press('j');
  await expect(page.locator('table.tickets tbody a').first()).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/agent\/tickets\/1$/);
  await expect(page.getByLabel('Message')).toBeVisible();
  await page.keyboard.press('n');
  await expect(page.getByLabel('Message')).toBeFocused();
  await expect(page.getByRole('radio', { name: 'Internal note' })).toBeChecked();
  await expect(page.getByRole('button', { name: 'Add note' })).toBeVisible();
  await page.getByLabel('Message').press('Escape');
  await page.locator('h1').click();
  await page.keyboard.press('/');
  await expect(page.locator('#global-search')).toBeFocused();
});

test('the inbox shows new tickets live, and a draft survives a status change', async ({ page, browser }) => {
  await signIn(page, desk.base, 'mara@desk.example', 'a long password 123');
  await hydrated(page);
  await page.waitForSelector('body[data-live="true"]');
  const customer = await browser.newPage();
  await customer.goto(desk.base + '/');
  await hydrated(customer);
  await customer.getByLabel('Your name').fill('Γιώργος Παπαδόπουλος');
  await customer.getByLabel('Email address').fill('giorgos@example.gr');
  await customer.getByLabel('Subject').fill('Κωδικός πρόσβασης');
  await customer.getByLabel('Message').fill('Ξέχασα τον κωδικό μου.');
  await customer.getByRole('button', { name: 'Send request' }).click();
  await expect(customer.locator('.ticket-number')).toHaveText('#2');
  const link = await customer.locator('a.private-link').getAttribute('href');
  // No reload: the live stream tells the open inbox.
  await expect(page.getByRole('link', { name: 'Κωδικός πρόσβασης' })).toBeVisible();

  await page.getByRole('link', { name: 'Κωδικός πρόσβασης' }).click();
  await hydrated(page);
  await page.getByRole('radio', { name: 'Internal note' }).check();
  await page.getByLabel('Message').fill('Half-written note');
  await page.getByLabel('Status').selectOption('open');
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  await expect(page.getByLabel('Message')).toHaveValue('Half-written note');
  await expect(page.getByRole('radio', { name: 'Internal note' })).toBeChecked();

  // The customer answers while the agent is typing: the reply appears, the draft stays.
  await page.getByLabel('Message').click();
  await page.keyboard.type(' more');
  await customer.goto(desk.base + link);
  await hydrated(customer);
  await customer.getByLabel('Your reply').fill('Still locked out.');
  await customer.getByRole('button', { name: 'Send reply' }).click();
  await expect(customer.getByText('Your reply was sent.')).toBeVisible();
  await customer.close();
  await expect(page.locator('.message').last()).toContainText('Still locked out.');
  await expect(page.getByLabel('Message')).toBeFocused();
  await expect(page.getByLabel('Message')).toHaveValue('Half-written note more');
});

test('an admin adds an agent, who signs in; sign-out ends the session', async ({ page }) => {
  await signIn(page, desk.base, 'mara@desk.example', 'a long password 123');
  await page.getByRole('link', { name: 'Agents' }).click();
  await expect(page).toHaveURL(/\/agent\/admin\/agents$/);
  await hydrated(page);
  await page.getByLabel('Name').fill('Ivan Horvat');
  await page.getByLabel('Email').fill('ivan@desk.example');
  await page.getByLabel('Initial password').fill('ivan password 1');
  await page.getByRole('button', { name: 'Add agent' }).click();
  await expect(page.getByText('Agent added.')).toBeVisible();
  await expect(page.getByRole('cell', { name: 'ivan@desk.example' })).toBeVisible();
  await page.getByLabel('Email').fill('ivan@desk.example');
  await page.getByLabel('Name').fill('Ivan Again');
  await page.getByLabel('Initial password').fill('ivan password 1');
  await page.getByRole('button', { name: 'Add agent' }).click();
  await expect(page.getByText('An agent with this email already exists.')).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/agent\/login$/);
  await page.goto(desk.base + '/agent');
  await expect(page).toHaveURL(/\/agent\/login$/);

  await hydrated(page);
  await page.getByLabel('Email').fill('ivan@desk.example');
  await page.getByLabel('Password').fill('ivan password 1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/agent$/);
  await expect(page.locator('.sidebar .who')).toContainText('Ivan Horvat');
  await expect(page.getByRole('link', { name: 'Agents' })).toHaveCount(0);
  const denied = await page.goto(desk.base + '/agent/admin/agents');
  await expect(page.getByText('You are not allowed to do that.')).toBeVisible();
  expect(denied.status()).toBe(403);
});

test('pages carry a strict content security policy; other sites cannot post', async ({ request }) => {
  const page = await request.get(desk.base + '/');
  const csp = page.headers()['content-security-policy'];
  expect(csp).toContain("default-src 'self'");
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9_-]+'/);
  expect(page.headers()['x-content-type-options']).toBe('nosniff');
  const forged = await request.post(desk.base + '/api/portal/create', {
    headers: { Origin: 'http://evil.example' },
    form: { name: 'x', email: 'x@example.com', subject: 'forged', body: 'forged' },
  });
  expect(forged.status()).toBe(403);
});

test('an admin deactivates an agent, who can no longer sign in', async ({ page }) => {
  await signIn(page, desk.base, 'mara@desk.example', 'a long password 123');
  await page.goto(desk.base + '/agent/admin/agents');
  await hydrated(page);
  const mine = page.getByRole('row').filter({ hasText: 'mara@desk.example' });
  await expect(mine.getByRole('button')).toHaveCount(0);
  const ivan = page.getByRole('row').filter({ hasText: 'ivan@desk.example' });
  await ivan.getByRole('button', { name: 'Deactivate: Ivan Horvat' }).click();
  await expect(ivan).toContainText('Deactivated');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/agent\/login$/);
  await hydrated(page);
  await page.getByLabel('Email').fill('ivan@desk.example');
  await page.getByLabel('Password').fill('ivan password 1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('That email and password do not match.')).toBeVisible();
});
