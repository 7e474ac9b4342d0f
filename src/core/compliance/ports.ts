// What compliance stores: policies with their assignments, and per device and policy the result
// of the last evaluation (store/compliance.ts, migrations/0015-compliance.ts).
import type { ComplianceState, ManagedDevice } from '../devices/managed-device.js';
import type { Page } from '../devices/ports.js';
import type { ListQuery } from '../query/list-query.js';
import type { CompliancePolicy, PolicyAssignment } from './policy.js';
import type { PolicyComplianceStatus, SettingResult } from './setting-result.js';

/** One device's result for one policy: Graph's deviceCompliancePolicyState and deviceComplianceDeviceStatus in one. */
export interface DevicePolicyState {
  deviceId: string;
  policyId: string;
  status: PolicyComplianceStatus;
  settingStates: SettingResult[];
  /** The policy version evaluated. */
  policyVersion: number;
  /** When the device was first found noncompliant with the policy, while it stays so (the grace period runs from it). */
  noncompliantSince: string | null;
  /** When the grace period ends (noncompliantSince + the block action's grace hours), while noncompliant. */
  graceExpiresAt: string | null;
  /**
   * When the device last reported (its lastSyncDateTime when evaluated): Graph's lastReportedDateTime.
   * Not the evaluation's time, so that re-evaluating an unchanged device gives an identical state
   * and the sweep writes nothing for it.
   */
  evaluatedAt: string;
  deviceName: string | null;
  deviceModel: string | null;
  userName: string | null;
  userPrincipalName: string | null;
}

export interface CompliancePolicyStore {
  list(): Promise<CompliancePolicy[]>;
  get(id: string): Promise<CompliancePolicy | undefined>;
  create(policy: CompliancePolicy): Promise<void>;
  /** Replaces the policy's fields (not its assignments); false when it is gone. */
  update(policy: CompliancePolicy): Promise<boolean>;
  /** Removes the policy, its assignments and its device states. */
  delete(id: string): Promise<boolean>;
  /** Replaces the policy's assignments. */
  setAssignments(policyId: string, assignments: readonly PolicyAssignment[], at: Date): Promise<boolean>;
  /**
   * A page of policies by Graph's query options (compliancePolicySchema), limited to those
   * carrying one of the held scope tags, with their assignments.
   */
  page(query: ListQuery, heldTags: 'all' | ReadonlySet<string>): Promise<Page<CompliancePolicy>>;
}

/** The device record as evaluation reads it (devices are read by evaluation pages, not whole). */
export type EvaluatedDevice = Pick<ManagedDevice, 'id' | 'deviceName' | 'operatingSystem' | 'osVersion' | 'model' | 'jailBroken' | 'userId' | 'userPrincipalName' | 'userDisplayName' | 'lastSyncDateTime' | 'complianceState'>;

/**
 * Everything evaluating one device reads, in one row: the device, its inventory facts still as the
 * JSON text stored (parsed only for devices a policy of their platform reaches) and its primary
 * user's name and licence.
 */
export interface EvaluationInput {
  device: EvaluatedDevice;
  /** device_inventory.security (Apple SecurityFacts), JSON. */
  securityJson: string | null;
  /** device_inventory.windows (WindowsFacts), JSON. */
  windowsJson: string | null;
  /** The user's Steward licence's disabledPlans; null when the user holds no Steward licence. */
  user: { displayName: string; accountEnabled: boolean; stewardDisabledPlans: string[] | null } | undefined;
}

/** A stored state with its settingStates left as the JSON text stored: compared, never parsed, by sweeps. */
export type StoredState = Omit<DevicePolicyState, 'settingStates'> & { settingStatesJson: string };

/**
 * A state to write, with its settingStates' JSON text (JSON.stringify(settingStates), computed
 * once, compared and stored; PostgreSQL stores the same text by serializing settingStates), and
 * whether a state was stored for this device and policy when the batch was read (`replaces`): new
 * states can go in with a plain insert, cheaper than an upsert.
 */
export type StateWrite = DevicePolicyState & { settingStatesJson: string; replaces: boolean };

export interface ComplianceStateStore {
  /** The stored states of these devices, by device id. */
  forDevices(deviceIds: readonly string[]): Promise<Map<string, DevicePolicyState[]>>;
  forPolicy(policyId: string): Promise<DevicePolicyState[]>;
  /** A page of the fleet in id order after `afterId` (sweeps), in one query. */
  evaluationPage(input: { afterId?: string; limit: number }): Promise<EvaluationInput[]>;
  /** These devices (those that exist), in one query per few hundred ids. */
  evaluationInputs(deviceIds: readonly string[]): Promise<EvaluationInput[]>;
  /**
   * The stored states of these devices (or of the devices with ids from `from` to `to`, both
   * included: a page of the fleet, read as one index range), settingStates as stored, by device id.
   */
  storedStates(devices: readonly string[] | { from: string; to: string }): Promise<Map<string, StoredState[]>>;
  /**
   * Writes a batch's changes in one transaction: the states that changed or are new (upserted),
   * the device/policy pairs no longer evaluated (deleted), and each listed device's
   * managedDevice complianceState. States of policies deleted meanwhile are skipped. Idempotent:
   * replicas writing the same batch leave the same rows.
   */
  write(changes: { upserts: readonly StateWrite[]; removals: readonly { deviceId: string; policyId: string }[]; overall: ReadonlyMap<string, ComplianceState> }): Promise<void>;
  /** The devices among `ids` and those whose primary user is among `ids` (a membership change's devices). */
  devicesOfMembers(ids: readonly string[]): Promise<string[]>;
}
