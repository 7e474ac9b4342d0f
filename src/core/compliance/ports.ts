// What compliance stores: policies with their assignments, and per device and policy the result
// of the last evaluation (store/compliance.ts, migrations/0015-compliance.ts).
import type { ComplianceState } from '../devices/managed-device.js';
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
}

export interface ComplianceStateStore {
  /** The stored states of these devices, by device id. */
  forDevices(deviceIds: readonly string[]): Promise<Map<string, DevicePolicyState[]>>;
  forPolicy(policyId: string): Promise<DevicePolicyState[]>;
  /**
   * Makes the stored states of exactly these devices `states` (states of other policies of the
   * devices are removed) and sets each device's managedDevice complianceState, in one transaction.
   * Idempotent: replicas writing the same batch leave the same rows.
   */
  replace(deviceIds: readonly string[], states: readonly DevicePolicyState[], overall: ReadonlyMap<string, ComplianceState>): Promise<void>;
}
