// The Federated sign-in page as HTML: what it accepts as appru, what it escapes, the headers it
// sends, the token it hands over (and keeps only hashed), and an enrollment link's accesstoken.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { testDialects } from '../../../store/testing.js';
import type { Database } from '../../../store/database.js';
import { enrollmentAdmin } from '../../../../test/support/apple.js';
import { aWindowsEnrollmentLink, aWindowsUser, nextTotp, PASSWORD, windowsTestApp, type WindowsTestApp } from '../../../../test/support/windows.js';
import { readForms } from '../../../../sim/windows/web-auth.js';

const APPRU = 'ms-app://windows.immersivecontrolpanel';
const PAGE = '/EnrollmentServer/Authenticate';

for (const dialect of testDialects()) {
  describe(`Windows enrollment sign-in page on ${dialect.name}`, () => {
    let database: Database;
    let t: WindowsTestApp;

    before(async () => {
      database = await dialect.open();
      t = await windowsTestApp(database, { authPolicy: 'Federated' });
    });
    after(async () => {
      await t.app.close();
      await database.close();
    });

    const get = (query: Record<string, string>) => t.app.inject({ method: 'GET', url: `${PAGE}?${new URLSearchParams(query).toString()}` });
    const post = (fields: Record<string, string>) => t.app.inject({ method: 'POST', url: PAGE, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });

    it('shows an accessible sign-in form with the login hint, never cached, under a strict CSP', async () => {
      const res = await get({ appru: APPRU, login_hint: 'someone"><script>alert(1)</script>@contoso.example' });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.match(String(res.headers['content-security-policy']), /default-src 'none'; .*script-src 'none'; form-action 'self' ms-app:/);
      assert.doesNotMatch(res.body, /<script>alert/);
      assert.match(res.body, /<html lang="en">/);
      for (const id of ['userName', 'password']) {
        assert.match(res.body, new RegExp(`<label for="${id}">`), `a label for ${id}`);
        assert.match(res.body, new RegExp(`<input id="${id}"`));
      }
      const [form] = readForms(res.body);
      assert.equal(form?.action, PAGE);
      assert.equal(form?.inputs.find((i) => i.name === 'userName')?.value, 'someone"><script>alert(1)</script>@contoso.example');
      assert.equal(form?.inputs.find((i) => i.name === 'appru')?.value, APPRU);
    });

    it('works only for Windows: appru must be an ms-app:// callback', async () => {
      for (const appru of ['', 'https://evil.example/collect', 'javascript:alert(1)', 'ms-app://x" onload="alert(1)', 'http://ms-app://x']) {
        const res = await get({ appru, login_hint: 'a@b' });
        assert.equal(res.statusCode, 400, appru);
        assert.doesNotMatch(res.body, /<form/);
        assert.equal((await post({ appru, userName: 'a@contoso.example', password: PASSWORD, step: 'password' })).statusCode, 400);
      }
      assert.equal((await t.app.inject({ method: 'GET', url: PAGE })).statusCode, 400);
    });

    it('hands over a 15-minute, single-use token bound to the person and stored only as its hash', async () => {
      const { user } = await aWindowsUser(t);
      const res = await post({ appru: APPRU, userName: user.userPrincipalName, password: PASSWORD, step: 'password' });
      assert.equal(res.statusCode, 200);
      const handOff = readForms(res.body).find((f) => f.action === APPRU);
      assert.ok(handOff, 'the page posts to appru');
      assert.equal(handOff.method, 'post');
      const wresult = handOff.inputs.find((i) => i.name === 'wresult')?.value ?? '';
      assert.match(wresult, /^[0-9a-f]{64}$/);
      // The one script runs under the page's nonce.
      const nonce = /script-src 'nonce-([^']+)'/.exec(String(res.headers['content-security-policy']))?.[1];
      assert.ok(nonce);
      assert.match(res.body, new RegExp(`<script nonce="${nonce.replace(/[+/=]/g, (c) => `\\${c}`)}">document\\.forms\\[0\\]\\.submit\\(\\);</script>`));
      const stored = await t.core.windowsSignInTokens.get(createHash('sha256').update(wresult).digest('hex'));
      assert.ok(stored);
      assert.equal(stored.userId, user.id);
      assert.equal(Date.parse(stored.expiresAt) - Date.parse(stored.createdAt), 15 * 60_000);
      assert.equal(stored.usedAt, null);
      const raw = await database.db.selectFrom('windows_sign_in_tokens').selectAll().execute();
      assert.ok(raw.every((r) => r.token_hash !== wresult), 'the token itself is never stored');
      const sessions = await database.db.selectFrom('sessions').select('user_id').where('user_id', '=', user.id).execute();
      assert.equal(sessions.length, 0, 'no web session is left behind');
    });

    it('asks for the authenticator code after the password, and refuses a wrong one', async () => {
      const { user, secret } = await aWindowsUser(t, { totp: true });
      const step1 = await post({ appru: APPRU, userName: user.userPrincipalName, password: PASSWORD, step: 'password' });
      const totpForm = readForms(step1.body)[0];
      assert.ok(totpForm);
      assert.ok(totpForm.inputs.some((i) => i.name === 'totpCode'), 'the code step');
      assert.match(step1.body, /<label for="totpCode">/);
      const fields = Object.fromEntries(totpForm.inputs.map((i) => [i.name, i.value]));
      const wrong = await post({ ...fields, totpCode: '000000' });
      assert.match(wrong.body, /role="alert"[^>]*>The code from the authenticator app is wrong/);
      const right = await post({ ...fields, totpCode: nextTotp(t, secret!) });
      assert.ok(readForms(right.body).some((f) => f.action === APPRU));
    });

    it('shows refusals in words: wrong password (form again), unlicensed (final)', async () => {
      const { user } = await aWindowsUser(t);
      const wrong = await post({ appru: APPRU, userName: user.userPrincipalName, password: 'nope', step: 'password' });
      assert.match(wrong.body, /role="alert"[^>]*>The user name or password is incorrect/);
      assert.ok(readForms(wrong.body).some((f) => f.inputs.some((i) => i.type === 'password')));
      const { user: unlicensed } = await aWindowsUser(t, { licensed: false });
      const refusedPage = await post({ appru: APPRU, userName: unlicensed.userPrincipalName, password: PASSWORD, step: 'password' });
      assert.match(refusedPage.body, /no Steward license/);
      assert.equal(readForms(refusedPage.body).length, 0);
      const before = await database.db.selectFrom('windows_sign_in_tokens').selectAll().execute();
      assert.ok(before.every((r) => r.user_id !== unlicensed.id), 'no token for a person who may not enroll');
    });

    it('passes an enrollment link\'s accesstoken on without spending it, and explains a bad one', async () => {
      const link = await aWindowsEnrollmentLink(t);
      const ok = await get({ appru: APPRU, login_hint: 'kiosk@contoso.example', accesstoken: link.tokenValue });
      const handOff = readForms(ok.body).find((f) => f.action === APPRU);
      assert.equal(handOff?.inputs.find((i) => i.name === 'wresult')?.value, link.tokenValue);
      const profile = await t.app.inject({ url: `/v1.0/deviceManagement/enrollmentProfiles/${link.id}`, headers: enrollmentAdmin });
      assert.equal(profile.json<{ usageCount: number }>().usageCount, 0);
      const bad = await get({ appru: APPRU, login_hint: 'kiosk@contoso.example', accesstoken: 'not-a-real-token-at-all-000' });
      assert.equal(bad.statusCode, 200);
      assert.match(bad.body, /This enrollment link is not valid/);
      assert.equal(readForms(bad.body).length, 0);
    });

    it('answers an unreadable form with a page, not a crash', async () => {
      const json = await t.app.inject({ method: 'POST', url: PAGE, headers: { 'content-type': 'application/json' }, payload: '{}' });
      assert.ok(json.statusCode >= 400 && json.statusCode < 500, String(json.statusCode));
      assert.match(String(json.headers['content-type']), /^text\/html/);
      const big = await t.app.inject({ method: 'POST', url: PAGE, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `appru=${'a'.repeat(20_000)}` });
      assert.equal(big.statusCode, 413);
    });
  });
}
