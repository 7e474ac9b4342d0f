// What a device needs from an enrollment profile before it installs it: the com.apple.mdm payload
// (profiles/com.apple.mdm.yaml) and the identity payload its IdentityCertificateUUID names, here a
// com.apple.security.scep payload (profiles/com.apple.security.scep.yaml). A profile missing
// anything required is refused, as a device refuses to install it.
import type { PlistDict, PlistValue } from '../../src/protocol/apple/plist.js';
import { isDict } from '../../src/protocol/apple/key-spec.js';
import type { ConfigurationProfile, ProfilePayload } from './mobileconfig.js';
import type { ScepPayload } from './scep-client.js';

export class EnrollmentProfileError extends Error {
  override readonly name = 'EnrollmentProfileError';
}

/** Every access right (com.apple.mdm AccessRights bits 1 … 4096). */
export const ALL_ACCESS_RIGHTS = 8191;

export interface MdmPayload {
  ServerURL: string;
  /** Apple: when CheckInURL is absent, check-in messages go to ServerURL. */
  CheckInURL: string;
  Topic: string;
  IdentityCertificateUUID: string;
  SignMessage: boolean;
  AccessRights: number;
  CheckOutWhenRemoved: boolean;
  ServerCapabilities: string[];
  UseDevelopmentAPNS: boolean;
  /** A user enrollment (BYOD): EnrollmentMode BYOD, or a ManagedAppleID / AssignedManagedAppleID. */
  userEnrollment: boolean;
  payload: ProfilePayload;
}

export interface EnrollmentPayloads {
  mdm: MdmPayload;
  scep: ScepPayload;
  scepPayload: ProfilePayload;
}

const fail = (message: string): never => { throw new EnrollmentProfileError(`the enrollment profile cannot be installed: ${message}`); };

export function enrollmentPayloads(profile: ConfigurationProfile): EnrollmentPayloads {
  const mdms = profile.payloads.filter((p) => p.PayloadType === 'com.apple.mdm');
  if (mdms.length === 0) fail('it has no com.apple.mdm payload');
  if (mdms.length > 1) fail('it has more than one com.apple.mdm payload (Apple: multiple: false)');
  const payload = mdms[0] as ProfilePayload;
  const d = payload.dict;
  const serverURL = url(d, 'ServerURL', true) as string;
  const checkInURL = url(d, 'CheckInURL', false) ?? serverURL;
  const topic = string(d, 'Topic', true) as string;
  if (!topic.startsWith('com.apple.mgmt.')) fail(`Topic ${JSON.stringify(topic)} does not begin with com.apple.mgmt.`);
  const identityUUID = string(d, 'IdentityCertificateUUID', true) as string;
  const userEnrollment = d.EnrollmentMode === 'BYOD' || typeof d.ManagedAppleID === 'string' || typeof d.AssignedManagedAppleID === 'string';
  const rights = integer(d, 'AccessRights');
  // Apple: ignored for user enrollment; otherwise not 0, and 2 needs 1, 128 needs 64.
  let accessRights = ALL_ACCESS_RIGHTS;
  if (!userEnrollment && rights !== undefined) {
    if (rights <= 0 || rights > ALL_ACCESS_RIGHTS) fail(`AccessRights ${rights} is outside 1 … ${ALL_ACCESS_RIGHTS}`);
    if ((rights & 2) !== 0 && (rights & 1) === 0) fail('AccessRights has 2 (install/remove profiles) without 1 (inspect profiles)');
    if ((rights & 128) !== 0 && (rights & 64) === 0) fail('AccessRights has 128 (install/remove provisioning profiles) without 64');
    accessRights = rights;
  }
  const caps = d.ServerCapabilities;
  if (caps !== undefined && !(Array.isArray(caps) && caps.every((c) => typeof c === 'string'))) fail('ServerCapabilities is not an array of strings');

  const identity = profile.payloads.find((p) => p.PayloadUUID === identityUUID);
  if (identity === undefined) fail(`IdentityCertificateUUID ${identityUUID} names no payload of the profile`);
  const scepPayload = identity as ProfilePayload;
  if (scepPayload.PayloadType === 'com.apple.security.pkcs12') fail('the identity is a PKCS #12 payload; the simulator enrolls through SCEP only');
  if (scepPayload.PayloadType !== 'com.apple.security.scep') fail(`IdentityCertificateUUID names a ${scepPayload.PayloadType} payload, not an identity`);

  return {
    mdm: {
      ServerURL: serverURL,
      CheckInURL: checkInURL,
      Topic: topic,
      IdentityCertificateUUID: identityUUID,
      SignMessage: boolean(d, 'SignMessage') ?? false,
      AccessRights: accessRights,
      CheckOutWhenRemoved: boolean(d, 'CheckOutWhenRemoved') ?? false,
      ServerCapabilities: (caps as string[] | undefined) ?? [],
      UseDevelopmentAPNS: boolean(d, 'UseDevelopmentAPNS') ?? false,
      userEnrollment,
      payload,
    },
    scep: scepContent(scepPayload),
    scepPayload,
  };
}

