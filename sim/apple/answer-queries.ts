// Answers to the inventory commands: DeviceInformation, SecurityInfo and the installed-things
// lists. Keys and shapes follow Apple's response schema (COMMAND_RESPONSE_KEYS); which queries an
// OS answers, and the access right each needs, follow device-queries.generated.ts.
import { X509Certificate } from 'node:crypto';
import type { PlistDict, PlistValue } from '../../src/protocol/apple/plist.js';
import { ACCESS_RIGHT_BITS } from './command-support.js';
import { DEVICE_QUERIES } from './device-queries.generated.js';
import type { DeviceState } from './device-state.js';

/** QueryResponses for the queries asked: unknown, unsupported or unauthorised queries are left out. */
export function deviceInformation(s: DeviceState, queries: readonly string[]): PlistDict {
  const hw = s.hardware;
  const e = s.enrollment;
  const userEnrollment = e?.mdm.userEnrollment === true;
  const rights = userEnrollment ? Number.MAX_SAFE_INTEGER : e?.mdm.AccessRights ?? 0;
  const ios = hw.platform === 'iOS';
  const cellular = hw.imei !== undefined;
  // Values a device can report; a query whose value is undefined here is not answered.
  const values: Record<string, PlistValue | undefined> = {
    UDID: hw.udid,
    ProvisioningUDID: ios ? undefined : hw.udid,
    DeviceName: hw.deviceName,
    OSVersion: hw.osVersion,
    BuildVersion: hw.buildVersion,
    ModelName: hw.modelName,
    Model: hw.model,
    ModelNumber: hw.modelNumber,
    ProductName: hw.productName,
    SerialNumber: hw.serialNumber,
    IsAppleSilicon: hw.isAppleSilicon,
    DeviceCapacity: hw.capacityGb,
    AvailableDeviceCapacity: hw.availableGb,
    BatteryLevel: hw.batteryLevel,
    HasBattery: hw.batteryLevel !== undefined,
    IMEI: hw.imei,
    MEID: hw.meid,
    ModemFirmwareVersion: cellular ? '2.01.03' : undefined,
    CellularTechnology: ios ? (cellular ? 3 : 0) : undefined,
    ICCID: hw.iccid,
    PhoneNumber: hw.phoneNumber,
    CurrentCarrierNetwork: cellular ? 'Example Mobile' : undefined,
    SIMCarrierNetwork: cellular ? 'Example Mobile' : undefined,
    SubscriberCarrierNetwork: cellular ? 'Example Mobile' : undefined,
    CarrierSettingsVersion: cellular ? '60.0' : undefined,
    SubscriberMCC: cellular ? '204' : undefined,
    SubscriberMNC: cellular ? '08' : undefined,
    CurrentMCC: cellular ? '204' : undefined,
    CurrentMNC: cellular ? '08' : undefined,
    IsRoaming: cellular ? false : undefined,
    DataRoamingEnabled: cellular ? s.dataRoaming : undefined,
    VoiceRoamingEnabled: cellular ? s.voiceRoaming : undefined,
    PersonalHotspotEnabled: cellular ? s.personalHotspot : undefined,
    ServiceSubscriptions: cellular ? [{
      Slot: 'CTSubscriptionSlotOne', IMEI: hw.imei ?? '', ICCID: hw.iccid ?? '', PhoneNumber: hw.phoneNumber ?? '',
      CarrierSettingsVersion: '60.0', CurrentCarrierNetwork: 'Example Mobile', IsDataPreferred: true, IsVoicePreferred: true,
      IsRoaming: false, Label: 'Primary', LabelID: 'A1B2C3D4-0000-4000-8000-000000000001',
    }] : undefined,
    WiFiMAC: hw.wifiMac,
    BluetoothMAC: hw.bluetoothMac,
    EthernetMAC: hw.ethernetMac,
    IsSupervised: s.supervised,
    IsMultiUser: false,
    IsDeviceLocatorServiceEnabled: s.findMyEnabled,
    IsActivationLockEnabled: s.activationLockEnabled,
    IsActivationLockSupported: true,
    IsDoNotDisturbInEffect: false,
    IsCloudBackupEnabled: ios ? false : undefined,
    IsMDMLostModeEnabled: ios ? s.lostMode !== undefined : undefined,
    AwaitingConfiguration: false,
    EASDeviceIdentifier: ios ? hw.serialNumber.padEnd(32, '0').slice(0, 32) : undefined,
    iTunesStoreAccountIsActive: false,
    OrganizationInfo: s.organizationInfo,
    MDMOptions: s.mdmOptions,
    TimeZone: s.timeZone,
    LocalHostName: ios ? undefined : s.hostName,
    HostName: ios ? undefined : `${s.hostName}.local`,
    SystemIntegrityProtectionEnabled: ios ? undefined : true,
    SupportsLOMDevice: ios ? undefined : false,
    // The simulated Mac asks for a PIN for both (sim/README.md).
    PINRequiredForDeviceLock: ios ? undefined : true,
    PINRequiredForEraseDevice: ios ? undefined : true,
    PushToken: e?.pushToken,
    DiagnosticSubmissionEnabled: false,
    AppAnalyticsEnabled: false,
    SoftwareUpdateDeviceID: ios ? undefined : `J516sAP`,
    OSUpdateSettings: ios ? undefined : {
      CatalogURL: '', IsDefaultCatalog: true, PerformPeriodicCheck: true, AutoCheckEnabled: true,
      BackgroundDownloadEnabled: true, AutomaticAppInstallationEnabled: true, AutomaticOSInstallationEnabled: false,
      AutomaticSecurityUpdatesEnabled: true,
    },
  };
  const out: PlistDict = {};
  for (const q of queries) {
    const support = DEVICE_QUERIES[q]?.[hw.platform];
    if (support === undefined) continue;
    if (userEnrollment && !support.userEnrollment) continue;
    if (support.right !== undefined && (rights & (ACCESS_RIGHT_BITS[support.right] ?? 0)) === 0) continue;
    const v = values[q];
    if (v !== undefined) out[q] = v;
  }
  return { QueryResponses: out };
}

