// Remote actions (Graph's managedDevice actions) and their deviceActionResults. An action queues
// one or more commands; the action is done when its last command is acknowledged, failed when
// any fails. Both platforms share this.

/** Graph's actionState. */
export type ActionState = 'none' | 'pending' | 'canceled' | 'active' | 'done' | 'failed' | 'notSupported';

/** One entry of managedDevice.deviceActionResults (Graph's deviceActionResult). */
export interface DeviceAction {
  id: string;
  deviceId: string;
  /** Graph's action name: 'remoteLock', 'wipe', 'retire', 'resetPasscode', … */
  actionName: string;
  actionState: ActionState;
  startDateTime: string;
  lastUpdatedDateTime: string;
  /** Why it failed, in words (a Steward extension of deviceActionResult); null unless failed. */
  failureReason: string | null;
  /** The commands it queued, in order; the action follows their answers. */
  commandUuids: string[];
  /** Who asked (a user id or an API client id), for the audit log and the help-desk view. */
  initiatedBy: string | null;
  /** What the action produced for the admin (a macOS lock PIN, a location); absent when nothing. */
  details?: DeviceActionDetails;
}

/** Graph's deviceGeoLocation: where a device said it was (locateDevice). */
export interface DeviceGeoLocation {
  latitude: number;
  longitude: number;
  altitude: number | null;
  horizontalAccuracy: number | null;
  verticalAccuracy: number | null;
  heading: number | null;
  speed: number | null;
  lastCollectedDateTime: string;
}

/**
 * The extra members of Graph's deviceActionResult subtypes: remoteLockActionResult.unlockPin
 * (the PIN a Mac asks for after a remote lock) and locateDeviceActionResult.deviceLocation.
 * unlockPin is a secret for logs and the audit log; only the deviceActionResults view shows it.
 */
export interface DeviceActionDetails {
  unlockPin?: string;
  deviceLocation?: DeviceGeoLocation;
}

export interface DeviceActionStore {
  create(action: DeviceAction): Promise<void>;
  /** The action a command belongs to, if any. */
  byCommand(commandUuid: string): Promise<DeviceAction | undefined>;
  /** A device's actions, newest first. */
  forDevice(deviceId: string, limit?: number): Promise<DeviceAction[]>;
  /** Many devices' actions at once (a device list page), newest first per device. */
  forDevices(deviceIds: readonly string[], perDevice?: number): Promise<Map<string, DeviceAction[]>>;
  update(id: string, changes: { actionState: ActionState; lastUpdatedDateTime: string; failureReason?: string | null; commandUuids?: string[]; details?: DeviceActionDetails }): Promise<void>;
  deleteForDevice(deviceId: string): Promise<void>;
  /** One action by id. */
  get(id: string): Promise<DeviceAction | undefined>;
  /**
   * Pending actions with at least one command that expired unanswered (the queue's expire()), at
   * most `limit`: maintenance settles them as failed.
   */
  pendingWithExpiredCommands(limit: number): Promise<DeviceAction[]>;
  /** Deletes finished (done, failed, canceled) actions last updated before the date; returns how many. */
  prune(updatedBefore: Date): Promise<number>;
}

/**
 * Forgets a device (Graph's DELETE managedDevice): its record, scope tags, group memberships,
 * inventory and actions, in one transaction; its open commands are expired so that none is
 * handed out again. Returns false when there was no such device record.
 */
export interface DeviceRecordRemover {
  removeDevice(deviceId: string, now: Date): Promise<boolean>;
}
