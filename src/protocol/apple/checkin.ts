// Check-in messages (Authenticate, TokenUpdate, CheckOut, …): the plist a device PUTs to the
// CheckInURL. Keys and types come from Apple's schema through generated/checkin.generated.ts;
// this file only checks a message against that table and hands it on, typed, with Apple's key names.
import { ProtocolError } from './errors.js';
import { validateKeys } from './key-spec.js';
import { parsePlistDict, type PlistDict, type PlistLimits } from './plist.js';
import {
  CHECKIN_KEYS,
  CHECKIN_MESSAGE_TYPES,
  type CheckinMessage as GeneratedCheckinMessage,
  type CheckinMessageType,
} from './generated/checkin.generated.js';

export type { CheckinMessageType } from './generated/checkin.generated.js';

/**
 * Keys that identify the enrollment and channel. Apple's check-in pages list them on every message
 * sent by the user channel or a user enrollment, although the schema files of SetBootstrapToken and
 * GetBootstrapToken leave them out ("Check-In" in Apple's Device Management documentation).
 */
export interface CheckinIdentity {
  UDID?: string;
  EnrollmentID?: string;
  EnrollmentUserID?: string;
  UserID?: string;
  UserShortName?: string;
  UserLongName?: string;
}

/** A check-in message, discriminated by MessageType; switch on it exhaustively. */
export type CheckinMessage = GeneratedCheckinMessage & CheckinIdentity;
export type CheckinMessageOf<T extends CheckinMessageType> = Extract<CheckinMessage, { MessageType: T }>;

const IDENTITY_KEYS = ['UDID', 'EnrollmentID', 'EnrollmentUserID', 'UserID', 'UserShortName', 'UserLongName'] as const;

export function isCheckinMessageType(t: unknown): t is CheckinMessageType {
  return typeof t === 'string' && (CHECKIN_MESSAGE_TYPES as readonly string[]).includes(t);
}

/**
 * Decodes a check-in request body. Throws ProtocolError: malformed-plist, too-large,
 * unknown-message-type, missing-key (naming the key) or invalid-value. Keys Apple's schema does not
 * list are kept (new OS releases add keys) but not typed.
 */
export function decodeCheckin(body: Uint8Array, limits?: PlistLimits): CheckinMessage {
  return checkCheckin(parsePlistDict(body, limits));
}

/** The same checks on an already parsed dictionary. */
export function checkCheckin(dict: PlistDict): CheckinMessage {
  const type = dict.MessageType;
  if (type === undefined) throw new ProtocolError('missing-key', 'check-in message has no MessageType', 'MessageType');
  if (!isCheckinMessageType(type)) {
    throw new ProtocolError('unknown-message-type', `MessageType ${typeof type === 'string' ? JSON.stringify(type) : 'that is not a string'} is not a check-in message`, 'MessageType');
  }
  validateKeys(dict, CHECKIN_KEYS[type], type);
  for (const k of IDENTITY_KEYS) {
    const v = dict[k];
    if (v !== undefined && typeof v !== 'string') throw new ProtocolError('invalid-value', `${type}.${k}: expected a string`, `${type}.${k}`);
  }
  // Every enrollment is named by one of these: UDID for device enrollments, EnrollmentID for user
  // enrollments. Without either there is no enrollment to attach the message to.
  if (dict.UDID === undefined && dict.EnrollmentID === undefined) {
    throw new ProtocolError('missing-key', `${type}: neither UDID nor EnrollmentID is present`, `${type}.UDID`);
  }
  return dict as unknown as CheckinMessage;
}

/** The enrollment a message belongs to: the device (UDID/EnrollmentID), or a user on it. */
export function checkinEnrollment(msg: CheckinIdentity): { device: string; user?: string } {
  const device = msg.UDID ?? msg.EnrollmentID ?? '';
  const user = msg.EnrollmentUserID ?? msg.UserID;
  return user === undefined ? { device } : { device, user };
}
