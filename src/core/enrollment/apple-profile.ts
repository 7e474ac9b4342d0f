// Hands out an Apple enrollment profile: redeems the token (or takes a signed-in user's personal
// enrollment), records a pending enrollment, mints its one-time SCEP challenge and returns the
// signed .mobileconfig.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { StewardError, invalidInput } from '../errors.js';
import { createScepChallenge, MAX_CHALLENGE_TTL_MS } from '../scep/create-challenge.js';
import type { ScepStore } from '../scep/ports.js';
import type { UserStore } from '../directory/ports.js';
import { isLicensedForEnrollment } from '../directory/licenses.js';
import { allScope } from '../rbac/scope.js';
import { ALL_ACCESS_RIGHTS, encodeEnrollmentProfile } from '../../protocol/apple/enrollment-profile.js';
import { hashEnrollmentToken } from './enrollment-profiles.js';
import type { AppleEnrollment, AppleEnrollmentStore, EnrollmentProfile, EnrollmentProfileStore } from './ports.js';

/** The enrollment profile's PayloadIdentifier: RemoveProfile with it unenrolls a device (retire). */
export const APPLE_ENROLLMENT_PROFILE_IDENTIFIER = 'com.steward.mdm.enrollment';

/** Signs a profile (CMS SignedData, content attached); the key stays with the signer. */
export interface ProfileSigner {
  caCertificateDer(): Uint8Array;
  signProfile(content: Uint8Array): Promise<Uint8Array>;
}

export interface AppleProfileDeps {
  enrollmentProfiles: EnrollmentProfileStore;
  appleEnrollments: AppleEnrollmentStore;
  scep: ScepStore;
  users: UserStore;
  clock: Clock;
  signer: ProfileSigner;
  /** The MDM push topic (the APNs certificate's UID); undefined while no certificate is uploaded. */
  pushTopic(): Promise<string | undefined>;
  /** Steward's public https URL, without a trailing slash. */
  baseUrl: string;
  organization: string;
}

/** The paths devices use, relative to the public URL. */
export const APPLE_PATHS = { scep: '/scep', checkIn: '/mdm/apple/checkin', server: '/mdm/apple/connect' } as const;

export type AppleProfileRequest =
  | { kind: 'token'; token: string }
  /** A personal enrollment of a signed-in user (the company portal). */
  | { kind: 'user'; userId: string; platform: 'iOS' | 'macOS' };

export interface IssuedAppleProfile {
  enrollmentId: string;
  /** CMS-signed .mobileconfig (application/x-apple-aspen-config). */
  signed: Uint8Array;
  profileName: string;
}

export async function issueAppleProfile(deps: AppleProfileDeps, request: AppleProfileRequest): Promise<IssuedAppleProfile> {
  const now = deps.clock.now();
  // Without the push certificate no device could be woken, and the Topic would be wrong forever.
  // Checked after the link itself (a wrong link is wrong either way) and before a use is spent.
  const topic = await deps.pushTopic();
  const noTopic = () => new StewardError('unavailable', 'Apple devices cannot enroll yet: an administrator must upload the Apple MDM push certificate first.');
  let profile: EnrollmentProfile | undefined;
  let userId: string | null = null;
  let platform: 'iOS' | 'macOS';
  let ownership: AppleEnrollment['ownership'];
  if (request.kind === 'token') {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(request.token)) throw new StewardError('not-found', 'This enrollment link is not valid.');
    const tokenHash = hashEnrollmentToken(request.token);
    const peek = await deps.enrollmentProfiles.byTokenHash(tokenHash);
    if (!peek) throw new StewardError('not-found', 'This enrollment link is not valid.');
    if (peek.platform === 'windows10AndLater') throw invalidInput('This enrollment link is for Windows PCs: open Settings > Accounts > Access work or school and connect there.');
    if (topic === undefined) throw noTopic();
    const redeemed = await deps.enrollmentProfiles.redeem(tokenHash, now);
    switch (redeemed.outcome) {
      case 'redeemed': break;
      case 'unknown': throw new StewardError('not-found', 'This enrollment link is not valid.');
      case 'revoked': throw new StewardError('forbidden', 'This enrollment link was revoked. Ask your administrator for a new one.');
      case 'expired': throw new StewardError('forbidden', 'This enrollment link has expired. Ask your administrator for a new one.');
      case 'exhausted': throw new StewardError('forbidden', 'This enrollment link has been used as many times as allowed. Ask your administrator for a new one.');
    }
    profile = redeemed.profile;
    platform = profile.platform === 'macOS' ? 'macOS' : 'iOS';
    ownership = profile.ownership;
  } else {
    const user = await deps.users.get(request.userId, allScope);
    if (!user) throw new StewardError('not-found', `user ${request.userId} was not found.`);
    if (!isLicensedForEnrollment(user)) throw new StewardError('forbidden', 'You cannot enroll devices: your account has no Steward license, or is disabled. Contact your administrator.');
    if (topic === undefined) throw noTopic();
    userId = user.id;
    platform = request.platform;
    ownership = 'personal';
  }

  if (topic === undefined) throw noTopic(); // for the type checker: both branches checked it
  const enrollmentId = randomUUID();
  await deps.appleEnrollments.create({
    id: enrollmentId, profileId: profile?.id ?? null, userId, ownership, platform, state: 'pending',
    udid: null, serialNumber: null, enrollmentType: null, identitySerial: null, topic: null, pushToken: null, pushMagic: null,
    unlockToken: null, bootstrapToken: null, awaitingConfiguration: false, createdAt: now.toISOString(),
    authenticatedAt: null, enrolledAt: null, lastSeenAt: null, unenrolledAt: null,
  });
  const { challenge } = await createScepChallenge(deps, { enrollmentId, ttl: MAX_CHALLENGE_TTL_MS });
  const profileName = profile?.displayName ?? `${deps.organization} personal device`;
  const content = encodeEnrollmentProfile({
    identifier: APPLE_ENROLLMENT_PROFILE_IDENTIFIER,
    uuids: { profile: randomUUID().toUpperCase(), root: randomUUID().toUpperCase(), scep: randomUUID().toUpperCase(), mdm: randomUUID().toUpperCase() },
    displayName: `${deps.organization} device management`,
    organization: deps.organization,
    description: `Lets ${deps.organization} manage this device: settings, apps and security, and remote lock or erase if it is lost.`,
    caCertificateDer: deps.signer.caCertificateDer(),
    scep: {
      url: `${deps.baseUrl}${APPLE_PATHS.scep}`,
      challenge,
      subject: [[['O', deps.organization]], [['CN', `Steward device ${enrollmentId}`]]],
      keySize: 2048,
    },
    mdm: {
      serverUrl: `${deps.baseUrl}${APPLE_PATHS.server}`,
      checkInUrl: `${deps.baseUrl}${APPLE_PATHS.checkIn}`,
      topic,
      accessRights: ALL_ACCESS_RIGHTS,
      serverCapabilities: ['com.apple.mdm.per-user-connections', 'com.apple.mdm.bootstraptoken'],
    },
  });
  return { enrollmentId, signed: await deps.signer.signProfile(content), profileName };
}
