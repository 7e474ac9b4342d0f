import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { InstalledApp, SecurityFacts } from '../core/apple/inventory-ports.js';
import type { AppleEnrollment } from '../core/enrollment/ports.js';
import { deviceInventoryStore } from './device-inventory.js';
import { appleEnrollmentStore } from './apple-enrollments.js';
import { testDialects, withTestDatabase } from './testing.js';

const T0 = new Date('2026-04-01T09:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const H = 3600_000;

const app = (identifier: string, version: string, over: Partial<InstalledApp> = {}): InstalledApp =>
  ({ identifier, displayName: identifier.split('.').pop() ?? identifier, version, buildVersion: null, sizeInBytes: 1000, ...over });

function enrollment(id: string, state: AppleEnrollment['state'] = 'enrolled'): AppleEnrollment {
  return {
    id, profileId: null, userId: null, ownership: 'company', platform: 'iOS', state, udid: `udid-${id}`, serialNumber: null,
    enrollmentType: 'Device', identitySerial: null, topic: 'com.apple.mgmt.External.x', pushToken: 'aa', pushMagic: 'm', unlockToken: null,
    bootstrapToken: null, awaitingConfiguration: false, createdAt: T0.toISOString(), authenticatedAt: null, enrolledAt: T0.toISOString(),
    lastSeenAt: null, unenrolledAt: null,
  };
}

for (const dialect of testDialects()) {
  describe(`DeviceInventoryStore on ${dialect.name}`, () => {
    it('stores each kind of answer, merging hardware facts and replacing the rest', async () => {
      await withTestDatabase(dialect, async ({ db }) => {
        const store = deviceInventoryStore(db);
        assert.equal(await store.get('d1'), undefined);
        await store.apply('d1', 'apple', { kind: 'hardware', facts: { productName: 'iPhone16,1', isMdmLostModeEnabled: false } }, at(0));
        await store.apply('d1', 'apple', { kind: 'hardware', facts: { isMdmLostModeEnabled: true } }, at(1000));
        const security = { passcodePresent: true, firewallEnabled: null } as unknown as SecurityFacts;
        await store.apply('d1', 'apple', { kind: 'security', facts: security }, at(2000));
        await store.apply('d1', 'apple', { kind: 'profiles', profiles: [{ identifier: 'p', uuid: 'u', displayName: null, organization: null, isManaged: true, isEncrypted: false, removalDisallowed: false, payloadTypes: ['com.apple.mdm'] }] }, at(3000));
        await store.apply('d1', 'apple', { kind: 'managedApps', apps: [{ identifier: 'com.example.a', status: 'Managed', managementFlags: 1 }] }, at(3000));
        await store.apply('d1', 'apple', { kind: 'certificates', certificates: [] }, at(4000));
        const inv = await store.get('d1');
        assert.deepEqual(inv?.hardware, { productName: 'iPhone16,1', isMdmLostModeEnabled: true });
        assert.deepEqual(inv?.security, security);
        assert.equal(inv?.profiles?.[0]?.identifier, 'p');
        assert.deepEqual(inv?.managedApps, [{ identifier: 'com.example.a', status: 'Managed', managementFlags: 1 }]);
        assert.deepEqual(inv?.certificates, []);
        assert.equal(inv?.hardwareAt, at(1000).toISOString());
        assert.equal(inv?.reportedAt, at(4000).toISOString());
        assert.equal(inv?.appsAt, null);
        assert.deepEqual([...(await store.getMany(['d1', 'd2'])).keys()], ['d1']);
      });
    });

    it('replaces a device\'s apps by difference and counts devices per app and version', async () => {
      await withTestDatabase(dialect, async ({ db }) => {
        const store = deviceInventoryStore(db);
        await store.apply('d1', 'apple', { kind: 'apps', apps: [app('com.a', '1.0'), app('com.b', '2.0'), app('com.b', '2.0')] }, at(0));
        await store.apply('d2', 'apple', { kind: 'apps', apps: [app('com.a', '1.0'), app('com.a', '1.1')] }, at(0));
        await store.apply('d1', 'apple', { kind: 'apps', apps: [app('com.a', '1.0', { sizeInBytes: 5 }), app('com.c', '')] }, at(1000));
        const apps = await store.apps('d1', { limit: 10 });
        assert.deepEqual(apps.map((a) => [a.identifier, a.version, a.sizeInBytes, a.deviceCount]), [['com.a', '1.0', 5, 2], ['com.c', '', 1000, 1]]);
        const page1 = await store.apps('d2', { limit: 1 });
        assert.deepEqual(page1.map((a) => a.version), ['1.0']);
        const page2 = await store.apps('d2', { limit: 1, after: { identifier: 'com.a', version: '1.0' } });
        assert.deepEqual(page2.map((a) => [a.version, a.deviceCount]), [['1.1', 1]]);
        assert.deepEqual(await store.apps('d2', { limit: 1, after: { identifier: 'com.a', version: '1.1' } }), []);
      });
    });

    it('keeps fleet-wide counts right when many devices report the same apps at once', async () => {
      await withTestDatabase(dialect, async ({ db }) => {
        const store = deviceInventoryStore(db);
        const catalog = Array.from({ length: 60 }, (_, i) => app(`com.example.app${String(i).padStart(2, '0')}`, '1.0'));
        // Each device lists the apps in its own order; the counts are updated under one lock order.
        const devices = Array.from({ length: 12 }, (_, d) => `dev-${d}`);
        await Promise.all(devices.map((d, n) => store.apply(d, 'apple', { kind: 'apps', apps: [...catalog.slice(n), ...catalog.slice(0, n)].reverse() }, at(0))));
        await Promise.all(devices.map((d, n) => store.apply(d, 'apple', { kind: 'apps', apps: n % 2 === 0 ? catalog.slice(0, 30) : catalog }, at(1000))));
        const counts = await store.apps('dev-1', { limit: 100 });
        assert.equal(counts.length, 60);
        assert.deepEqual(new Set(counts.slice(0, 30).map((a) => a.deviceCount)), new Set([12]));
        assert.deepEqual(new Set(counts.slice(30).map((a) => a.deviceCount)), new Set([6]));
      });
    });

    it('finds enrolled devices due for a refresh, a batch at a time, and claims each once', async () => {
      await withTestDatabase(dialect, async ({ db }) => {
        const store = deviceInventoryStore(db);
        const enrollments = appleEnrollmentStore(db);
        for (const id of ['e1', 'e2', 'e3', 'e4', 'e5']) await enrollments.create(enrollment(id));
        await enrollments.create(enrollment('gone', 'unenrolled'));
        const now = at(24 * H);
        const due = { requestedBefore: new Date(now.getTime() - 8 * H), unansweredBefore: new Date(now.getTime() - 72 * H) };
        // e2 asked an hour ago: not due. e3 asked 10 h ago and answered since: due. e4 asked 10 h
        // ago and never answered: its commands are still live, not due. e5 never asked: due.
        await store.markRequested(['e2'], 'apple', new Date(now.getTime() - H));
        await store.markRequested(['e3', 'e4'], 'apple', new Date(now.getTime() - 10 * H));
        await store.apply('e3', 'apple', { kind: 'certificates', certificates: [] }, new Date(now.getTime() - 9 * H));
        assert.deepEqual(await store.appleRefreshCandidates({ ...due, afterId: '', limit: 10 }), ['e1', 'e3', 'e5']);
        assert.deepEqual(await store.appleRefreshCandidates({ ...due, afterId: '', limit: 2 }), ['e1', 'e3']);
        assert.deepEqual(await store.appleRefreshCandidates({ ...due, afterId: 'e3', limit: 2 }), ['e5']);
        // An unanswered request older than the command lifetime is asked again.
        assert.deepEqual(await store.appleRefreshCandidates({ requestedBefore: due.requestedBefore, unansweredBefore: new Date(now.getTime() - 9 * H), afterId: '', limit: 10 }), ['e1', 'e3', 'e4', 'e5']);

        const claimed = await store.claimRefresh(['e1', 'e2', 'e3', 'e5'], 'apple', { ...due, now });
        assert.deepEqual(claimed.sort(), ['e1', 'e3', 'e5'], 'e2 is not due and is not claimed');
        assert.deepEqual(await store.claimRefresh(['e1', 'e3', 'e5'], 'apple', { ...due, now }), [], 'a second sweep (another replica) claims none');
        assert.equal((await store.get('e1'))?.requestedAt, now.toISOString());
        assert.equal((await store.get('e2'))?.requestedAt, new Date(now.getTime() - H).toISOString());
        assert.deepEqual(await store.appleRefreshCandidates({ ...due, afterId: '', limit: 10 }), []);
      });
    });
  });
}
