// Keyboard only: every step with Tab, Enter and typing, focus always visible.
import { PHONES } from '../lib.mjs';

export const name = 'keyboard-only';
export const about = 'with the keyboard only: the skip link appears first and jumps into the main content; Tab reaches the language switcher with a visible focus on every stop; Enter switches to Arabic, where the skip link is still on screen; the staff sign-in form is filled, sent and left by keyboard';

/** What has the focus, and whether a sighted keyboard user can see it. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const cs = getComputedStyle(el);
    const b = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      cls: el.className,
      hreflang: el.getAttribute('hreflang'),
      text: (el.textContent || el.value || '').trim().slice(0, 40),
      inMain: !!el.closest('main'),
      focusVisible: el.matches(':focus-visible'),
      indicator: (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none',
      onScreen: b.width > 0 && b.height > 0 && b.left >= 0 && b.right <= document.documentElement.clientWidth && b.top >= 0,
    };
  });
}

function describe(f) {
  return `${f.tag}${f.id ? '#' + f.id : ''}${f.cls ? '.' + f.cls : ''} "${f.text}"`;
}

/** Press Tab until `want(focused)` (at most `max` times), checking each stop. */
async function tabTo(t, page, want, what, max = 20) {
  const seen = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    seen.push(describe(f));
    if (f.tag !== 'body') {
      t.check(f.focusVisible && f.indicator, `no visible focus on ${describe(f)}`);
      t.check(f.onScreen, `the focused ${describe(f)} is off screen`);
    }
    if (want(f)) return f;
  }
  throw new Error(`Tab never reached ${what}; stops: ${seen.join(' → ')}`);
}

export default async function (t) {
  const page = await t.page({ ...PHONES.medium });
  t.step('first Tab: the skip link, visible');
  await t.go(page, '/');
  const first = await tabTo(t, page, () => true, 'anything', 1);
  t.eq(first.cls, 'skip', 'first focus stop');
  t.step('Enter on the skip link: the next Tab lands in the main content');
  await page.keyboard.press('Enter');
  t.check(page.url().endsWith('#main'), `the skip link went to ${page.url()}`);
  const next = await tabTo(t, page, () => true, 'anything', 1);
  t.check(next.inMain, `after the skip link, Tab went to ${describe(next)}, outside main`);

  t.step('Tab to the language switcher');
  await t.go(page, '/');
  await tabTo(t, page, (f) => f.hreflang === 'ar', 'the Arabic link of the language switcher');
  t.step('Enter: Arabic');
  await Promise.all([page.waitForURL(/lang=ar/), page.keyboard.press('Enter')]);
  await t.expectLang(page, 'ar', 'home after Enter on العربية');
  const skip = await tabTo(t, page, () => true, 'anything', 1);
  t.eq(skip.cls, 'skip', 'first focus stop in Arabic');

  t.step('sign in by keyboard');
  await t.go(page, '/staff/login?lang=en');
  const { email, password } = t.fixture.accounts.keyboard;
  await tabTo(t, page, (f) => f.id === 'email', 'the email field');
  await page.keyboard.type(email);
  await tabTo(t, page, (f) => f.id === 'password', 'the password field', 1);
  await page.keyboard.type(password);
  await Promise.all([page.waitForURL(/\/staff$/), page.keyboard.press('Enter')]);
  t.step('Tab to "Sign out" and press Enter');
  await tabTo(t, page, (f) => f.tag === 'button' && f.text === 'Sign out', 'the sign-out button', 30);
  await Promise.all([page.waitForURL(/\/staff\/login$/), page.keyboard.press('Enter')]);
  const resp = await t.go(page, '/staff');
  t.check(resp.url().endsWith('/staff/login'), `still signed in after signing out (${resp.url()})`);
}
