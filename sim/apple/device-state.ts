// What a simulated device holds: its hardware, its enrollment, and everything MDM can change and
// inspect (profiles, apps, certificates, lock and lost mode). The command answerers read and
// change it; SimulatedAppleDevice exposes it read-only to tests.
import type { PlistDict } from '../../src/protocol/apple/plist.js';
import type { MdmPayload } from './enrollment-profile.js';
import type { Hardware } from './hardware.js';
import type { ConfigurationProfile } from './mobileconfig.js';
import type { KeyedCertificate } from './x509.js';

export interface InstalledProfile {
  profile: ConfigurationProfile;
  /** `enrollment`: the MDM profile itself; `mdm`: installed by InstallProfile; `user`: by hand. */
  source: 'enrollment' | 'mdm' | 'user';
  installedAt: Date;
}

export interface InstalledApp {
  Identifier: string;
  Name: string;
  Version: string;
  ShortVersion: string;
  BundleSize: number;
  /** Installed by MDM (InstallApplication), hence managed and removed with the MDM profile. */
  managed: boolean;
  ManagementFlags: number;
  iTunesStoreID?: number;
  ManifestURL?: string;
  configuration?: PlistDict;
}

export interface InstalledCertificate {
  CommonName: string;
  Data: Uint8Array;
  IsIdentity: boolean;
  /** PayloadIdentifier of the profile that installed it; undefined for the user's own. */
  profile?: string;
}

export interface Enrollment {
  mdm: MdmPayload;
  /** The PayloadIdentifier of the enrollment profile. */
  profileIdentifier: string;
  identity: KeyedCertificate;
  /** The APNs token and magic the device reported in TokenUpdate. */
  pushToken: Uint8Array;
  pushMagic: string;
  /** Sent in TokenUpdate on iOS when AccessRights allow passcode removal; ClearPasscode must echo it. */
  unlockToken?: Uint8Array;
  /** User enrollments name the device by this instead of the UDID. */
  enrollmentId?: string;
  enrollmentUserId?: string;
}

export interface LostMode {
  Message?: string;
  PhoneNumber?: string;
  Footnote?: string;
  soundsPlayed: number;
}

export interface DeviceState {
  hardware: Hardware;
  supervised: boolean;
  /** Enrolled through Automated Device Enrollment (the simulator enrolls by profile; a knob for tests). */
  enrolledViaDEP: boolean;
  enrollment?: Enrollment;
  profiles: InstalledProfile[];
  apps: InstalledApp[];
  certificates: InstalledCertificate[];
  /** Certificates the user trusts (installed CA, as when accepting a profile's root). */
  trustAnchors: Uint8Array[];
  passcodePresent: boolean;
  passcodeCompliant: boolean;
  locked: boolean;
  lastLock?: { Message?: string; PhoneNumber?: string; PIN?: string; at: Date };
  lostMode?: LostMode;
  location: { Latitude: number; Longitude: number };
  erased: boolean;
  restarts: number;
  shutdowns: number;
  /** Settings items applied, by Item name, last value wins. */
  settings: Record<string, PlistDict>;
  organizationInfo?: PlistDict;
  mdmOptions?: PlistDict;
  hostName: string;
  timeZone: string;
  dataRoaming: boolean;
  voiceRoaming: boolean;
  personalHotspot: boolean;
  bluetooth: boolean;
  activationLockEnabled: boolean;
  findMyEnabled: boolean;
  osUpdatesScheduled: PlistDict[];
}

export function initialState(hardware: Hardware, o: { supervised: boolean; passcodePresent: boolean; enrolledViaDEP: boolean }): DeviceState {
  return {
    hardware,
    supervised: o.supervised,
    enrolledViaDEP: o.enrolledViaDEP,
    profiles: [],
    apps: builtInApps(hardware.platform),
    certificates: [],
    trustAnchors: [],
    passcodePresent: o.passcodePresent,
    passcodeCompliant: o.passcodePresent,
    locked: false,
    location: { Latitude: 52.3731, Longitude: 4.8922 },
    erased: false,
    restarts: 0,
    shutdowns: 0,
    settings: {},
    hostName: hardware.deviceName.replace(/[^A-Za-z0-9-]/g, '-'),
    timeZone: 'Europe/Amsterdam',
    dataRoaming: false,
    voiceRoaming: true,
    personalHotspot: false,
    bluetooth: true,
    activationLockEnabled: false,
    findMyEnabled: !o.supervised,
    osUpdatesScheduled: [],
  };
}

/** A couple of user-installed apps, so InstalledApplicationList has more than managed ones. */
function builtInApps(platform: 'iOS' | 'macOS'): InstalledApp[] {
  const app = (Identifier: string, Name: string, ShortVersion: string, BundleSize: number): InstalledApp => ({
    Identifier, Name, ShortVersion, Version: ShortVersion.replace(/\./g, ''), BundleSize, managed: false, ManagementFlags: 0,
  });
  return platform === 'iOS'
    ? [app('com.apple.Pages', 'Pages', '14.2', 512_000_000), app('com.example.notes', 'Example Notes', '3.1.4', 48_000_000)]
    : [app('com.apple.iWork.Pages', 'Pages', '14.2', 612_000_000), app('org.mozilla.firefox', 'Firefox', '132.0', 380_000_000)];
}
