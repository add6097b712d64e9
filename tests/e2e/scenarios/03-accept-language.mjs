// The browser's languages choose the first page's language; entry text follows the reader.
import { PHONES, pick } from '../lib.mjs';

export const name = 'browser-language';
export const about = 'Accept-Language (the browser locale) chooses the interface language without setting a cookie: Arabic right to left, Ukrainian, French; an entry is shown in the reader\'s language, or with a visible note when it is in another';

export default async function (t) {
  for (const [locale, lang] of [['ar-SY', 'ar'], ['uk-UA', 'uk'], ['fr-FR', 'fr'], ['de-DE', 'de']]) {
    t.step(`a browser in ${locale}`);
    const page = await t.page({ ...PHONES.medium, locale });
    await t.go(page, '/');
    await t.expectLang(page, lang, `home for ${locale}`);
    t.eq(await t.cookie(page, 'lang'), undefined, `lang cookie for ${locale}`);
    await t.a11y(page, `home for ${locale}`);
  }
  // An entry with a French and an English name but no German one.
  const e = pick(t.fixture, (x) => x.default_language === 'fr' && x.names.fr && x.names.en && !x.names.de, 'French entry without German');
  t.step(`French reader on ${e.path}`);
  let page = await t.page({ ...PHONES.medium, locale: 'fr-FR' });
  await t.go(page, e.path);
  t.eq(await page.locator('h1').getAttribute('lang'), 'fr', 'language of the name for a French reader');
  t.eq((await page.locator('h1').textContent()).trim(), e.names.fr, 'name for a French reader');
  t.eq(await page.locator('main .note').count(), 0, 'fallback notes for a French reader');

  t.step(`German reader on ${e.path}: the French text, with a note`);
  page = await t.page({ ...PHONES.medium, locale: 'de-DE' });
  await t.go(page, e.path);
  await t.expectLang(page, 'de', 'entry for a German reader');
  t.eq(await page.locator('h1').getAttribute('lang'), 'fr', 'language of the name for a German reader');
  const note = page.locator('main .note').first();
  t.check(await note.isVisible(), 'no visible note that the text is in French');
  t.check((await note.textContent()).includes('Französisch'), `the note does not name French: ${await note.textContent()}`);
}
