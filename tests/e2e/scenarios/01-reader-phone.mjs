// A reader on a 320 px phone goes from the home page to an entry and reads it.
import { PHONES, pick } from '../lib.mjs';

export const name = 'reader-on-a-small-phone';
export const about = 'home → a service chosen from the newest entries, on a 320 px phone: nothing scrolls sideways, opening hours in the entry\'s time zone, a map link with the coordinates; a service without a place has no map link; event, offer, organisation and topic pages read at 320 px';

export default async function (t) {
  const page = await t.page({ ...PHONES.small });
  t.step('home page');
  await t.go(page, '/');
  await t.expectLang(page, 'en', 'home');
  await t.pageChecks(page, 'home at 320 px');
  const listed = await page.locator('main ul.entries a').evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
  t.check(listed.length > 0, 'the home page lists no entries');
  const service = t.fixture.entries.find((e) => e.kind === 'service' && e.schedules > 0 && e.coords && listed.includes(e.path));
  t.check(service, `none of the entries on the home page is a service with opening hours and a place: ${listed.join(', ')}`);

  t.step(`open ${service.path} from the home page`);
  await Promise.all([
    page.waitForURL((u) => u.pathname === service.path),
    page.locator(`main ul.entries a[href$="${service.path}"]`).click(),
  ]);
  await t.expectLang(page, 'en', 'service page');
  const h1 = page.locator('h1');
  t.eq((await h1.textContent()).trim(), service.names.en ?? service.names[service.default_language], 'service name');
  t.check(await h1.isVisible(), 'the service name is not visible');
  await t.pageChecks(page, 'service page at 320 px');

  t.step('opening hours, in the entry\'s time zone');
  const hours = await page.locator('dt').evaluateAll((dts) => dts
    .filter((dt) => dt.textContent.trim() === 'Opening hours')
    .map((dt) => dt.nextElementSibling?.textContent.trim() ?? ''));
  t.eq(hours.length, service.schedules, 'opening-hours lines');
  for (const h of hours) {
    t.check(/\d\d:\d\d–\d\d:\d\d \([A-Za-z_]+\/[A-Za-z_]+\)( · .+)?$/.test(h), `opening hours "${h}" lack times or the time zone`);
  }

  t.step('the map link');
  const map = page.locator('a[href^="geo:"]');
  t.eq(await map.count(), service.maps, 'map links');
  t.eq(await map.first().getAttribute('href'), `geo:${service.coords[0]},${service.coords[1]}`, 'map link');
  t.check(await map.first().isVisible(), 'the map link is hidden');
  const box = await map.first().boundingBox();
  t.check(box && box.height >= 16, `the map link is too small to tap (${JSON.stringify(box)})`);

  t.step('a service without a place: no map link');
  const online = pick(t.fixture, (e) => e.kind === 'service' && e.maps === 0, 'service without a place on a map');
  await t.go(page, online.path);
  t.eq(await page.locator('a[href^="geo:"]').count(), 0, 'map links on a service without a place');
  await t.pageChecks(page, 'online service at 320 px');

  for (const kind of ['event', 'offer']) {
    const e = pick(t.fixture, (x) => x.kind === kind, kind);
    t.step(`${kind} page ${e.path}`);
    await t.go(page, e.path);
    t.check((await page.locator('h1').textContent()).trim().length > 0, `${kind}: no name`);
    t.check(await page.locator('main dl dt').count() >= 2, `${kind}: its fields are missing`);
    await t.pageChecks(page, `${kind} page at 320 px`);
  }

  const org = t.fixture.orgs[0];
  t.step(`organisation page ${org.path}`);
  await t.go(page, org.path);
  t.eq((await page.locator('h1').textContent()).trim(), org.name, 'organisation name');
  t.check(await page.locator('code.handle').isVisible(), 'the fediverse handle is not visible');
  await t.pageChecks(page, 'organisation page at 320 px');

  t.step(`topic page ${t.fixture.topic}`);
  await t.go(page, t.fixture.topic);
  t.check(await page.locator('main ul.entries li').count() > 0, 'the topic page lists no entries');
  await t.pageChecks(page, 'topic page at 320 px');
}
