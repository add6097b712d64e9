// A reader on a phone searches, filters, follows a facet, pages, uses "near me", opens an entry.
import { PHONES } from '../lib.mjs';

export const name = 'reader-searches-on-a-phone';
export const about = 'on a 390 px phone a reader searches, filters by category and by language (each narrowing the results to entries that have them), follows a facet link (as many results as the facet said), pages (other results), uses "near me" with the position the browser gives (latitude and longitude filled, results within the radius, nearest first), and opens an entry, whose remote-follow form refuses a malformed account beside the field; the search page at 320 px and in Arabic; with JavaScript off the form still searches and "near me" is hidden';

/** The results on the page: [{path, name}], and the total the heading says. */
async function results(page) {
  const items = await page.locator('main ol.entries > li > a').evaluateAll((as) => as.map((a) => ({ path: new URL(a.href).pathname, name: a.textContent.trim() })));
  const heading = await page.locator('#results-h').textContent();
  const total = Number((heading.match(/\d+/) || ['NaN'])[0]);
  return { items, total, heading };
}

/** Great-circle distance in km between [lat, lon] pairs. */
function km([a, b], [c, d]) {
  const r = Math.PI / 180;
  const h = Math.sin(((c - a) * r) / 2) ** 2 + Math.cos(a * r) * Math.cos(c * r) * Math.sin(((d - b) * r) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/** Submit the search form (button or Enter) and wait for the results page. */
async function search(t, page, how = 'click') {
  const done = page.waitForURL(/\/search\?/);
  if (how === 'enter') await page.locator('#q').press('Enter');
  else await page.locator('#search-submit').click();
  await done;
  await page.waitForLoadState('load');
}

export default async function (t) {
  // What the search shows unless asked for a status: not cancelled events, not inactive or
  // defunct services.
  const entries = t.fixture.entries.filter((e) => !['cancelled', 'inactive', 'defunct'].includes(e.status));
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const inCategory = (e, c) => e.categories.some((x) => x === c || x.startsWith(`${c}.`));

  // Geolocation granted, the reader standing in Lille (by the first demo service there).
  const lille = entries.find((e) => e.coords && e.org === 'intsm-lille');
  t.check(lille, 'the fixture has no place in Lille');
  const [lat, lon] = lille.coords;
  const ctx = await t.context({ ...PHONES.medium, geolocation: { latitude: lat + 0.001, longitude: lon + 0.001 }, permissions: ['geolocation'] });
  const page = await ctx.newPage();

  t.step('the search page, empty: every entry, in pages');
  await t.go(page, '/search');
  await t.pageChecks(page, 'search page');
  const all = await results(page);
  t.eq(all.total, entries.length, 'results of an empty search');
  t.check(all.items.length > 0 && all.items.length < all.total, `one page of results, not ${all.items.length} of ${all.total}`);
  await t.shot(page, 'search-en');

  t.step('the next page: other results');
  await Promise.all([page.waitForURL(/page=2/), page.locator('nav.paging a[rel=next]').click()]);
  const second = await results(page);
  t.check(second.items.length > 0, 'page 2 is empty');
  const firstPaths = new Set(all.items.map((i) => i.path));
  t.check(second.items.every((i) => !firstPaths.has(i.path)), 'page 2 repeats results of page 1');
  await t.noHorizontalScroll(page, 'search page 2');

  t.step('filter by category: only entries of that category');
  await t.go(page, '/search');
  await page.locator('#q').fill('');
  await page.locator('#category').selectOption('legal');
  await search(t, page);
  t.check(page.url().includes('category=legal'), `the category is not in ${page.url()}`);
  const legal = await results(page);
  const wantLegal = entries.filter((e) => inCategory(e, 'legal'));
  t.eq(legal.total, wantLegal.length, 'results in category legal');
  t.check(legal.items.every((i) => inCategory(byPath.get(i.path), 'legal')), 'a result outside category legal');
  t.eq(await page.locator('#category').inputValue(), 'legal', 'the category chosen is kept in the form');

  t.step('and by language: fewer, all in that language');
  await page.locator('#language').fill('ar');
  await search(t, page);
  const legalAr = await results(page);
  const wantLegalAr = wantLegal.filter((e) => e.languages.includes('ar'));
  t.eq(legalAr.total, wantLegalAr.length, 'results in category legal and language ar');
  t.check(legalAr.total < legal.total, 'the language filter narrows nothing (pick a demo language that some legal entries lack)');
  t.check(legalAr.items.every((i) => byPath.get(i.path).languages.includes('ar')), 'a result not in Arabic');
  await t.pageChecks(page, 'search filtered');

  t.step('a facet link: as many results as it said');
  const facet = page.locator('nav.facets [data-facet=kind] a:not(.active)').first();
  const label = (await facet.textContent()).trim();
  const count = Number(label.match(/\((\d+)\)/)[1]);
  await Promise.all([page.waitForURL(/kind=/), facet.click()]);
  const faceted = await results(page);
  t.eq(faceted.total, count, `results after the facet "${label}"`);
  const kind = new URL(page.url()).searchParams.get('kind');
  t.check(faceted.items.every((i) => byPath.get(i.path).kind === kind), `a result not of kind ${kind}`);
  t.check(faceted.total < legalAr.total, 'the facet did not narrow the results');

  t.step('"near me": the position fills latitude and longitude, nearest results first');
  await t.go(page, '/search');
  t.check(await page.locator('#near-me').isVisible(), 'no "near me" button with JavaScript on');
  await Promise.all([page.waitForURL(/lat=/), page.locator('#near-me').click()]);
  await page.waitForLoadState('load');
  const url = new URL(page.url());
  t.eq(Number(url.searchParams.get('lat')).toFixed(3), (lat + 0.001).toFixed(3), 'latitude sent');
  t.eq(Number(url.searchParams.get('lon')).toFixed(3), (lon + 0.001).toFixed(3), 'longitude sent');
  t.eq(await page.locator('#lat').inputValue(), (lat + 0.001).toFixed(4), 'latitude in the form');
  const near = await results(page);
  const distances = await page.locator('main ol.entries > li .distance').evaluateAll((s) => s.map((x) => Number(x.textContent.replace(',', '.').match(/[\d.]+/)[0])));
  t.check(near.items.length > 0 && distances.length === near.items.length, `${near.items.length} results near Lille, ${distances.length} with a distance`);
  t.check(distances.every((d, i) => i === 0 || d >= distances[i - 1]), `results not nearest first: ${distances.join(', ')}`);
  // What the fixture says is within the radius (10 km unless typed), by the first place.
  const here = [lat + 0.001, lon + 0.001];
  const want = entries.filter((e) => e.coords && km(here, e.coords) <= 10).sort((a, b) => km(here, a.coords) - km(here, b.coords));
  t.eq(await page.locator('#radius_km').inputValue(), '10', 'radius filled in');
  t.eq(near.total, want.length, 'results within 10 km');
  t.check(near.items.every((i) => want.some((e) => e.path === i.path)), 'a result farther than 10 km');
  t.check(Math.abs(km(here, byPath.get(near.items[0].path).coords) - km(here, want[0].coords)) < 0.05, `the first result ${near.items[0].path} is not the nearest (${want[0].path})`);
  await t.pageChecks(page, 'search near me');
  await t.shot(page, 'search-near-en');

  t.step('open the nearest entry');
  await Promise.all([page.waitForURL(new RegExp(`${near.items[0].path}$`)), page.locator('main ol.entries > li > a').first().click()]);
  t.eq((await page.locator('h1').textContent()).trim(), near.items[0].name, 'the entry opened');
  await t.pageChecks(page, 'entry from the search');

  t.step('the remote-follow form refuses something that is no fediverse account, beside the field');
  await page.locator('#follow-account').fill('not an account');
  const follow = await t.submit(page, page.locator('#follow-submit'));
  t.check(follow.status() >= 400 && follow.status() < 500, `status of following from "not an account": ${follow.status()}`);
  t.eq(await page.locator('#follow-account').inputValue(), 'not an account', 'the account typed is kept');
  t.eq(await page.locator('#follow-account').getAttribute('aria-invalid'), 'true', 'the account marked invalid');
  t.check(await page.locator('#follow-account-error').isVisible(), 'no error beside the account');
  await t.pageChecks(page, 'remote follow with an error');

  t.step('the search page at 320 px and in Arabic');
  const small = await t.page({ ...PHONES.small });
  await t.go(small, '/search?category=legal');
  await t.pageChecks(small, 'search page at 320 px');
  await t.shot(small, 'search-en');
  const ar = await t.page({ ...PHONES.small, locale: 'ar' });
  await t.go(ar, '/search?category=legal&language=ar');
  await t.expectLang(ar, 'ar', 'search page in Arabic');
  await t.pageChecks(ar, 'search page in Arabic');
  await t.shot(ar, 'search-ar');

  t.step('JavaScript off: no "near me", the form still searches');
  const nojs = await t.page({ ...PHONES.medium, javaScriptEnabled: false });
  await t.go(nojs, '/search');
  t.check(!(await nojs.locator('#near-me').isVisible()), '"near me" shown without JavaScript');
  const word = lille.names[lille.default_language].split(/\s+/).find((w) => w.length > 6) ?? lille.names[lille.default_language];
  await nojs.locator('#q').fill(word);
  await search(t, nojs, 'enter');
  const found = await results(nojs);
  t.check(found.items.some((i) => i.path === lille.path), `searching "${word}" without JavaScript does not find ${lille.path}`);
  t.check(found.total < entries.length, `searching "${word}" finds everything`);
  await t.pageChecks(nojs, 'search without JavaScript');
}
