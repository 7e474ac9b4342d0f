// Graph's DELETE managedDevice: Steward forgets the device. Its record, memberships, inventory and
// actions go; its queued commands are dropped; its enrollment ends, so the device's next check-in
// is refused. The device keeps whatever it has: retire or wipe first to remove company data.
import type { Clock } from '../clock.js';
import type { ManagedDeviceStore } from '../devices/ports.js';
import { getManagedDevice } from '../devices/get-managed-device.js';
import type { ManagedDevice } from '../devices/managed-device.js';
import type { Scope } from '../rbac/scope.js';
import type { DeviceRecordRemover } from './ports.js';
import type { ActionPlanner } from './planner.js';

export async function deleteManagedDevice(
  deps: { devices: ManagedDeviceStore; deviceRecords: DeviceRecordRemover; planners: readonly ActionPlanner[]; clock: Clock },
  input: { id: string; scope: Scope },
): Promise<ManagedDevice> {
  const device = await getManagedDevice(deps, input);
  const now = deps.clock.now();
  // The enrollment first: a device checking in between the two steps is refused rather than
  // recreated from a half-deleted record.
  await deps.planners.find((p) => p.handles(device))?.release(device, now);
  await deps.deviceRecords.removeDevice(device.id, now);
  return device;
}
