// Self-service remote actions of the company portal: a person locks, clears the passcode of,
// renames or retires a device of their own. The same machinery as the admin's actions
// (actions/run-device-action.ts: the platform planners, the queue, deviceActionResults, the wake
// push), with the person as the one who asked; only a device whose primary user they are.
import type { DeviceAction } from '../actions/ports.js';
import type { RemoteActionRequest } from '../actions/planner.js';
import { runDeviceAction, type RunDeviceActionDeps } from '../actions/run-device-action.js';
import type { ManagedDevice } from '../devices/managed-device.js';
import { allScope } from '../rbac/scope.js';
import { getOwnDevice } from './my-devices.js';

/** The actions the portal offers a device's own user. */
export const SELF_SERVICE_ACTIONS = ['remoteLock', 'resetPasscode', 'setDeviceName', 'retire'] as const;
export type SelfServiceActionName = (typeof SELF_SERVICE_ACTIONS)[number];
export type SelfServiceRequest = Extract<RemoteActionRequest, { action: SelfServiceActionName }>;

export async function runSelfServiceAction(
  deps: RunDeviceActionDeps,
  input: { userId: string; deviceId: string; request: SelfServiceRequest },
): Promise<{ device: ManagedDevice; action: DeviceAction }> {
  // Ownership first: a device of someone else is not-found, whatever the action.
  const device = await getOwnDevice(deps, input);
  // The device is the person's own: the admin scope does not apply to it.
  return runDeviceAction(deps, { deviceId: device.id, scope: allScope, request: input.request, initiatedBy: input.userId });
}
