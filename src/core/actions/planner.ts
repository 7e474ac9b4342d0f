// Graph's managedDevice remote actions, and the per-platform planners that turn one into device
// commands. The Graph routes and runDeviceAction know only this interface: Apple plans with MDM
// commands now; Windows (OMA-DM: RemoteWipe/doWipe, Reboot/RebootNow, …) plugs in as another
// planner without touching them.
import type { CommandPlatform, NewCommand, QueuedCommand } from '../commands/ports.js';
import type { ManagedDevice } from '../devices/managed-device.js';
import type { DeviceActionDetails } from './ports.js';

export const REMOTE_ACTIONS = [
  'remoteLock', 'wipe', 'retire', 'resetPasscode', 'rebootNow', 'shutDown', 'syncDevice', 'locateDevice', 'enableLostMode', 'disableLostMode',
  'setDeviceName',
] as const;
export type RemoteActionName = (typeof REMOTE_ACTIONS)[number];

/** An action with its parameters (Graph's, plus the Steward extensions docs/api.md lists). */
export type RemoteActionRequest =
  /** message and phoneNumber: Steward extension, shown on the lock screen. */
  | { action: 'remoteLock'; message?: string; phoneNumber?: string }
  | { action: 'wipe'; keepEnrollmentData: boolean; keepUserData: boolean; macOsUnlockCode?: string; persistEsimDataPlan: boolean }
  | { action: 'retire' }
  | { action: 'resetPasscode' }
  | { action: 'rebootNow' }
  | { action: 'shutDown' }
  | { action: 'syncDevice' }
  | { action: 'locateDevice' }
  /** Graph beta's enableLostMode. */
  | { action: 'enableLostMode'; message?: string; phoneNumber?: string; footer?: string }
  | { action: 'disableLostMode' }
  /** Graph beta's setDeviceName: the name the device shows (Apple Settings DeviceName, Windows Accounts CSP). */
  | { action: 'setDeviceName'; deviceName: string };

export interface ActionPlan {
  /** Queued in this order (the device runs them in order within a priority). */
  commands: NewCommand[];
  /** Shown with the action from the start (a macOS lock PIN). */
  details?: DeviceActionDetails;
  /** managedDevice.managementState while the action is pending ('wipePending', 'retirePending'). */
  managementState?: string;
  /** Runs after the commands are queued, with them (syncDevice records the inventory request). */
  afterQueued?(queued: readonly QueuedCommand[]): Promise<void>;
}

export interface ActionPlanner {
  readonly platform: CommandPlatform;
  /** Whether the device is managed through this platform's protocol. */
  handles(device: ManagedDevice): boolean;
  /**
   * The commands for the action. A device that cannot do it (not enrolled, not supervised, the
   * wrong OS, missing what the command needs) is refused with a StewardError that says why, and
   * nothing is queued.
   */
  plan(device: ManagedDevice, request: RemoteActionRequest): Promise<ActionPlan>;
  /** The device record was deleted: end its enrollment so that it is no longer managed. */
  release(device: ManagedDevice, now: Date): Promise<void>;
}
