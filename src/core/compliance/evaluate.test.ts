// Evaluation per platform and per setting, from realistic inventory (the facts Apple's SecurityInfo
// and DeviceInformation and Windows' DeviceStatus CSP give), and the device's overall state.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aManagedDevice } from '../../../test/support/devices.js';
import type { DeviceInventory, SecurityFacts } from '../apple/inventory-ports.js';
import type { WindowsFacts } from '../windows/inventory-ports.js';
import { compareVersions } from './os-version.js';
import { evaluateDevice, evaluatePolicySettings } from './evaluate-device.js';
import type { DeviceFacts } from './device-facts.js';
import type { CompliancePolicy, CompliancePolicyType } from './policy.js';
import type { ManagedDevice } from '../devices/managed-device.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');

const iphoneSecurity: SecurityFacts = {
  passcodePresent: true, passcodeCompliant: true, passcodeCompliantWithProfiles: true, hardwareEncryptionCaps: 3, dataProtectionEnabled: true,
  fileVaultEnabled: null, fileVaultHasPersonalRecoveryKey: null, fileVaultHasInstitutionalRecoveryKey: null, firewallEnabled: null,
  firewallBlockAllIncoming: null, firewallStealthMode: null, systemIntegrityProtectionEnabled: null, secureBootLevel: null, externalBootLevel: null,
  firmwarePasswordExists: null, isRecoveryLockEnabled: null, remoteDesktopEnabled: null, authenticatedRootVolumeEnabled: null,
  enrolledViaDep: false, userApprovedEnrollment: null, isUserEnrollment: false, isActivationLockManageable: null,
};
const macSecurity: SecurityFacts = {
  ...iphoneSecurity, passcodePresent: null, passcodeCompliant: null, passcodeCompliantWithProfiles: null, hardwareEncryptionCaps: null, dataProtectionEnabled: null,
  fileVaultEnabled: true, firewallEnabled: false, firewallBlockAllIncoming: false, firewallStealthMode: true, systemIntegrityProtectionEnabled: true,
};

function inventory(deviceId: string, security: SecurityFacts | null): DeviceInventory {
  return {
    deviceId, platform: 'apple', requestedAt: null, reportedAt: security ? NOW.toISOString() : null, hardwareAt: null, securityAt: security ? NOW.toISOString() : null,
    appsAt: null, managedAppsAt: null, profilesAt: null, certificatesAt: null, hardware: null, security, managedApps: null, profiles: null, certificates: null,
  };
}

function facts(device: Partial<ManagedDevice>, security: SecurityFacts | null, windows?: WindowsFacts): DeviceFacts {
  const d = aManagedDevice({ lastSyncDateTime: NOW.toISOString(), ...device });
  return { device: d, inventory: security ? inventory(d.id, security) : undefined, windows };
}

function policy(type: CompliancePolicyType, settings: Record<string, unknown>, extra: Partial<CompliancePolicy> = {}): CompliancePolicy {
  return {
    id: `p-${type}`, type, displayName: type, description: null, createdDateTime: NOW.toISOString(), lastModifiedDateTime: NOW.toISOString(), version: 1,
    roleScopeTagIds: ['0'], settings, scheduledActionsForRule: [], assignments: [], ...extra,
  };
}

const states = (p: CompliancePolicy, f: DeviceFacts) => Object.fromEntries((evaluatePolicySettings(p, f) ?? []).map((s) => [s.settingName, s.state]));

