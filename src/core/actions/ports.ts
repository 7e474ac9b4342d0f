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
}

export interface DeviceActionStore {
  create(action: DeviceAction): Promise<void>;
  /** The action a command belongs to, if any. */
  byCommand(commandUuid: string): Promise<DeviceAction | undefined>;
  /** A device's actions, newest first. */
  forDevice(deviceId: string, limit?: number): Promise<DeviceAction[]>;
  /** Many devices' actions at once (a device list page), newest first per device. */
  forDevices(deviceIds: readonly string[], perDevice?: number): Promise<Map<string, DeviceAction[]>>;
  update(id: string, changes: { actionState: ActionState; lastUpdatedDateTime: string; failureReason?: string | null; commandUuids?: string[] }): Promise<void>;
  deleteForDevice(deviceId: string): Promise<void>;
}
