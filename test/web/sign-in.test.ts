// The sign-in page in a real browser: password, authenticator set-up with the QR code and the key,
// the code on the next sign-in, errors in words, the session cookie, sign-out, and the session's
// permissions reaching the page.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aPerson, assertAccessible, freshCode, PASSWORD, signIn, webSuite } from './harness.js';

describe('sign-in page', () => {
  const w = webSuite();

  it('an admin sets up the authenticator, signs out, and signs in again with a code', async () => {
    const admin = await w.admin();
    const page = await w.page();
    await page.goto('/');
    await assertAccessible(page, 'the sign-in page');
    await signIn(page, admin);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === '__Host-steward_session');
    assert.ok(session, 'the browser kept the session cookie');
    assert.equal(session.httpOnly, true);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('status').filter({ hasText: 'You have signed out.' }).waitFor();
    assert.equal((await page.context().cookies()).some((c) => c.name === '__Host-steward_session'), false, 'sign-out clears the cookie');
    await signIn(page, admin);
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  });

  it('shows the QR code and the key during set-up, and wrong credentials in words', async () => {
    const admin = await w.admin();
    const page = await w.page();
    await page.goto('/');
    await page.getByLabel('User name').fill(admin.userPrincipalName);
    await page.getByLabel('Password', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The user name or password is incorrect.' }).waitFor();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const qr = page.getByRole('img', { name: /QR code/ });
    await qr.waitFor();
    assert.match(await qr.getAttribute('src') ?? '', /^data:image\/png;base64,/);
    await page.getByLabel('Code from the app').fill('000000');
    await page.getByRole('button', { name: 'Confirm and sign in' }).click();
    await page.getByRole('alert').filter({ hasText: /code does not match/ }).waitFor();
    await assertAccessible(page, 'the authenticator set-up');
  });

  it('changes a password that must change, then sets up the authenticator', async () => {
    const admin = await aPerson(w.t.core, 'Intune Administrator', 'Forced Change', { forceChange: true });
    const page = await w.page();
    await page.goto('/');
    await page.getByLabel('User name').fill(admin.userPrincipalName);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Your password must be changed').waitFor();
    await page.getByLabel('New password', { exact: true }).fill('Another-Long-Passphrase-42');
    await page.getByLabel('New password again').fill('Another-Long-Passphrase-41');
    await page.getByRole('button', { name: 'Change password and sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The two new passwords differ.' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('New password again').fill('short');
    await page.getByRole('button', { name: 'Change password and sign in' }).click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    assert.match(await refusal.textContent() ?? '', /\S{10,}/, 'the password policy says why in words');
    await page.getByLabel('New password', { exact: true }).fill('Another-Long-Passphrase-42');
    await page.getByLabel('New password again').fill('Another-Long-Passphrase-42');
    await page.getByRole('button', { name: 'Change password and sign in' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())?.trim() ?? '';
    await page.getByLabel('Code from the app').fill(await freshCode(secret));
    await page.getByRole('button', { name: 'Confirm and sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  });

  it('a person without an admin role is sent to the portal', async () => {
    const user = await w.admin(null);
    const page = await w.page();
    await signIn(page, user);
    await page.getByText('your account has no administrator role').waitFor();
    assert.equal(await page.getByRole('link', { name: 'Company Portal' }).getAttribute('href'), '/portal');
  });
});
