// The desk in five languages: every page renders in the visitor's (or the agent's)
// language on the server, counts take each language's plural forms, the portal's
// language menu remembers the choice, no English is left on a Greek page, and long
// translations fit at desktop and phone widths.
const { test, expect } = require('@playwright/test');
const fs = require('fs');
const path = require('path');
const { startDesk, hydrated } = require('./desk');

test.describe.configure({ mode: 'serial' });

const CODES = ['en', 'el', 'sl', 'hr', 'bg'];
const TEXTS = Object.fromEntries(
  CODES.map((c) => [c, JSON.parse(fs.readFileSync(path.join(__dirname, '../../app/locales', `${c}.json`), 'utf8'))]),
);

/** A key's text in `code`. */
function tr(code, key) {
  const v = TEXTS[code][key];
  if (typeof v !== 'string') throw new Error(`${code}: ${key} is not a plain text`);
  return v;
}

/** A plural key's text for `n` in `code`; the category comes from the browser
 * engine's own CLDR rules (Node's Intl), independent of the desk's. */
function count(code, key, n) {
  const forms = TEXTS[code][key];
  const category = new Intl.PluralRules(code).select(n);
  const form = forms[category];
  if (!form) throw new Error(`${code}: ${key} has no ${category} form`);
  return form.replace('{count}', new Intl.NumberFormat(code).format(n));
}

const ADMIN = { name: 'Μαρία Παπαδοπούλου', email: 'maria@desk.example', password: 'a long password 123' };
// Words in the subjects so that a search finds 1, 2, 3 and 5 tickets.
const SUBJECT_WORDS = ['κλειδί', 'κλειδί πόρτα', 'κλειδί πόρτα σπίτι', 'κλειδί πόρτα σπίτι αυλή', 'κλειδί πόρτα σπίτι αυλή δέντρο'];
const QUERIES = [['δέντρο', 1], ['αυλή', 2], ['σπίτι', 3], ['κλειδί', 5]];

let desk;
const links = [];

test.beforeAll(async () => {
  desk = await startDesk();
});

test.afterAll(async () => {
  expect(await desk.stop()).toBe(0);
});

