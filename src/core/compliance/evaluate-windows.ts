// windows10CompliancePolicy on a Windows PC, from the DeviceStatus, DevDetail and Policy CSPs
// (core/windows/inventory-ports.ts). A fact the PC has not reported yet is unknown; a node the PC
// says it does not have (null) is notApplicable, except the TPM, whose absence fails tpmRequired.
// Evaluated: OS minimum/maximum and validOperatingSystemBuildRanges (osVersion, as
// '10.0.22631.2861'), bitLockerEnabled and storageRequireEncryption (EncryptionCompliance),
// secureBootEnabled, tpmRequired, activeFirewallRequired, antivirusRequired and defenderEnabled
// (Antivirus/Status 0: on and monitoring), antiSpywareRequired, signatureOutOfDate (signatures up
// to date), passwordRequired (the device lock in effect: Policy CSP Result DeviceLock/
// DevicePasswordEnabled, set by a passwordRequired configuration profile as Intune remediates).
// The other password settings, code integrity, early-launch antimalware, Defender version and
// real-time protection, mobile OS versions, Configuration Manager and threat-protection levels are
// not reported by these CSPs: notApplicable.
import { compareVersions, osVersionResults } from './os-version.js';
import { requireTrue, result, type SettingResult } from './setting-result.js';
import type { DeviceFacts } from './device-facts.js';
import { isConfigured } from './evaluate-ios.js';

const T = 'windows10CompliancePolicy';

export const evaluatedWindowsSettings = [
  'osMinimumVersion', 'osMaximumVersion', 'validOperatingSystemBuildRanges', 'bitLockerEnabled', 'storageRequireEncryption', 'secureBootEnabled',
  'tpmRequired', 'activeFirewallRequired', 'antivirusRequired', 'defenderEnabled', 'antiSpywareRequired', 'signatureOutOfDate', 'passwordRequired',
] as const;

const notReported = [
  'passwordBlockSimple', 'passwordRequiredToUnlockFromIdle', 'passwordMinutesOfInactivityBeforeLock', 'passwordExpirationDays',
  'passwordMinimumLength', 'passwordMinimumCharacterSetCount', 'passwordRequiredType', 'passwordPreviousPasswordBlockCount', 'requireHealthyDeviceReport',
  'earlyLaunchAntiMalwareDriverEnabled', 'codeIntegrityEnabled', 'mobileOsMinimumVersion', 'mobileOsMaximumVersion', 'configurationManagerComplianceRequired',
  'deviceThreatProtectionEnabled', 'rtpEnabled', 'defenderVersion', 'deviceCompliancePolicyScript', 'customComplianceRequired', 'wslDistributions',
];

/** A Windows status code: 0 means on and monitoring; undefined not reported yet; null the node does not exist. */
const onWhenZero = (code: number | null | undefined): boolean | null | undefined => (code === undefined || code === null ? code : code === 0);

export function evaluateWindows(settings: Record<string, unknown>, facts: DeviceFacts): SettingResult[] {
  const w = facts.windows;
  const fact = <K extends keyof NonNullable<typeof w>>(k: K) => (w ? w[k] : undefined);
  const out: SettingResult[] = [];
  if (settings.passwordRequired === true) out.push(requireTrue(T, 'passwordRequired', fact('devicePasswordEnabled')));
  out.push(...osVersionResults(T, facts.device.osVersion, settings));
  const ranges = settings.validOperatingSystemBuildRanges;
  if (Array.isArray(ranges) && ranges.length > 0) {
    const v = facts.device.osVersion;
    if (!v) out.push(result(T, 'validOperatingSystemBuildRanges', 'unknown'));
    else {
      const inside = ranges.some((r: { lowestVersion?: unknown; highestVersion?: unknown }) => {
        const lo = typeof r.lowestVersion === 'string' ? compareVersions(v, r.lowestVersion) : 0;
        const hi = typeof r.highestVersion === 'string' ? compareVersions(v, r.highestVersion) : 0;
        return lo !== undefined && hi !== undefined && lo >= 0 && hi <= 0;
      });
      out.push(result(T, 'validOperatingSystemBuildRanges', inside ? 'compliant' : 'nonCompliant', v));
    }
  }
  const encrypted = fact('encryptionCompliant');
  if (settings.bitLockerEnabled === true) out.push(requireTrue(T, 'bitLockerEnabled', encrypted));
  if (settings.storageRequireEncryption === true) out.push(requireTrue(T, 'storageRequireEncryption', encrypted));
  if (settings.secureBootEnabled === true) {
    const s = fact('secureBootState');
    out.push(s === undefined ? result(T, 'secureBootEnabled', 'unknown') : result(T, 'secureBootEnabled', s === 'enabled' ? 'compliant' : 'nonCompliant', s));
  }
  if (settings.tpmRequired === true) {
    const tpm = fact('tpmSpecificationVersion');
    out.push(tpm === undefined ? result(T, 'tpmRequired', 'unknown') : result(T, 'tpmRequired', tpm ? 'compliant' : 'nonCompliant', tpm));
  }
  if (settings.activeFirewallRequired === true) out.push(withValue(requireTrue(T, 'activeFirewallRequired', onWhenZero(fact('firewallStatus'))), fact('firewallStatus')));
  const av = fact('antivirusStatus');
  if (settings.antivirusRequired === true) out.push(withValue(requireTrue(T, 'antivirusRequired', onWhenZero(av)), av));
  if (settings.defenderEnabled === true) out.push(withValue(requireTrue(T, 'defenderEnabled', onWhenZero(av)), av));
  const spy = fact('antispywareStatus');
  if (settings.antiSpywareRequired === true) out.push(withValue(requireTrue(T, 'antiSpywareRequired', onWhenZero(spy)), spy));
  if (settings.signatureOutOfDate === true) {
    const sig = fact('antivirusSignatureStatus');
    out.push(withValue(requireTrue(T, 'signatureOutOfDate', sig === undefined || sig === null ? sig : sig !== 0), sig));
  }
  for (const name of notReported) if (isConfigured(settings[name])) out.push(result(T, name, 'notApplicable'));
  return out;
}

function withValue(r: SettingResult, code: number | null | undefined): SettingResult {
  return code === undefined || code === null ? r : { ...r, currentValue: String(code) };
}
