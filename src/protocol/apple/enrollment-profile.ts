// The MDM enrollment profile (a .mobileconfig): a TopLevel configuration profile carrying Steward's
// CA (com.apple.security.root), a SCEP payload that gets the device its identity
// (com.apple.security.scep) and the MDM payload (com.apple.mdm) that names the identity, the
// push topic and the server URLs. Keys as Apple's schema (mdm/profiles/*.yaml in Apple's
// device-management repository) names them; enrollment-profile.test.ts checks every key against
// that schema when ../shared is present.
import { encodePlist, type PlistDict } from './plist.js';

/** AccessRights: every bit of com.apple.mdm's AccessRights (1 … 4096). */
export const ALL_ACCESS_RIGHTS = 8191;

export type ServerCapability = 'com.apple.mdm.per-user-connections' | 'com.apple.mdm.bootstraptoken' | 'com.apple.mdm.token';

export interface EnrollmentProfileInput {
  /** The profile's PayloadIdentifier; RemoveProfile with it unenrolls the device. */
  identifier: string;
  /** Fresh UUIDs: the profile's own and one per payload (a device replaces a profile by identifier). */
  uuids: { profile: string; root: string; scep: string; mdm: string };
  displayName: string;
  organization: string;
  description: string;
  /** Steward's CA certificate, DER: the device trusts the server and the identity it is issued. */
  caCertificateDer: Uint8Array;
  scep: {
    url: string;
    /** The one-time challenge password. */
    challenge: string;
    /** X.500 subject as Apple's nested arrays: [[['CN', 'x']], [['O', 'y']]]. */
    subject: [string, string][][];
    keySize: 2048 | 4096;
  };
  mdm: {
    serverUrl: string;
    checkInUrl: string;
    topic: string;
    accessRights: number;
    serverCapabilities: readonly ServerCapability[];
  };
}

/** The profile as a plist dictionary (before signing). */
export function enrollmentProfile(input: EnrollmentProfileInput): PlistDict {
  const common = (type: string, uuid: string, name: string, suffix: string): PlistDict => ({
    PayloadType: type,
    PayloadVersion: 1,
    PayloadIdentifier: `${input.identifier}.${suffix}`,
    PayloadUUID: uuid,
    PayloadDisplayName: name,
  });
  const root: PlistDict = {
    ...common('com.apple.security.root', input.uuids.root, `${input.organization} certificate authority`, 'ca'),
    PayloadContent: input.caCertificateDer,
  };
  const scep: PlistDict = {
    ...common('com.apple.security.scep', input.uuids.scep, 'Device identity', 'scep'),
    PayloadContent: {
      URL: input.scep.url,
      Name: input.organization,
      Subject: input.scep.subject,
      Challenge: input.scep.challenge,
      Keysize: input.scep.keySize,
      'Key Type': 'RSA',
      // 1 (signing) | 4 (encryption): the identity signs MDM messages and decrypts SCEP replies.
      'Key Usage': 5,
    },
  };
  const mdm: PlistDict = {
    ...common('com.apple.mdm', input.uuids.mdm, 'Device management', 'mdm'),
    IdentityCertificateUUID: input.uuids.scep,
    Topic: input.mdm.topic,
    ServerURL: input.mdm.serverUrl,
    CheckInURL: input.mdm.checkInUrl,
    SignMessage: true,
    CheckOutWhenRemoved: true,
    AccessRights: input.mdm.accessRights,
    ServerCapabilities: [...input.mdm.serverCapabilities],
  };
  return {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: input.identifier,
    PayloadUUID: input.uuids.profile,
    PayloadDisplayName: input.displayName,
    PayloadOrganization: input.organization,
    PayloadDescription: input.description,
    PayloadScope: 'System',
    PayloadContent: [root, scep, mdm],
  };
}

export function encodeEnrollmentProfile(input: EnrollmentProfileInput): Uint8Array {
  return encodePlist(enrollmentProfile(input));
}
