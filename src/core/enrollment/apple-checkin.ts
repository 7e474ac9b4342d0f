// Apple's check-in protocol (the CheckInURL): Authenticate binds a device to the enrollment its
// identity certificate belongs to, TokenUpdate makes it manageable, CheckOut ends it. The caller
// (the route) has proven which enrollment the message comes from (its identity certificate);
// this decides whether the message is right for that enrollment.
import type { Clock } from '../clock.js';
import { StewardError } from '../errors.js';
import { enrolledDevice, type ManagedDevice } from '../devices/managed-device.js';
import type { ManagedDeviceStore } from '../devices/ports.js';
import type { UserStore } from '../directory/ports.js';
import type { MembershipEngine } from '../directory/dynamic-membership.js';
import { allScope } from '../rbac/scope.js';
import type { DeviceWaker } from '../push/ports.js';
import type { CheckinMessage, CheckinMessageOf } from '../../protocol/apple/checkin.js';
import type { PlistDict } from '../../protocol/apple/plist.js';
import type { AppleEnrollment, AppleEnrollmentStore, EnrollmentProfileStore } from './ports.js';

export interface AppleCheckinDeps {
  appleEnrollments: AppleEnrollmentStore;
  enrollmentProfiles: EnrollmentProfileStore;
  devices: ManagedDeviceStore;
  users: UserStore;
  memberships: MembershipEngine;
  clock: Clock;
  waker?: DeviceWaker;
  /** The push topic devices must use (the APNs certificate's), or undefined when none is uploaded. */
  pushTopic(): Promise<string | undefined>;
  /** Queues the first inventory for newly enrolled devices (core/apple/inventory-commands.ts). */
  onEnrolled?: (enrollmentIds: readonly string[]) => Promise<void>;
  /** A device left (CheckOut): its record goes, as Intune's does when a retire completes. */
  onUnenrolled?: (enrollmentId: string) => Promise<void>;
}

/**
 * What to answer: a plist dictionary, raw bytes (DeclarativeManagement's JSON), or 410 Gone
 * (UserAuthenticate: Apple's documented "no user authentication needed" answer).
 */
export type CheckinAnswer =
  | { kind: 'empty' }
  | { kind: 'plist'; body: PlistDict }
  | { kind: 'json'; body: unknown }
  | { kind: 'gone' };

/** 'device-identity' maps to 403 on the device endpoints: never 401, which unenrolls Apple devices. */
const refuse = (message: string) => new StewardError('device-identity', message);

export async function handleAppleCheckin(deps: AppleCheckinDeps, input: { enrollmentId: string; identitySerial: string; message: CheckinMessage }): Promise<CheckinAnswer> {
  const enrollment = await deps.appleEnrollments.get(input.enrollmentId);
  if (!enrollment) throw refuse(`enrollment ${input.enrollmentId} does not exist`);
  if (enrollment.state === 'unenrolled') throw refuse(`enrollment ${enrollment.id} has ended (${enrollment.unenrolledAt ?? 'unenrolled'})`);
  const msg = input.message;
  const deviceId = msg.UDID ?? msg.EnrollmentID;
  if (msg.MessageType === 'Authenticate') return authenticate(deps, enrollment, input.identitySerial, msg);
  // Every later message must come from the device that authenticated with this identity.
  if (enrollment.state === 'pending') throw refuse(`${msg.MessageType} before Authenticate`);
  if (deviceId !== enrollment.udid) throw refuse(`${msg.MessageType} names device ${String(deviceId)}, but this identity belongs to another device`);
  if (enrollment.identitySerial !== input.identitySerial) throw refuse('the identity certificate is not the one bound at Authenticate');
  const now = deps.clock.now();
  switch (msg.MessageType) {
    case 'TokenUpdate': return tokenUpdate(deps, enrollment, msg);
    case 'CheckOut': {
      await deps.appleEnrollments.update(enrollment.id, { state: 'unenrolled', unenrolledAt: now.toISOString(), pushToken: null, pushMagic: null });
      await deps.onUnenrolled?.(enrollment.id);
      return { kind: 'empty' };
    }
    case 'UserAuthenticate':
      // Steward does not authenticate macOS users on the user channel: 410 tells the device so.
      return { kind: 'gone' };
    case 'SetBootstrapToken': {
      const token = msg.BootstrapToken;
      await deps.appleEnrollments.update(enrollment.id, { bootstrapToken: token && token.length > 0 ? Buffer.from(token).toString('base64') : null });
      return { kind: 'empty' };
    }
    case 'GetBootstrapToken':
      return enrollment.bootstrapToken === null
        ? { kind: 'plist', body: {} }
        : { kind: 'plist', body: { BootstrapToken: Buffer.from(enrollment.bootstrapToken, 'base64') } };
    case 'DeclarativeManagement':
      return declarativeManagement(msg, enrollment);
    case 'GetToken':
      throw new StewardError('invalid-input', `GetToken for ${msg.TokenServiceType} is not supported (the server does not advertise com.apple.mdm.token)`);
  }
}

