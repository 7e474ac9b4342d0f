// One remote action on many devices at once (Graph beta's managedDevices/executeAction): each
// device in the caller's scope is planned by its platform's planner as runDeviceAction does; the
// commands of every device that can do the action, and the actions that track them, are stored in
// one transaction; then every one of those devices is woken in one batch (one APNs run).
//
// What each device came to is sorted as Graph's bulkManagedDeviceActionResult sorts it:
//   successful    queued (the action is pending until the device answers)
//   notFound      no such device, or out of the caller's scope (as reads answer 404)
//   notSupported  the device cannot do the action (its platform, OS, supervision, enrollment…): the
//                 planner's reason, in `reasons`; nothing is queued for it
//   failed        anything else that went wrong planning it (logged by the caller)
import type { NewCommand, QueuedCommand } from '../commands/ports.js';
import type { ManagedDevice } from '../devices/managed-device.js';
import type { ManagedDeviceStore } from '../devices/ports.js';
import { StewardError, invalidInput } from '../errors.js';
import type { DeviceWaker } from '../push/ports.js';
import type { Scope } from '../rbac/scope.js';
import type { Clock } from '../clock.js';
import type { DeviceAction } from './ports.js';
import type { ActionPlan, ActionPlanner, RemoteActionRequest } from './planner.js';
import { ACTION_PRIORITY, pendingAction } from './run-device-action.js';
import { wakeDevices } from './wake.js';

/** Stores actions with their commands, all of them in one transaction (store/bulk-device-actions.ts). */
export interface DeviceActionQueue {
  /**
   * For each item: queues its commands for the action's device, in order, and records the action
   * with their uuids. All or nothing. Returns each action as stored, with its queued commands.
   */
  queueActions(items: readonly { action: Omit<DeviceAction, 'commandUuids'>; commands: readonly NewCommand[] }[]): Promise<{ action: DeviceAction; commands: QueuedCommand[] }[]>;
}

export interface RunBulkDeviceActionDeps {
  devices: ManagedDeviceStore;
  actionQueue: DeviceActionQueue;
  waker: DeviceWaker;
  planners: readonly ActionPlanner[];
  clock: Clock;
}

/** Devices per request: Graph's own bulk actions take at most 100; Steward allows a fleet's worth. */
export const MAX_BULK_DEVICES = 5000;
/** Devices planned at once (each plan reads the device's enrollment: round trips on PostgreSQL). */
const PLAN_CONCURRENCY = 8;
/** Ids per getMany: well under SQLite's and PostgreSQL's bound-parameter limits. */
const LOOKUP_BATCH = 500;

export interface BulkActionOutcome {
  successfulDeviceIds: string[];
  failedDeviceIds: string[];
  notFoundDeviceIds: string[];
  notSupportedDeviceIds: string[];
  /** Why each notSupported (and failed) device is, by device id. */
  reasons: Map<string, string>;
  /** The devices the action was queued for, with their actions. */
  queued: { device: ManagedDevice; action: DeviceAction }[];
}

/** A planner's refusal: the device cannot do this (StewardError conflict or invalid-input). */
const isRefusal = (err: unknown): err is StewardError => err instanceof StewardError && (err.code === 'conflict' || err.code === 'invalid-input');

export async function runBulkDeviceAction(
  deps: RunBulkDeviceActionDeps,
  input: { deviceIds: readonly string[]; scope: Scope; request: RemoteActionRequest; initiatedBy: string | null },
): Promise<BulkActionOutcome> {
  const ids = [...new Set(input.deviceIds)];
  if (ids.length === 0) throw invalidInput('deviceIds must name at least one managedDevice.', 'deviceIds');
  if (ids.length > MAX_BULK_DEVICES) throw invalidInput(`deviceIds names ${ids.length} devices; at most ${MAX_BULK_DEVICES} are taken per request.`, 'deviceIds');

  const found = new Map<string, ManagedDevice>();
  for (let i = 0; i < ids.length; i += LOOKUP_BATCH) {
    for (const d of await deps.devices.getMany(ids.slice(i, i + LOOKUP_BATCH), input.scope)) found.set(d.id, d);
  }
  const out: BulkActionOutcome = { successfulDeviceIds: [], failedDeviceIds: [], notFoundDeviceIds: [], notSupportedDeviceIds: [], reasons: new Map(), queued: [] };
  const planned: { device: ManagedDevice; plan: ActionPlan }[] = [];
  const devices: ManagedDevice[] = [];
  for (const id of ids) {
    const device = found.get(id);
    if (device === undefined) out.notFoundDeviceIds.push(id);
    else devices.push(device);
  }

  // Plans in the order given, a few at a time.
  const plans: ({ plan: ActionPlan } | { refused: string } | { failed: string } | undefined)[] = devices.map(() => undefined);
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < devices.length) {
      const i = nextIndex++;
      const device = devices[i] as ManagedDevice;
      try {
        const planner = deps.planners.find((p) => p.handles(device));
        if (planner === undefined) {
          plans[i] = { refused: `Remote actions are not available for ${device.operatingSystem ?? 'this kind of'} devices.` };
          continue;
        }
        const plan = await planner.plan(device, input.request);
        plans[i] = plan.commands.length === 0 ? { refused: `${input.request.action}: there is nothing to send to the device.` } : { plan };
      } catch (err) {
        plans[i] = isRefusal(err) ? { refused: err.message } : { failed: err instanceof Error ? err.message : String(err) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PLAN_CONCURRENCY, devices.length) }, worker));
  devices.forEach((device, i) => {
    const p = plans[i];
    if (p === undefined) return;
    if ('plan' in p) planned.push({ device, plan: p.plan });
    else if ('refused' in p) {
      out.notSupportedDeviceIds.push(device.id);
      out.reasons.set(device.id, p.refused);
    } else {
      out.failedDeviceIds.push(device.id);
      out.reasons.set(device.id, p.failed);
    }
  });
  if (planned.length === 0) return out;

  const now = deps.clock.now();
  // The commands and the actions in one transaction: no device can fetch a command before its
  // action exists, so nothing needs settling afterwards (runDeviceAction's catch-up).
  const stored = await deps.actionQueue.queueActions(planned.map(({ device, plan }) => ({
    action: pendingAction(device.id, input.request, plan.details, input.initiatedBy, now),
    commands: plan.commands.map((c) => ({ priority: ACTION_PRIORITY, ...c })),
  })));

  out.successfulDeviceIds.push(...planned.map(({ device }) => device.id));
  try {
    for (const [i, { device, plan }] of planned.entries()) {
      const entry = stored[i];
      if (entry === undefined) continue;
      await plan.afterQueued?.(entry.commands);
      let after = device;
      if (plan.managementState !== undefined && plan.managementState !== device.managementState) {
        const { roleScopeTagIds: _tags, ...record } = device;
        await deps.devices.put({ ...record, managementState: plan.managementState });
        after = { ...device, managementState: plan.managementState };
      }
      out.queued.push({ device: after, action: entry.action });
    }
  } finally {
    // The commands are queued whatever happened after: the devices are woken for them.
    wakeDevices(deps.waker, out.successfulDeviceIds);
  }
  return out;
}
