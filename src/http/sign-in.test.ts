import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { URI } from 'otpauth';
import { testDialects } from '../store/testing.js';
import type { Database } from '../store/database.js';
import { bearer } from '../../test/support/http.js';
import { PASSWORD, aPerson, post, sessionCookieOf, signInApp, totpCode, type SignInApp } from '../../test/support/sign-in.js';
import { LOCK_DURATION_MS } from '../core/auth/lockout.js';
import { TOTP_SETUP_LIFETIME_MS } from '../core/auth/totp-setup.js';

interface ErrorBody { error: { code: string; message: string; target?: string } }
interface SetupBody { status: 'totpSetupRequired'; setupToken: string; secret: string; otpauthUri: string; expiresDateTime: string }
interface SignedInBody { status: 'signedIn'; csrfToken: string; user: { id: string; userPrincipalName: string; displayName: string } }

const wrong = 'Not-The-Password-42';

for (const dialect of testDialects()) {
  describe(`web sign-in on ${dialect.name}`, () => {
    let database: Database;
    let t: SignInApp;
    before(async () => {
      database = await dialect.open();
      t = await signInApp(database);
    });
    after(async () => { await t.app.close(); await database.close(); });

    const signIn = (body: Record<string, string>) => post(t.app, '/auth/signin', body);
    const failures = async (userId: string) => (await t.core.credentials.get(userId))!.failures.count;

    it('sets up TOTP at an admin\'s first sign-in, then signs in with a Secure, HttpOnly, SameSite=Strict __Host- cookie', async () => {
      const admin = await aPerson(t.core, { admin: true });
      const first = await signIn({ userName: admin.userPrincipalName, password: PASSWORD });
      assert.equal(first.statusCode, 200, first.body);
      assert.equal(first.headers['set-cookie'], undefined);
      assert.equal(first.headers['cache-control'], 'no-store');
      const setup = first.json<SetupBody>();
      assert.equal(setup.status, 'totpSetupRequired');
      assert.match(setup.setupToken, /^stw_ts_[A-Za-z0-9_-]{43}$/);
      assert.match(setup.secret, /^[A-Z2-7]{32}$/);
      const uri = URI.parse(setup.otpauthUri);
      assert.equal(uri.issuer, 'Steward');
      assert.equal(uri.label, admin.userPrincipalName);
      assert.equal(uri.secret.base32, setup.secret);
      assert.equal(setup.expiresDateTime, new Date(t.clock.now().getTime() + TOTP_SETUP_LIFETIME_MS).toISOString());
      // The secret is pending, not yet the admin's second factor.
      assert.equal((await t.core.credentials.get(admin.id))!.totpSecret, null);

      const badCode = await post(t.app, '/auth/totp/setup', { setupToken: setup.setupToken, totpCode: '000000' === totpCode(setup.secret, t.clock.now()) ? '111111' : '000000' });
      assert.equal(badCode.statusCode, 400);
      assert.equal(badCode.json<ErrorBody>().error.code, 'InvalidTotpCode');

      const done = await post(t.app, '/auth/totp/setup', { setupToken: setup.setupToken, totpCode: totpCode(setup.secret, t.clock.now()) });
      assert.equal(done.statusCode, 200, done.body);
      const setCookie = done.headers['set-cookie'];
      assert.equal(typeof setCookie, 'string');
      assert.match(setCookie as string, /^__Host-steward_session=stw_st_[A-Za-z0-9_-]{43}; Path=\/; Secure; HttpOnly; SameSite=Strict$/);
      const body = done.json<SignedInBody>();
      assert.equal(body.status, 'signedIn');
      assert.match(body.csrfToken, /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
      assert.deepEqual(body.user, { id: admin.id, userPrincipalName: admin.userPrincipalName, displayName: admin.displayName });
      assert.equal((await t.core.credentials.get(admin.id))!.totpSecret, setup.secret);

      // The set-up token was single-use.
      const again = await post(t.app, '/auth/totp/setup', { setupToken: setup.setupToken, totpCode: totpCode(setup.secret, t.clock.now()) });
      assert.equal(again.statusCode, 400);
      assert.equal(again.json<ErrorBody>().error.code, 'InvalidSetupToken');

      // From now on the code is required, and each code works once.
      const noCode = await signIn({ userName: admin.userPrincipalName, password: PASSWORD });
      assert.equal(noCode.statusCode, 401);
      assert.equal(noCode.json<ErrorBody>().error.code, 'TotpRequired');
      const replayed = await signIn({ userName: admin.userPrincipalName, password: PASSWORD, totpCode: totpCode(setup.secret, t.clock.now()) });
      assert.equal(replayed.statusCode, 401, 'the code used at set-up');
      assert.equal(replayed.json<ErrorBody>().error.code, 'InvalidTotpCode');
      t.clock.advance(30_000);
      const code = totpCode(setup.secret, t.clock.now());
      const ok = await signIn({ userName: admin.userPrincipalName, password: PASSWORD, totpCode: code });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.notEqual(sessionCookieOf(ok), sessionCookieOf(done));
      assert.equal(await failures(admin.id), 0, 'success resets the count');
      const replay = await signIn({ userName: admin.userPrincipalName, password: PASSWORD, totpCode: code });
      assert.equal(replay.statusCode, 401);
      assert.equal(replay.json<ErrorBody>().error.code, 'InvalidTotpCode');
      assert.equal(await failures(admin.id), 1, 'a refused code counts as a failure');
      // A wrong code with the wrong password is just a wrong password.
      const both = await signIn({ userName: admin.userPrincipalName, password: wrong, totpCode: code });
      assert.equal(both.json<ErrorBody>().error.code, 'InvalidCredentials');
    });

    it('lets only one of two requests with the same code through', async () => {
      const admin = await aPerson(t.core, { admin: true });
      const setup = (await signIn({ userName: admin.userPrincipalName, password: PASSWORD })).json<SetupBody>();
      assert.equal((await post(t.app, '/auth/totp/setup', { setupToken: setup.setupToken, totpCode: totpCode(setup.secret, t.clock.now()) })).statusCode, 200);
      t.clock.advance(30_000);
      const body = { userName: admin.userPrincipalName, password: PASSWORD, totpCode: totpCode(setup.secret, t.clock.now()) };
      const results = await Promise.all([signIn(body), signIn(body)]);
      assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 401]);
    });

    it('refuses an expired set-up token', async () => {
      const admin = await aPerson(t.core, { admin: true });
      const setup = (await signIn({ userName: admin.userPrincipalName, password: PASSWORD })).json<SetupBody>();
      t.clock.advance(TOTP_SETUP_LIFETIME_MS);
      const res = await post(t.app, '/auth/totp/setup', { setupToken: setup.setupToken, totpCode: totpCode(setup.secret, t.clock.now()) });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json<ErrorBody>().error.code, 'InvalidSetupToken');
      // Signing in again offers a new secret and token; the old ones are gone.
      const next = (await signIn({ userName: admin.userPrincipalName, password: PASSWORD })).json<SetupBody>();
      assert.notEqual(next.secret, setup.secret);
    });

    it('gives an unknown user name, a disabled account and a wrong password the same answer', async () => {
      const person = await aPerson(t.core);
      const disabled = await aPerson(t.core, { enabled: false });
      const answers = await Promise.all([
        signIn({ userName: 'nobody@contoso.example', password: PASSWORD }),
        signIn({ userName: disabled.userPrincipalName, password: PASSWORD }),
        signIn({ userName: person.userPrincipalName, password: wrong }),
        signIn({ userName: person.id, password: PASSWORD }), // an id is not a user name
      ]);
      for (const res of answers) {
        assert.equal(res.statusCode, 401, res.body);
        const { code, message } = res.json<ErrorBody>().error;
        assert.deepEqual({ code, message }, { code: 'InvalidCredentials', message: 'The user name or password is incorrect.' });
      }
    });

    it('backs off after 3 failures, locks after 10, and does not count refused attempts', async () => {
      const person = await aPerson(t.core);
      const attempt = (password = wrong) => signIn({ userName: person.userPrincipalName, password });
      for (let i = 1; i <= 3; i++) assert.equal((await attempt()).statusCode, 401, `free failure ${i}`);
      // 4th attempt at once: wait 1 s.
      let res = await attempt(PASSWORD);
      assert.equal(res.statusCode, 429);
      assert.equal(res.headers['retry-after'], '1');
      assert.equal(res.json<ErrorBody>().error.code, 'TooManyRequests');
      assert.equal(await failures(person.id), 3, 'a refused attempt does not count');
      t.clock.advance(1000);
      assert.equal((await attempt()).statusCode, 401);
      res = await attempt();
      assert.equal(res.statusCode, 429);
      assert.equal(res.headers['retry-after'], '2');
      // Failures 5 to 10, each after its wait (at most 64 s).
      for (let i = 5; i <= 10; i++) {
        t.clock.advance(65_000);
        assert.equal((await attempt()).statusCode, 401, `failure ${i}`);
      }
      assert.equal(await failures(person.id), 10);
      const lockedAt = t.clock.now();
      t.clock.advance(65_000);
      res = await attempt(PASSWORD);
      assert.equal(res.statusCode, 429, 'locked: even the right password is refused');
      const error = res.json<ErrorBody>().error;
      assert.equal(error.code, 'AccountLocked');
      const until = new Date(lockedAt.getTime() + LOCK_DURATION_MS).toISOString();
      assert.ok(error.message.includes('locked') && error.message.includes(until), error.message);
      assert.equal(res.headers['retry-after'], String((LOCK_DURATION_MS - 65_000) / 1000));
      assert.equal(await failures(person.id), 10);
      t.clock.set(until);
      res = await attempt(PASSWORD);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(await failures(person.id), 0);
    });

    it('does not let parallel guesses slip past the backoff', async () => {
      const person = await aPerson(t.core);
      for (let i = 0; i < 3; i++) await signIn({ userName: person.userPrincipalName, password: wrong });
      t.clock.advance(1000);
      const results = await Promise.all(Array.from({ length: 8 }, () => signIn({ userName: person.userPrincipalName, password: wrong })));
      assert.equal(results.filter((r) => r.statusCode === 401).length, 1, results.map((r) => r.statusCode).join());
      assert.equal(await failures(person.id), 4);
    });

    it('makes a person change a password marked for change before signing in', async () => {
      const person = await aPerson(t.core, { forceChange: true });
      const userName = person.userPrincipalName;
      let res = await signIn({ userName, password: PASSWORD });
      assert.equal(res.statusCode, 403);
      assert.equal(res.json<ErrorBody>().error.code, 'PasswordChangeRequired');
      res = await signIn({ userName, password: PASSWORD, newPassword: 'password1234' });
      assert.equal(res.statusCode, 400);
      assert.deepEqual([res.json<ErrorBody>().error.code, res.json<ErrorBody>().error.target], ['PasswordNotAccepted', 'newPassword']);
      res = await signIn({ userName, password: PASSWORD, newPassword: PASSWORD });
      assert.equal(res.statusCode, 400);
      assert.match(res.json<ErrorBody>().error.message, /differ/);
      res = await signIn({ userName, password: wrong, newPassword: 'Tidy-Lantern-Orbit-77' });
      assert.equal(res.json<ErrorBody>().error.code, 'InvalidCredentials', 'the old password is checked first');
      assert.equal(await failures(person.id), 1, 'only the wrong password counted');
      res = await signIn({ userName, password: PASSWORD, newPassword: 'Tidy-Lantern-Orbit-77' });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<SignedInBody>().status, 'signedIn');
      assert.equal((await signIn({ userName, password: PASSWORD })).statusCode, 401);
      assert.equal((await signIn({ userName, password: 'Tidy-Lantern-Orbit-77' })).statusCode, 200);
      res = await signIn({ userName, password: 'Tidy-Lantern-Orbit-77', newPassword: 'Another-Fine-Pass-8' });
      assert.equal(res.statusCode, 400, 'no change is due');
    });

    it('changes an admin\'s password first, then sets up TOTP', async () => {
      const admin = await aPerson(t.core, { admin: true, forceChange: true });
      const res = await signIn({ userName: admin.userPrincipalName, password: PASSWORD, newPassword: 'Tidy-Lantern-Orbit-77' });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<SetupBody>().status, 'totpSetupRequired');
      const next = await signIn({ userName: admin.userPrincipalName, password: 'Tidy-Lantern-Orbit-77' });
      assert.equal(next.json<SetupBody>().status, 'totpSetupRequired');
    });

    it('signs a non-admin in without TOTP unless the tenant setting requires it', async () => {
      const person = await aPerson(t.core);
      let res = await signIn({ userName: person.userPrincipalName, password: PASSWORD });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<SignedInBody>().status, 'signedIn');
      const patch = await t.app.inject({ method: 'PATCH', url: '/v1.0/deviceManagement', headers: bearer('Microsoft.Intune_Organization_Update'), payload: { settings: { stewardRequireAuthenticatorForUsers: true } } });
      assert.equal(patch.statusCode, 200, patch.body);
      try {
        res = await signIn({ userName: person.userPrincipalName, password: PASSWORD });
        assert.equal(res.json<SetupBody>().status, 'totpSetupRequired');
      } finally {
        await t.app.inject({ method: 'PATCH', url: '/v1.0/deviceManagement', headers: bearer('Microsoft.Intune_Organization_Update'), payload: { settings: { stewardRequireAuthenticatorForUsers: false } } });
      }
    });

    it('refuses malformed bodies with a Graph error', async () => {
      for (const payload of [{}, { userName: 'a@b.c' }, { userName: 'a@b.c', password: 'x', extra: 1 }, { userName: 1, password: 'x' }]) {
        const res = await post(t.app, '/auth/signin', payload);
        assert.equal(res.statusCode, 400, JSON.stringify(payload));
        assert.equal(res.json<ErrorBody>().error.code, 'BadRequest');
      }
    });
  });
}