async function authenticate(deps: AppleCheckinDeps, enrollment: AppleEnrollment, identitySerial: string, msg: CheckinMessageOf<'Authenticate'>): Promise<CheckinAnswer> {
  const deviceId = msg.UDID ?? msg.EnrollmentID ?? '';
  if (enrollment.state !== 'pending' && enrollment.udid !== deviceId) {
    throw refuse(`Authenticate names device ${deviceId}, but this identity belongs to another device`);
  }
  if (enrollment.identitySerial !== null && enrollment.identitySerial !== identitySerial) {
    throw refuse('the enrollment is bound to another identity certificate');
  }
  const topic = await deps.pushTopic();
  if (topic !== undefined && msg.Topic !== topic) throw new StewardError('invalid-input', `Topic ${msg.Topic} is not this server's push topic`);
  const now = deps.clock.now();
  // A device enrolling again replaces its earlier enrollment (a wiped or re-enrolled device). The
  // same hardware reports the same serial number: a message that names another device's UDID with
  // another serial is refused, so that an enrollment token cannot push a stranger's device out.
  const previous = await deps.appleEnrollments.activeByUdid(deviceId);
  if (previous && previous.id !== enrollment.id && previous.serialNumber !== null && msg.SerialNumber !== previous.serialNumber) {
    throw refuse(`Authenticate names device ${deviceId}, enrolled with another serial number`);
  }
  if (previous && previous.id !== enrollment.id) {
    await deps.appleEnrollments.update(previous.id, { state: 'unenrolled', unenrolledAt: now.toISOString(), pushToken: null, pushMagic: null });
    await deps.onUnenrolled?.(previous.id);
  }
  await deps.appleEnrollments.update(enrollment.id, {
    state: enrollment.state === 'pending' ? 'authenticated' : enrollment.state,
    udid: deviceId,
    serialNumber: msg.SerialNumber ?? null,
    enrollmentType: msg.EnrollmentID !== undefined ? 'User' : 'Device',
    identitySerial,
    topic: msg.Topic,
    authenticatedAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
  });
  const device = await deviceRecord(deps, enrollment, msg, now);
  await deps.devices.put(device);
  await deps.memberships.refreshDevice({ ...device, roleScopeTagIds: ['0'] });
  return { kind: 'empty' };
}

function operatingSystem(msg: CheckinMessageOf<'Authenticate'>, fallback: AppleEnrollment['platform']): string {
  const product = msg.ProductName ?? msg.Model ?? '';
  if (/^iPad/i.test(product)) return 'iPadOS';
  if (/^(iPhone|iPod)/i.test(product)) return 'iOS';
  if (/^(Mac|iMac|VirtualMac)/i.test(product)) return 'macOS';
  return fallback;
}