export function securityInfo(s: DeviceState): PlistDict {
  const userEnrollment = s.enrollment?.mdm.userEnrollment === true;
  if (s.hardware.platform === 'iOS') {
    return {
      SecurityInfo: {
        // Apple: bit 0 block-level, bit 1 file-level encryption; every iOS device has both.
        HardwareEncryptionCaps: 3,
        PasscodePresent: s.passcodePresent,
        PasscodeCompliant: s.passcodeCompliant,
        PasscodeCompliantWithProfiles: s.passcodeCompliant,
        PasscodeLockGracePeriodEnforced: 0,
        ManagementStatus: { IsUserEnrollment: userEnrollment },
      },
    };
  }
  return {
    SecurityInfo: {
      FDE_Enabled: true,
      FDE_HasPersonalRecoveryKey: true,
      FDE_HasInstitutionalRecoveryKey: false,
      SystemIntegrityProtectionEnabled: true,
      FirewallSettings: { FirewallEnabled: true, BlockAllIncoming: false, StealthMode: false, Applications: [] },
      ManagementStatus: { EnrolledViaDEP: s.enrolledViaDEP, UserApprovedEnrollment: true, IsUserEnrollment: userEnrollment, IsActivationLockManageable: s.supervised },
      SecureBoot: { SecureBootLevel: 'full', ExternalBootLevel: 'not supported' },
      RemoteDesktopEnabled: false,
      AuthenticatedRootVolumeEnabled: true,
      BootstrapTokenAllowedForAuthentication: 'not supported',
      BootstrapTokenRequiredForSoftwareUpdate: false,
      BootstrapTokenRequiredForKernelExtensionApproval: false,
      IsRecoveryLockEnabled: false,
    },
  };
}

