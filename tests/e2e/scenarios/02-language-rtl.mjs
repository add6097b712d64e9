// Switching the interface to Arabic: right to left, remembered from page to page.
import { PHONES } from '../lib.mjs';

export const name = 'arabic-right-to-left';
export const about = 'the language switcher turns the page into Arabic, right to left (mirrored header, text aligned right, handles kept left to right), remembered by a cookie across pages, and back to English';

export default async function (t) {
  const page = await t.page({ ...PHONES.small });
  t.step('home in English');
  await t.go(page, '/');
  await t.expectLang(page, 'en', 'home');
  const brandLtr = await page.locator('header .brand').boundingBox();
  t.check(brandLtr.x < 40, `in English the site name should start at the left (x=${brandLtr.x})`);

  t.step('choose العربية in the language switcher');
  await Promise.all([
    page.waitForURL(/lang=ar/),
    page.getByRole('navigation', { name: 'Language' }).getByRole('link', { name: 'العربية' }).click(),
  ]);
  await t.expectLang(page, 'ar', 'home after choosing Arabic');
  t.eq(await t.cookie(page, 'lang'), 'ar', 'the lang cookie');
  t.eq(await page.locator('nav.languages a[aria-current]').getAttribute('hreflang'), 'ar', 'current language in the switcher');
  const vw = page.viewportSize().width;
  const brand = await page.locator('header .brand').boundingBox();
  t.check(brand.x + brand.width > vw - 40, `in Arabic the site name should start at the right (x=${brand.x}, width ${brand.width})`);
  const align = await page.locator('main h2').first().evaluate((h) => [getComputedStyle(h).direction, h.getBoundingClientRect().right]);
  t.eq(align[0], 'rtl', 'direction of the headings');
  t.check(align[1] > vw - 40, `headings should start at the right (right edge ${align[1]})`);
  await t.pageChecks(page, 'home in Arabic at 320 px');

  t.step('the choice is remembered on the next pages');
  const first = page.locator('main ul.entries a').first();
  const href = new URL(await first.getAttribute('href')).pathname;
  await Promise.all([page.waitForURL((u) => u.pathname === href), first.click()]);
  t.check(!page.url().includes('lang='), 'the entry link should not carry ?lang=');
  await t.expectLang(page, 'ar', `entry ${href}`);
  await t.pageChecks(page, `entry ${href} in Arabic at 320 px`);
  const dt = await page.locator('main dt').first().evaluate((d) => getComputedStyle(d).direction);
  t.eq(dt, 'rtl', 'direction of the entry fields');
  const handle = page.locator('code.handle');
  if (await handle.count()) {
    t.eq(await handle.evaluate((c) => getComputedStyle(c).direction), 'ltr', 'the fediverse handle stays left to right');
  }
  const org = t.fixture.orgs[0];
  await t.go(page, org.path);
  await t.expectLang(page, 'ar', 'organisation page');
  await t.pageChecks(page, 'organisation page in Arabic at 320 px');
  await t.go(page, '/staff/login');
  await t.expectLang(page, 'ar', 'sign-in page');
  t.eq(await page.locator('#email').evaluate((i) => getComputedStyle(i).direction), 'ltr', 'the email field stays left to right');

  t.step('back to English');
  await Promise.all([
    page.waitForURL(/lang=en/),
    page.locator('nav.languages a[hreflang=en]').click(),
  ]);
  await t.expectLang(page, 'en', 'sign-in page after choosing English');
  t.eq(await t.cookie(page, 'lang'), 'en', 'the lang cookie');
  await t.go(page, '/');
  await t.expectLang(page, 'en', 'home after choosing English');
}
