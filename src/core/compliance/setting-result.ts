// The outcome of evaluating one setting of one policy on one device, and how outcomes combine.
// unknown: the device has not reported the facts yet (no inventory of that kind);
// notApplicable: the platform does not report the fact or the setting does not concern it.

/** Graph's complianceStatus values that evaluation gives. */
export type SettingStatus = 'compliant' | 'nonCompliant' | 'notApplicable' | 'unknown';
export type PolicyComplianceStatus = SettingStatus;

/** Graph's deviceCompliancePolicySettingState, as much of it as evaluation knows. */
export interface SettingResult {
  /** '<policy type>.<property>', as Intune names settings: 'iosCompliancePolicy.passcodeRequired'. */
  setting: string;
  settingName: string;
  state: SettingStatus;
  /** What the device reported, as text; null when it reported nothing. */
  currentValue: string | null;
}

export function result(type: string, name: string, state: SettingStatus, currentValue: string | number | boolean | null = null): SettingResult {
  return {
    setting: `${type}.${name}`,
    settingName: name,
    state,
    currentValue: currentValue === null || currentValue === undefined ? null : String(currentValue),
  };
}

/** A policy's status from its settings: any noncompliant wins, then unknown; not applicable settings do not count. */
export function combine(settings: readonly SettingResult[]): PolicyComplianceStatus {
  if (settings.some((s) => s.state === 'nonCompliant')) return 'nonCompliant';
  if (settings.some((s) => s.state === 'unknown')) return 'unknown';
  return 'compliant';
}

/** A required boolean fact: true compliant, false noncompliant, null not reported by the platform, undefined not reported yet. */
export function requireTrue(type: string, name: string, fact: boolean | null | undefined): SettingResult {
  if (fact === undefined) return result(type, name, 'unknown');
  if (fact === null) return result(type, name, 'notApplicable');
  return result(type, name, fact ? 'compliant' : 'nonCompliant', fact);
}
