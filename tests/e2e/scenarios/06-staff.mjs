// Staff sign in, see their dashboard, change their password and sign out.
import { PHONES } from '../lib.mjs';

export const name = 'staff-sign-in-and-password';
export const about = 'staff sign-in: empty fields and a wrong password are refused with the errors beside the fields or above the form and the email kept; the right password opens the dashboard listing the organisation\'s entries; a password change refuses a mismatch, then works; sign-out ends the session; the old password no longer works, the new one does';

async function submit(page, t, status, what) {
  t.eq((await t.submit(page)).status(), status, what);
}

export default async function (t) {
  const { email, password, new_password: newPassword, org } = t.fixture.accounts.staff;
  const page = await t.page({ ...PHONES.medium });
  await t.go(page, '/');
  t.step('the footer link leads to the sign-in form');
  await page.locator('footer a[href="/staff/login"]').click();
  await page.waitForURL(/\/staff\/login$/);
  await t.pageChecks(page, 'sign-in page');

  t.step('nothing typed: an error beside each field');
  await submit(page, t, 422, 'status of an empty sign-in');
  for (const id of ['email', 'password']) {
    t.eq(await page.locator(`#${id}`).getAttribute('aria-invalid'), 'true', `${id} marked invalid`);
    t.check(await page.locator(`#${id}-error`).isVisible(), `no error shown beside ${id}`);
  }
  await t.a11y(page, 'sign-in page with errors');

  t.step('a wrong password: refused, the email kept');
  await page.locator('#email').fill(email);
  await page.locator('#password').fill('not the password');
  await submit(page, t, 401, 'status of a wrong password');
  t.check(await page.locator('main [role=alert]').isVisible(), 'no error shown for a wrong password');
  t.eq(await page.locator('#email').inputValue(), email, 'the email typed is kept');
  t.eq(await page.locator('#password').inputValue(), '', 'the password is not sent back');

  t.step('the right password: the dashboard');
  await page.locator('#password').fill(password);
  await Promise.all([page.waitForURL(/\/staff$/), page.locator('main form.staff button[type=submit]').click()]);
  await t.pageChecks(page, 'dashboard');
  t.check((await page.locator('main').textContent()).includes(email), 'the dashboard does not say who is signed in');
  const mine = t.fixture.entries.filter((e) => e.org === org).map((e) => e.path).sort();
  const listed = (await page.locator('main .staff-org ul.entries a').evaluateAll((as) => as.map((a) => new URL(a.href).pathname))).sort();
  t.eq(JSON.stringify(listed), JSON.stringify(mine), 'entries on the dashboard');

  t.step('change password: a mismatch is refused beside the field');
  await Promise.all([page.waitForURL(/\/staff\/password$/), page.locator('a[href="/staff/password"]').click()]);
  await page.locator('#current').fill(password);
  await page.locator('#new').fill(newPassword);
  await page.locator('#confirm').fill(newPassword + 'x');
  await submit(page, t, 422, 'status of a mismatched new password');
  t.check(await page.locator('#confirm-error').isVisible(), 'no error beside the confirmation');
  await t.pageChecks(page, 'password page with an error');
  t.step('change password: done');
  await page.locator('#current').fill(password);
  await page.locator('#new').fill(newPassword);
  await page.locator('#confirm').fill(newPassword);
  await submit(page, t, 200, 'status of a password change');
  t.check(await page.locator('main [role=status]').isVisible(), 'no confirmation of the change');

  t.step('sign out');
  await Promise.all([page.waitForURL(/\/staff\/login$/), page.locator('form[action="/staff/logout"] button').click()]);
  const resp = await page.goto(t.url('/staff'));
  t.check(resp.url().endsWith('/staff/login'), 'the dashboard is still reachable after signing out');

  t.step('the old password is refused, the new one works');
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await submit(page, t, 401, 'status of the old password');
  await page.locator('#password').fill(newPassword);
  await Promise.all([page.waitForURL(/\/staff$/), page.locator('main form.staff button[type=submit]').click()]);
  await Promise.all([page.waitForURL(/\/staff\/login$/), page.locator('form[action="/staff/logout"] button').click()]);
}
