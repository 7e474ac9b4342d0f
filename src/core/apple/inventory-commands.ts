// The Apple commands that refresh a device's inventory, and queuing them for many devices at once:
// after enrollment (TokenUpdate), on the refresh schedule, and for syncDevice.
import type { Clock } from '../clock.js';
import type { CommandQueue, NewCommand, QueuedCommand } from '../commands/ports.js';
import type { ManagedDevice } from '../devices/managed-device.js';
import type { AppleEnrollment } from '../enrollment/ports.js';
import type { DeviceWaker } from '../push/ports.js';
import type { RequestType } from '../../protocol/apple/connect.js';
import type { DeviceInventoryStore } from './inventory-ports.js';
import { appleCommand } from './checked-command.js';
import { DEVICE_INFORMATION_QUERIES } from './device-information.js';
import { unsupportedReason } from './command-support.js';
import { wakeDevices } from '../actions/wake.js';

/**
 * Inventory commands a device has not fetched after this long expire: the refresh sweep then asks
 * again, so an offline device holds one set of inventory commands, never a pile of them.
 */
export const INVENTORY_COMMAND_TTL_MS = 3 * 24 * 3600_000;

/** Why inventory is asked for: the priority differs (an admin's syncDevice first). */
export type InventoryReason = 'enrollment' | 'scheduled' | 'syncDevice';

const PRIORITY: Record<InventoryReason, number> = { syncDevice: 5, enrollment: 1, scheduled: 0 };

interface InventoryCommandSpec {
  requestType: RequestType;
  payload: { readonly [key: string]: string[] | boolean };
}

/** In the order they are queued: the managedDevice properties first. */
export const INVENTORY_COMMANDS: readonly InventoryCommandSpec[] = [
  { requestType: 'DeviceInformation', payload: { Queries: [...DEVICE_INFORMATION_QUERIES] } },
  { requestType: 'SecurityInfo', payload: {} },
  // Every app, not only managed ones: detectedApps and compliance want the whole list.
  { requestType: 'InstalledApplicationList', payload: { ManagedAppsOnly: false } },
  // Which apps this server manages (retire removes them).
  { requestType: 'ManagedApplicationList', payload: {} },
  { requestType: 'ProfileList', payload: {} },
  { requestType: 'CertificateList', payload: {} },
];

export const INVENTORY_REQUEST_TYPES: ReadonlySet<string> = new Set(INVENTORY_COMMANDS.map((c) => c.requestType));

function newCommand(spec: InventoryCommandSpec, reason: InventoryReason, now: Date): NewCommand {
  return appleCommand(spec.requestType, spec.payload, { priority: PRIORITY[reason], expiresAt: new Date(now.getTime() + INVENTORY_COMMAND_TTL_MS) });
}

// Checked against Apple's tables once, when the module loads: a wrong key fails every test.
for (const spec of INVENTORY_COMMANDS) newCommand(spec, 'scheduled', new Date(0));

/** The inventory commands one device can run (a User Enrollment on a Mac cannot list every app). */
export function inventoryCommandsFor(
  device: Pick<ManagedDevice, 'operatingSystem' | 'osVersion' | 'isSupervised'>,
  enrollment: Pick<AppleEnrollment, 'enrollmentType'>,
  reason: InventoryReason,
  now: Date,
): NewCommand[] {
  return INVENTORY_COMMANDS.filter((s) => unsupportedReason(s.requestType, device, enrollment) === undefined).map((s) => newCommand(s, reason, now));
}

export interface EnqueueInventoryDeps {
  commands: CommandQueue;
  deviceInventory: DeviceInventoryStore;
  waker: DeviceWaker;
  clock: Clock;
}

/**
 * Queues the inventory commands for many Apple enrollments: one batch (one transaction) per
 * command, not one per device; records when inventory was asked for; and wakes the devices
 * (without waiting: the caller is often a device's own check-in).
 * Returns each enrollment's queued commands, in the order above.
 */
export async function enqueueInventory(
  deps: EnqueueInventoryDeps,
  input: { enrollmentIds: readonly string[]; reason: InventoryReason; wake?: boolean; /** The caller recorded the request already (the refresh sweep's claim). */ alreadyMarked?: boolean },
): Promise<Map<string, QueuedCommand[]>> {
  const ids = [...new Set(input.enrollmentIds)];
  const out = new Map<string, QueuedCommand[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const now = deps.clock.now();
  for (const spec of INVENTORY_COMMANDS) {
    for (const c of await deps.commands.enqueue(ids, newCommand(spec, input.reason, now))) out.get(c.enrollmentId)?.push(c);
  }
  if (input.alreadyMarked !== true) await deps.deviceInventory.markRequested(ids, 'apple', now);
  if (input.wake !== false) wakeDevices(deps.waker, ids);
  return out;
}
