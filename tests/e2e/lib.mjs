// Shared helpers of the browser scenarios (tests/e2e/scenarios/*.mjs). See README.md.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The two phone screens every page is checked and photographed at (CSS pixels, 2x). */
export const PHONES = {
  small: { viewport: { width: 320, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  medium: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
};

export class CheckFailed extends Error {
  name = 'CheckFailed';
}

/**
 * What a scenario receives: the instance, the data the Rust test made, fresh browser contexts
 * (closed after the scenario), assertions, page checks and screenshots.
 */
export class T {
  constructor({ browser, base, fixture, shots, name }) {
    this.browser = browser;
    this.base = base;
    this.fixture = fixture;
    this.shotsDir = shots;
    this.name = name;
    this.contexts = [];
    this.problems = []; // page errors, console errors, dialogs: each fails the scenario
    this.allowed = []; // regexes of console messages a scenario expects
    this.steps = [];
    this.screenshots = [];
  }

  /** An absolute URL of the instance. */
  url(path) {
    return new URL(path, this.base).toString();
  }

  /** Record what the scenario is doing (shown in the report, and with a failure). */
  step(text) {
    this.steps.push(text);
  }

  /** A console message matching `re` is expected (e.g. a CSP violation report). */
  allowConsole(re) {
    this.allowed.push(re);
  }

  /**
   * A new browser context (cookie jar, screen, language, JavaScript on or off). Every page
   * error, console error and dialog in it is recorded and fails the scenario, unless allowed.
   * Options are Playwright's `browser.newContext` options, e.g. `{ ...PHONES.small, locale: 'ar' }`.
   */
  async context(options = {}) {
    const ctx = await this.browser.newContext({ locale: 'en-GB', ...options });
    ctx.setDefaultTimeout(20_000);
    ctx.setDefaultNavigationTimeout(30_000);
    this.contexts.push(ctx);
    ctx.on('page', (page) => this.watch(page));
    return ctx;
  }

  /** A page in a new context. */
  async page(options = {}) {
    const ctx = await this.context(options);
    return ctx.newPage();
  }

  watch(page) {
    page.on('pageerror', (e) => this.problems.push(`page error on ${page.url()}: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const text = m.text();
      const where = m.location()?.url ?? '';
      if (this.allowed.some((re) => re.test(text))) return;
      if (/^Failed to load resource/.test(text)) {
        // The page itself answered 4xx: the scenario checks that status where it expects one.
        if (where === page.url()) return;
        // The instance has no icon; browsers ask for one once (see README.md, "Known").
        if (new URL(where, this.base).pathname === '/favicon.ico') return;
      }
      this.problems.push(`console error on ${page.url()}${where && where !== page.url() ? ` (from ${where})` : ''}: ${text}`);
    });
    page.on('dialog', async (d) => {
      this.problems.push(`a ${d.type()} dialog opened on ${page.url()}: ${d.message()}`);
      await d.dismiss().catch(() => {});
    });
  }

  async close() {
    for (const c of this.contexts) await c.close().catch(() => {});
    this.contexts = [];
  }

  // --- assertions ---------------------------------------------------------------------------

  check(cond, message) {
    if (!cond) throw new CheckFailed(message);
  }

  eq(actual, expected, what) {
    if (actual !== expected) {
      throw new CheckFailed(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    }
  }

  /** Go to `path` and check the HTTP status (200 unless told). */
  async go(page, path, status = 200) {
    const resp = await page.goto(this.url(path), { waitUntil: 'load' });
    this.check(resp, `no response for ${path}`);
    this.eq(resp.status(), status, `status of ${path}`);
    return resp;
  }

  /**
   * Click a form's submit button and wait for the page the server answers with (also when it
   * comes back to the same URL); the response to the POST (before any redirect).
   */
  async submit(page, button = page.locator('main form.staff button[type=submit]')) {
    const [resp] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
      page.waitForEvent('load'),
      button.click(),
    ]);
    return resp;
  }

  /** The page's `<html lang dir>`. */
  async langDir(page) {
    return page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }));
  }

  async expectLang(page, lang, what) {
    const { lang: l, dir } = await this.langDir(page);
    this.eq(l, lang, `${what}: <html lang>`);
    this.eq(dir, lang === 'ar' ? 'rtl' : 'ltr', `${what}: <html dir>`);
  }

  /** Nothing sticks out sideways: the page never scrolls horizontally at this width. */
  async noHorizontalScroll(page, what) {
    const width = page.viewportSize()?.width ?? 0;
    const r = await page.evaluate((vw) => {
      const offenders = [];
      // Boxes parked off screen on purpose (the skip link, a honeypot field), with their content.
      const parked = [...document.body.querySelectorAll('*')].filter((el) => {
        const b = el.getBoundingClientRect();
        return getComputedStyle(el).position === 'absolute' && (b.right < 0 || b.left > vw);
      });
      // Content of a box that scrolls (or clips) sideways by itself, the box being on screen: a
      // wide data table in its own scroller does not make the page scroll.
      const inScroller = (el) => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
          if (getComputedStyle(p).overflowX === 'visible') continue;
          const pb = p.getBoundingClientRect();
          if (pb.left >= -0.5 && pb.right <= vw + 0.5) return true;
        }
        return false;
      };
      for (const el of document.body.querySelectorAll('*')) {
        const b = el.getBoundingClientRect();
        if (b.width === 0 || b.height === 0) continue;
        if (parked.some((p) => p.contains(el))) continue;
        if (inScroller(el)) continue;
        // A box wider than the screen, or text wider than its box (a long word).
        if (b.right > vw + 0.5 || b.left < -0.5 || (el.children.length === 0 && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible' && getComputedStyle(el).display !== 'inline')) {
          const cls = typeof el.className === 'string' && el.className ? `.${el.className.split(' ').join('.')}` : '';
          offenders.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${cls} [${Math.round(b.left)}..${Math.round(b.right)}] "${(el.textContent || '').trim().slice(0, 40)}"`);
        }
      }
      return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, offenders: offenders.slice(0, 5) };
    }, width);
    this.check(
      r.scrollWidth <= width && r.innerWidth <= width && r.offenders.length === 0,
      `${what}: scrolls sideways at ${width} px (scrollWidth ${r.scrollWidth}, innerWidth ${r.innerWidth}); sticking out: ${r.offenders.join('; ') || 'none found'}`,
    );
  }

  /**
   * Accessibility basics, checked in the page: `lang`/`dir`, landmarks (header, nav with a name,
   * main, footer), a title and one h1, a label for every field, a name for every button and
   * link, `alt` on images, unique ids, working ARIA references, text contrast (WCAG AA).
   */
  async a11y(page, what) {
    const problems = await page.evaluate(() => {
      const out = [];
      const html = document.documentElement;
      if (!html.lang) out.push('<html> has no lang');
      if (!['ltr', 'rtl'].includes(html.dir)) out.push(`<html dir="${html.dir}">`);
      if (!document.title.trim()) out.push('no <title>');
      const count = (sel) => document.querySelectorAll(sel).length;
      if (count('main, [role=main]') !== 1) out.push(`${count('main, [role=main]')} main landmarks`);
      if (count('body > header, [role=banner]') < 1) out.push('no header (banner) landmark');
      if (count('body > footer, [role=contentinfo]') < 1) out.push('no footer (contentinfo) landmark');
      if (count('nav') < 1) out.push('no nav landmark');
      for (const n of document.querySelectorAll('nav')) {
        if (!n.getAttribute('aria-label') && !n.getAttribute('aria-labelledby')) out.push('a nav without a name');
      }
      if (count('h1') !== 1) out.push(`${count('h1')} h1 headings`);
      const name = (el) => (el.getAttribute('aria-label') || el.textContent || '').trim()
        || [...el.querySelectorAll('img[alt]')].map((i) => i.alt).join('').trim();
      for (const el of document.querySelectorAll('input, select, textarea')) {
        if (['hidden', 'submit', 'button', 'reset'].includes(el.type)) continue;
        const labelled = [...(el.labels || [])].some((l) => l.textContent.trim())
          || (el.getAttribute('aria-label') || '').trim()
          || (el.getAttribute('aria-labelledby') || '').split(/\s+/).some((id) => document.getElementById(id)?.textContent.trim());
        if (!labelled) out.push(`field ${el.name || el.id || el.type} has no label`);
      }
      for (const el of document.querySelectorAll('button, input[type=submit]')) {
        if (!(name(el) || el.value)) out.push('a button without a name');
      }
      for (const a of document.querySelectorAll('a[href]')) {
        if (!name(a)) out.push(`link to ${a.getAttribute('href')} has no text`);
      }
      for (const img of document.querySelectorAll('img')) {
        if (!img.hasAttribute('alt')) out.push(`image ${img.src} has no alt`);
      }
      const ids = new Set();
      for (const el of document.querySelectorAll('[id]')) {
        if (ids.has(el.id)) out.push(`duplicate id ${el.id}`);
        ids.add(el.id);
      }
      for (const attr of ['aria-describedby', 'aria-labelledby', 'aria-controls']) {
        for (const el of document.querySelectorAll(`[${attr}]`)) {
          for (const id of el.getAttribute(attr).split(/\s+/)) {
            if (!document.getElementById(id)) out.push(`${attr}="${id}" names no element`);
          }
        }
      }
      // Contrast of every visible text against the first opaque background behind it.
      const rgba = (s) => { const m = s.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0, 0]; return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
      const lum = ([r, g, b]) => {
        const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const background = (el) => {
        for (let e = el; e; e = e.parentElement) {
          const c = rgba(getComputedStyle(e).backgroundColor);
          if (c[3] > 0.5) return c;
        }
        return [255, 255, 255, 1];
      };
      let low = 0;
      for (const el of document.body.querySelectorAll('*')) {
        const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        if (!own) continue;
        const b = el.getBoundingClientRect();
        const cs = getComputedStyle(el);
        if (b.width === 0 || cs.visibility === 'hidden' || b.right < 0 || b.left > html.clientWidth) continue;
        const fg = rgba(cs.color);
        const l1 = lum(fg), l2 = lum(background(el));
        const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
        const size = parseFloat(cs.fontSize);
        const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
        if (ratio < (large ? 3 : 4.5) && low++ < 3) {
          out.push(`low contrast ${ratio.toFixed(2)}:1 for "${el.textContent.trim().slice(0, 30)}" (${cs.color})`);
        }
      }
      return out;
    });
    this.check(problems.length === 0, `${what}: accessibility: ${problems.join('; ')}`);
  }

  /**
   * Left-to-right text in a right-to-left page still reads left to right: in every text of the
   * main content with no right-to-left letter (a phone number, an address, an English or French
   * text), the first two and the last two visible characters are laid out left to right.
   * (Without isolation `+33 3 53 48 20 11` shows as `11 20 48 53 3 33+` and a final full stop
   * jumps to the front.)
   */
  async bidi(page, what) {
    const problems = await page.evaluate(() => {
      const rtl = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/;
      const out = [];
      const rect = (node, i) => {
        const r = document.createRange();
        r.setStart(node, i);
        r.setEnd(node, i + 1);
        return r.getBoundingClientRect();
      };
      const inOrder = (a, b) => {
        const ra = rect(...a), rb = rect(...b);
        return Math.abs(ra.top - rb.top) > 2 || ra.left < rb.left; // another line: not comparable
      };
      for (const el of document.querySelectorAll('main :is(h1, h2, h3, p, dt, dd, li, code, label)')) {
        const text = el.textContent.trim();
        if (!text || rtl.test(text) || el.closest('[dir=ltr]')) continue;
        const chars = [];
        const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let n = walk.nextNode(); n; n = walk.nextNode()) {
          for (let i = 0; i < n.data.length; i++) {
            if (!/[\s\u2066-\u2069]/.test(n.data[i])) chars.push([n, i]);
          }
        }
        if (chars.length < 2) continue;
        const first = inOrder(chars[0], chars[1]);
        const last = inOrder(chars[chars.length - 2], chars[chars.length - 1]);
        if (!(first && last)) out.push(`"${text.slice(0, 40)}" (${el.tagName.toLowerCase()}) is laid out right to left`);
      }
      return out.slice(0, 5);
    });
    this.check(problems.length === 0, `${what}: ${problems.join('; ')}`);
  }

  /** The checks every page visited on a phone should pass (and `bidi` in right-to-left pages). */
  async pageChecks(page, what) {
    await this.noHorizontalScroll(page, what);
    await this.a11y(page, what);
    if ((await this.langDir(page)).dir === 'rtl') await this.bidi(page, what);
  }

  /** A full-page PNG in the screenshots folder, named `<label>-<width>.png`. */
  async shot(page, label) {
    if (!this.shotsDir) return;
    mkdirSync(this.shotsDir, { recursive: true });
    const width = page.viewportSize()?.width ?? 0;
    const file = join(this.shotsDir, `${label}-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    this.screenshots.push(file);
  }

  /** The value of cookie `name` in the page's context, if set. */
  async cookie(page, name) {
    const all = await page.context().cookies(this.base);
    return all.find((c) => c.name === name)?.value;
  }

  /** Sign in through the form (from any page: follows the footer link). */
  async signIn(page, email, password) {
    await page.locator('footer a[href="/staff/login"]').click();
    await page.waitForURL(/\/staff\/login/);
    await page.locator('#email').fill(email);
    await page.locator('#password').fill(password);
    await Promise.all([page.waitForURL(/\/staff$/), page.locator('form.staff button[type=submit]').click()]);
  }
}

/** Entries of the fixture, by what a scenario needs. */
export function pick(fixture, pred, what) {
  const e = fixture.entries.find(pred);
  if (!e) throw new CheckFailed(`the fixture has no ${what}`);
  return e;
}
