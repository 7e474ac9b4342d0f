// runBulkDeviceAction over the real stores (SQLite and PostgreSQL), with a planner of the test's
// own (the platforms' planners are tested with their platforms) and a waker that records.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { storePorts } from '../../store/ports.js';
import { testDialects, withTestDatabase } from '../../store/testing.js';
import { aManagedDevice } from '../../../test/support/devices.js';
import { StewardError } from '../errors.js';
import { allScope, scopeOf } from '../rbac/scope.js';
import type { ActionPlanner } from './planner.js';
import { runBulkDeviceAction } from './run-bulk-device-action.js';

const T0 = new Date('2026-07-01T10:00:00.000Z');
/** The queue stamps commands with the real clock: ask for them later than that. */
const LATER = new Date(Date.now() + 3600_000);

/** Restarts devices named ok-*, refuses no-* (the device cannot), breaks on boom-*. */
const planner: ActionPlanner = {
  platform: 'apple',
  handles: (d) => d.operatingSystem === 'iOS',
  async plan(device) {
    if ((device.deviceName ?? '').startsWith('no-')) throw new StewardError('conflict', 'rebootNow: not supervised');
    if ((device.deviceName ?? '').startsWith('boom-')) throw new Error('the database went away');
    return { commands: [{ requestType: 'RestartDevice', payload: { RequestType: 'RestartDevice' }, platform: 'apple' }], managementState: 'rebootPending' };
  },
  release: async () => undefined,
};

for (const dialect of testDialects()) {
  describe(`runBulkDeviceAction on ${dialect.name}`, () => {
    it('queues for every device that can, sorts the rest as Graph does and wakes them all in one batch', async () => {
      await withTestDatabase(dialect, async (database) => {
        const ports = storePorts(database);
        const woken: string[][] = [];
        const deps = { ...ports, planners: [planner], clock: { now: () => T0 }, waker: { wake: async (ids: readonly string[]) => { woken.push([...ids]); } } };
        const ok = [aManagedDevice({ deviceName: 'ok-1' }), aManagedDevice({ deviceName: 'ok-2' })];
        const refused = aManagedDevice({ deviceName: 'no-1' });
        const broken = aManagedDevice({ deviceName: 'boom-1' });
        const windows = aManagedDevice({ deviceName: 'ok-pc', operatingSystem: 'Windows' });
        for (const d of [...ok, refused, broken, windows]) {
          const { roleScopeTagIds: _t, ...record } = d;
          await ports.devices.put(record);
        }
        const out = await runBulkDeviceAction(deps, {
          deviceIds: [ok[0]!.id, refused.id, 'missing', broken.id, windows.id, ok[1]!.id, ok[0]!.id],
          scope: allScope, request: { action: 'rebootNow' }, initiatedBy: 'admin-1',
        });
        assert.deepEqual(out.successfulDeviceIds, [ok[0]!.id, ok[1]!.id]);
        assert.deepEqual(out.notFoundDeviceIds, ['missing']);
        assert.deepEqual(out.notSupportedDeviceIds, [refused.id, windows.id]);
        assert.deepEqual(out.failedDeviceIds, [broken.id]);
        assert.match(out.reasons.get(refused.id) ?? '', /not supervised/);
        assert.match(out.reasons.get(windows.id) ?? '', /not available/);
        assert.deepEqual(woken, [[ok[0]!.id, ok[1]!.id]], 'one wake for all of them');

        for (const d of ok) {
          const [action] = await ports.deviceActions.forDevice(d.id);
          assert.equal(action?.actionName, 'rebootNow');
          assert.equal(action?.actionState, 'pending');
          assert.equal(action?.initiatedBy, 'admin-1');
          const command = await ports.commands.next(d.id, LATER);
          assert.equal(command?.requestType, 'RestartDevice');
          assert.equal(command?.priority, 10, 'ahead of routine commands, as single actions are');
          assert.deepEqual(action?.commandUuids, [command?.uuid]);
          assert.equal((await ports.devices.get(d.id, allScope))?.managementState, 'rebootPending');
        }
        for (const d of [refused, broken, windows]) {
          assert.deepEqual(await ports.deviceActions.forDevice(d.id), []);
          assert.equal(await ports.commands.next(d.id, LATER), undefined);
        }
      });
    });

    it('treats a device outside the caller\'s scope as not found, and refuses an empty or oversized list', async () => {
      await withTestDatabase(dialect, async (database) => {
        const ports = storePorts(database);
        const deps = { ...ports, planners: [planner], clock: { now: () => T0 }, waker: { wake: async () => undefined } };
        const tagged = aManagedDevice({ deviceName: 'ok-tagged' });
        const { roleScopeTagIds: _t, ...record } = tagged;
        await ports.devices.put(record);
        const out = await runBulkDeviceAction(deps, { deviceIds: [tagged.id], scope: scopeOf('all', ['42']), request: { action: 'rebootNow' }, initiatedBy: null });
        assert.deepEqual(out.notFoundDeviceIds, [tagged.id]);
        assert.deepEqual(out.successfulDeviceIds, []);
        await assert.rejects(runBulkDeviceAction(deps, { deviceIds: [], scope: allScope, request: { action: 'rebootNow' }, initiatedBy: null }), /at least one/);
        await assert.rejects(runBulkDeviceAction(deps, { deviceIds: Array.from({ length: 5001 }, (_, i) => `d${i}`), scope: allScope, request: { action: 'rebootNow' }, initiatedBy: null }), /at most 5000/);
      });
    });
  });
}
