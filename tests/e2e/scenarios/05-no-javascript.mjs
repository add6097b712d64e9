// Everything a reader and staff need works with JavaScript turned off.
import { PHONES } from '../lib.mjs';

export const name = 'javascript-off';
export const about = 'with JavaScript disabled: home, an entry, the language switcher and the staff sign-in and sign-out all work (plain links and forms)';

export default async function (t) {
  const page = await t.page({ ...PHONES.small, javaScriptEnabled: false });
  t.step('home');
  await t.go(page, '/');
  t.check(await page.locator('main ul.entries a').count() > 0, 'no entries on the home page');
  t.step('open the first entry');
  const first = page.locator('main ul.entries a').first();
  const name = (await first.textContent()).trim();
  await Promise.all([page.waitForURL(/\/(services|events|offers)\//), first.click()]);
  t.eq((await page.locator('h1').textContent()).trim(), name, 'the entry opened');
  await t.pageChecks(page, 'entry without JavaScript');
  t.step('switch to Deutsch');
  await Promise.all([page.waitForURL(/lang=de/), page.locator('nav.languages a[hreflang=de]').click()]);
  await t.expectLang(page, 'de', 'entry after choosing German');
  t.step('staff sign-in and sign-out');
  const { email, password } = t.fixture.accounts.nojs;
  await t.signIn(page, email, password);
  t.check(await page.locator('form[action="/staff/logout"] button').isVisible(), 'no sign-out button');
  await Promise.all([page.waitForURL(/\/staff\/login$/), page.locator('form[action="/staff/logout"] button').click()]);
}
