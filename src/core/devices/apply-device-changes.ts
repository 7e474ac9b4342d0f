// Writes what a device's answer changed into its managedDevice record (both platforms), stamps
// lastSyncDateTime, and refreshes its dynamic groups when an attribute changed.
import type { MembershipEngine } from '../directory/dynamic-membership.js';
import type { ManagedDevice } from './managed-device.js';
import type { ManagedDeviceStore } from './ports.js';

/** How stale lastSyncDateTime may get before an answer that changes nothing writes it again. */
export const SYNC_STAMP_INTERVAL_MS = 60_000;

export async function applyDeviceChanges(
  deps: { devices: ManagedDeviceStore; memberships: MembershipEngine },
  device: ManagedDevice,
  changes: Partial<Omit<ManagedDevice, 'id' | 'roleScopeTagIds'>>,
  now: Date,
): Promise<void> {
  const { roleScopeTagIds: _tags, ...record } = device;
  const changed = (Object.keys(changes) as (keyof typeof changes)[]).some((k) => changes[k] !== record[k]);
  const lastSync = Date.parse(record.lastSyncDateTime);
  if (!changed && Number.isFinite(lastSync) && now.getTime() - lastSync < SYNC_STAMP_INTERVAL_MS && lastSync <= now.getTime()) return;
  const after = { ...record, ...changes, lastSyncDateTime: now.toISOString() };
  await deps.devices.put(after);
  // Device attributes feed dynamic device groups; a bare check-in changes none of them.
  if (changed) await deps.memberships.refreshDevice({ ...after, roleScopeTagIds: device.roleScopeTagIds });
}
