// iosCompliancePolicy on an iPhone or iPad, from Apple's inventory (DeviceInformation and
// SecurityInfo). Apple's MDM reports whether a passcode is set (SecurityInfo PasscodePresent) but
// not its length, kind, age or history: those settings are notApplicable here (enforce them with a
// passcode configuration profile). Jailbreak detection needs an agent on the device, which MDM
// does not have: securityBlockJailbrokenDevices is notApplicable unless the record says
// jailBroken 'True' or 'False'. Settings not listed in evaluatedIosSettings are notApplicable.
import { osVersionResults } from './os-version.js';
import { requireTrue, result, type SettingResult } from './setting-result.js';
import type { DeviceFacts } from './device-facts.js';

const T = 'iosCompliancePolicy';

export const evaluatedIosSettings = ['passcodeRequired', 'osMinimumVersion', 'osMaximumVersion', 'securityBlockJailbrokenDevices'] as const;

export function evaluateIos(settings: Record<string, unknown>, facts: DeviceFacts): SettingResult[] {
  const out: SettingResult[] = [];
  const security = facts.inventory?.security;
  if (settings.passcodeRequired === true) {
    out.push(requireTrue(T, 'passcodeRequired', security ? security.passcodePresent : undefined));
  }
  out.push(...osVersionResults(T, facts.device.osVersion, settings));
  if (settings.securityBlockJailbrokenDevices === true) {
    const j = facts.device.jailBroken;
    out.push(j === 'True' ? result(T, 'securityBlockJailbrokenDevices', 'nonCompliant', j)
      : j === 'False' ? result(T, 'securityBlockJailbrokenDevices', 'compliant', j)
        : result(T, 'securityBlockJailbrokenDevices', 'notApplicable', j));
  }
  for (const name of ['passcodeMinimumLength', 'passcodeBlockSimple', 'passcodeRequiredType', 'passcodeMinimumCharacterSetCount', 'passcodeExpirationDays',
    'passcodePreviousPasscodeBlockCount', 'passcodeMinutesOfInactivityBeforeLock', 'managedEmailProfileRequired', 'deviceThreatProtectionEnabled', 'osMinimumBuildVersion', 'osMaximumBuildVersion']) {
    if (isConfigured(settings[name])) out.push(result(T, name, 'notApplicable'));
  }
  return out;
}

/** A setting the admin set: true, a number, a non-empty string; false, null, '', 'notConfigured' and 'deviceDefault' are not. */
export function isConfigured(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '' || v === 'notConfigured' || v === 'deviceDefault') return false;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}
