// What delivering configuration profiles stores (store/configuration-delivery.ts,
// migrations/0018-configuration-delivery.ts): each profile's assignments, and per device and
// profile what was sent, what the device answered, and what must be removed when it goes.
import type { PolicyAssignment } from '../assignments/targets.js';
import type { NewCommand } from '../commands/ports.js';

/**
 * Where one profile stands on one device. Graph's complianceStatus shows it: pending → unknown,
 * succeeded → compliant (device-configuration-status.ts); a conflict is a setting state, and wins
 * when shown. A profile that no longer applies stays until the device answers its removal:
 * removing (RemoveProfile or Delete queued, not answered) → unknown, removalFailed (the device
 * refused it; tried again a day later) → error; the state goes once the device confirms.
 */
export type DeliveryStatus = 'pending' | 'succeeded' | 'error' | 'notApplicable' | 'removing' | 'removalFailed';

/** A state that stands for a removal, not for a profile the device should have. */
export const isRemoval = (status: DeliveryStatus) => status === 'removing' || status === 'removalFailed';

/** One setting's state on one device (Graph's deviceConfigurationSettingState, less the user fields). */
export interface DeliverySettingState {
  /** The setting: a Graph property for notApplicable, the native key (LocURI, payload key) for a conflict or an error. */
  setting: string;
  settingName: string;
  state: 'notApplicable' | 'conflict' | 'error';
  /** Why (notApplicable), the other values (conflict), the device's words (error). */
  errorDescription: string | null;
  errorCode: number;
  currentValue: string | null;
  /** The profiles that set it: for a conflict, every one of them. */
  sources: { id: string; displayName: string }[];
}

/** How to take the profile off the device again: Apple's profile identifier, or the Windows nodes set. */
export type DeliveryRemoval =
  | { platform: 'apple'; identifier: string }
  | { platform: 'windows'; locUris: string[] };

export interface ConfigurationDeviceState {
  deviceId: string;
  configurationId: string;
  /** The profile version sent (or found not applicable). */
  version: number;
  status: DeliveryStatus;
  /** The device's error in words, while status is error. */
  errorDetail: string | null;
  settingStates: DeliverySettingState[];
  /** The command that carries this version; its answer moves the status. */
  commandUuid: string | null;
  removal: DeliveryRemoval | null;
  /** When the status last changed: queued, or the device's answer. Graph's lastReportedDateTime. */
  lastReportedDateTime: string;
  deviceName: string | null;
  deviceModel: string | null;
  userName: string | null;
  userPrincipalName: string | null;
}

/** A command for one device, queued with the states that refer to it (its uuid chosen by the caller). */
export interface DeliveryCommand {
  uuid: string;
  deviceId: string;
  /** Shared by every device given the same command: stored once per device, serialized once. */
  command: NewCommand;
}

export interface ConfigurationDeliveryStore {
  /** Every profile's assignments, by profile id (one query: a reconcile run reads them once). */
  allAssignments(): Promise<Map<string, PolicyAssignment[]>>;
  assignments(configurationId: string): Promise<PolicyAssignment[]>;
  /** Replaces the profile's assignments (in the order given). */
  setAssignments(configurationId: string, assignments: readonly PolicyAssignment[]): Promise<void>;
  /** The stored states of these devices, by device id. */
  forDevices(deviceIds: readonly string[]): Promise<Map<string, ConfigurationDeviceState[]>>;
  forConfiguration(configurationId: string): Promise<ConfigurationDeviceState[]>;
  /** The state a command belongs to, if it is still the one carrying its profile. */
  byCommand(commandUuid: string): Promise<ConfigurationDeviceState | undefined>;
  /**
   * One transaction: upserts `put` (by device and profile), deletes `remove` and queues `commands`
   * on the shared command queue (in the given order), so that no state names a command that was
   * not queued and no command is queued without its state. Replicas writing the same batch leave
   * the same states (and at worst a duplicate command, which devices apply idempotently).
   */
  write(put: readonly ConfigurationDeviceState[], remove: readonly { deviceId: string; configurationId: string }[], commands?: readonly DeliveryCommand[]): Promise<void>;
  /** Deletes the state whose removal `commandUuid` carries (the device confirmed it), only while it is still removing. */
  removed(commandUuid: string): Promise<boolean>;
  /** Sets a state's answer, only while `commandUuid` is still its command (a newer version is not overwritten). */
  report(commandUuid: string, changes: Pick<ConfigurationDeviceState, 'status' | 'errorDetail' | 'settingStates' | 'lastReportedDateTime'>): Promise<boolean>;
  /** Deletes the states of devices that no longer exist; returns how many. */
  pruneOrphans(): Promise<number>;
}
