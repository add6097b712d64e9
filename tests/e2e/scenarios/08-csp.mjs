// Script injected into a page does not run: escaped text, and the Content-Security-Policy.
import { PHONES } from '../lib.mjs';

export const name = 'script-never-runs';
export const about = 'an entry whose description holds <script> and an onerror attribute shows them as text and nothing runs; markup injected into the page in transit (inline script, event attribute, javascript: link) is blocked by the Content-Security-Policy with violation reports, while the same injection without the policy does run (so the check can fail)';

const INJECTED = `<div id="injected"><script>window.__inline = 1</script>
<img alt="" src="data:," onerror="window.__attr = 1"><a id="jsurl" href="javascript:window.__jsurl=1">x</a></div>`;

async function flags(page) {
  return page.evaluate(() => ({ inline: window.__inline, attr: window.__attr, jsurl: window.__jsurl, violations: window.__violations ?? [] }));
}

export default async function (t) {
  const { path } = t.fixture.xss;
  t.step(`the entry ${path} whose description holds script`);
  const ctx = await t.context({ ...PHONES.medium });
  await ctx.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.effectiveDirective));
  });
  let page = await ctx.newPage();
  await t.go(page, path);
  const description = await page.locator('.description').textContent();
  t.check(description.includes('<script>') && description.includes('onerror='), `the markup is not shown as text: ${description}`);
  t.eq(await page.locator('.description script, .description img, .description [onerror]').count(), 0, 'elements made from the description');
  await page.waitForTimeout(200);
  t.eq(await page.evaluate(() => window.__xss), undefined, 'window.__xss set by the description');

  t.step('markup injected into the page in transit: blocked by the CSP');
  t.allowConsole(/Content Security Policy/);
  const inject = (stripPolicy) => async (route) => {
    const resp = await route.fetch();
    const headers = { ...resp.headers() };
    if (stripPolicy) delete headers['content-security-policy'];
    const body = (await resp.text()).replace('</main>', `${INJECTED}</main>`);
    await route.fulfill({ response: resp, headers, body });
  };
  await ctx.route(t.url(path), inject(false));
  page = await ctx.newPage();
  await t.go(page, path);
  t.eq(await page.locator('#injected').count(), 1, 'the injected markup is in the page');
  await page.locator('#jsurl').click();
  // The three refusals are reported as they happen; then nothing of it can run any more.
  await page.waitForFunction(() => window.__violations.length >= 3);
  let f = await flags(page);
  t.eq(f.inline, undefined, 'an injected inline script ran');
  t.eq(f.attr, undefined, 'an injected onerror attribute ran');
  t.eq(f.jsurl, undefined, 'an injected javascript: link ran');
  for (const d of ['script-src-elem', 'script-src-attr']) {
    t.check(f.violations.includes(d), `no ${d} violation reported (${f.violations.join(', ')})`);
  }

  t.step('control: the same injection without the policy runs');
  const control = await t.context({ ...PHONES.medium });
  await control.route(t.url(path), inject(true));
  page = await control.newPage();
  await t.go(page, path);
  await page.locator('#jsurl').click();
  await page.waitForFunction(() => window.__jsurl === 1).catch(() => {});
  f = await flags(page);
  t.check(f.inline === 1 && f.attr === 1 && f.jsurl === 1, `without the policy the injected script should run: ${JSON.stringify(f)}`);
}
