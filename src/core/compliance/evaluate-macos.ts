// macOSCompliancePolicy on a Mac, from Apple's inventory. SecurityInfo on macOS reports FileVault,
// the firewall (enabled, block all incoming, stealth mode) and System Integrity Protection; it does
// not report the password's presence or properties (PasscodePresent is iOS-only), so the password
// settings are notApplicable (enforce them with a passcode configuration profile), as are
// Gatekeeper and threat protection. A fact SecurityInfo has not brought yet is unknown.
import { osVersionResults } from './os-version.js';
import { requireTrue, result, type SettingResult } from './setting-result.js';
import type { DeviceFacts } from './device-facts.js';
import { isConfigured } from './evaluate-ios.js';

const T = 'macOSCompliancePolicy';

export const evaluatedMacOSSettings = ['osMinimumVersion', 'osMaximumVersion', 'storageRequireEncryption', 'systemIntegrityProtectionEnabled', 'firewallEnabled', 'firewallBlockAllIncoming', 'firewallEnableStealthMode'] as const;

export function evaluateMacOS(settings: Record<string, unknown>, facts: DeviceFacts): SettingResult[] {
  const security = facts.inventory?.security;
  const fact = <K extends keyof NonNullable<typeof security>>(k: K) => (security ? security[k] : undefined);
  const out: SettingResult[] = [...osVersionResults(T, facts.device.osVersion, settings)];
  if (settings.storageRequireEncryption === true) out.push(requireTrue(T, 'storageRequireEncryption', fact('fileVaultEnabled')));
  if (settings.systemIntegrityProtectionEnabled === true) out.push(requireTrue(T, 'systemIntegrityProtectionEnabled', fact('systemIntegrityProtectionEnabled')));
  if (settings.firewallEnabled === true) out.push(requireTrue(T, 'firewallEnabled', fact('firewallEnabled')));
  if (settings.firewallBlockAllIncoming === true) out.push(requireTrue(T, 'firewallBlockAllIncoming', fact('firewallBlockAllIncoming')));
  if (settings.firewallEnableStealthMode === true) out.push(requireTrue(T, 'firewallEnableStealthMode', fact('firewallStealthMode')));
  for (const name of ['passwordRequired', 'passwordMinimumLength', 'passwordBlockSimple', 'passwordRequiredType', 'passwordMinimumCharacterSetCount', 'passwordExpirationDays',
    'passwordPreviousPasswordBlockCount', 'passwordMinutesOfInactivityBeforeLock', 'gatekeeperAllowedAppSource', 'deviceThreatProtectionEnabled', 'osMinimumBuildVersion', 'osMaximumBuildVersion']) {
    if (isConfigured(settings[name])) out.push(result(T, name, 'notApplicable'));
  }
  return out;
}