function scepContent(p: ProfilePayload): ScepPayload {
  const c = p.dict.PayloadContent;
  if (!isDict(c)) return fail(`SCEP payload ${p.PayloadIdentifier} has no PayloadContent dictionary`);
  const out: ScepPayload = { URL: url(c, 'URL', true) as string };
  const name = string(c, 'Name', false);
  if (name !== undefined) out.Name = name;
  const challenge = string(c, 'Challenge', false);
  if (challenge !== undefined) out.Challenge = challenge;
  const keysize = integer(c, 'Keysize');
  if (keysize !== undefined) out.Keysize = keysize;
  const keyType = string(c, 'Key Type', false);
  if (keyType !== undefined) out['Key Type'] = keyType;
  const usage = integer(c, 'Key Usage');
  if (usage !== undefined) out['Key Usage'] = usage;
  const fp = c.CAFingerprint;
  if (fp !== undefined) out.CAFingerprint = fp instanceof Uint8Array ? fp : fail('SCEP CAFingerprint is not data');
  if (c.Subject !== undefined) out.Subject = subject(c.Subject);
  return out;
}

/** Apple's Subject: an array of RDNs, each an array of [type, value] string pairs. */
function subject(v: PlistValue): string[][][] {
  const bad = () => fail('SCEP Subject is not an array of arrays of [type, value] pairs');
  if (!Array.isArray(v)) return bad();
  return v.map((rdn) => {
    if (!Array.isArray(rdn)) return bad();
    return rdn.map((pair) => (Array.isArray(pair) && pair.length === 2 && pair.every((x) => typeof x === 'string') ? pair : bad()));
  });
}

function string(d: PlistDict, key: string, required: boolean): string | undefined {
  const v = d[key];
  if (v === undefined) return required ? fail(`${key} is missing`) : undefined;
  if (typeof v !== 'string' || v === '') return fail(`${key} is not a non-empty string`);
  return v;
}

function url(d: PlistDict, key: string, required: boolean): string | undefined {
  const v = string(d, key, required);
  if (v === undefined) return undefined;
  // Apple: ServerURL and CheckInURL "must begin with the https:// URL scheme".
  if (key !== 'URL' && !v.startsWith('https://')) fail(`${key} ${JSON.stringify(v)} is not an https:// URL`);
  try {
    new URL(v);
  } catch {
    fail(`${key} ${JSON.stringify(v)} is not a URL`);
  }
  return v;
}

function integer(d: PlistDict, key: string): number | undefined {
  const v = d[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) return fail(`${key} is not an integer`);
  return v;
}

function boolean(d: PlistDict, key: string): boolean | undefined {
  const v = d[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') return fail(`${key} is not a boolean`);
  return v;
}
