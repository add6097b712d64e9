// Forms posted from another origin's page are refused, even with the session cookie.
import { PHONES } from '../lib.mjs';

export const name = 'csrf-from-another-origin';
export const about = 'a signed-in staff member visits pages of another origin that post forms to the instance: a password change and a sign-out from a same-site origin (another port: the session cookie is sent) are refused with 403, and so is a sign-in; a cross-site sign-out gets no cookie; the session and the password survive';

const html = (action, fields) => `<!doctype html><html lang="en"><title>Win a prize</title>
<form id="f" method="post" action="${action}">${Object.entries(fields)
  .map(([k, v]) => `<input name="${k}" value="${v}">`).join('')}</form>
<script>document.getElementById('f').submit()</script></html>`;

export default async function (t) {
  const { email, password } = t.fixture.accounts.csrf;
  const instance = new URL(t.base);
  // Another port of the same host: another origin, but the same site, so that SameSite=Lax
  // cookies go along and only the CSRF token can refuse the request.
  const sameSite = `http://${instance.hostname}:47981`;
  // Another host: another site.
  const crossSite = `http://${instance.hostname === 'localhost' ? '127.0.0.1' : 'localhost'}:47982`;
  const ctx = await t.context({ ...PHONES.medium });
  const pages = {
    [`${sameSite}/password`]: html(t.url('/staff/password'), { current: password, new: 'attacker-chose-this', confirm: 'attacker-chose-this' }),
    [`${sameSite}/logout`]: html(t.url('/staff/logout'), {}),
    [`${sameSite}/login`]: html(t.url('/staff/login'), { email, password }),
    [`${crossSite}/logout`]: html(t.url('/staff/logout'), { csrf: 'guessed' }),
  };
  for (const origin of [sameSite, crossSite]) {
    await ctx.route(`${origin}/**`, (route) => {
      const body = pages[route.request().url()];
      return body ? route.fulfill({ status: 200, contentType: 'text/html', body }) : route.fulfill({ status: 404, body: '' });
    });
  }
  const page = await ctx.newPage();
  await t.go(page, '/');
  await t.signIn(page, email, password);

  /** Open the attacker's page; return the response to the form it posts. */
  async function attack(url, target) {
    const posted = page.waitForResponse((r) => r.url() === t.url(target) && r.request().method() === 'POST');
    await page.goto(url, { waitUntil: 'commit' });
    const resp = await posted;
    await page.waitForURL((u) => u.origin === instance.origin, { waitUntil: 'load' });
    return resp;
  }

  t.step('same-site page posts a password change');
  let resp = await attack(`${sameSite}/password`, '/staff/password');
  const cookies = (await resp.request().allHeaders()).cookie ?? '';
  t.check(cookies.includes('psl_session='), `the same-site post did not carry the session cookie (${cookies}): the test proves nothing`);
  t.eq(resp.status(), 403, 'status of a password change from another origin');
  t.check(await page.locator('main [role=alert]').isVisible(), 'the refusal page says nothing');

  t.step('same-site page posts a sign-out');
  resp = await attack(`${sameSite}/logout`, '/staff/logout');
  t.eq(resp.status(), 403, 'status of a sign-out from another origin');

  t.step('cross-site page posts a sign-out');
  resp = await attack(`${crossSite}/logout`, '/staff/logout');
  const crossCookies = (await resp.request().allHeaders()).cookie ?? '';
  t.check(!crossCookies.includes('psl_session='), 'a cross-site post carried the session cookie (SameSite)');

  t.step('the session survived');
  resp = await t.go(page, '/staff');
  t.check(resp.url().endsWith('/staff'), `the session ended (${resp.url()})`);

  t.step('same-site page posts a sign-in (login CSRF)');
  resp = await attack(`${sameSite}/login`, '/staff/login');
  t.eq(resp.status(), 403, 'status of a sign-in posted from another origin');

  t.step('sign out, then the password is still the one we had');
  await t.go(page, '/staff');
  await Promise.all([page.waitForURL(/\/staff\/login$/), page.locator('form[action="/staff/logout"] button').click()]);
  await t.signIn(page, email, password);
}
