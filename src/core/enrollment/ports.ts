// Enrollment: the profiles admins hand out (a token with expiry, maximum uses and revocation) and
// the enrollments devices make with them. An enrollment's id is also its managed device's id.
import type { OwnerType } from '../devices/managed-device.js';

/** Graph's devicePlatformType values for the platforms Steward enrolls. */
export type EnrollmentPlatform = 'iOS' | 'macOS' | 'windows10AndLater';

export const ENROLLMENT_PLATFORMS: readonly EnrollmentPlatform[] = ['iOS', 'macOS', 'windows10AndLater'];

/** A Steward extension resource (docs/api.md): deviceManagement/enrollmentProfiles. */
export interface EnrollmentProfile {
  id: string;
  displayName: string;
  description: string | null;
  platform: EnrollmentPlatform;
  ownership: Exclude<OwnerType, 'unknown'>;
  /** When the token stops working; null: never. */
  tokenExpirationDateTime: string | null;
  /** How many devices may enroll with the token; null: no limit. */
  maximumUses: number | null;
  usageCount: number;
  isRevoked: boolean;
  revokedDateTime: string | null;
  createdDateTime: string;
  lastModifiedDateTime: string;
  roleScopeTagIds: string[];
}

export interface EnrollmentProfileStore {
  /** Inserts a profile with the SHA-256 hex of its token (the token itself is never stored). */
  create(profile: EnrollmentProfile, tokenHash: string): Promise<void>;
  get(id: string): Promise<EnrollmentProfile | undefined>;
  list(): Promise<EnrollmentProfile[]>;
  /** Replaces the editable fields (and lastModifiedDateTime); undefined when there is no such profile. */
  update(profile: EnrollmentProfile): Promise<EnrollmentProfile | undefined>;
  setTokenHash(id: string, tokenHash: string, now: Date): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  /**
   * Counts one use of the token, atomically: refused when the profile is revoked, its token has
   * expired or every use is spent (two replicas cannot both take the last use).
   */
  redeem(tokenHash: string, now: Date): Promise<{ outcome: 'redeemed'; profile: EnrollmentProfile } | { outcome: 'unknown' | 'revoked' | 'expired' | 'exhausted' }>;
  /** The profile a token belongs to, without using it up (Windows discovery asks before it enrolls). */
  byTokenHash(tokenHash: string): Promise<EnrollmentProfile | undefined>;
}

/**
 * - `pending`: the profile was handed out (a SCEP challenge exists); no device has spoken yet.
 * - `authenticated`: Authenticate arrived; the identity certificate is bound.
 * - `enrolled`: TokenUpdate arrived: the device can be pushed and managed.
 * - `unenrolled`: CheckOut arrived, or the device was retired, wiped or deleted.
 */
export type EnrollmentState = 'pending' | 'authenticated' | 'enrolled' | 'unenrolled';

export interface AppleEnrollment {
  id: string;
  profileId: string | null;
  /** The user the enrollment was issued to (a personal profile from the portal), if any. */
  userId: string | null;
  ownership: Exclude<OwnerType, 'unknown'>;
  platform: 'iOS' | 'macOS';
  state: EnrollmentState;
  udid: string | null;
  serialNumber: string | null;
  /** 'Device' or 'User' (User Enrollment) as the device says in Authenticate. */
  enrollmentType: string | null;
  /** Serial of the identity certificate bound at Authenticate (lowercase hex). */
  identitySerial: string | null;
  topic: string | null;
  /** Hex of the APNs device token from TokenUpdate. */
  pushToken: string | null;
  pushMagic: string | null;
  /** Base64; a secret, never in an API response or a log. */
  unlockToken: string | null;
  /** Base64; a secret, never in an API response or a log. */
  bootstrapToken: string | null;
  /** TokenUpdate's AwaitingConfiguration: a Setup Assistant waiting for DeviceConfigured. */
  awaitingConfiguration: boolean;
  createdAt: string;
  authenticatedAt: string | null;
  enrolledAt: string | null;
  lastSeenAt: string | null;
  unenrolledAt: string | null;
}

