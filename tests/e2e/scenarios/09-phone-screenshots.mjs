// Every page at two phone widths, in English and in Arabic: checked and photographed.
import { PHONES, pick } from '../lib.mjs';

export const name = 'phone-screenshots';
export const about = 'home, service, event, offer, organisation, topic, sign-in with an error, dashboard, password change with an error: at 320×640 and 390×844 (2x), in English and Arabic: no sideways scrolling, accessibility basics, a screenshot of each';

export default async function (t) {
  const fx = t.fixture;
  const service = pick(fx, (e) => e.kind === 'service' && e.schedules > 0 && e.coords, 'service with hours and a place');
  const event = pick(fx, (e) => e.kind === 'event', 'event');
  const offer = pick(fx, (e) => e.kind === 'offer', 'offer');
  const publicPages = [
    ['home', '/'],
    ['service', service.path],
    ['event', event.path],
    ['offer', offer.path],
    ['organisation', fx.orgs[0].path],
    ['topic', fx.topic],
  ];
  const { email, password } = fx.accounts.tour;
  for (const [size, phone] of Object.entries(PHONES)) {
    const page = await t.page({ ...phone });
    for (const lang of ['en', 'ar']) {
      await t.go(page, `/?lang=${lang}`);
      for (const [label, path] of publicPages) {
        t.step(`${label} (${lang}, ${size} phone)`);
        await t.go(page, path);
        await t.expectLang(page, lang, label);
        await t.pageChecks(page, `${label} in ${lang} at ${phone.viewport.width} px`);
        await t.shot(page, `${label}-${lang}`);
      }
      t.step(`sign-in with an error (${lang}, ${size} phone)`);
      await t.go(page, '/staff/login');
      await page.locator('#email').fill('nobody@example.org');
      t.eq((await t.submit(page)).status(), 422, 'status of the sign-in form sent half-filled');
      await t.pageChecks(page, `sign-in error in ${lang}`);
      await t.shot(page, `sign-in-error-${lang}`);
    }
    t.step(`staff pages (${size} phone)`);
    await t.go(page, '/?lang=en');
    await t.signIn(page, email, password);
    for (const lang of ['en', 'ar']) {
      await t.go(page, `/staff?lang=${lang}`);
      await t.expectLang(page, lang, 'dashboard');
      await t.pageChecks(page, `dashboard in ${lang}`);
      await t.shot(page, `dashboard-${lang}`);
      await t.go(page, '/staff/password');
      await page.locator('#current').fill('wrong');
      await page.locator('#new').fill('short');
      t.eq((await t.submit(page)).status(), 422, 'status of the password form with errors');
      await t.pageChecks(page, `password errors in ${lang}`);
      await t.shot(page, `password-errors-${lang}`);
    }
  }
}
