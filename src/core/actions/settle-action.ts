// Brings an action up to date with its commands (after a device answers one, after commands
// expire, and right after it is created, in case the device answered first), and the device's
// managementState with a wipe's or retire's outcome. Idempotent.
import type { Clock } from '../clock.js';
import type { CommandQueue, QueuedCommand } from '../commands/ports.js';
import type { ManagedDeviceStore } from '../devices/ports.js';
import { allScope } from '../rbac/scope.js';
import type { DeviceAction, DeviceActionDetails, DeviceActionStore } from './ports.js';
import { actionOutcome } from './action-outcome.js';

export interface SettleDeps {
  commands: CommandQueue;
  deviceActions: DeviceActionStore;
  devices: ManagedDeviceStore;
  clock: Clock;
}

/** managementState after a wipe or retire ends, as Intune shows it. */
const MANAGEMENT_STATE: Readonly<Record<string, { done: string; failed: string }>> = {
  wipe: { done: 'wipeIssued', failed: 'wipeFailed' },
  retire: { done: 'retireIssued', failed: 'retireFailed' },
};

const isOpen = (a: DeviceAction) => a.actionState === 'pending' || a.actionState === 'active';

export interface SettleExtra {
  details?: DeviceActionDetails;
  /** Commands the caller holds as just stored (the one a device answered): not read again. */
  known?: readonly QueuedCommand[];
}

export async function settleAction(deps: SettleDeps, action: DeviceAction, extra: SettleExtra = {}): Promise<DeviceAction> {
  if (!isOpen(action) && extra.details === undefined) return action;
  const known = new Map((extra.known ?? []).map((c) => [c.uuid, c]));
  const commands = await Promise.all(action.commandUuids.map(async (u) => known.get(u) ?? deps.commands.results(u)));
  const outcome = isOpen(action) ? actionOutcome(commands, action.commandUuids) : { actionState: action.actionState, failureReason: action.failureReason };
  const details = extra.details === undefined ? action.details : { ...action.details, ...extra.details };
  if (outcome.actionState === action.actionState && extra.details === undefined) return action;
  const now = deps.clock.now().toISOString();
  const after: DeviceAction = { ...action, ...outcome, lastUpdatedDateTime: now, ...(details ? { details } : {}) };
  await deps.deviceActions.update(action.id, {
    actionState: after.actionState, lastUpdatedDateTime: now, failureReason: after.failureReason, ...(details ? { details } : {}),
  });
  const states = MANAGEMENT_STATE[action.actionName];
  if (states && isOpen(action) && (after.actionState === 'done' || after.actionState === 'failed')) {
    const device = await deps.devices.get(action.deviceId, allScope);
    if (device) {
      const { roleScopeTagIds: _tags, ...record } = device;
      await deps.devices.put({ ...record, managementState: after.actionState === 'done' ? states.done : states.failed });
    }
  }
  return after;
}

/** Settles pending actions whose commands expired unanswered, a batch at a time; returns how many changed. */
export async function settleExpiredActions(deps: SettleDeps, batch = 200): Promise<number> {
  let changed = 0;
  for (;;) {
    const actions = await deps.deviceActions.pendingWithExpiredCommands(batch);
    let progressed = 0;
    for (const a of actions) {
      const after = await settleAction(deps, a);
      if (after.actionState !== a.actionState) progressed++;
    }
    changed += progressed;
    // Stop when the batch was the last, or nothing in it could change (guards against a loop).
    if (actions.length < batch || progressed === 0) return changed;
  }
}
