// The check-in messages a device sends (mdm/checkin/*.yaml) and the identity keys that start
// every message on the command channel. Which keys appear follows the schema's per-OS rules:
// DeviceName, Model and ModelName only from macOS; the device-information keys of Authenticate
// only when AccessRights grant AllowQueryDeviceInformation; no UDID, SerialNumber, IMEI or MEID
// from a user enrollment, which names itself by EnrollmentID; UnlockToken only from iOS with the
// AllowPasscodeRemovalAndLock right.
import type { PlistDict } from '../../src/protocol/apple/plist.js';
import type { Channel } from './command-support.js';
import type { Enrollment } from './device-state.js';
import type { Hardware } from './hardware.js';

/** The logged-in user of a Mac, for the user channel. */
export interface MacUser {
  /** The user's GUID (UserID). */
  guid: string;
  shortName: string;
  longName: string;
}

const DEVICE_INFORMATION = 16;
const PASSCODE_REMOVAL_AND_LOCK = 4;

/** UDID or EnrollmentID, plus the user keys on the user channel. */
export function identityKeys(hw: Hardware, e: Enrollment, channel: Channel, user?: MacUser): PlistDict {
  const out: PlistDict = e.enrollmentId !== undefined ? { EnrollmentID: e.enrollmentId } : { UDID: hw.udid };
  if (channel === 'user') {
    if (e.enrollmentUserId !== undefined) out.EnrollmentUserID = e.enrollmentUserId;
    else if (user !== undefined) {
      out.UserID = user.guid;
      out.UserShortName = user.shortName;
      out.UserLongName = user.longName;
    }
  }
  return out;
}

export function authenticateMessage(hw: Hardware, e: Enrollment): PlistDict {
  const user = e.mdm.userEnrollment;
  const rights = user ? Number.MAX_SAFE_INTEGER : e.mdm.AccessRights;
  const msg: PlistDict = { MessageType: 'Authenticate', Topic: e.mdm.Topic, ...identityKeys(hw, e, 'device') };
  if (hw.platform === 'macOS') {
    msg.DeviceName = hw.deviceName;
    msg.Model = hw.model;
    msg.ModelName = hw.modelName;
  }
  if ((rights & DEVICE_INFORMATION) !== 0) {
    msg.OSVersion = hw.osVersion;
    msg.BuildVersion = hw.buildVersion;
    msg.ProductName = hw.productName;
    if (!user) {
      msg.SerialNumber = hw.serialNumber;
      if (hw.platform === 'iOS' && hw.imei !== undefined) msg.IMEI = hw.imei;
      if (hw.platform === 'iOS' && hw.meid !== undefined) msg.MEID = hw.meid;
    }
  }
  return msg;
}

export function tokenUpdateMessage(hw: Hardware, e: Enrollment, channel: Channel, token: { Token: Uint8Array; PushMagic: string }, user?: MacUser): PlistDict {
  const msg: PlistDict = {
    MessageType: 'TokenUpdate', Topic: e.mdm.Topic, ...identityKeys(hw, e, channel, user), Token: token.Token, PushMagic: token.PushMagic,
  };
  if (channel === 'device') {
    if (hw.platform === 'iOS' && e.unlockToken !== undefined && !e.mdm.userEnrollment && (e.mdm.AccessRights & PASSCODE_REMOVAL_AND_LOCK) !== 0) {
      msg.UnlockToken = e.unlockToken;
    }
    msg.AwaitingConfiguration = false;
  } else {
    // Required on the macOS user channel.
    msg.NotOnConsole = false;
  }
  return msg;
}

export function checkOutMessage(hw: Hardware, e: Enrollment): PlistDict {
  return { MessageType: 'CheckOut', Topic: e.mdm.Topic, ...identityKeys(hw, e, 'device') };
}
