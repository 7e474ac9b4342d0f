import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { WindowsEnrollment } from '../core/enrollment/ports.js';
import type { WindowsSignInToken } from '../core/enrollment/windows-ports.js';
import { windowsEnrollmentStore, windowsSignInTokenStore } from './windows-enrollments.js';
import { testDialects, withTestDatabase } from './testing.js';

const T0 = new Date('2026-05-01T08:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

function enrollment(id: string, over: Partial<WindowsEnrollment> = {}): WindowsEnrollment {
  return {
    id, profileId: null, userId: 'u1', ownership: 'personal', state: 'enrolled', deviceId: `dev-${id}`, hwDevId: null,
    deviceName: 'DESKTOP-1', osVersion: '10.0.22631.1', osEdition: '48', enrollmentType: 'Full',
    identitySerial: `5e${id}`, identityNotAfter: at(365 * 86400_000).toISOString(), createdAt: T0.toISOString(),
    lastSeenAt: null, unenrolledAt: null, ...over,
  };
}

function token(hash: string, over: Partial<WindowsSignInToken> = {}): WindowsSignInToken {
  return { tokenHash: hash, userId: 'u1', createdAt: T0.toISOString(), expiresAt: at(15 * 60_000).toISOString(), usedAt: null, ...over };
}

for (const dialect of testDialects()) {
  describe(`WindowsEnrollmentStore on ${dialect.name}`, () => {
    it('stores an enrollment and finds it by id, by certificate serial and by DeviceID', async () => {
      await withTestDatabase(dialect, async ({ db }) => {
        const store = windowsEnrollmentStore(db);
        const e = enrollment('a1', { profileId: 'p1', userId: null, ownership: 'company', enrollmentType: 'Device', hwDevId: 'HW-1' });
        await store.create(e);
        assert.deepEqual(await store.get('a1'), e);
        assert.deepEqual(await store.byIdentitySerial('5ea1'), e);
        assert.deepEqual(await store.byIdentitySerial('5EA1'), e, 'serials compare as lowercase hex');
        assert.deepEqual(await store.activeByDeviceId('dev-a1'), e);
        assert.equal(await store.get('nope'), undefined);
        assert.equal(await store.byIdentitySerial('ff'), undefined);
        assert.equal(await store.activeByDeviceId('dev-nope'), undefined);
      });
    });

    it('finds only the enrolled enrollment of a DeviceID, and refuses a second certificate serial', async () => {
      await withTestDatabase(dialect, async ({ db }) => {
        const store = windowsEnrollmentStore(db);
        await store.create(enrollment('old', { deviceId: 'PC-1', state: 'unenrolled', unenrolledAt: T0.toISOString() }));
        await store.create(enrollment('new', { deviceId: 'PC-1', createdAt: at(1000).toISOString() }));
        assert.equal((await store.activeByDeviceId('PC-1'))?.id, 'new');
        await store.update('new', { state: 'unenrolled', unenrolledAt: at(2000).toISOString() });
        assert.equal(await store.activeByDeviceId('PC-1'), undefined);
        // The unenrolled enrollment is still found by its certificate: the caller checks state.
        assert.equal((await store.byIdentitySerial('5enew'))?.state, 'unenrolled');
        await assert.rejects(store.create(enrollment('dup', { identitySerial: '5enew' })));
      });
    });

    it('updates the fields given, leaves the rest, and answers undefined for an unknown id', async () => {
      await withTestDatabase(dialect, async ({ db }) => {
        const store = windowsEnrollmentStore(db);
        await store.create(enrollment('a1'));
        const after = await store.update('a1', { deviceName: 'LAPTOP-9', osVersion: '10.0.26100.1' });
        assert.deepEqual(after, enrollment('a1', { deviceName: 'LAPTOP-9', osVersion: '10.0.26100.1' }));
        assert.equal(await store.update('nope', { deviceName: 'x' }), undefined);
        // Unknown keys (a caller passing a wider object) are ignored rather than written.
        await store.update('a1', { ...({ bogus: 1 } as object) });
        assert.equal((await store.get('a1'))?.deviceName, 'LAPTOP-9');
      });
    });

    it('touches last seen, and lists enrolled PCs not seen since a date, oldest first, a batch at a time', async () => {
      await withTestDatabase(dialect, async ({ db }) => {
        const store = windowsEnrollmentStore(db);
        await store.create(enrollment('never'));
        await store.create(enrollment('early'));
        await store.create(enrollment('late'));
        await store.create(enrollment('gone', { state: 'unenrolled' }));
        await store.touch('early', at(1000));
        await store.touch('late', at(9000));
        await store.touch('gone', at(500));
        assert.equal((await store.get('late'))?.lastSeenAt, at(9000).toISOString());
        const stale = await store.staleEnrolled(at(5000), 10);
        assert.deepEqual(stale.map((e) => e.id).sort(), ['early', 'never']);
        assert.equal((await store.staleEnrolled(at(5000), 1)).length, 1);
        assert.deepEqual((await store.staleEnrolled(at(10_000), 10)).map((e) => e.id).sort(), ['early', 'late', 'never']);
      });
    });
  });

  describe(`WindowsSignInTokenStore on ${dialect.name}`, () => {
    it('stores a token by its hash and spends it once', async () => {
      await withTestDatabase(dialect, async ({ db }) => {
        const store = windowsSignInTokenStore(db);
        await store.create(token('h1'));
        assert.deepEqual(await store.get('h1'), token('h1'));
        const spent = await store.consume('h1', at(1000));
        assert.equal(spent.outcome, 'consumed');
        assert.equal(spent.outcome === 'consumed' && spent.token.usedAt, at(1000).toISOString());
        assert.deepEqual(await store.consume('h1', at(2000)), { outcome: 'used' });
        assert.deepEqual(await store.consume('nope', at(2000)), { outcome: 'unknown' });
      });
    });

    it('refuses an expired token, and deletes expired tokens', async () => {
      await withTestDatabase(dialect, async ({ db }) => {
        const store = windowsSignInTokenStore(db);
        await store.create(token('h1'));
        await store.create(token('h2', { expiresAt: at(60 * 60_000).toISOString() }));
        assert.deepEqual(await store.consume('h1', at(15 * 60_000)), { outcome: 'expired' });
        assert.equal(await store.deleteExpired(at(16 * 60_000)), 1);
        assert.equal(await store.get('h1'), undefined);
        assert.ok(await store.get('h2'));
      });
    });

    it('gives a token to exactly one of many concurrent spenders', async () => {
      await withTestDatabase(dialect, async ({ db }) => {
        const store = windowsSignInTokenStore(db);
        await store.create(token('h1'));
        const outcomes = await Promise.all(Array.from({ length: 10 }, () => store.consume('h1', at(1000))));
        assert.equal(outcomes.filter((o) => o.outcome === 'consumed').length, 1);
        assert.equal(outcomes.filter((o) => o.outcome === 'used').length, 9);
      });
    });
  });
}