test('the setup page speaks the browser\'s language', async ({ browser }) => {
  for (const code of CODES) {
    const context = await browser.newContext({ locale: code });
    const page = await context.newPage();
    await page.goto(desk.setup);
    await expect(page.locator('html')).toHaveAttribute('lang', code);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(tr(code, 'setup.title'));
    await expect(page.getByLabel(count(code, 'setup.password', 10))).toBeVisible();
    await expect(page.locator('.lead')).toHaveText(count(code, 'setup.lead', 30));
    await expect(page).toHaveTitle(new RegExp(tr(code, 'setup.title')));
    await context.close();
  }
  // Create the administrator in Greek.
  const context = await browser.newContext({ locale: 'el-GR' });
  const page = await context.newPage();
  await page.goto(desk.setup);
  await hydrated(page);
  await page.getByLabel(tr('el', 'setup.name')).fill(ADMIN.name);
  await page.getByLabel(tr('el', 'setup.email')).fill(ADMIN.email);
  await page.getByLabel(count('el', 'setup.password', 10)).fill('short');
  await page.getByRole('button', { name: tr('el', 'setup.submit') }).click();
  await expect(page.getByText(tr('el', 'error.password_too_short'))).toBeVisible();
  await page.getByLabel(count('el', 'setup.password', 10)).fill(ADMIN.password);
  await page.getByRole('button', { name: tr('el', 'setup.submit') }).click();
  await expect(page).toHaveURL(/\/agent$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(tr('el', 'inbox.title'));
  await context.close();
});

test('the portal speaks each language and counts messages in its plural forms', async ({ browser }) => {
  for (const [i, code] of CODES.entries()) {
    const context = await browser.newContext({ locale: code });
    const page = await context.newPage();
    await page.goto(desk.base + '/');
    await hydrated(page);
    await expect(page.locator('html')).toHaveAttribute('lang', code);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(tr(code, 'portal.title'));
    await page.getByLabel(tr(code, 'portal.name')).fill('Ελένη Γεωργίου');
    await page.getByLabel(tr(code, 'portal.email')).fill(`eleni${i}@example.com`);
    await page.getByLabel(tr(code, 'portal.subject')).fill(SUBJECT_WORDS[i]);
    await page.getByLabel(tr(code, 'portal.message')).fill('Δεν μπορώ να μπω στον λογαριασμό μου.');
    await page.getByRole('button', { name: tr(code, 'portal.send') }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(tr(code, 'portal.created_title'));
    const link = await page.locator('a.private-link').getAttribute('href');
    links.push(link);

    await page.goto(desk.base + link);
    await hydrated(page);
    await expect(page.locator('html')).toHaveAttribute('lang', code);
    await expect(page.locator('.conversation-count')).toHaveText(count(code, 'ticket.messages', 1));
    // The opening date carries the month's name in the language of the page.
    const month = new Intl.DateTimeFormat(code, { month: 'long', timeZone: 'UTC' }).format(new Date());
    await expect(page.locator('.meta time')).toContainText(month.slice(0, 3));
    // Dates drawn again by the wasm (after a reply) read exactly as the server wrote them.
    const serverTime = await page.locator('.conversation time').first().textContent();
    let messages = 1;
    for (const target of [2, 3, 5]) {
      while (messages < target) {
        await page.getByLabel(tr(code, 'portal.your_reply')).fill(`Μήνυμα ${messages + 1}`);
        await page.getByRole('button', { name: tr(code, 'portal.send_reply') }).click();
        messages += 1;
        await expect(page.locator('.conversation .message')).toHaveCount(messages);
      }
      await expect(page.locator('.conversation-count')).toHaveText(count(code, 'ticket.messages', target));
    }
    await expect(page.locator('.conversation time').first()).toHaveText(serverTime);
    await context.close();
  }
});

/** Signs the Greek admin in, in a browser asking for `browserLocale`. */
async function agentPage(browser, browserLocale = 'en-US') {
  const context = await browser.newContext({ locale: browserLocale });
  const page = await context.newPage();
  await page.goto(desk.base + '/agent/login');
  await hydrated(page);
  await page.locator('#login-email').fill(ADMIN.email);
  await page.locator('#login-password').fill(ADMIN.password);
  await page.locator('button[type=submit]').click();
  await page.waitForURL(/\/agent$/);
  return { context, page };
}

/** Saves the agent's workspace language through the settings page. */
async function chooseWorkspaceLanguage(page, code) {
  await page.goto(desk.base + '/agent/settings');
  await hydrated(page);
  await page.locator('#settings-language').selectOption(code);
  // Saving reloads the page in the new language: wait for that reload to finish.
  const reloaded = page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame());
  await page.locator('form.language-form button[type=submit]').click();
  await reloaded;
  await page.waitForLoadState('load');
  if (code) await expect(page.locator('html')).toHaveAttribute('lang', code);
  await hydrated(page);
}

test('the workspace speaks the agent\'s chosen language, whatever the browser asks', async ({ browser }) => {
  const { context, page } = await agentPage(browser, 'en-US');
  for (const code of CODES) {
    await chooseWorkspaceLanguage(page, code);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(tr(code, 'settings.title'));
    await expect(page.locator('#settings-language')).toHaveValue(code);

    await page.goto(desk.base + '/agent');
    await expect(page.locator('html')).toHaveAttribute('lang', code);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(tr(code, 'inbox.title'));
    await expect(page.locator('.pager .count-total')).toHaveText(count(code, 'inbox.count', 5));
    await expect(page.locator('th.col-number')).toHaveText(tr(code, 'inbox.col_number'));

    for (const [q, n] of QUERIES) {
      await page.goto(desk.base + '/agent/search?q=' + encodeURIComponent(q));
      await expect(page.locator('.hits .hit')).toHaveCount(n);
      await expect(page.locator('p.count-total')).toHaveText(count(code, 'search.count', n));
    }
  }
  // The browser's language applies again once the agent gives the choice back.
  await chooseWorkspaceLanguage(page, '');
  await page.goto(desk.base + '/agent');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await context.close();
});

test('the portal\'s language menu switches the language and remembers it', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(desk.base + links[0]);
  await hydrated(page);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  const menu = page.locator('details.lang-menu');
  await menu.locator('summary').click();
  await menu.getByRole('link', { name: 'Slovenščina' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'sl');
  expect(new URL(page.url()).pathname).toBe(links[0]);
  await expect(page.locator('.conversation-count')).toHaveText(count('sl', 'ticket.messages', 5));
  const cookie = (await context.cookies()).find((c) => c.name === 'tessera_lang');
  expect(cookie.value).toBe('sl');
  expect(cookie.expires).toBeGreaterThan(Date.now() / 1000 + 300 * 24 * 3600);

  // Remembered on the next visit, on every portal page, before any wasm runs.
  await page.route('**/*.wasm', (route) => route.abort());
  await page.goto(desk.base + '/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'sl');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(tr('sl', 'portal.title'));
  await page.unroute('**/*.wasm');

  // The menu works without the wasm too (plain links), and never leads off the desk.
  await page.goto(desk.base + '/');
  await menu.locator('summary').click();
  await menu.getByRole('link', { name: 'Български' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(tr('bg', 'portal.title'));
  const away = await page.request.get(desk.base + '/lang/hr?next=//evil.example/', { maxRedirects: 0 });
  expect(away.status()).toBe(303);
  expect(away.headers()['location']).toBe('/');
  const unknown = await page.request.get(desk.base + '/lang/xx?next=/', { maxRedirects: 0 });
  expect(unknown.status()).toBe(404);

  // In the workspace the agent's own setting beats the portal's cookie.
  const agent = await agentPage(browser, 'en-US');
  await chooseWorkspaceLanguage(agent.page, 'el');
  await agent.context.addCookies([{ name: 'tessera_lang', value: 'bg', url: desk.base }]);
  await agent.page.goto(desk.base + '/agent');
  await expect(agent.page.locator('html')).toHaveAttribute('lang', 'el');
  await agent.page.goto(desk.base + '/');
  await expect(agent.page.locator('html')).toHaveAttribute('lang', 'bg');
  await agent.context.close();
  await context.close();
});

/** Visible text and accessible texts of the page that are in the page's language
 * (an element marked with another `lang`, like a language's own name, is left out). */
async function textsOf(page) {
  return page.evaluate(() => {
    const pageLang = document.documentElement.lang;
    const out = [];
    const foreign = (el) => {
      const marked = el.closest('[lang]');
      return marked && marked.getAttribute('lang') !== pageLang;
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const el = node.parentElement;
      if (!el || foreign(el) || ['SCRIPT', 'STYLE', 'KBD'].includes(el.tagName)) continue;
      if (!el.checkVisibility()) continue;
      if (node.textContent.trim()) out.push(node.textContent.trim());
    }
    for (const el of document.querySelectorAll('[aria-label], [placeholder], [title]')) {
      if (foreign(el)) continue;
      for (const a of ['aria-label', 'placeholder', 'title']) {
        const v = el.getAttribute(a);
        if (v) out.push(v);
      }
    }
    out.push(document.title);
    return out;
  });
}

/** Latin-letter words left in Greek texts, other than names that stay as they are. */
function englishIn(texts) {
  const allowed = new Set(['Tessera', 'email', 'Email', 'API', 'KiB', 'MiB', 'tessera', 'admin', 'create', 'Markdown']);
  const words = [];
  for (const text of texts) {
    const cleaned = text.replace(/\S+@\S+/g, ' ').replace(/https?:\/\/\S+/g, ' ');
    for (const w of cleaned.match(/[A-Za-z]{2,}/g) || []) {
      if (!allowed.has(w)) words.push(`${w} (in "${text}")`);
    }
  }
  return words;
}

test('no English is left on a Greek page', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'el-GR' });
  const page = await context.newPage();
  const portalPages = ['/', links[1], '/agent/login', '/no-such-page'];
  for (const p of portalPages) {
    await page.goto(desk.base + p);
    await hydrated(page);
    await expect(page.locator('html')).toHaveAttribute('lang', 'el');
    expect(englishIn(await textsOf(page)), p).toEqual([]);
  }
  await context.close();

  const { context: agentContext, page: agent } = await agentPage(browser, 'el-GR');
  for (const p of ['/agent', '/agent/tickets/2', '/agent/search?q=κλειδί', '/agent/settings', '/agent/admin/agents', '/agent/admin/departments']) {
    await agent.goto(desk.base + p);
    await hydrated(agent);
    await expect(agent.locator('html')).toHaveAttribute('lang', 'el');
    await expect(agent.locator('main h1')).toBeVisible();
    expect(englishIn(await textsOf(agent)), p).toEqual([]);
  }
  // The keyboard shortcut list too.
  await agent.goto(desk.base + '/agent');
  await hydrated(agent);
  await agent.keyboard.press('?');
  await expect(agent.getByRole('dialog')).toBeVisible();
  expect(englishIn(await textsOf(agent)), 'shortcuts').toEqual([]);
  await agentContext.close();
});

/** Text that does not fit: the page scrolls sideways, or an element clips its text. */
async function overflows(page) {
  return page.evaluate(() => {
    const problems = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth + 1) {
      problems.push(`page is ${doc.scrollWidth}px wide in a ${window.innerWidth}px window`);
    }
    for (const el of document.querySelectorAll('body *')) {
      if (!el.checkVisibility() || el.closest('.visually-hidden, .skip')) continue;
      const hasText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!hasText) continue;
      const style = getComputedStyle(el);
      const clips = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis';
      if (clips && el.scrollWidth > el.clientWidth + 1) {
        problems.push(`${el.tagName.toLowerCase()}.${el.className} clips "${el.textContent.trim().slice(0, 40)}"`);
      }
      const rect = el.getBoundingClientRect();
      if (rect.right > window.innerWidth + 1 || rect.left < -1) {
        problems.push(`${el.tagName.toLowerCase()}.${el.className} sticks out: "${el.textContent.trim().slice(0, 40)}"`);
      }
    }
    return problems;
  });
}

test('long translations fit at desktop and phone widths', async ({ browser }) => {
  const { context, page } = await agentPage(browser, 'en-US');
  const sizes = [{ width: 1280, height: 800 }, { width: 375, height: 740 }];
  for (const code of CODES) {
    await chooseWorkspaceLanguage(page, code);
    await context.addCookies([{ name: 'tessera_lang', value: code, url: desk.base }]);
    const pages = ['/', links[0], '/agent/login', '/no-such-page', '/agent', '/agent/tickets/1',
      '/agent/search?q=κλειδί', '/agent/settings', '/agent/admin/agents', '/agent/admin/departments'];
    for (const size of sizes) {
      await page.setViewportSize(size);
      for (const p of pages) {
        await page.goto(desk.base + p);
        await hydrated(page);
        await expect(page.locator('html')).toHaveAttribute('lang', code);
        expect(await overflows(page), `${code} ${p} at ${size.width}px`).toEqual([]);
      }
    }
  }
  await context.close();
});
