// A reader reports an entry; a moderator removes it; an administrator blocks a domain.
import { PHONES } from '../lib.mjs';

export const name = 'report-and-moderation';
export const about = 'on a 390 px phone a reader follows an entry\'s report link: no category is refused beside the choices with the comment kept, then the report is sent; a moderator finds it among the open reports, resolves it by removing the entry, and the entry page then answers 410 or 404; an administrator creates a domain block through the form (an invalid domain refused beside the field) and sees it listed; report form and admin pages at 320 px and in Arabic';

export default async function (t) {
  const { moderator, admin } = t.fixture.accounts;
  const target = t.fixture.reported.path;
  const id = target.split('/').pop();
  const page = await t.page({ ...PHONES.medium });

  t.step('the entry\'s report link opens the form');
  await t.go(page, target);
  await Promise.all([page.waitForURL(/\/report\?target=/), page.locator('main .report-link a').click()]);
  await t.pageChecks(page, 'report form');
  await t.shot(page, 'report-en');

  t.step('no category: refused beside the choices, the comment kept');
  const comment = 'They ask for cash before showing any flat.';
  await page.locator('#comment').fill(comment);
  t.eq((await t.submit(page, page.locator('main form.report-form button[type=submit]'))).status(), 422, 'status of a report without a category');
  t.check(await page.locator('#category-error').isVisible(), 'no error beside the categories');
  t.eq(await page.locator('#comment').inputValue(), comment, 'the comment kept');
  await t.pageChecks(page, 'report form with an error');

  t.step('sent');
  await page.locator('main form.report-form input[name=category]').first().check();
  const sent = await t.submit(page, page.locator('main form.report-form button[type=submit]'));
  t.eq(sent.status(), 303, 'status of a report');
  await page.waitForURL(/\/report\/thanks$/);
  await t.pageChecks(page, 'report thanks');

  t.step('a moderator resolves it by removing the entry');
  const mp = await t.page({ ...PHONES.medium });
  await t.go(mp, '/');
  await t.signIn(mp, moderator.email, moderator.password);
  await t.go(mp, '/staff/admin/reports');
  const row = mp.locator('main tr.report-row', { hasText: id });
  t.eq(await row.count(), 1, 'the report among the open reports');
  await t.pageChecks(mp, 'open reports');
  await t.shot(mp, 'admin-reports-en');
  await Promise.all([mp.waitForURL(/\/staff\/admin\/reports\/[^/]+$/), row.locator('a').first().click()]);
  t.check((await mp.locator('main').textContent()).includes(comment), 'the comment is not on the report page');
  await t.pageChecks(mp, 'a report');
  await mp.locator('#action').selectOption('remove_entry');
  await mp.locator('#note').fill('Asks for money up front.');
  const resolved = await t.submit(mp, mp.locator('main form[action$="/resolve"] button[type=submit]'));
  t.check([200, 303].includes(resolved.status()), `status of resolving: ${resolved.status()}`);
  await t.go(mp, mp.url().replace(/\/resolve$/, ''));
  t.check((await mp.locator('#report-state').textContent()).trim() !== '', 'no state on the resolved report');
  t.eq(await mp.locator('main form[action$="/resolve"]').count(), 0, 'the resolved report can still be resolved');
  t.check((await mp.locator('main').textContent()).includes('remove_entry'), 'the resolution does not say the entry was removed');

  t.step('the removed entry is gone for readers');
  const gone = await page.goto(t.url(target));
  t.check([404, 410].includes(gone.status()), `the removed entry answers ${gone.status()}`);

  t.step('an administrator creates a domain block');
  const ap = await t.page({ ...PHONES.medium });
  await t.go(ap, '/');
  await t.signIn(ap, admin.email, admin.password);
  await t.go(ap, '/staff/admin/domain-blocks');
  await t.pageChecks(ap, 'domain blocks');
  await ap.locator('#domain').fill('not a domain');
  await ap.locator('#severity-suspend').check();
  t.eq((await t.submit(ap, ap.locator('main form[action="/staff/admin/domain-blocks"] button[type=submit]'))).status(), 422, 'status of an invalid domain');
  t.eq(await ap.locator('#domain').getAttribute('aria-invalid'), 'true', 'domain marked invalid');
  t.check(await ap.locator('#domain-error').isVisible(), 'no error beside the domain');
  await t.pageChecks(ap, 'domain block form with an error');
  await ap.locator('#domain').fill('spam.example');
  await ap.locator('#public_reason').fill('Spam and scams.');
  const created = await t.submit(ap, ap.locator('main form[action="/staff/admin/domain-blocks"] button[type=submit]'));
  t.check([200, 303].includes(created.status()), `status of creating a block: ${created.status()}`);
  await t.go(ap, '/staff/admin/domain-blocks');
  t.eq(await ap.locator('main tr.block-row', { hasText: 'spam.example' }).count(), 1, 'the new block listed');
  await t.pageChecks(ap, 'domain blocks with the new one');
  await t.shot(ap, 'admin-blocks-en');

  t.step('the report form and the admin pages at 320 px and in Arabic');
  const ar = await t.page({ ...PHONES.small, locale: 'ar' });
  await t.go(ar, `/report?target=${encodeURIComponent(t.url(t.fixture.xss.path))}`);
  await t.expectLang(ar, 'ar', 'report form in Arabic');
  await t.pageChecks(ar, 'report form in Arabic at 320 px');
  await t.shot(ar, 'report-ar');
  await t.signIn(ar, admin.email, admin.password);
  for (const [path, label] of [['/staff/admin/reports?state=all', 'admin-reports-ar'], ['/staff/admin/domain-blocks', 'admin-blocks-ar']]) {
    await t.go(ar, path);
    await t.pageChecks(ar, `${path} in Arabic at 320 px`);
    await t.shot(ar, label);
  }
}