export interface AppleEnrollmentStore {
  create(enrollment: AppleEnrollment): Promise<void>;
  get(id: string): Promise<AppleEnrollment | undefined>;
  /**
   * The enrollment and whether the command queue has a command due for it now (one its `next`
   * would hand out), in one statement: what a device's Idle message needs, in one round trip.
   */
  getForConnect(id: string, now: Date): Promise<{ enrollment: AppleEnrollment; commandDue: boolean } | undefined>;
  /** The active (not unenrolled) enrollment a UDID belongs to. */
  activeByUdid(udid: string): Promise<AppleEnrollment | undefined>;
  /** Writes the changed fields; returns the enrollment as stored after, or undefined if absent. */
  update(id: string, changes: Partial<Omit<AppleEnrollment, 'id' | 'createdAt'>>): Promise<AppleEnrollment | undefined>;
  /** Enrolled enrollments with a push token, for the ids given (unknown or unpushable ids are skipped). */
  pushTargets(ids: readonly string[]): Promise<{ id: string; pushToken: string; pushMagic: string; topic: string }[]>;
  /** Marks last_seen_at; cheap (one UPDATE), run on every check-in. */
  touch(id: string, now: Date): Promise<void>;
  /** Enrolled enrollments not seen since the date, a batch at a time (inventory refresh). */
  staleEnrolled(seenBefore: Date, limit: number): Promise<AppleEnrollment[]>;
}

/** A Windows PC enrolled over MS-MDE2. Its id is also its managed device's id. */
export interface WindowsEnrollment {
  id: string;
  profileId: string | null;
  /** The user who enrolled (OnPremise or Federated sign-in); null for a bulk, userless enrollment. */
  userId: string | null;
  ownership: Exclude<OwnerType, 'unknown'>;
  /** `enrolled` from the RequestSecurityTokenResponse on; `unenrolled` after Alert 1226, retire, wipe or delete. */
  state: 'enrolled' | 'unenrolled';
  /** AdditionalContext DeviceID and HWDevID from the enrollment request. */
  deviceId: string | null;
  hwDevId: string | null;
  deviceName: string | null;
  osVersion: string | null;
  osEdition: string | null;
  /** 'Full' (a user's enrollment) or 'Device' (userless). */
  enrollmentType: string;
  /** Serial of the client certificate issued at enrollment (lowercase hex, no sign octet). */
  identitySerial: string;
  identityNotAfter: string;
  createdAt: string;
  lastSeenAt: string | null;
  unenrolledAt: string | null;
  /** WNS (migration 0017): the package family name the PC accepted in DMClient Provider/…/Push/PFN. */
  wnsPfn?: string | null;
  /** The WNS channel URI the PC last reported (…/Push/ChannelURI); null when none or expired. */
  wnsChannelUri?: string | null;
  /** …/Push/Status as the PC reported it ('0': channel obtained). */
  wnsChannelStatus?: string | null;
  wnsChannelAt?: string | null;
}

/** Where to post a raw WNS notification that wakes a PC. */
export interface WindowsPushChannel {
  enrollmentId: string;
  channelUri: string;
}

export interface WindowsEnrollmentStore {
  create(enrollment: WindowsEnrollment): Promise<void>;
  get(id: string): Promise<WindowsEnrollment | undefined>;
  /** The enrollment a client certificate was issued to (enrolled or not: the caller checks state). */
  byIdentitySerial(serial: string): Promise<WindowsEnrollment | undefined>;
  /** The enrolled enrollment of a Windows DeviceID (re-enrollment replaces it). */
  activeByDeviceId(deviceId: string): Promise<WindowsEnrollment | undefined>;
  update(id: string, changes: Partial<Omit<WindowsEnrollment, 'id' | 'createdAt'>>): Promise<WindowsEnrollment | undefined>;
  touch(id: string, now: Date): Promise<void>;
  /** Enrolled PCs not seen since the date, a batch at a time (inventory refresh). */
  staleEnrolled(seenBefore: Date, limit: number): Promise<WindowsEnrollment[]>;
  /** The WNS channels of those of these enrollments that are enrolled and have one. */
  wnsChannels(ids: readonly string[]): Promise<WindowsPushChannel[]>;
  /** Forgets the channel (WNS said it expired) unless the PC has reported another since; true if forgotten. */
  clearWnsChannel(id: string, channelUri: string): Promise<boolean>;
}
