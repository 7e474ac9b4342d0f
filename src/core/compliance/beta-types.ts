// Graph beta types that compliance accepts and the generated tables (src/shared/graph, which list
// beta-only types only where a generator needs them) do not hold yet. Property names are from
// msgraph-metadata's beta-type-mappings/beta-entity-types.json (MIT, see
// src/shared/graph/LICENSE-msgraph-metadata.txt); the beta lists give no property types, so
// values are accepted as any JSON, as for every beta-only property. Regenerating the shared
// tables with this type in them makes this file unnecessary.
import type { GraphTypeInfo } from '../../shared/graph/types.js';

const unknownProp = { type: 'unknown', collection: false, nullable: true, beta: true } as const;

const names = (list: readonly string[]) => Object.fromEntries(list.map((n) => [n, unknownProp]));

export const complianceBetaTypes: Readonly<Record<string, GraphTypeInfo>> = {
  androidDeviceOwnerCompliancePolicy: {
    kind: 'entity', base: 'deviceCompliancePolicy', beta: true,
    properties: names([
      'advancedThreatProtectionRequiredSecurityLevel', 'deviceThreatProtectionEnabled', 'deviceThreatProtectionRequiredSecurityLevel',
      'minAndroidSecurityPatchLevel', 'osMaximumVersion', 'osMinimumVersion', 'passwordExpirationDays', 'passwordMinimumLength',
      'passwordMinimumLetterCharacters', 'passwordMinimumLowerCaseCharacters', 'passwordMinimumNonLetterCharacters',
      'passwordMinimumNumericCharacters', 'passwordMinimumSymbolCharacters', 'passwordMinimumUpperCaseCharacters',
      'passwordMinutesOfInactivityBeforeLock', 'passwordPreviousPasswordCountToBlock', 'passwordRequired', 'passwordRequiredType',
      'requireNoPendingSystemUpdates', 'securityBlockJailbrokenDevices', 'securityRequiredAndroidSafetyNetEvaluationType',
      'securityRequireIntuneAppIntegrity', 'securityRequireSafetyNetAttestationBasicIntegrity',
      'securityRequireSafetyNetAttestationCertifiedDevice', 'storageRequireEncryption',
    ]),
  },
};

/**
 * Properties that published Intune exports carry (../shared/reference/intune-exports) and the
 * beta lists of the metadata snapshot do not: renamed or newer beta properties
 * (requireAppVerify, storageRequireRemovableStorageEncryption, customComplianceRequired, localActions) and an import tool's companion
 * (IntuneHydrationKit's deviceCompliancePolicyScriptDefinition). Accepted under /beta as any JSON,
 * stored and given back, not evaluated, so that those files import as they are.
 */
export const exportOnlyProperties: Readonly<Record<string, readonly string[]>> = {
  androidCompliancePolicy: ['requireAppVerify', 'storageRequireRemovableStorageEncryption'],
  androidDeviceOwnerCompliancePolicy: ['localActions'],
  windows10CompliancePolicy: ['customComplianceRequired', 'deviceCompliancePolicyScriptDefinition'],
};
