import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AppleEnrollment, EnrollmentProfile } from '../core/enrollment/ports.js';
import { enrollmentProfileStore } from './enrollment-profiles.js';
import { appleEnrollmentStore } from './apple-enrollments.js';
import { testDialects, withTestDatabase } from './testing.js';

const T0 = new Date('2026-05-01T08:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

function profile(id: string, over: Partial<EnrollmentProfile> = {}): EnrollmentProfile {
  return {
    id, displayName: `Profile ${id}`, description: null, platform: 'iOS', ownership: 'company',
    tokenExpirationDateTime: null, maximumUses: null, usageCount: 0, isRevoked: false, revokedDateTime: null,
    createdDateTime: T0.toISOString(), lastModifiedDateTime: T0.toISOString(), roleScopeTagIds: ['0'], ...over,
  };
}

function enrollment(id: string, over: Partial<AppleEnrollment> = {}): AppleEnrollment {
  return {
    id, profileId: 'p1', userId: null, ownership: 'company', platform: 'iOS', state: 'pending', udid: null, serialNumber: null,
    enrollmentType: null, identitySerial: null, topic: null, pushToken: null, pushMagic: null, unlockToken: null, bootstrapToken: null,
    awaitingConfiguration: false, createdAt: T0.toISOString(), authenticatedAt: null, enrolledAt: null, lastSeenAt: null, unenrolledAt: null, ...over,
  };
}

for (const dialect of testDialects()) {
  describe(`EnrollmentProfileStore on ${dialect.name}`, () => {
    it('stores a profile with scope tags and reads it back by id and by token hash', async () => {
      await withTestDatabase(dialect, async ({ db }) => {
        const store = enrollmentProfileStore(db);
        await store.create(profile('p1', { roleScopeTagIds: ['7'], maximumUses: 3 }), 'hash-1');
        assert.deepEqual(await store.get('p1'), profile('p1', { roleScopeTagIds: ['7'], maximumUses: 3 }));
        assert.equal((await store.byTokenHash('hash-1'))?.id, 'p1');
        assert.equal(await store.byTokenHash('hash-2'), undefined);
        assert.deepEqual((await store.list()).map((p) => p.id), ['p1']);
      });
    });

    it('redeems a token until its uses are spent, and never past expiry or revocation', async () => {
      await withTestDatabase(dialect, async ({ db }) => {
        const store = enrollmentProfileStore(db);
        await store.create(profile('p1', { maximumUses: 2 }), 'h1');
        await store.create(profile('p2', { tokenExpirationDateTime: at(1000).toISOString() }), 'h2');
        await store.create(profile('p3', { isRevoked: true, revokedDateTime: T0.toISOString() }), 'h3');
        assert.equal((await store.redeem('h1', T0)).outcome, 'redeemed');
        const second = await store.redeem('h1', T0);
        assert.equal(second.outcome, 'redeemed');
        assert.equal(second.outcome === 'redeemed' && second.profile.usageCount, 2);
        assert.equal((await store.redeem('h1', T0)).outcome, 'exhausted');
        assert.equal((await store.redeem('h2', at(999))).outcome, 'redeemed');
        assert.equal((await store.redeem('h2', at(1000))).outcome, 'expired');
        assert.equal((await store.redeem('h3', T0)).outcome, 'revoked');
        assert.equal((await store.redeem('nope', T0)).outcome, 'unknown');
      });
    });

    it('gives the last use to exactly one of many concurrent redeemers', async () => {
      await withTestDatabase(dialect, async ({ db }) => {
        const store = enrollmentProfileStore(db);
        await store.create(profile('p1', { maximumUses: 1 }), 'h1');
        const outcomes = await Promise.all(Array.from({ length: 10 }, () => store.redeem('h1', T0)));
        assert.equal(outcomes.filter((o) => o.outcome === 'redeemed').length, 1);
        assert.equal((await store.get('p1'))?.usageCount, 1);
      });
    });

    it('updates, regenerates the token (resetting its uses) and deletes', async () => {
      await withTestDatabase(dialect, async ({ db }) => {
        const store = enrollmentProfileStore(db);
        await store.create(profile('p1', { maximumUses: 1 }), 'h1');
        await store.redeem('h1', T0);
        const updated = await store.update({ ...profile('p1'), displayName: 'Renamed', maximumUses: 5, lastModifiedDateTime: at(5).toISOString(), roleScopeTagIds: ['3', '4'] });
        assert.equal(updated?.displayName, 'Renamed');
        assert.equal(updated?.usageCount, 1, 'update leaves the usage count alone');
        assert.deepEqual(updated?.roleScopeTagIds, ['3', '4']);
        assert.equal(await store.update(profile('missing')), undefined);
        assert.equal(await store.setTokenHash('p1', 'h1b', at(6)), true);
        assert.equal((await store.redeem('h1', T0)).outcome, 'unknown', 'the old token is gone');
        assert.equal((await store.get('p1'))?.usageCount, 0);
        assert.equal(await store.delete('p1'), true);
        assert.equal(await store.get('p1'), undefined);
        assert.equal(await store.delete('p1'), false);
      });
    });
  });

  describe(`AppleEnrollmentStore on ${dialect.name}`, () => {
    it('creates, updates field by field and finds the active enrollment of a UDID', async () => {
      await withTestDatabase(dialect, async ({ db }) => {
        const store = appleEnrollmentStore(db);
        await store.create(enrollment('e1'));
        assert.deepEqual(await store.get('e1'), enrollment('e1'));
        assert.equal(await store.activeByUdid('U1'), undefined, 'pending enrollments are not active');
        const after = await store.update('e1', { state: 'authenticated', udid: 'U1', awaitingConfiguration: true, authenticatedAt: at(1).toISOString() });
        assert.deepEqual(after, enrollment('e1', { state: 'authenticated', udid: 'U1', awaitingConfiguration: true, authenticatedAt: at(1).toISOString() }));
        assert.equal((await store.activeByUdid('U1'))?.id, 'e1');
        await store.update('e1', { state: 'unenrolled' });
        assert.equal(await store.activeByUdid('U1'), undefined);
        assert.equal(await store.update('missing', { state: 'enrolled' }), undefined);
      });
    });

    it('gives push targets only for enrolled devices with a token, and stale ones for the sweep', async () => {
      await withTestDatabase(dialect, async ({ db }) => {
        const store = appleEnrollmentStore(db);
        const pushable = { state: 'enrolled' as const, pushToken: 'aa', pushMagic: 'M', topic: 'com.apple.mgmt.X' };
        await store.create(enrollment('e1', { ...pushable, lastSeenAt: T0.toISOString() }));
        await store.create(enrollment('e2', { ...pushable, state: 'unenrolled' }));
        await store.create(enrollment('e3', { state: 'enrolled' }));
        await store.create(enrollment('e4', { ...pushable, lastSeenAt: at(10_000).toISOString() }));
        assert.deepEqual((await store.pushTargets(['e1', 'e2', 'e3', 'e4', 'nope'])).map((t) => t.id).sort(), ['e1', 'e4']);
        assert.deepEqual(await store.pushTargets([]), []);
        assert.deepEqual((await store.staleEnrolled(at(5000), 10)).map((e) => e.id).sort(), ['e1', 'e3']);
        await store.touch('e1', at(20_000));
        assert.deepEqual((await store.staleEnrolled(at(5000), 10)).map((e) => e.id), ['e3']);
      });
    });
  });
}
