// SecurityInfo: isEncrypted for Graph's managedDevice, and the security facts compliance reads.
// Pure. Keys are Apple's ("Security Info Command", mdm/commands/information.security.yaml).
import type { JsonValue } from '../commands/ports.js';
import type { SecurityFacts } from './inventory-ports.js';
import { bool, dictOf, num, text, type JsonDict } from './json-read.js';

/** The SecurityInfo dictionary of an answer, if any. */
export function securityInfoOf(response: JsonValue | undefined): JsonDict | undefined {
  return dictOf(dictOf(response)?.SecurityInfo);
}

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

export function securityFacts(s: JsonDict): SecurityFacts {
  const firewall = dictOf(s.FirewallSettings) ?? {};
  const firmware = dictOf(s.FirmwarePasswordStatus) ?? {};
  const management = dictOf(s.ManagementStatus) ?? {};
  const secureBoot = dictOf(s.SecureBoot) ?? {};
  const caps = num(s, 'HardwareEncryptionCaps');
  const passcodePresent = bool(s, 'PasscodePresent');
  return {
    passcodePresent: orNull(passcodePresent),
    passcodeCompliant: orNull(bool(s, 'PasscodeCompliant')),
    passcodeCompliantWithProfiles: orNull(bool(s, 'PasscodeCompliantWithProfiles')),
    hardwareEncryptionCaps: orNull(caps),
    // Apple: Data Protection is in effect when the device has both block-level and file-level
    // encryption (HardwareEncryptionCaps 3) and a passcode is set.
    dataProtectionEnabled: caps === undefined ? null : (caps & 3) === 3 && passcodePresent === true,
    fileVaultEnabled: orNull(bool(s, 'FDE_Enabled')),
    fileVaultHasPersonalRecoveryKey: orNull(bool(s, 'FDE_HasPersonalRecoveryKey')),
    fileVaultHasInstitutionalRecoveryKey: orNull(bool(s, 'FDE_HasInstitutionalRecoveryKey')),
    firewallEnabled: orNull(bool(firewall, 'FirewallEnabled')),
    firewallBlockAllIncoming: orNull(bool(firewall, 'BlockAllIncoming')),
    firewallStealthMode: orNull(bool(firewall, 'StealthMode')),
    systemIntegrityProtectionEnabled: orNull(bool(s, 'SystemIntegrityProtectionEnabled')),
    secureBootLevel: orNull(text(secureBoot, 'SecureBootLevel')),
    externalBootLevel: orNull(text(secureBoot, 'ExternalBootLevel')),
    firmwarePasswordExists: orNull(bool(firmware, 'PasswordExists')),
    isRecoveryLockEnabled: orNull(bool(s, 'IsRecoveryLockEnabled')),
    remoteDesktopEnabled: orNull(bool(s, 'RemoteDesktopEnabled')),
    authenticatedRootVolumeEnabled: orNull(bool(s, 'AuthenticatedRootVolumeEnabled')),
    enrolledViaDep: orNull(bool(management, 'EnrolledViaDEP')),
    userApprovedEnrollment: orNull(bool(management, 'UserApprovedEnrollment')),
    isUserEnrollment: orNull(bool(management, 'IsUserEnrollment')),
    isActivationLockManageable: orNull(bool(management, 'IsActivationLockManageable')),
  };
}

/**
 * managedDevice.isEncrypted: FileVault on a Mac; Data Protection on iOS and iPadOS. Undefined when
 * the answer does not say (the property keeps its value).
 */
export function isEncryptedFrom(facts: SecurityFacts, operatingSystem: string | null): boolean | undefined {
  if (operatingSystem === 'macOS') return facts.fileVaultEnabled ?? undefined;
  return facts.dataProtectionEnabled ?? undefined;
}
