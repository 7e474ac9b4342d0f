import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceAction } from '../core/actions/ports.js';
import { deviceActionStore, deviceRecordRemover } from './device-actions.js';
import { deviceInventoryStore } from './device-inventory.js';
import { commandQueue } from './command-queue.js';
import { managedDeviceStore } from './managed-devices.js';
import { groupStore } from './groups.js';
import { rbacStore } from './rbac.js';
import { testDialects, withTestDatabase } from './testing.js';
import { allScope } from '../core/rbac/scope.js';
import { aManagedDevice } from '../../test/support/devices.js';

const T0 = new Date('2026-04-01T09:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms).toISOString();

function action(id: string, deviceId: string, over: Partial<DeviceAction> = {}): DeviceAction {
  return {
    id, deviceId, actionName: 'remoteLock', actionState: 'pending', startDateTime: at(0), lastUpdatedDateTime: at(0),
    failureReason: null, commandUuids: [`${id}-c1`], initiatedBy: 'admin-1', ...over,
  };
}

for (const dialect of testDialects()) {
  describe(`DeviceActionStore on ${dialect.name}`, () => {
    it('creates an action and finds it by id, by command and by device, newest first', async () => {
      await withTestDatabase(dialect, async ({ db }) => {
        const store = deviceActionStore(db);
        const a1 = action('a1', 'd1', { commandUuids: ['u1', 'u2'], details: { unlockPin: '123456' } });
        const a2 = action('a2', 'd1', { actionName: 'wipe', startDateTime: at(1000), lastUpdatedDateTime: at(1000), commandUuids: ['u3'] });
        await store.create(a1);
        await store.create(a2);
        await store.create(action('a3', 'd2', { commandUuids: ['u4'] }));
        assert.deepEqual(await store.get('a1'), a1);
        assert.deepEqual(await store.byCommand('u2'), a1);
        assert.deepEqual(await store.byCommand('u3'), a2);
        assert.equal(await store.byCommand('nope'), undefined);
        assert.deepEqual((await store.forDevice('d1')).map((a) => a.id), ['a2', 'a1']);
        assert.deepEqual((await store.forDevice('d1', 1)).map((a) => a.id), ['a2']);
        assert.equal((await store.get('a2'))?.details, undefined, 'no details: none shown');
      });
    });

    it('loads many devices at once, at most perDevice each, newest first', async () => {
      await withTestDatabase(dialect, async ({ db }) => {
        const store = deviceActionStore(db);
        for (let i = 0; i < 5; i++) await store.create(action(`x${i}`, 'dx', { startDateTime: at(i * 1000), commandUuids: [`ux${i}`] }));
        await store.create(action('y0', 'dy', { commandUuids: ['uy0'] }));
        const many = await store.forDevices(['dx', 'dy', 'dz', 'dx'], 3);
        assert.deepEqual(many.get('dx')?.map((a) => a.id), ['x4', 'x3', 'x2']);
        assert.deepEqual(many.get('dy')?.map((a) => a.id), ['y0']);
        assert.equal(many.has('dz'), false);
        assert.equal((await store.forDevices([])).size, 0);
      });
    });

    it('updates state, reason, details and the command mapping', async () => {
      await withTestDatabase(dialect, async ({ db }) => {
        const store = deviceActionStore(db);
        await store.create(action('a1', 'd1', { commandUuids: ['u1'] }));
        await store.update('a1', { actionState: 'failed', lastUpdatedDateTime: at(5000), failureReason: 'DeviceLock failed', commandUuids: ['u5', 'u6'] });
        const after = await store.get('a1');
        assert.equal(after?.actionState, 'failed');
        assert.equal(after?.failureReason, 'DeviceLock failed');
        assert.equal(after?.lastUpdatedDateTime, at(5000));
        assert.deepEqual(after?.commandUuids, ['u5', 'u6']);
        assert.equal(await store.byCommand('u1'), undefined);
        assert.equal((await store.byCommand('u6'))?.id, 'a1');
        const location = { latitude: 1, longitude: 2, altitude: null, horizontalAccuracy: 5, verticalAccuracy: null, heading: null, speed: null, lastCollectedDateTime: at(6000) };
        await store.update('a1', { actionState: 'done', lastUpdatedDateTime: at(6000), details: { deviceLocation: location } });
        assert.deepEqual((await store.get('a1'))?.details, { deviceLocation: location });
        assert.equal((await store.get('a1'))?.failureReason, 'DeviceLock failed', 'failureReason left out: kept');
      });
    });

    it('finds pending actions whose commands expired, and prunes old finished ones', async () => {
      await withTestDatabase(dialect, async (database) => {
        const store = deviceActionStore(database.db);
        const queue = commandQueue(database.db, database.dialect, { clock: { now: () => T0 } });
        const [soon] = await queue.enqueue(['d1'], { requestType: 'RestartDevice', payload: {}, platform: 'apple', expiresAt: new Date(T0.getTime() + 1000) });
        const [later] = await queue.enqueue(['d1'], { requestType: 'DeviceLock', payload: {}, platform: 'apple' });
        await store.create(action('expiring', 'd1', { actionName: 'rebootNow', commandUuids: [soon!.uuid] }));
        await store.create(action('open', 'd1', { commandUuids: [later!.uuid] }));
        assert.deepEqual(await store.pendingWithExpiredCommands(10), []);
        await queue.expire(new Date(T0.getTime() + 2000));
        assert.deepEqual((await store.pendingWithExpiredCommands(10)).map((a) => a.id), ['expiring']);

        await store.create(action('old-done', 'd2', { actionState: 'done', lastUpdatedDateTime: at(0), commandUuids: ['p1'] }));
        await store.create(action('new-done', 'd2', { actionState: 'done', lastUpdatedDateTime: at(10 * 86_400_000), commandUuids: ['p2'] }));
        assert.equal(await store.prune(new Date(T0.getTime() + 86_400_000)), 1, 'only the old finished action');
        assert.equal(await store.get('old-done'), undefined);
        assert.equal(await store.byCommand('p1'), undefined);
        assert.ok(await store.get('new-done'));
        assert.ok(await store.get('open'), 'pending actions are never pruned');
      });
    });

    it('removes a device and everything Steward holds about it, and nothing of another device', async () => {
      await withTestDatabase(dialect, async (database) => {
        const { db } = database;
        const devices = managedDeviceStore(db, database.dialect);
        const groups = groupStore(db, database.dialect);
        const rbac = rbacStore(db);
        const actions = deviceActionStore(db);
        const inventory = deviceInventoryStore(db);
        const queue = commandQueue(db, database.dialect, { clock: { now: () => T0 } });
        const gone = aManagedDevice();
        const kept = aManagedDevice();
        for (const d of [gone, kept]) {
          await devices.put(d);
          await rbac.setObjectScopeTags('managedDevice', d.id, ['0']);
          await actions.create(action(`a-${d.id}`, d.id, { commandUuids: [`c-${d.id}`] }));
          await inventory.apply(d.id, 'apple', { kind: 'apps', apps: [{ identifier: 'com.example.app', displayName: 'App', version: '1.0', buildVersion: '1', sizeInBytes: 10 }] }, T0);
        }
        const group = { id: 'g-pilot', displayName: 'Pilot', mailNickname: 'pilot', description: null, mailEnabled: false, securityEnabled: true, groupTypes: [], membershipRule: null, membershipRuleProcessingState: null, createdDateTime: T0.toISOString() };
        await groups.create(group);
        await groups.addMembers(group.id, [{ id: gone.id, type: 'device' }, { id: kept.id, type: 'device' }], 'assigned', T0);
        const [pending] = await queue.enqueue([gone.id], { requestType: 'DeviceLock', payload: {}, platform: 'apple' });
        const [other] = await queue.enqueue([kept.id], { requestType: 'DeviceLock', payload: {}, platform: 'apple' });

        assert.equal(await deviceRecordRemover(db).removeDevice(gone.id, T0), true);
        assert.equal(await devices.get(gone.id, allScope), undefined);
        assert.deepEqual(await groups.memberIds(group.id), [kept.id]);
        assert.deepEqual(await actions.forDevice(gone.id), []);
        assert.equal(await actions.byCommand(`c-${gone.id}`), undefined);
        assert.equal(await inventory.get(gone.id), undefined);
        assert.deepEqual(await inventory.apps(gone.id, { limit: 10 }), []);
        assert.equal((await queue.results(pending!.uuid))?.state, 'expired', 'its open commands are dropped');
        assert.equal(await queue.next(gone.id, T0), undefined);

        assert.ok(await devices.get(kept.id, allScope));
        assert.equal((await actions.forDevice(kept.id)).length, 1);
        assert.equal((await queue.results(other!.uuid))?.state, 'pending');
        assert.equal((await inventory.apps(kept.id, { limit: 10 }))[0]?.deviceCount, 1, 'the deleted device no longer counts');
        assert.equal(await deviceRecordRemover(db).removeDevice(gone.id, T0), false, 'a second delete finds nothing');
      });
    });
  });
}
