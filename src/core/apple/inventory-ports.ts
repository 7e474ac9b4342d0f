// Device inventory beyond Graph's managedDevice properties: what compliance, retire and the
// detectedApps view need, kept per device (store/device-inventory.ts, migrations/0012). Written
// from Apple's inventory answers now; the shapes are platform-neutral so that Windows' inventory
// (DevDetail, the app inventory CSP) can fill them later. Every fact is null when unknown: a device
// that never answered is not a device that said "no".

/** From DeviceInformation, beyond the managedDevice properties it fills. */
export interface HardwareFacts {
  /** Apple's product code: 'iPhone16,1', 'Mac14,2'. */
  productName?: string | null;
  /** 'iPhone', 'MacBook Air'. */
  modelName?: string | null;
  /** Apple's part number: 'MTUW3'. */
  modelNumber?: string | null;
  buildVersion?: string | null;
  isAppleSilicon?: boolean | null;
  iccid?: string | null;
  bluetoothMac?: string | null;
  /** 0–1. */
  batteryLevel?: number | null;
  isActivationLockEnabled?: boolean | null;
  isDeviceLocatorServiceEnabled?: boolean | null;
  /** Lost mode (MDM), as the device last said or as a lost-mode command last changed it. */
  isMdmLostModeEnabled?: boolean | null;
  /** A Mac that needs a six-digit PIN with DeviceLock / EraseDevice (Intel Macs). */
  pinRequiredForDeviceLock?: boolean | null;
  pinRequiredForEraseDevice?: boolean | null;
  isMultiUser?: boolean | null;
  isCloudBackupEnabled?: boolean | null;
  lastCloudBackupDateTime?: string | null;
  timeZone?: string | null;
}

/** From SecurityInfo. */
export interface SecurityFacts {
  passcodePresent: boolean | null;
  /** Compliant with every requirement on the device (Exchange included). */
  passcodeCompliant: boolean | null;
  /** Compliant with the requirements of installed profiles. */
  passcodeCompliantWithProfiles: boolean | null;
  /** iOS: 1 block-level, 2 file-level, 3 both. */
  hardwareEncryptionCaps: number | null;
  /** iOS Data Protection in effect: both encryption capabilities and a passcode. */
  dataProtectionEnabled: boolean | null;
  fileVaultEnabled: boolean | null;
  fileVaultHasPersonalRecoveryKey: boolean | null;
  fileVaultHasInstitutionalRecoveryKey: boolean | null;
  firewallEnabled: boolean | null;
  firewallBlockAllIncoming: boolean | null;
  firewallStealthMode: boolean | null;
  systemIntegrityProtectionEnabled: boolean | null;
  /** 'off' | 'medium' | 'full' | 'not supported'. */
  secureBootLevel: string | null;
  externalBootLevel: string | null;
  firmwarePasswordExists: boolean | null;
  isRecoveryLockEnabled: boolean | null;
  remoteDesktopEnabled: boolean | null;
  authenticatedRootVolumeEnabled: boolean | null;
  enrolledViaDep: boolean | null;
  userApprovedEnrollment: boolean | null;
  isUserEnrollment: boolean | null;
  isActivationLockManageable: boolean | null;
}

/** One installed app (InstalledApplicationList). */
export interface InstalledApp {
  /** The bundle identifier; the name when the device gives none. */
  identifier: string;
  displayName: string | null;
  /** The version people see (ShortVersion), else the build; '' when unknown. */
  version: string;
  /** The build (CFBundleVersion). */
  buildVersion: string | null;
  sizeInBytes: number;
}

/** One managed app's state (ManagedApplicationList): retire removes these. */
export interface ManagedAppState {
  identifier: string;
  /** Apple's status: 'Managed', 'Installing', 'ManagedButUninstalled', … */
  status: string;
  managementFlags: number;
}

/** One installed configuration profile (ProfileList). */
export interface InstalledProfile {
  identifier: string;
  uuid: string;
  displayName: string | null;
  organization: string | null;
  /** Installed by this MDM server (retire removes those). */
  isManaged: boolean;
  isEncrypted: boolean;
  removalDisallowed: boolean;
  payloadTypes: string[];
}

/** One installed certificate (CertificateList), described without the certificate itself. */
export interface InstalledCertificate {
  commonName: string;
  isIdentity: boolean;
  subject: string | null;
  issuer: string | null;
  serialNumber: string | null;
  notBefore: string | null;
  notAfter: string | null;
  /** SHA-256 of the DER, uppercase hex with colons (as node:crypto and Keychain Access show it). */
  sha256Fingerprint: string | null;
}

export type InventoryPlatform = 'apple' | 'windows';

export interface DeviceInventory {
  deviceId: string;
  platform: InventoryPlatform;
  /** When inventory commands were last queued for the device. */
  requestedAt: string | null;
  /** When the device last answered an inventory command. */
  reportedAt: string | null;
  hardwareAt: string | null;
  securityAt: string | null;
  appsAt: string | null;
  managedAppsAt: string | null;
  profilesAt: string | null;
  certificatesAt: string | null;
  hardware: HardwareFacts | null;
  security: SecurityFacts | null;
  managedApps: ManagedAppState[] | null;
  profiles: InstalledProfile[] | null;
  certificates: InstalledCertificate[] | null;
}

/** One inventory answer to store. */
export type InventoryUpdate =
  /** Merged into the facts already known (a lost-mode command changes one fact). */
  | { kind: 'hardware'; facts: HardwareFacts }
  | { kind: 'security'; facts: SecurityFacts }
  /** Replaces the device's app list. */
  | { kind: 'apps'; apps: InstalledApp[] }
  | { kind: 'managedApps'; apps: ManagedAppState[] }
  | { kind: 'profiles'; profiles: InstalledProfile[] }
  | { kind: 'certificates'; certificates: InstalledCertificate[] };

/** An app of the detectedApps view: one device's app, with how many devices have it. */
export interface DetectedAppRow extends InstalledApp {
  deviceCount: number;
}

export interface DeviceInventoryStore {
  get(deviceId: string): Promise<DeviceInventory | undefined>;
  /** Many devices' inventory in one query per few hundred ids (compliance sweeps). */
  getMany(deviceIds: readonly string[]): Promise<Map<string, DeviceInventory>>;
  /** Stores one answer; `at` is when it arrived (reportedAt and the kind's own time). */
  apply(deviceId: string, platform: InventoryPlatform, update: InventoryUpdate, at: Date): Promise<void>;
  /** A device's apps ordered by identifier then version, after the keyset cursor, with fleet-wide device counts. */
  apps(deviceId: string, options: { limit: number; after?: { identifier: string; version: string } }): Promise<DetectedAppRow[]>;
  /** Records that inventory was queued now for these devices (unconditionally). */
  markRequested(deviceIds: readonly string[], platform: InventoryPlatform, at: Date): Promise<void>;
  /**
   * Enrolled Apple devices (apple_enrollments) due for an inventory refresh: never asked, or asked
   * before `requestedBefore` and either answered since or asked before `unansweredBefore` (the
   * earlier request's commands have expired). Ordered by id, after `afterId`, at most `limit`.
   */
  appleRefreshCandidates(options: { requestedBefore: Date; unansweredBefore: Date; afterId: string; limit: number }): Promise<string[]>;
  /**
   * Marks the given devices requested at `now` if they are still due by the same rule, atomically
   * (replicas sweeping at once claim each device once); returns the ids claimed.
   */
  claimRefresh(deviceIds: readonly string[], platform: InventoryPlatform, options: { requestedBefore: Date; unansweredBefore: Date; now: Date }): Promise<string[]>;
}