describe('compliance evaluation', () => {
  it('compares versions part by part', () => {
    assert.ok((compareVersions('17.10', '17.4') ?? 0) > 0);
    assert.equal(compareVersions('17', '17.0.0'), 0);
    assert.ok((compareVersions('10.0.19045.3803', '10.0.22631.2861') ?? 0) < 0);
    assert.ok((compareVersions('18.1 (22B83)', '18.0') ?? 0) > 0);
    assert.equal(compareVersions('unknown', '1.0'), undefined);
  });

  it('iOS: passcode, OS range and jailbreak; unreported passcode properties are notApplicable', () => {
    const p = policy('iosCompliancePolicy', { passcodeRequired: true, passcodeMinimumLength: 6, osMinimumVersion: '17.0', osMaximumVersion: '18.9', securityBlockJailbrokenDevices: true, passcodeBlockSimple: false });
    assert.deepEqual(states(p, facts({ osVersion: '18.1' }, iphoneSecurity)), {
      passcodeRequired: 'compliant', osMinimumVersion: 'compliant', osMaximumVersion: 'compliant', securityBlockJailbrokenDevices: 'compliant', passcodeMinimumLength: 'notApplicable',
    });
    assert.deepEqual(states(p, facts({ osVersion: '16.7.2', jailBroken: 'True' }, { ...iphoneSecurity, passcodePresent: false })), {
      passcodeRequired: 'nonCompliant', osMinimumVersion: 'nonCompliant', osMaximumVersion: 'compliant', securityBlockJailbrokenDevices: 'nonCompliant', passcodeMinimumLength: 'notApplicable',
    });
    // No SecurityInfo yet: the passcode is unknown; MDM cannot tell a jailbreak.
    assert.deepEqual(states(p, facts({ osVersion: null, jailBroken: 'Unknown' }, null)), {
      passcodeRequired: 'unknown', osMinimumVersion: 'unknown', osMaximumVersion: 'unknown', securityBlockJailbrokenDevices: 'notApplicable', passcodeMinimumLength: 'notApplicable',
    });
  });

  it('a policy of another platform does not apply', () => {
    assert.equal(evaluatePolicySettings(policy('macOSCompliancePolicy', { osMinimumVersion: '14.0' }), facts({}, iphoneSecurity)), undefined);
    assert.equal(evaluatePolicySettings(policy('androidCompliancePolicy', { passwordRequired: true }), facts({ operatingSystem: 'Android' }, null)), undefined);
  });

  it('macOS: FileVault, firewall, stealth, SIP; the password is not reported', () => {
    const p = policy('macOSCompliancePolicy', { storageRequireEncryption: true, firewallEnabled: true, firewallEnableStealthMode: true, systemIntegrityProtectionEnabled: true, passwordRequired: true, osMinimumVersion: '14.0', gatekeeperAllowedAppSource: 'notConfigured' });
    assert.deepEqual(states(p, facts({ operatingSystem: 'macOS', osVersion: '14.5' }, macSecurity)), {
      osMinimumVersion: 'compliant', storageRequireEncryption: 'compliant', systemIntegrityProtectionEnabled: 'compliant', firewallEnabled: 'nonCompliant', firewallEnableStealthMode: 'compliant', passwordRequired: 'notApplicable',
    });
    assert.equal(states(p, facts({ operatingSystem: 'macOS', osVersion: '14.5' }, null)).storageRequireEncryption, 'unknown');
  });

  it('Windows: BitLocker, Secure Boot, TPM, firewall, antivirus, build ranges', () => {
    const p = policy('windows10CompliancePolicy', {
      bitLockerEnabled: true, secureBootEnabled: true, tpmRequired: true, activeFirewallRequired: true, antivirusRequired: true, defenderEnabled: true,
      antiSpywareRequired: true, signatureOutOfDate: true, osMinimumVersion: '10.0.22631', passwordRequired: true, codeIntegrityEnabled: true,
      validOperatingSystemBuildRanges: [{ lowestVersion: '10.0.22631.0', highestVersion: '10.0.22631.9999' }],
    });
    const healthy: WindowsFacts = { encryptionCompliant: true, secureBootState: 'enabled', tpmSpecificationVersion: '2.0', firewallStatus: 0, antivirusStatus: 0, antispywareStatus: 0, antivirusSignatureStatus: 1, devicePasswordEnabled: true };
    const win = { operatingSystem: 'Windows', osVersion: '10.0.22631.2861' };
    assert.deepEqual(states(p, facts(win, null, healthy)), {
      osMinimumVersion: 'compliant', validOperatingSystemBuildRanges: 'compliant', bitLockerEnabled: 'compliant', secureBootEnabled: 'compliant', tpmRequired: 'compliant',
      activeFirewallRequired: 'compliant', antivirusRequired: 'compliant', defenderEnabled: 'compliant', antiSpywareRequired: 'compliant', signatureOutOfDate: 'compliant',
      passwordRequired: 'compliant', codeIntegrityEnabled: 'notApplicable',
    });
    const unhealthy: WindowsFacts = { encryptionCompliant: false, secureBootState: 'disabled', tpmSpecificationVersion: null, firewallStatus: 1, antivirusStatus: 2, antispywareStatus: null, antivirusSignatureStatus: 0, devicePasswordEnabled: false };
    assert.deepEqual(states(p, facts({ ...win, osVersion: '10.0.19045.3803' }, null, unhealthy)), {
      osMinimumVersion: 'nonCompliant', validOperatingSystemBuildRanges: 'nonCompliant', bitLockerEnabled: 'nonCompliant', secureBootEnabled: 'nonCompliant', tpmRequired: 'nonCompliant',
      activeFirewallRequired: 'nonCompliant', antivirusRequired: 'nonCompliant', defenderEnabled: 'nonCompliant', antiSpywareRequired: 'notApplicable', signatureOutOfDate: 'nonCompliant',
      passwordRequired: 'nonCompliant', codeIntegrityEnabled: 'notApplicable',
    });
    assert.equal(states(p, facts(win, null, undefined)).secureBootEnabled, 'unknown');
    assert.equal(states(p, facts(win, null, undefined)).passwordRequired, 'unknown');
    // A PC without the Policy CSP's node (404): not reported by the platform.
    assert.equal(states(p, facts(win, null, { ...healthy, devicePasswordEnabled: null })).passwordRequired, 'notApplicable');
  });

  describe('overall complianceState', () => {
    const settings = { deviceComplianceCheckinThresholdDays: 30, secureByDefault: false };
    const ios = policy('iosCompliancePolicy', { osMinimumVersion: '17.0' });

    it('compliant, noncompliant, unknown', () => {
      const run = (f: DeviceFacts) => evaluateDevice({ facts: f, policies: [ios], previous: [], settings, userName: null, now: NOW }).overall;
      assert.equal(run(facts({ osVersion: '18.1' }, iphoneSecurity)), 'compliant');
      assert.equal(run(facts({ osVersion: '16.0' }, iphoneSecurity)), 'noncompliant');
      assert.equal(run(facts({ osVersion: null }, null)), 'unknown');
    });

    it('no policy: secureByDefault decides', () => {
      const f = facts({}, iphoneSecurity);
      assert.equal(evaluateDevice({ facts: f, policies: [], previous: [], settings, userName: null, now: NOW }).overall, 'compliant');
      assert.equal(evaluateDevice({ facts: f, policies: [], previous: [], settings: { ...settings, secureByDefault: true }, userName: null, now: NOW }).overall, 'noncompliant');
      // Only a policy of another platform: as good as none.
      assert.equal(evaluateDevice({ facts: f, policies: [policy('windows10CompliancePolicy', { bitLockerEnabled: true })], previous: [], settings: { ...settings, secureByDefault: true }, userName: null, now: NOW }).overall, 'noncompliant');
    });

    it('a device not seen within the check-in threshold is noncompliant', () => {
      const f = facts({ osVersion: '18.1', lastSyncDateTime: new Date(NOW.getTime() - 31 * 86_400_000).toISOString() }, iphoneSecurity);
      assert.equal(evaluateDevice({ facts: f, policies: [ios], previous: [], settings, userName: null, now: NOW }).overall, 'noncompliant');
      assert.equal(evaluateDevice({ facts: f, policies: [ios], previous: [], settings: { ...settings, deviceComplianceCheckinThresholdDays: 45 }, userName: null, now: NOW }).overall, 'compliant');
    });

    it('the block action\'s grace period: inGracePeriod from the first noncompliant evaluation, then noncompliant', () => {
      const graced = { ...ios, scheduledActionsForRule: [{ ruleName: 'PasswordRequired', scheduledActionConfigurations: [{ actionType: 'block' as const, gracePeriodHours: 24, notificationTemplateId: null, notificationMessageCCList: [] }] }] };
      const f = facts({ osVersion: '16.0' }, iphoneSecurity);
      const first = evaluateDevice({ facts: f, policies: [graced], previous: [], settings, userName: null, now: NOW });
      assert.equal(first.overall, 'inGracePeriod');
      assert.equal(first.states[0]?.noncompliantSince, NOW.toISOString());
      const later = new Date(NOW.getTime() + 25 * 3600_000);
      const second = evaluateDevice({ facts: f, policies: [graced], previous: first.states, settings, userName: null, now: later });
      assert.equal(second.states[0]?.noncompliantSince, NOW.toISOString());
      assert.equal(second.overall, 'noncompliant');
    });
  });
});
