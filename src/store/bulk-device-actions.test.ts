import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceAction } from '../core/actions/ports.js';
import type { Clock } from '../core/clock.js';
import type { NewCommand } from '../core/commands/ports.js';
import { deviceActionQueue } from './bulk-device-actions.js';
import { commandQueue } from './command-queue.js';
import { deviceActionStore } from './device-actions.js';
import { testDialects, withTestDatabase } from './testing.js';

const T0 = new Date('2026-05-01T08:00:00.000Z');
const clock: Clock = { now: () => T0 };
const cmd = (requestType: string, priority = 10): NewCommand => ({ requestType, payload: { RequestType: requestType }, platform: 'apple', priority });

function action(id: string, deviceId: string): Omit<DeviceAction, 'commandUuids'> {
  return { id, deviceId, actionName: 'syncDevice', actionState: 'pending', startDateTime: T0.toISOString(), lastUpdatedDateTime: T0.toISOString(), failureReason: null, initiatedBy: 'admin-1' };
}

for (const dialect of testDialects()) {
  describe(`DeviceActionQueue on ${dialect.name}`, () => {
    it('queues each device\'s commands in order and records each action with its commands', async () => {
      await withTestDatabase(dialect, async ({ db, dialect: d }) => {
        const bulk = deviceActionQueue(db, clock);
        const queue = commandQueue(db, d, { clock });
        const actions = deviceActionStore(db);
        const stored = await bulk.queueActions([
          { action: action('a1', 'dev-1'), commands: [cmd('DeviceInformation'), cmd('SecurityInfo'), cmd('ProfileList')] },
          { action: { ...action('a2', 'dev-2'), details: { unlockPin: '123456' } }, commands: [cmd('DeviceLock')] },
          { action: action('a3', 'dev-3'), commands: [cmd('DeviceInformation'), cmd('SecurityInfo')] },
        ]);
        assert.deepEqual(stored.map((s) => s.commands.map((c) => c.requestType)), [['DeviceInformation', 'SecurityInfo', 'ProfileList'], ['DeviceLock'], ['DeviceInformation', 'SecurityInfo']]);
        assert.deepEqual(stored.map((s) => s.action.commandUuids), stored.map((s) => s.commands.map((c) => c.uuid)));

        // Each device gets its own commands, in the order planned.
        for (const [device, expected] of [['dev-1', ['DeviceInformation', 'SecurityInfo', 'ProfileList']], ['dev-2', ['DeviceLock']], ['dev-3', ['DeviceInformation', 'SecurityInfo']]] as const) {
          const handed: string[] = [];
          for (let c = await queue.next(device, T0); c; c = await queue.next(device, T0)) {
            handed.push(c.requestType);
            assert.equal(c.priority, 10);
            assert.equal(await queue.record(device, c.uuid, { status: 'acknowledged' }, T0), 'recorded');
          }
          assert.deepEqual(handed, expected, device);
        }
        // The actions are stored and found by their commands, as the single-device path's are.
        const first = stored[0]!;
        assert.deepEqual(await actions.byCommand(first.commands[2]!.uuid), first.action);
        assert.deepEqual(await actions.get('a2'), stored[1]!.action);
        assert.equal((await actions.get('a2'))?.details?.unlockPin, '123456');
        assert.equal((await queue.results(first.commands[0]!.uuid))?.createdAt.toISOString(), T0.toISOString());
      });
    });

    it('writes nothing when one item is bad: all or nothing', async () => {
      await withTestDatabase(dialect, async ({ db, dialect: d }) => {
        const bulk = deviceActionQueue(db, clock);
        const queue = commandQueue(db, d, { clock });
        await assert.rejects(bulk.queueActions([
          { action: action('b1', 'dev-1'), commands: [cmd('DeviceLock')] },
          { action: action('b2', 'dev-2'), commands: [{ ...cmd('RestartDevice'), priority: 1.5 }] },
        ]), /priority/);
        await assert.rejects(bulk.queueActions([
          { action: action('c1', 'dev-1'), commands: [cmd('DeviceLock')] },
          { action: action('c1', 'dev-2'), commands: [cmd('DeviceLock')] }, // the same action id twice: the insert fails
        ]));
        assert.equal(await queue.next('dev-1', T0), undefined, 'no command was left behind');
        assert.equal(await deviceActionStore(db).get('c1'), undefined);
        assert.deepEqual(await bulk.queueActions([]), []);
      });
    });
  });
}
