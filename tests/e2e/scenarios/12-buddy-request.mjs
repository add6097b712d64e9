// A reader asks for a buddy on a volunteer offer; the offer's staff handle the request.
import { PHONES, pick } from '../lib.mjs';

export const name = 'buddy-request';
export const about = 'on a 390 px phone a reader sends the buddy request form of a local offer: empty fields are refused beside each field, then the request is sent; the staff of the offer\'s organisation see it with the contact and message and mark it handled; the staff of another organisation neither list nor open it; the form at 320 px and in Arabic';

/** The form refuses what comes back sooner than `[buddy] min_fill_secs` (1 s in the test). */
const fillTime = (page) => page.waitForTimeout(1100);

export default async function (t) {
  const { buddy: staff, outsider } = t.fixture.accounts;
  const offer = pick(t.fixture, (e) => e.kind === 'offer' && e.org === staff.org, `offer of ${staff.org}`);
  const page = await t.page({ ...PHONES.medium });

  t.step('the offer page shows the form; the honeypot is hidden');
  await t.go(page, offer.path);
  t.check(await page.locator('#buddy-name').isVisible(), 'no buddy request form on a local offer');
  const hp = await page.locator('#buddy-website').boundingBox();
  t.check(!hp || hp.x + hp.width <= 0 || hp.x >= 390, `the honeypot field is on screen: ${JSON.stringify(hp)}`);
  await t.pageChecks(page, 'offer page with the buddy form');
  await t.shot(page, 'offer-buddy-en');

  t.step('nothing typed: an error beside each field');
  await fillTime(page);
  t.eq((await t.submit(page, page.locator('#buddy-submit'))).status(), 422, 'status of an empty request');
  for (const f of ['name', 'contact', 'message']) {
    t.eq(await page.locator(`#buddy-${f}`).getAttribute('aria-invalid'), 'true', `${f} marked invalid`);
    t.check(await page.locator(`#buddy-${f}-error`).isVisible(), `no error beside ${f}`);
  }
  await t.pageChecks(page, 'buddy form with errors');

  t.step('filled in: sent');
  const who = `Amal E2E ${Date.now() % 100000}`;
  await page.locator('#buddy-name').fill(who);
  await page.locator('#buddy-contact').fill('+33 6 12 34 56 78');
  await page.locator('#buddy-language').selectOption('ar');
  await page.locator('#buddy-message').fill('I would like to practise on Tuesday evenings.');
  await fillTime(page);
  t.eq((await t.submit(page, page.locator('#buddy-submit'))).status(), 200, 'status of a request');
  t.check(await page.locator('#buddy-sent').isVisible(), 'no confirmation that the request was sent');
  await t.pageChecks(page, 'buddy request sent');

  t.step('the staff of the offer\'s organisation see it and mark it handled');
  const sp = await t.page({ ...PHONES.medium });
  await t.go(sp, '/');
  await t.signIn(sp, staff.email, staff.password);
  await t.go(sp, '/staff/requests');
  const open = sp.locator('#requests-open a', { hasText: who });
  t.eq(await open.count(), 1, 'the request among the open ones');
  await t.pageChecks(sp, 'requests of the organisation');
  await t.shot(sp, 'requests-en');
  const detail = new URL(await open.getAttribute('href'), t.base).pathname;
  await Promise.all([sp.waitForURL(new RegExp(`${detail}$`)), open.click()]);
  t.eq((await sp.locator('#request-contact').textContent()).trim(), '+33 6 12 34 56 78', 'contact in the request');
  t.eq((await sp.locator('#request-message').textContent()).trim(), 'I would like to practise on Tuesday evenings.', 'message in the request');
  await t.pageChecks(sp, 'a request');
  await t.shot(sp, 'request-en');
  await Promise.all([sp.waitForURL(/\/staff\/requests$/), sp.locator('#request-handled').click()]);
  t.eq(await sp.locator('#requests-open a', { hasText: who }).count(), 0, 'the handled request still open');
  t.eq(await sp.locator('#requests-handled a', { hasText: who }).count(), 1, 'the request among the handled ones');

  t.step('the staff of another organisation neither list nor open it');
  const op = await t.page({ ...PHONES.medium });
  await t.go(op, '/');
  await t.signIn(op, outsider.email, outsider.password);
  await t.go(op, '/staff/requests');
  t.eq(await op.locator('main a', { hasText: who }).count(), 0, 'the request listed for another organisation');
  t.check(!(await op.locator('main').textContent()).includes(who), 'the requester\'s name shown to another organisation');
  await op.goto(t.url(detail)).then((r) => t.eq(r.status(), 404, 'status of the request for another organisation'));
  t.check(!(await op.content()).includes('+33 6 12 34 56 78'), 'the contact shown to another organisation');

  t.step('the form at 320 px and in Arabic');
  const ar = await t.page({ ...PHONES.small, locale: 'ar' });
  await t.go(ar, offer.path);
  await t.expectLang(ar, 'ar', 'offer page in Arabic');
  t.eq(await ar.locator('#buddy-language').inputValue(), 'ar', 'the request language defaults to the reader\'s');
  await t.pageChecks(ar, 'buddy form in Arabic at 320 px');
  await t.shot(ar, 'offer-buddy-ar');
}
