import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../store/testing.js';
import { storePorts } from '../../store/ports.js';
import { aManagedDevice } from '../../../test/support/devices.js';
import type { QueuedCommand } from '../commands/ports.js';
import { makeCore } from '../deps.js';
import { allScope } from '../rbac/scope.js';
import { ACTION_RETENTION_MS, runMaintenance } from '../maintenance.js';
import { actionOutcome } from './action-outcome.js';
import { settleAction } from './settle-action.js';

const command = (over: Partial<QueuedCommand>): QueuedCommand => ({
  uuid: 'u', enrollmentId: 'e', platform: 'apple', requestType: 'DeviceLock', payload: {}, priority: 0, state: 'pending',
  createdAt: new Date(0), notBefore: new Date(0), sentAt: undefined, expiresAt: undefined, finishedAt: undefined, deliveries: 0, notNowCount: 0,
  result: undefined, ...over,
});

describe('actionOutcome', () => {
  it('is done when every command is acknowledged, pending while any is open, failed at the first failure', () => {
    const ok = command({ state: 'acknowledged', result: { status: 'acknowledged' } });
    assert.deepEqual(actionOutcome([ok, ok], ['a', 'b']), { actionState: 'done', failureReason: null });
    assert.deepEqual(actionOutcome([ok, command({ state: 'sent' })], ['a', 'b']), { actionState: 'pending', failureReason: null });
    const error = command({ requestType: 'RemoveProfile', state: 'error', result: { status: 'error', errorChain: [{ domain: 'MCProfileErrorDomain', code: 1003, description: 'The profile is not installed.' }, { description: '' }] } });
    assert.deepEqual(actionOutcome([ok, error, command({})], ['a', 'b', 'c']), {
      actionState: 'failed', failureReason: 'RemoveProfile failed on the device: The profile is not installed. (MCProfileErrorDomain 1003); no description.',
    });
    assert.match(actionOutcome([command({ state: 'format-error', result: { status: 'format-error' } })], ['a']).failureReason ?? '', /could not read the DeviceLock command/);
    assert.match(actionOutcome([command({ state: 'error', result: { status: 'error', errorChain: [] } })], ['a']).failureReason ?? '', /gave no reason/);
    assert.match(actionOutcome([command({ state: 'expired', expiresAt: new Date('2026-01-01T00:00:00Z') })], ['a']).failureReason ?? '', /expired at 2026-01-01T00:00:00.000Z/);
    assert.match(actionOutcome([undefined], ['gone']).failureReason ?? '', /gone is no longer in the queue/);
  });
});

for (const dialect of testDialects()) {
  describe(`settling actions on ${dialect.name}`, () => {
    it('settles from the commands the caller holds, reading only the others from the queue', async () => {
      const database = await dialect.open();
      try {
        const now = new Date('2026-05-02T08:00:00.000Z');
        const core = makeCore(storePorts(database), { now: () => now });
        const device = aManagedDevice();
        await core.devices.put(device);
        const [a] = await core.commands.enqueue([device.id], { requestType: 'DeviceLock', payload: {}, platform: 'apple' });
        const [b] = await core.commands.enqueue([device.id], { requestType: 'ClearPasscode', payload: {}, platform: 'apple' });
        const action = {
          id: 'two', deviceId: device.id, actionName: 'remoteLock', actionState: 'pending' as const, startDateTime: now.toISOString(), lastUpdatedDateTime: now.toISOString(),
          failureReason: null, commandUuids: [a!.uuid, b!.uuid], initiatedBy: null,
        };
        await core.deviceActions.create(action);
        const acknowledged = (c: QueuedCommand): QueuedCommand => ({ ...c, state: 'acknowledged', result: { status: 'acknowledged' } });
        // a known as answered, b still pending in the queue: pending.
        assert.equal((await settleAction(core, action, { known: [acknowledged(a!)] })).actionState, 'pending');
        // Both known as answered: done, and stored so.
        assert.equal((await settleAction(core, action, { known: [acknowledged(a!), acknowledged(b!)] })).actionState, 'done');
        assert.equal((await core.deviceActions.get('two'))?.actionState, 'done');
      } finally {
        await database.close();
      }
    });

    it('maintenance fails actions whose commands expired unanswered, marks a wipe failed, and prunes old finished actions', async () => {
      const database = await dialect.open();
      try {
        let now = new Date('2026-05-02T08:00:00.000Z');
        const core = makeCore(storePorts(database), { now: () => now });
        const device = aManagedDevice({ managementState: 'wipePending' });
        await core.devices.put(device);
        const [erase] = await core.commands.enqueue([device.id], { requestType: 'EraseDevice', payload: {}, platform: 'apple', expiresAt: new Date(now.getTime() + 60_000) });
        const action = {
          id: 'wipe-1', deviceId: device.id, actionName: 'wipe', actionState: 'pending' as const, startDateTime: now.toISOString(), lastUpdatedDateTime: now.toISOString(),
          failureReason: null, commandUuids: [erase!.uuid], initiatedBy: null,
        };
        await core.deviceActions.create(action);
        assert.deepEqual(await settleAction(core, action), action, 'nothing answered: unchanged');

        now = new Date(now.getTime() + 120_000);
        const report = await runMaintenance(core);
        assert.equal(report.failedActions, 1);
        const failed = await core.deviceActions.get('wipe-1');
        assert.equal(failed?.actionState, 'failed');
        assert.match(failed?.failureReason ?? '', /EraseDevice expired at .*did not fetch it in time/);
        assert.equal((await core.devices.get(device.id, allScope))?.managementState, 'wipeFailed');
        assert.equal((await runMaintenance(core)).failedActions, 0, 'settled once');

        now = new Date(now.getTime() + ACTION_RETENTION_MS + 60_000);
        assert.equal((await runMaintenance(core)).prunedActions, 1);
        assert.equal(await core.deviceActions.get('wipe-1'), undefined);
      } finally {
        await database.close();
      }
    });
  });
}