export function installedApplicationList(s: DeviceState, request: PlistDict): PlistDict {
  const ids = Array.isArray(request.Identifiers) ? request.Identifiers.filter((x): x is string => typeof x === 'string') : undefined;
  const managedOnly = request.ManagedAppsOnly === true;
  const apps = s.apps.filter((a) => (ids === undefined || ids.includes(a.Identifier)) && (!managedOnly || a.managed));
  return {
    InstalledApplicationList: apps.map((a) => ({
      Identifier: a.Identifier, Name: a.Name, Version: a.Version, ShortVersion: a.ShortVersion, BundleSize: a.BundleSize,
      ExternalVersionIdentifier: 0, Installing: false, IsValidated: true, AppStoreVendable: a.iTunesStoreID !== undefined,
      BetaApp: false, AdHocCodeSigned: false, HasUpdateAvailable: false, IsAppClip: false,
      ...(a.managed ? {} : { Source: s.hardware.platform === 'iOS' ? 'AppStore' : 'Unknown' }),
    })),
  };
}

export function managedApplicationList(s: DeviceState, request: PlistDict): PlistDict {
  const ids = Array.isArray(request.Identifiers) ? request.Identifiers.filter((x): x is string => typeof x === 'string') : undefined;
  const list: PlistDict = {};
  for (const a of s.apps) {
    if (!a.managed || (ids !== undefined && !ids.includes(a.Identifier))) continue;
    list[a.Identifier] = { Status: 'Managed', ManagementFlags: a.ManagementFlags, HasConfiguration: a.configuration !== undefined, HasFeedback: false, IsValidated: true, ExternalVersionIdentifier: 0 };
  }
  return { ManagedApplicationList: list };
}

export function profileList(s: DeviceState, request: PlistDict): PlistDict {
  const managedOnly = request.ManagedOnly === true;
  return {
    ProfileList: s.profiles.filter((p) => !managedOnly || p.source !== 'user').map(({ profile: p, source }) => {
      const item: PlistDict = {
        PayloadIdentifier: p.PayloadIdentifier, PayloadUUID: p.PayloadUUID, PayloadVersion: p.PayloadVersion,
        PayloadRemovalDisallowed: p.PayloadRemovalDisallowed, HasRemovalPasscode: p.HasRemovalPasscode,
        IsEncrypted: p.IsEncrypted, IsManaged: source !== 'user',
        PayloadContent: p.payloads.map((x) => {
          const c: PlistDict = { PayloadType: x.PayloadType, PayloadVersion: x.PayloadVersion, PayloadIdentifier: x.PayloadIdentifier, PayloadUUID: x.PayloadUUID };
          if (x.PayloadDisplayName !== undefined) c.PayloadDisplayName = x.PayloadDisplayName;
          if (x.PayloadDescription !== undefined) c.PayloadDescription = x.PayloadDescription;
          if (x.PayloadOrganization !== undefined) c.PayloadOrganization = x.PayloadOrganization;
          return c;
        }),
      };
      if (p.PayloadDisplayName !== undefined) item.PayloadDisplayName = p.PayloadDisplayName;
      if (p.PayloadOrganization !== undefined) item.PayloadOrganization = p.PayloadOrganization;
      if (p.PayloadDescription !== undefined) item.PayloadDescription = p.PayloadDescription;
      if (p.signerCertificates.length > 0) item.SignerCertificates = p.signerCertificates;
      return item;
    }),
  };
}

export function certificateList(s: DeviceState, request: PlistDict): PlistDict {
  const managedOnly = request.ManagedOnly === true;
  return {
    CertificateList: s.certificates.filter((c) => !managedOnly || c.profile !== undefined)
      .map((c) => ({ CommonName: c.CommonName, IsIdentity: c.IsIdentity, Data: c.Data })),
  };
}

/** The CommonName CertificateList shows: the subject CN, or the whole subject when there is none. */
export function commonName(der: Uint8Array): string {
  const subject = new X509Certificate(der).subject;
  return /(?:^|\n)CN=([^\n]*)/.exec(subject)?.[1] ?? subject.replace(/\n/g, ', ');
}