async function deviceRecord(deps: AppleCheckinDeps, enrollment: AppleEnrollment, msg: CheckinMessageOf<'Authenticate'>, now: Date): Promise<Omit<ManagedDevice, 'roleScopeTagIds'>> {
  const existing = await deps.devices.get(enrollment.id, allScope);
  const user = enrollment.userId === null ? undefined : await deps.users.get(enrollment.userId, allScope);
  const profile = enrollment.profileId === null ? undefined : await deps.enrollmentProfiles.get(enrollment.profileId);
  const enrollmentType = msg.EnrollmentID !== undefined ? 'appleUserEnrollment' : user ? 'userEnrollment' : 'appleBulkWithoutUser';
  const base = enrolledDevice({
    id: enrollment.id,
    deviceName: msg.DeviceName ?? null,
    operatingSystem: operatingSystem(msg, enrollment.platform),
    osVersion: msg.OSVersion ?? null,
    model: msg.ModelName ?? null,
    manufacturer: 'Apple',
    serialNumber: msg.SerialNumber ?? null,
    udid: msg.UDID ?? null,
    imei: msg.IMEI ?? null,
    meid: msg.MEID ?? null,
    managedDeviceOwnerType: enrollment.ownership,
    deviceEnrollmentType: enrollmentType,
    enrollmentProfileName: profile?.displayName ?? null,
  }, user, now);
  if (!existing) return base;
  // Authenticate again (the device re-ran enrollment with the same identity): keep what inventory learnt.
  const { roleScopeTagIds: _tags, ...kept } = existing;
  return { ...kept, osVersion: base.osVersion ?? kept.osVersion, deviceName: base.deviceName ?? kept.deviceName, lastSyncDateTime: base.lastSyncDateTime };
}

async function tokenUpdate(deps: AppleCheckinDeps, enrollment: AppleEnrollment, msg: CheckinMessageOf<'TokenUpdate'>): Promise<CheckinAnswer> {
  // The user channel (macOS) sends its own TokenUpdate; Steward manages the device channel only.
  if (msg.UserID !== undefined || msg.EnrollmentUserID !== undefined) return { kind: 'empty' };
  const topic = await deps.pushTopic();
  if (topic !== undefined && msg.Topic !== topic) throw new StewardError('invalid-input', `Topic ${msg.Topic} is not this server's push topic`);
  if (msg.Token.length === 0 || msg.Token.length > 1024) throw new StewardError('invalid-input', 'Token must hold 1 to 1024 bytes');
  const now = deps.clock.now();
  const first = enrollment.state !== 'enrolled';
  await deps.appleEnrollments.update(enrollment.id, {
    state: 'enrolled',
    topic: msg.Topic,
    pushToken: Buffer.from(msg.Token).toString('hex'),
    pushMagic: msg.PushMagic,
    // The device sends UnlockToken once; a later TokenUpdate without it keeps the one stored.
    ...(msg.UnlockToken && msg.UnlockToken.length > 0 ? { unlockToken: Buffer.from(msg.UnlockToken).toString('base64') } : {}),
    awaitingConfiguration: msg.AwaitingConfiguration === true,
    ...(first ? { enrolledAt: now.toISOString() } : {}),
    lastSeenAt: now.toISOString(),
  });
  if (first) await deps.onEnrolled?.([enrollment.id]);
  return { kind: 'empty' };
}

/**
 * Declarative Device Management's endpoints, with no declarations yet: empty sets and stable
 * tokens, so a device that asks gets a correct answer (Apple: "DeclarativeManagement").
 */
function declarativeManagement(msg: CheckinMessageOf<'DeclarativeManagement'>, enrollment: AppleEnrollment): CheckinAnswer {
  const token = `steward-empty-${enrollment.id}`;
  switch (msg.Endpoint) {
    case 'tokens':
      return { kind: 'json', body: { SyncTokens: { DeclarationsToken: token, Timestamp: enrollment.createdAt.replace(/\.\d{3}Z$/, 'Z') } } };
    case 'declaration-items':
      return { kind: 'json', body: { Declarations: { Activations: [], Configurations: [], Assets: [], Management: [] }, DeclarationsToken: token } };
    case 'status':
      return { kind: 'empty' };
    default:
      throw new StewardError('not-found', `declarative management endpoint ${msg.Endpoint} has nothing for this device`);
  }
}
