// An editor creates an event in two languages with a banner, on a phone.
import { PHONES } from '../lib.mjs';

export const name = 'editor-creates-an-event';
export const about = 'an editor signs in on a 390 px phone and creates an event in French and English with a banner picture: an end before the start is refused beside the end field with everything typed kept; fixed, the event is listed, its public page shows both languages and the banner loads, it is in the week of /events; then the editor edits it (the public page changes) and deletes it after the confirmation (the page answers 410 or 404); a logo uploaded on the organisation profile shows on its public page; the followers page; the form at 320 px and in Arabic';

const pad = (n) => String(n).padStart(2, '0');
const localDate = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** ISO 8601 week of a date, as `/events?week=` takes it: `2026-W49`. */
function isoWeek(d) {
  const t = new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const year = t.getUTCFullYear();
  const week = Math.ceil(((t - Date.UTC(year, 0, 1)) / 86400000 + 1) / 7);
  return `${year}-W${pad(week)}`;
}

/** A PNG drawn on a canvas in the page: coloured stripes, 600×200 unless told. */
async function bannerPng(page, [width, height] = [600, 200]) {
  const dataUrl = await page.evaluate(([w, h]) => {
    const c = document.createElement('canvas');
    c.width = w;
    c.height = h;
    const g = c.getContext('2d');
    for (let i = 0; i < 6; i++) {
      g.fillStyle = `hsl(${i * 60}, 70%, 45%)`;
      g.fillRect((i * w) / 6, 0, w / 6, h);
    }
    return c.toDataURL('image/png');
  }, [width, height]);
  return { name: 'banner.png', mimeType: 'image/png', buffer: Buffer.from(dataUrl.split(',')[1], 'base64') };
}

