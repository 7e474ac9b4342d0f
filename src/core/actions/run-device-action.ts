// Runs one of Graph's managedDevice remote actions: finds the device in the caller's scope, has its
// platform's planner turn the action into commands (or refuse it, queuing nothing), queues them,
// records the action for deviceActionResults and wakes the device.
import { randomUUID } from 'node:crypto';
import type { DeviceWaker } from '../push/ports.js';
import type { QueuedCommand } from '../commands/ports.js';
import type { ManagedDevice } from '../devices/managed-device.js';
import { getManagedDevice } from '../devices/get-managed-device.js';
import { StewardError } from '../errors.js';
import type { Scope } from '../rbac/scope.js';
import type { DeviceAction } from './ports.js';
import type { ActionPlan, ActionPlanner, RemoteActionRequest } from './planner.js';
import { settleAction, type SettleDeps } from './settle-action.js';
import { wakeDevices } from './wake.js';

export interface RunDeviceActionDeps extends SettleDeps {
  waker: DeviceWaker;
  planners: readonly ActionPlanner[];
}

/** Remote actions queue ahead of inventory and other routine commands. */
export const ACTION_PRIORITY = 10;

export function plannerFor(planners: readonly ActionPlanner[], device: ManagedDevice): ActionPlanner {
  const planner = planners.find((p) => p.handles(device));
  if (!planner) {
    throw new StewardError('conflict', `Remote actions are not available for ${device.operatingSystem ?? 'this kind of'} devices yet: Steward manages Apple devices (iOS, iPadOS, macOS) and Windows PCs.`, 'id');
  }
  return planner;
}

/** A device action just planned, pending, as runDeviceAction and runBulkDeviceAction record it (commands apart). */
export function pendingAction(deviceId: string, request: RemoteActionRequest, details: ActionPlan['details'], initiatedBy: DeviceAction['initiatedBy'], at: Date): Omit<DeviceAction, 'commandUuids'> {
  const now = at.toISOString();
  return {
    id: randomUUID(),
    deviceId,
    actionName: request.action,
    actionState: 'pending',
    startDateTime: now,
    lastUpdatedDateTime: now,
    failureReason: null,
    initiatedBy,
    ...(details ? { details } : {}),
  };
}

export async function runDeviceAction(
  deps: RunDeviceActionDeps,
  input: { deviceId: string; scope: Scope; request: RemoteActionRequest; initiatedBy: string | null },
): Promise<{ device: ManagedDevice; action: DeviceAction }> {
  const device = await getManagedDevice(deps, { id: input.deviceId, scope: input.scope });
  const plan = await plannerFor(deps.planners, device).plan(device, input.request);
  if (plan.commands.length === 0) throw new StewardError('conflict', `${input.request.action}: there is nothing to send to the device.`, 'id');

  const queued: QueuedCommand[] = [];
  for (const command of plan.commands) {
    const [c] = await deps.commands.enqueue([device.id], { priority: ACTION_PRIORITY, ...command });
    if (c) queued.push(c);
  }
  const action: DeviceAction = { ...pendingAction(device.id, input.request, plan.details, input.initiatedBy, deps.clock.now()), commandUuids: queued.map((c) => c.uuid) };
  await deps.deviceActions.create(action);
  await plan.afterQueued?.(queued);
  let after = device;
  if (plan.managementState !== undefined && plan.managementState !== device.managementState) {
    const { roleScopeTagIds: _tags, ...record } = device;
    await deps.devices.put({ ...record, managementState: plan.managementState });
    after = { ...device, managementState: plan.managementState };
  }
  // A device already in a session may have fetched and answered a command before the action
  // existed to be found by it: catch up now.
  const settled = await settleAction(deps, action);
  wakeDevices(deps.waker, [device.id]);
  return { device: after, action: settled };
}
