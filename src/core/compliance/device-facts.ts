// What evaluation reads of one device: its record and its inventory, loaded for a whole batch at
// once by reevaluate.ts.
import type { ManagedDevice } from '../devices/managed-device.js';
import type { DeviceInventory } from '../apple/inventory-ports.js';
import type { WindowsFacts } from '../windows/inventory-ports.js';
import type { EvaluatedDevice } from './ports.js';

export interface DeviceFacts {
  device: EvaluatedDevice;
  /** The device's Apple security facts (SecurityInfo); undefined before any answer. */
  inventory: Pick<DeviceInventory, 'security'> | undefined;
  /** Windows facts; undefined before any answer. */
  windows: WindowsFacts | undefined;
}

export type DevicePlatform = 'iOS' | 'macOS' | 'windows' | 'android' | 'other';

/** The platform, from Graph's operatingSystem ('iOS', 'iPadOS', 'macOS', 'Windows', 'Android'). */
export function platformOf(device: Pick<ManagedDevice, 'operatingSystem'>): DevicePlatform {
  const os = (device.operatingSystem ?? '').toLowerCase();
  if (os === 'ios' || os === 'ipados') return 'iOS';
  if (os === 'macos' || os === 'mac os' || os === 'os x') return 'macOS';
  if (os.startsWith('windows')) return 'windows';
  if (os.startsWith('android')) return 'android';
  return 'other';
}