export default async function (t) {
  const { email, password, org } = t.fixture.accounts.editor;
  const page = await t.page({ ...PHONES.medium });
  t.step('sign in, the entries of the organisation');
  await t.go(page, '/');
  await t.signIn(page, email, password);
  await t.go(page, `/staff/entries?org=${org}`);
  await t.pageChecks(page, 'entry list');

  t.step('a new event: add English as a second language');
  await Promise.all([page.waitForURL(/\/staff\/entries\/new\/event/), page.locator('#new-event').click()]);
  await t.pageChecks(page, 'new event form');
  await page.locator('#name-fr').fill('Soirée jeux de société');
  await page.locator('#add_lang').fill('en');
  t.eq((await t.submit(page, page.locator('#add-lang'))).status(), 200, 'status of adding a language');
  t.eq(await page.locator('#name-fr').inputValue(), 'Soirée jeux de société', 'the French name kept after adding a language');
  t.check(await page.locator('#name-en').isVisible(), 'no English name field after adding English');

  const day = new Date(Date.now() + 9 * 86400000);
  const date = localDate(day);
  await page.locator('#name-en').fill('Board games evening');
  await page.locator('#description-fr').fill('Jeux, thé et rencontres, tous niveaux de français.');
  await page.locator('#description-en').fill('Games, tea and meeting people, any level of French.');
  await page.locator('#start_time').fill(`${date}T18:00`);
  await page.locator('#end_time').fill(`${date}T17:00`);
  await page.locator('#timezone').fill('Europe/Paris');
  await page.locator('#online_url').fill('https://example.org/jeux');
  await page.locator('#categories-social').check();
  await page.locator('#banner').setInputFiles(await bannerPng(page));

  t.step('an end before the start: refused beside the end field, the input kept');
  t.eq((await t.submit(page, page.locator('#save'))).status(), 422, 'status of an end before the start');
  t.eq(await page.locator('#end_time').getAttribute('aria-invalid'), 'true', 'end time marked invalid');
  t.check(await page.locator('#end_time-error').isVisible(), 'no error beside the end time');
  t.check(await page.locator('main .error-summary a[href="#end_time"]').count() === 1, 'the error summary does not link to the end time');
  t.eq(await page.locator('#name-en').inputValue(), 'Board games evening', 'English name kept');
  t.eq(await page.locator('#name-fr').inputValue(), 'Soirée jeux de société', 'French name kept');
  t.eq(await page.locator('#start_time').inputValue(), `${date}T18:00`, 'start kept');
  t.eq(await page.locator('#timezone').inputValue(), 'Europe/Paris', 'time zone kept');
  t.check(await page.locator('#categories-social').isChecked(), 'category kept');
  await t.pageChecks(page, 'event form with an error');
  await t.shot(page, 'event-form-error-en');

  t.step('fixed: saved, listed');
  await page.locator('#end_time').fill(`${date}T21:30`);
  // A browser never sends a file back: the banner is chosen again.
  await page.locator('#banner').setInputFiles(await bannerPng(page));
  const saved = await t.submit(page, page.locator('#save'));
  t.eq(saved.status(), 303, 'status of a valid event');
  await page.waitForURL(/\/staff\/entries\?org=.*done=created/);
  t.check(await page.locator('main [role=status]').isVisible(), 'no confirmation of the creation');
  const link = page.locator('main table.entries-table a', { hasText: /Soirée jeux de société|Board games evening/ });
  t.eq(await link.count(), 1, 'the new event in the list');
  const path = new URL(await link.getAttribute('href'), t.base).pathname;
  const row = page.locator('main table.entries-table tr', { has: page.locator('a', { hasText: /Soirée jeux de société|Board games evening/ }) });
  const editHref = await row.locator('a[id^=edit-]').getAttribute('href');
  await t.pageChecks(page, 'entry list with the new event');

  t.step('the public page: both languages, the banner loaded');
  const en = await t.page({ ...PHONES.medium });
  await t.go(en, path);
  t.eq((await en.locator('h1').textContent()).trim(), 'Board games evening', 'English name on the public page');
  const banner = en.locator('main img.banner');
  t.eq(await banner.count(), 1, 'banner image on the public page');
  await banner.evaluate((img) => (img.complete ? null : new Promise((ok) => { img.onload = ok; img.onerror = ok; })));
  const natural = await banner.evaluate((img) => img.naturalWidth);
  t.eq(natural, 600, 'width of the banner loaded');
  await t.pageChecks(en, 'event page');
  await t.shot(en, 'event-new-en');
  const fr = await t.page({ ...PHONES.small, locale: 'fr-FR' });
  await t.go(fr, path);
  t.eq((await fr.locator('h1').textContent()).trim(), 'Soirée jeux de société', 'French name on the public page');
  await t.pageChecks(fr, 'event page in French at 320 px');

  t.step('in the week of /events');
  await t.go(en, `/events?week=${isoWeek(day)}`);
  t.eq(await en.locator(`main a[href$="${path}"]`).count(), 1, `the event in /events?week=${isoWeek(day)}`);
  t.check(await en.locator(`#day-${date}`).count() === 1, `no day ${date} in the week`);
  await t.pageChecks(en, 'events of the week');
  await t.shot(en, 'events-week-en');

  t.step('edit: a new English name, the public page changes');
  await t.go(page, editHref);
  t.eq(await page.locator('#name-en').inputValue(), 'Board games evening', 'English name in the edit form');
  t.check(await page.locator('img.banner-preview').count() === 1, 'no current banner in the edit form');
  await page.locator('#name-en').fill('Board games and tea evening');
  t.eq((await t.submit(page, page.locator('#save'))).status(), 303, 'status of an edit');
  await page.waitForURL(/done=saved/);
  await t.go(en, path);
  t.eq((await en.locator('h1').textContent()).trim(), 'Board games and tea evening', 'edited name on the public page');
  t.eq(await en.locator('main img.banner').count(), 1, 'the banner kept by the edit');

  t.step('delete, after the confirmation page');
  await t.go(page, `/staff/entries?org=${org}`);
  await Promise.all([page.waitForURL(/\/delete$/), page.locator('main table.entries-table tr', { has: page.locator(`a[href$="${path}"]`) }).locator('a[id^=delete-]').click()]);
  await t.pageChecks(page, 'delete confirmation');
  t.eq((await t.submit(page, page.locator('#confirm-delete'))).status(), 303, 'status of a deletion');
  await page.waitForURL(/done=deleted/);
  t.eq(await page.locator(`main table.entries-table a[href$="${path}"]`).count(), 0, 'the deleted event still listed');
  const gone = await en.goto(t.url(path));
  t.check([404, 410].includes(gone.status()), `the deleted event's page answers ${gone.status()}`);

  t.step('the organisation profile: a logo uploaded shows on the public page');
  await t.go(page, `/staff/entries?org=${org}`);
  await Promise.all([page.waitForURL(/\/profile$/), page.locator('#org-profile-link').click()]);
  await t.pageChecks(page, 'organisation profile form');
  await page.locator('#logo').setInputFiles({ ...(await bannerPng(page, [200, 200])), name: 'logo.png' });
  t.eq((await t.submit(page, page.locator('#save'))).status(), 303, 'status of saving the profile with a logo');
  await page.waitForURL(/done=saved/);
  await t.shot(page, 'org-profile-en');
  const orgPath = t.fixture.orgs.find((o) => o.slug === org).path;
  await t.go(en, orgPath);
  const logo = en.locator('main img.org-logo');
  t.eq(await logo.count(), 1, 'logo on the organisation page');
  await logo.evaluate((img) => (img.complete ? null : new Promise((ok) => { img.onload = ok; img.onerror = ok; })));
  t.eq(await logo.evaluate((img) => img.naturalWidth), 200, 'width of the logo loaded');
  await t.pageChecks(en, 'organisation page with a logo');

  t.step('the followers page');
  await t.go(page, `/staff/entries?org=${org}`);
  await Promise.all([page.waitForURL(/\/followers$/), page.locator('#org-followers-link').click()]);
  await t.pageChecks(page, 'followers page');

  t.step('the new event form at 320 px and in Arabic');
  const ar = await t.page({ ...PHONES.small, locale: 'ar' });
  await t.go(ar, '/');
  await t.signIn(ar, email, password);
  await t.go(ar, `/staff/entries/new/event?org=${org}`);
  await t.expectLang(ar, 'ar', 'event form in Arabic');
  await t.pageChecks(ar, 'event form in Arabic at 320 px');
  await t.shot(ar, 'event-form-ar');
}
