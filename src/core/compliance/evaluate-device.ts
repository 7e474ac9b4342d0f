// One device against the policies assigned to it: a state per policy (per setting inside) and the
// device's overall complianceState. Pure: reevaluate.ts loads the inputs for a batch.
//
// Overall: a device not seen within the check-in threshold (Intune's
// deviceComplianceCheckinThresholdDays) is noncompliant whatever its policies say. A device with no
// policy of its platform assigned is compliant, or noncompliant when the tenant's secureByDefault
// is on. Otherwise: noncompliant with any policy → noncompliant, unless every such policy is still
// within the grace period of its block action (scheduledActionsForRule), then inGracePeriod; else
// unknown while any policy waits for inventory; else compliant.
import type { ComplianceState } from '../devices/managed-device.js';
import type { TenantSettings } from '../settings/tenant-settings.js';
import { blockGraceHours, type CompliancePolicy, type CompliancePolicyType } from './policy.js';
import type { DevicePolicyState } from './ports.js';
import { combine, type SettingResult } from './setting-result.js';
import { platformOf, type DeviceFacts, type DevicePlatform } from './device-facts.js';
import { evaluateIos } from './evaluate-ios.js';
import { evaluateMacOS } from './evaluate-macos.js';
import { evaluateWindows } from './evaluate-windows.js';

const policyPlatform: Readonly<Record<CompliancePolicyType, DevicePlatform>> = {
  iosCompliancePolicy: 'iOS',
  macOSCompliancePolicy: 'macOS',
  windows10CompliancePolicy: 'windows',
  androidCompliancePolicy: 'android',
  androidWorkProfileCompliancePolicy: 'android',
  androidDeviceOwnerCompliancePolicy: 'android',
};

/** The platform a policy type is for. */
export const platformOfPolicy = (type: CompliancePolicyType): DevicePlatform => policyPlatform[type];

/** Graph's policyPlatformType of each policy type (deviceCompliancePolicyState.platformType). */
export const policyPlatformType: Record<CompliancePolicyType, string> = {
  iosCompliancePolicy: 'iOS',
  macOSCompliancePolicy: 'macOS',
  windows10CompliancePolicy: 'windows10AndLater',
  androidCompliancePolicy: 'android',
  androidWorkProfileCompliancePolicy: 'androidForWork',
  androidDeviceOwnerCompliancePolicy: 'android',
};

/** The settings' results of one policy on one device; undefined when the policy is not for the device's platform. */
export function evaluatePolicySettings(policy: Pick<CompliancePolicy, 'type' | 'settings'>, facts: DeviceFacts): SettingResult[] | undefined {
  if (policyPlatform[policy.type] !== platformOf(facts.device)) return undefined;
  switch (policy.type) {
    case 'iosCompliancePolicy': return evaluateIos(policy.settings, facts);
    case 'macOSCompliancePolicy': return evaluateMacOS(policy.settings, facts);
    case 'windows10CompliancePolicy': return evaluateWindows(policy.settings, facts);
    // Stored for when Android devices enroll; nothing to evaluate them against yet.
    case 'androidCompliancePolicy':
    case 'androidWorkProfileCompliancePolicy':
    case 'androidDeviceOwnerCompliancePolicy':
      return undefined;
  }
}

export interface DeviceEvaluation {
  states: DevicePolicyState[];
  overall: ComplianceState;
}

export function evaluateDevice(input: {
  facts: DeviceFacts;
  /** The policies assigned to the device (assignment-targets.ts). */
  policies: readonly CompliancePolicy[];
  /** The device's stored states, for when noncompliance began. */
  previous: readonly Pick<DevicePolicyState, 'policyId' | 'noncompliantSince'>[];
  settings: Pick<TenantSettings, 'deviceComplianceCheckinThresholdDays' | 'secureByDefault'>;
  /** The device's primary user's display name, when known. */
  userName: string | null;
  now: Date;
}): DeviceEvaluation {
  const { facts, now } = input;
  const d = facts.device;
  const states: DevicePolicyState[] = [];
  for (const policy of input.policies) {
    const settingStates = evaluatePolicySettings(policy, facts);
    const status = settingStates ? combine(settingStates) : 'notApplicable';
    let noncompliantSince: string | null = null;
    let graceExpiresAt: string | null = null;
    if (status === 'nonCompliant') {
      noncompliantSince = input.previous.find((s) => s.policyId === policy.id)?.noncompliantSince ?? now.toISOString();
      graceExpiresAt = new Date(Date.parse(noncompliantSince) + blockGraceHours(policy) * 3600_000).toISOString();
    }
    states.push({
      deviceId: d.id, policyId: policy.id, status, settingStates: settingStates ?? [], policyVersion: policy.version,
      noncompliantSince, graceExpiresAt, evaluatedAt: d.lastSyncDateTime,
      deviceName: d.deviceName, deviceModel: d.model, userName: input.userName, userPrincipalName: d.userPrincipalName,
    });
  }
  return { states, overall: overallState(d.lastSyncDateTime, states, input.settings, now) };
}

function overallState(lastSync: string, states: readonly DevicePolicyState[], settings: Pick<TenantSettings, 'deviceComplianceCheckinThresholdDays' | 'secureByDefault'>, now: Date): ComplianceState {
  const seen = Date.parse(lastSync);
  if (!Number.isFinite(seen) || now.getTime() - seen > settings.deviceComplianceCheckinThresholdDays * 86_400_000) return 'noncompliant';
  const applicable = states.filter((s) => s.status !== 'notApplicable');
  if (applicable.length === 0) return settings.secureByDefault ? 'noncompliant' : 'compliant';
  const failing = applicable.filter((s) => s.status === 'nonCompliant');
  if (failing.length > 0) {
    return failing.every((s) => s.graceExpiresAt !== null && Date.parse(s.graceExpiresAt) > now.getTime()) ? 'inGracePeriod' : 'noncompliant';
  }
  if (applicable.some((s) => s.status === 'unknown')) return 'unknown';
  return 'compliant';
}
