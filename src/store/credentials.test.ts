import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { testDialects } from './testing.js';
import type { Database } from './database.js';
import { storePorts, type StorePorts } from './ports.js';

// The conditional writes the sign-in relies on, on both dialects: each lets exactly one of several
// concurrent callers win.
const at = (iso: string) => new Date(iso);

for (const dialect of testDialects()) {
  describe(`CredentialStore, SessionStore and SettingsStore on ${dialect.name}`, () => {
    let database: Database;
    let s: StorePorts;
    before(async () => {
      database = await dialect.open();
      s = storePorts(database);
    });
    after(async () => { await database.close(); });

    async function aUser(): Promise<string> {
      const id = randomUUID();
      await s.users.create({
        id, userPrincipalName: `${id}@contoso.example`, displayName: 'x', mailNickname: null, mail: null, givenName: null, surname: null,
        department: null, jobTitle: null, companyName: null, employeeId: null, officeLocation: null, mobilePhone: null, city: null,
        country: null, usageLocation: null, userType: 'Member', accountEnabled: true, createdDateTime: '2026-03-01T00:00:00.000Z',
      }, { passwordHash: '$argon2id$x', forceChangePasswordNextSignIn: true });
      return id;
    }

    it('claims an attempt once per count, and gives it back', async () => {
      const id = await aUser();
      const c = (await s.credentials.get(id))!;
      assert.deepEqual(c.failures, { count: 0, lastFailureAt: null });
      assert.equal(c.forceChangePassword, true);
      const claims = await Promise.all(Array.from({ length: 5 }, () => s.credentials.claimAttempt(id, c.failures, at('2026-03-01T10:00:00.000Z'))));
      assert.equal(claims.filter(Boolean).length, 1);
      assert.deepEqual((await s.credentials.get(id))!.failures, { count: 1, lastFailureAt: at('2026-03-01T10:00:00.000Z') });
      await s.credentials.releaseAttempt(id, c.failures);
      assert.deepEqual((await s.credentials.get(id))!.failures, { count: 0, lastFailureAt: null });
      await s.credentials.claimAttempt(id, { count: 0, lastFailureAt: null }, at('2026-03-01T10:00:01.000Z'));
      await s.credentials.resetFailures(id);
      assert.equal((await s.credentials.get(id))!.failures.count, 0);
    });

    it('uses each TOTP step once, and only later ones', async () => {
      const id = await aUser();
      assert.equal(await s.credentials.useTotpStep(id, 100), false, 'no secret yet');
      await s.credentials.setTotp(id, 'JBSWY3DPEHPK3PXP', 100, at('2026-03-01T10:00:00.000Z'));
      const c = (await s.credentials.get(id))!;
      assert.equal(c.totpSecret, 'JBSWY3DPEHPK3PXP');
      assert.equal(c.totpLastStep, 100);
      assert.equal(await s.credentials.useTotpStep(id, 100), false);
      const results = await Promise.all([s.credentials.useTotpStep(id, 57_000_000_001), s.credentials.useTotpStep(id, 57_000_000_001)]);
      assert.deepEqual(results.sort(), [false, true]);
      assert.equal((await s.credentials.get(id))!.totpLastStep, 57_000_000_001);
      assert.equal(await s.credentials.useTotpStep(id, 99), false);
    });

    it('changes a password and clears the change flag', async () => {
      const id = await aUser();
      await s.credentials.changePassword(id, '$argon2id$new', at('2026-03-01T10:00:00.000Z'));
      const c = (await s.credentials.get(id))!;
      assert.equal(c.passwordHash, '$argon2id$new');
      assert.equal(c.forceChangePassword, false);
    });

    it('keeps one pending TOTP set-up per user, finds it until it expires, and hands it out once', async () => {
      const id = await aUser();
      const now = at('2026-03-01T10:00:00.000Z');
      const later = at('2026-03-01T10:10:00.000Z');
      await s.credentials.putPendingTotp(id, 'a'.repeat(64), 'SECRETA', now, later);
      await s.credentials.putPendingTotp(id, 'b'.repeat(64), 'SECRETB', now, later);
      assert.equal(await s.credentials.findPendingTotp('a'.repeat(64), now), undefined, 'replaced');
      assert.deepEqual(await s.credentials.findPendingTotp('b'.repeat(64), now), { userId: id, secret: 'SECRETB', expiresAt: later });
      assert.equal(await s.credentials.findPendingTotp('b'.repeat(64), later), undefined, 'expired');
      const takes = await Promise.all([s.credentials.takePendingTotp('b'.repeat(64)), s.credentials.takePendingTotp('b'.repeat(64))]);
      assert.deepEqual(takes.sort(), [false, true]);
    });

    it('stores sessions, touches them forwards only, and deletes them by user and by expiry', async () => {
      const id = await aUser();
      const t0 = at('2026-03-01T10:00:00.000Z');
      const session = (hash: string, createdAt = t0) => ({ tokenHash: hash, userId: id, createdAt, lastSeenAt: createdAt, expiresAt: new Date(createdAt.getTime() + 12 * 3600_000), mfa: true });
      await s.sessions.create(session('1'.repeat(64)));
      await s.sessions.create(session('2'.repeat(64)));
      await s.sessions.create(session('3'.repeat(64), at('2026-03-01T20:00:00.000Z')));
      assert.deepEqual(await s.sessions.get('1'.repeat(64)), session('1'.repeat(64)));
      await s.sessions.touch('1'.repeat(64), at('2026-03-01T11:00:00.000Z'));
      await s.sessions.touch('1'.repeat(64), at('2026-03-01T10:30:00.000Z'));
      assert.deepEqual((await s.sessions.get('1'.repeat(64)))!.lastSeenAt, at('2026-03-01T11:00:00.000Z'));
      // At 12:30, session 2 (last seen 10:00) has been idle 2.5 h; session 1 (11:00) 1.5 h.
      assert.equal(await s.sessions.deleteExpired(at('2026-03-01T12:30:00.000Z'), at('2026-03-01T10:30:00.000Z')), 1);
      assert.equal(await s.sessions.get('2'.repeat(64)), undefined);
      assert.equal(await s.sessions.deleteForUser(id, '3'.repeat(64)), 1);
      assert.ok(await s.sessions.get('3'.repeat(64)));
      // Deleting the user deletes their sessions.
      await s.users.delete(id);
      assert.equal(await s.sessions.get('3'.repeat(64)), undefined);
    });

    it('keeps settings as JSON values', async () => {
      assert.deepEqual(await s.settings.get([]), new Map());
      await s.settings.put(new Map<string, unknown>([['a', 1], ['b', { x: [true] }]]), at('2026-03-01T10:00:00.000Z'));
      await s.settings.put(new Map<string, unknown>([['a', 2]]), at('2026-03-01T10:00:01.000Z'));
      assert.deepEqual(await s.settings.get(['a', 'b', 'c']), new Map<string, unknown>([['a', 2], ['b', { x: [true] }]]));
    });
  });
}
