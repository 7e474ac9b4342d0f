// Enrolls a Windows PC ([MS-WSTEP] RequestSecurityToken as [MS-MDE2] §3.4 profiles it): checks
// the credential and the certificate request, issues the client certificate from Steward's CA
// (CN = the new enrollment's id), records the enrollment and its managed device, and returns the
// wap-provisioningdoc that points the PC's OMA-DM client at the management endpoint.
import { createPublicKey, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { enrolledDevice, type ManagedDevice } from '../devices/managed-device.js';
import type { ManagedDeviceStore } from '../devices/ports.js';
import type { MembershipEngine } from '../directory/dynamic-membership.js';
import type { User } from '../directory/user.js';
import { StewardError } from '../errors.js';
import { decodeCertificationRequest } from '../../protocol/scep/csr.js';
import { ScepProtocolError } from '../../protocol/scep/errors.js';
import { encodeProvisioningDoc, type PollSchedule } from '../../protocol/windows/provisioning.js';
import { contextValue, type RequestSecurityToken } from '../../protocol/windows/wstep.js';
import type { WindowsEnrollment, WindowsEnrollmentStore } from './ports.js';
import type { WindowsIdentityIssuer } from './windows-ports.js';
import { checkWindowsCredential, spendWindowsCredential, type WindowsCredentialDeps, type WindowsEnrollee } from './windows-credential.js';
import { WINDOWS_IDENTITY_VALIDITY_DAYS, WINDOWS_MINIMAL_KEY_LENGTH, WINDOWS_PATHS, WINDOWS_SERVER_ID } from './windows-paths.js';
import { refuse } from './windows-refusal.js';

export type WindowsEnrollDeps = WindowsCredentialDeps & {
  windowsEnrollments: WindowsEnrollmentStore;
  devices: ManagedDeviceStore;
  memberships: MembershipEngine;
  clock: Clock;
  ca: WindowsIdentityIssuer;
  /** Steward's public https URL, without a trailing slash. */
  baseUrl: string;
  /** The account name Windows shows under Access work or school. */
  organization: string;
  /** An enrollment replaced by a re-enrollment of the same PC ended (its record may go, as Apple's do). */
  onUnenrolled?: (enrollmentId: string) => Promise<void>;
};

export interface WindowsEnrollResult {
  enrollment: WindowsEnrollment;
  /** The wap-provisioningdoc for the RequestSecurityTokenResponse. */
  provisioningXml: string;
  certificatePem: string;
  /** The enrollment this one replaced (same DeviceID), if any. */
  replaced?: string;
}

/**
 * DMClient polling: every 3 minutes for the first quarter hour, every 15 minutes for the next
 * two hours, then once a day for ever ([MS-MDE2] §2.2.9.3: the long-run interval is 0 or at
 * least 1440 minutes). Push (WNS) wakes PCs sooner once it exists.
 */
export const WINDOWS_POLL_SCHEDULE: PollSchedule = {
  intervalForFirstSetOfRetries: 3,
  numberOfFirstRetries: 5,
  intervalForSecondSetOfRetries: 15,
  numberOfSecondRetries: 8,
  intervalForRemainingScheduledRetries: 1440,
  numberOfRemainingScheduledRetries: 0,
  pollOnLogin: true,
  allUsersPollOnFirstLogin: true,
};

const MAX_CONTEXT_VALUE = 256;

function context(rst: RequestSecurityToken, name: string): string | null {
  const v = contextValue(rst, name);
  if (v === undefined || v === '') return null;
  if (v.length > MAX_CONTEXT_VALUE) throw refuse('message-format', `The enrollment request's ${name} is longer than ${MAX_CONTEXT_VALUE} characters.`);
  return v;
}

/** The CSR, its self-signature checked (proof of possession), and a key the policy allows. */
function checkCertificateRequest(rst: RequestSecurityToken): { subject: Uint8Array; publicKey: Uint8Array } {
  if (rst.csrFormat !== 'pkcs10') throw refuse('certificate-request', 'The certificate request must be a PKCS #10 request.');
  let fields: ReturnType<typeof decodeCertificationRequest>;
  try {
    fields = decodeCertificationRequest(rst.csr);
  } catch (err) {
    if (err instanceof ScepProtocolError) throw refuse('certificate-request', err.reason === 'bad-signature' ? 'The certificate request is not signed by its own key.' : 'The certificate request cannot be read.');
    throw err;
  }
  let details: ReturnType<typeof createPublicKey>['asymmetricKeyDetails'];
  let type: string | undefined;
  try {
    const key = createPublicKey({ key: Buffer.from(fields.publicKey), format: 'der', type: 'spki' });
    details = key.asymmetricKeyDetails;
    type = key.asymmetricKeyType;
  } catch {
    throw refuse('certificate-request', 'The certificate request carries a public key that cannot be read.');
  }
  const strongRsa = type === 'rsa' && (details?.modulusLength ?? 0) >= WINDOWS_MINIMAL_KEY_LENGTH;
  const strongEc = type === 'ec' && (details?.namedCurve === 'prime256v1' || details?.namedCurve === 'secp384r1');
  if (!strongRsa && !strongEc) throw refuse('certificate-request', `The certificate request's key is too weak: use RSA of at least ${WINDOWS_MINIMAL_KEY_LENGTH} bits.`);
  return fields;
}

export async function enrollWindowsDevice(deps: WindowsEnrollDeps, input: { request: RequestSecurityToken }): Promise<WindowsEnrollResult> {
  const rst = input.request;
  if (rst.requestType !== 'Issue') {
    throw refuse('renewal', 'Steward does not renew Windows enrollment certificates yet: remove the work access and enroll again.');
  }
  // Who, then what: the credential first (nothing spent), then the request's own checks, and only
  // then the one-time use, so that a bad request never costs a token its use.
  const checked = await checkWindowsCredential(deps, rst.credential);
  const csr = checkCertificateRequest(rst);
  const deviceId = context(rst, 'DeviceID');
  const hwDevId = context(rst, 'HWDevID');
  const deviceName = context(rst, 'DeviceName');
  const osVersion = context(rst, 'OSVersion');
  const osEdition = context(rst, 'OSEdition');
  const imei = context(rst, 'IMEI');
  const enrollmentType = rst.enrollmentType ?? 'Full';
  // The same PC enrolling again (a reset, or work access removed and added) replaces its old
  // enrollment. The same hardware reports the same HWDevID: a request that names another PC's
  // DeviceID with another HWDevID is refused, so a credential cannot push a stranger's PC out.
  const previous = deviceId === null ? undefined : await deps.windowsEnrollments.activeByDeviceId(deviceId);
  if (previous && previous.hwDevId !== null && hwDevId !== previous.hwDevId) {
    throw refuse('authorization', `DeviceID ${deviceId ?? ''} is enrolled with another hardware id (HWDevID)`);
  }
  const enrollee: WindowsEnrollee = await spendWindowsCredential(deps, checked);

  const now = deps.clock.now();
  const id = randomUUID();
  let issued: Awaited<ReturnType<typeof deps.ca.issue>>;
  try {
    issued = await deps.ca.issue({ subject: `CN=${id}`, publicKey: csr.publicKey, usage: 'device-identity', validityDays: WINDOWS_IDENTITY_VALIDITY_DAYS });
  } catch (err) {
    if (err instanceof StewardError && err.code === 'invalid-input') throw refuse('certificate-request', `The certificate request was refused: ${err.message}`);
    throw err;
  }

  const user = enrollee.kind === 'user' ? enrollee.user : undefined;
  const profile = enrollee.kind === 'profile' ? enrollee.profile : undefined;
  const enrollment: WindowsEnrollment = {
    id,
    profileId: profile?.id ?? null,
    userId: user?.id ?? null,
    // A person's own enrollment is a personal device (BYOD); a profile says what its devices are.
    ownership: profile?.ownership ?? 'personal',
    state: 'enrolled',
    deviceId,
    hwDevId,
    deviceName,
    osVersion,
    osEdition,
    enrollmentType,
    identitySerial: issued.serialNumber,
    identityNotAfter: issued.notAfter.toISOString(),
    createdAt: now.toISOString(),
    lastSeenAt: null,
    unenrolledAt: null,
  };

  let replaced: string | undefined;
  if (previous) {
    await deps.windowsEnrollments.update(previous.id, { state: 'unenrolled', unenrolledAt: now.toISOString() });
    await deps.onUnenrolled?.(previous.id);
    replaced = previous.id;
  }
  await deps.windowsEnrollments.create(enrollment);
  const device = deviceRecord(enrollment, user, profile?.displayName ?? null, imei, now);
  await deps.devices.put(device);
  await deps.memberships.refreshDevice({ ...device, roleScopeTagIds: ['0'] });

  const provisioningXml = encodeProvisioningDoc({
    serverId: WINDOWS_SERVER_ID,
    serverName: deps.organization,
    managementUrl: `${deps.baseUrl}${WINDOWS_PATHS.management}`,
    enrollmentType: enrollmentType === 'Device' ? 'device' : 'user',
    rootCertificate: deps.ca.caCertificateDer(),
    clientCertificate: issued.der,
    clientCertificateSubject: `CN=${id}`,
    poll: WINDOWS_POLL_SCHEDULE,
    // Both APPAUTH levels must be present ([MS-MDE2] §2.2.9.5); Steward authenticates PCs by their
    // client certificate (mutual TLS), so these are random and not kept.
    appAuth: {
      serverToClient: { secret: randomBytes(24).toString('base64url'), nonce: randomBytes(16) },
      clientToServer: { name: id, secret: randomBytes(24).toString('base64url'), type: 'DIGEST' },
    },
    entDmId: id,
    ...(deviceName !== null ? { entDeviceName: deviceName } : {}),
    ...(user ? { upn: user.userPrincipalName } : {}),
  });
  return { enrollment, provisioningXml, certificatePem: issued.pem, ...(replaced !== undefined ? { replaced } : {}) };
}

function deviceRecord(e: WindowsEnrollment, user: User | undefined, profileName: string | null, imei: string | null, now: Date): Omit<ManagedDevice, 'roleScopeTagIds'> {
  // Model, manufacturer and serial are known once the management endpoint has read DevDetail.
  return enrolledDevice({
    id: e.id,
    deviceName: e.deviceName,
    operatingSystem: 'Windows',
    osVersion: e.osVersion,
    imei,
    managedDeviceOwnerType: e.ownership,
    // Graph's deviceEnrollmentType: a person's own MDM-only enrollment is "user driven enrollment
    // through BYOD channel" (userEnrollment); an enrollment link's is bulk and userless.
    deviceEnrollmentType: user ? 'userEnrollment' : 'windowsBulkUserless',
    enrollmentProfileName: profileName,
  }, user, now);
}
