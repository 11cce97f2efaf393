// The help center: an agent writes articles (one internal), a customer finds the public
// one by typing without accents, reads it (also without the wasm), and says it helped.
const { test, expect } = require('@playwright/test');
const { startDesk, hydrated, signIn, postForm } = require('./desk');

const ADMIN = { name: 'Mara Admin', email: 'mara@desk.example', password: 'a long password 123' };

test('a customer finds a public article as they type and rates it', async ({ page, browser }) => {
  const desk = await startDesk();
  try {
    const token = new URL(desk.setup).searchParams.get('token');
    const setup = await postForm(desk.base, '/api/auth/setup', { token, ...ADMIN });
    const cookie = setup.headers.get('set-cookie').split(';')[0];

    // The agent writes in the editor.
    await signIn(page, desk.base, ADMIN.email, ADMIN.password);
    await page.goto(desk.base + '/agent/kb/0');
    await hydrated(page);
    await page.getByLabel('Title').fill('Čišćenje pisača');
    await page.getByLabel('Language').selectOption('hr');
    await page.getByLabel('Text (Markdown)').fill('Isključite pisač i **očistite valjak** mekom krpom.');
    await page.getByLabel('Public (customers can read it in the help center)').check();
    await page.getByLabel('Published').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page).toHaveURL(/\/agent\/kb\/1$/);
    await expect(page.getByRole('link', { name: 'See it in the help center' })).toBeVisible();
    // An internal one, by the API.
    const internal = await postForm(desk.base, '/api/kb/save', {
      id: '0', title: 'Pisač: interni postupak', language: 'hr', published: '1', body: 'Nazovite servis pisača, šifra 7.',
    }, { cookie });
    expect(internal.status).toBe(200);

    const customer = await (await browser.newContext()).newPage();
    await customer.goto(desk.base + '/help');
    await hydrated(customer);
    await customer.getByLabel('Search the help center').pressSequentially('ciscenje pis');
    const results = customer.getByRole('list', { name: 'Articles found' });
    await expect(results.getByRole('link')).toHaveCount(1);
    await expect(results.getByRole('link')).toHaveText('Čišćenje pisača');
    await customer.getByLabel('Search the help center').fill('servis');
    await expect(customer.getByText('No article matches.', { exact: false })).toBeVisible();
    // Another form of a word finds it (krpa, the text says krpom), marked where it is.
    await customer.getByLabel('Search the help center').fill('krpa');
    await expect(results.getByRole('link')).toHaveText('Čišćenje pisača');
    await expect(results.locator('mark')).toHaveText(['krpom']);
    await customer.getByLabel('Search the help center').fill('pisac');
    await expect(results.getByRole('link')).toHaveText('Čišćenje pisača');
    await expect(results.locator('mark')).toHaveText(['pisača', 'pisač']);
    await results.getByRole('link').click();
    await expect(customer.getByRole('heading', { name: 'Čišćenje pisača' })).toBeVisible();
    await expect(customer).toHaveTitle(/Čišćenje pisača/);
    await expect(customer.locator('meta[name="description"]')).toHaveAttribute('content', /Isključite pisač/);
    await expect(customer.locator('.help-article strong')).toHaveText('očistite valjak');
    await hydrated(customer);
    await customer.getByRole('button', { name: 'Yes' }).click();
    await expect(customer.getByText('Thank you for telling us.')).toBeVisible();

    // The internal article is not there for customers, even by its address.
    const hidden = await customer.request.get(desk.base + '/help/pisac-interni-postupak');
    expect(await hidden.text()).not.toContain('šifra 7');

    // Without the wasm, the article still reads.
    const plain = await browser.newContext({ javaScriptEnabled: false });
    const p = await plain.newPage();
    await p.goto(desk.base + '/help/ciscenje-pisaca');
    await expect(p.getByRole('heading', { name: 'Čišćenje pisača' })).toBeVisible();
    await p.goto(desk.base + '/help?q=valjak');
    await expect(p.getByRole('list', { name: 'Articles found' }).getByRole('link')).toHaveText('Čišćenje pisača');
    await plain.close();

    // The agent sees the vote.
    await page.goto(desk.base + '/agent/kb/1');
    await expect(page.getByText('👍 1 · 👎 0')).toBeVisible();

    // Beside a ticket about it, the article is suggested and its link goes into the reply.
    await postForm(desk.base, '/api/portal/create', { name: 'Ana', email: 'ana@example.com', subject: 'Pisač ne radi', body: 'Treba li čišćenje valjka?' });
    await page.goto(desk.base + '/agent/tickets/1');
    await hydrated(page);
    const suggested = page.locator('details.suggested');
    await expect(suggested.locator('summary')).toHaveText(/suggested article/);
    await suggested.locator('summary').click();
    await suggested.getByRole('listitem').filter({ hasText: 'Čišćenje pisača' }).getByRole('button', { name: 'Insert link' }).click();
    await expect(page.getByLabel('Message')).toHaveValue(/\[Čišćenje pisača\]\(http.*\/help\/ciscenje-pisaca\)/);

    // A customer writing about it sees the article beside the form; opening it and
    // leaving without writing counts as a deflection.
    const writer = await browser.newContext();
    const w = await writer.newPage();
    await w.goto(desk.base + '/');
    await hydrated(w);
    await w.getByLabel('Subject').pressSequentially('Pisač ne radi');
    const aside = w.getByRole('complementary', { name: 'These articles may answer it' });
    await expect(aside.getByRole('link', { name: 'Čišćenje pisača' })).toBeVisible();
    const [tab] = await Promise.all([writer.waitForEvent('page'), aside.getByRole('link', { name: 'Čišćenje pisača' }).click()]);
    await tab.waitForLoadState();
    await tab.close();
    await w.goto(desk.base + '/help');
    await writer.close();
    await expect.poll(async () => {
      await page.goto(desk.base + '/agent/kb/1');
      return page.locator('.meta').textContent();
    }, { timeout: 10000 }).toContain('answered 1 customer before they wrote');
  } finally {
    await desk.stop();
  }
});
