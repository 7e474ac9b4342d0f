// Configuration profiles (.mobileconfig) as a device reads them: optionally CMS-signed, optionally
// with an encrypted PayloadContent, a plist whose top level is a 'Configuration' payload holding
// payloads. Apple's "Configuration Profile Reference" and the TopLevel keys of the schema
// (profiles/TopLevel.yaml) say which keys are required; a device refuses a profile without them.
import { X509Certificate } from 'node:crypto';
import { parsePlist, parsePlistDict, type PlistDict, type PlistValue } from '../../src/protocol/apple/plist.js';
import { isDict } from '../../src/protocol/apple/key-spec.js';
import { openEnvelope } from '../../src/protocol/scep/envelope.js';
import { verifySignedData } from '../../src/protocol/cms/signed-data.js';
import { pemToDer, unwrapRsaKey, verifyChain, type KeyedCertificate } from './x509.js';

/** Why a device refused a profile; the command answer reports it as an ErrorChain item. */
export class ProfileError extends Error {
  override readonly name = 'ProfileError';
  constructor(readonly code: number, message: string, readonly domain = 'MCProfileErrorDomain') {
    super(message);
  }
}
// Codes in MCProfileErrorDomain as the simulator reports them. Apple does not publish the list;
// these are the simulator's choice (see sim/README.md).
export const PROFILE_MALFORMED = 1000;
export const PROFILE_BAD_SIGNATURE = 1001;
export const PROFILE_CANNOT_DECRYPT = 1002;

export interface ProfilePayload {
  PayloadType: string;
  PayloadUUID: string;
  PayloadIdentifier: string;
  PayloadVersion: number;
  PayloadDisplayName?: string;
  PayloadDescription?: string;
  PayloadOrganization?: string;
  /** Every key of the payload as sent. */
  dict: PlistDict;
}

export interface ConfigurationProfile {
  PayloadIdentifier: string;
  PayloadUUID: string;
  PayloadVersion: number;
  PayloadDisplayName?: string;
  PayloadDescription?: string;
  PayloadOrganization?: string;
  PayloadRemovalDisallowed: boolean;
  HasRemovalPasscode: boolean;
  IsEncrypted: boolean;
  payloads: ProfilePayload[];
  /** Signer's certificate then the others the CMS carried (DER); empty when unsigned. */
  signerCertificates: Uint8Array[];
  /** Whether the signature chained to a certificate the device trusts. */
  verified: boolean;
}

export interface ReadProfileOptions {
  /**
   * `require`: refuse unsigned profiles and signatures that do not chain to `anchors`.
   * `if-signed`: accept unsigned, but a signature must verify (chain or not; `verified` says).
   */
  signature: 'require' | 'if-signed';
  anchors?: readonly Uint8Array[];
  /** Certificates from root/pkcs1/pem payloads of the profile itself count as anchors. */
  trustEmbeddedAnchors?: boolean;
  /** The identity an encrypted profile is addressed to. */
  identity?: KeyedCertificate;
  now?: Date;
}

/** Reads a profile as bytes from a server or an InstallProfile command. Throws ProfileError. */
export async function readProfile(bytes: Uint8Array, options: ReadProfileOptions): Promise<ConfigurationProfile> {
  let content = bytes;
  let signer: { certificates: Uint8Array[] } | undefined;
  // A signed profile is a DER ContentInfo (a SEQUENCE, 0x30); an unsigned one is an XML or binary plist.
  if (bytes[0] === 0x30) {
    try {
      const v = verifySignedData(bytes);
      content = v.content;
      signer = { certificates: [v.signerCertificate, ...v.certificates.filter((c) => !Buffer.from(c).equals(Buffer.from(v.signerCertificate)))] };
    } catch (err) {
      throw new ProfileError(PROFILE_BAD_SIGNATURE, `the profile's signature does not verify: ${(err as Error).message}`);
    }
  } else if (options.signature === 'require') {
    throw new ProfileError(PROFILE_BAD_SIGNATURE, 'the profile is not signed');
  }
  let dict: PlistDict;
  try {
    dict = parsePlistDict(content);
  } catch (err) {
    throw new ProfileError(PROFILE_MALFORMED, `the profile is not a property list: ${(err as Error).message}`);
  }
  const top = header(dict, 'profile');
  if (dict.PayloadType !== 'Configuration') throw new ProfileError(PROFILE_MALFORMED, `the profile's PayloadType is ${JSON.stringify(dict.PayloadType)}, not "Configuration"`);

  let items: PlistValue | undefined = dict.PayloadContent;
  const encrypted = dict.EncryptedPayloadContent;
  if (encrypted !== undefined) {
    if (!(encrypted instanceof Uint8Array)) throw new ProfileError(PROFILE_MALFORMED, 'EncryptedPayloadContent is not data');
    const identity = options.identity;
    if (identity === undefined) throw new ProfileError(PROFILE_CANNOT_DECRYPT, 'the profile is encrypted and the device has no identity to decrypt it');
    try {
      items = parsePlist(await openEnvelope(encrypted, (key, n) => unwrapRsaKey(identity.privateKey, key, n)));
    } catch (err) {
      throw new ProfileError(PROFILE_CANNOT_DECRYPT, `the encrypted PayloadContent does not decrypt with the device identity: ${(err as Error).message}`);
    }
  }
  if (!Array.isArray(items)) throw new ProfileError(PROFILE_MALFORMED, 'the profile has no PayloadContent array');
  const payloads = items.map((item, i) => {
    if (!isDict(item)) throw new ProfileError(PROFILE_MALFORMED, `PayloadContent[${i}] is not a dictionary`);
    return { ...header(item, `PayloadContent[${i}]`), PayloadType: str(item, 'PayloadType', `PayloadContent[${i}]`), dict: item };
  });
  const uuids = new Set<string>();
  for (const p of [top, ...payloads]) {
    if (uuids.has(p.PayloadUUID)) throw new ProfileError(PROFILE_MALFORMED, `PayloadUUID ${p.PayloadUUID} appears twice`);
    uuids.add(p.PayloadUUID);
  }

  let verified = false;
  if (signer !== undefined) {
    const anchors = [...(options.anchors ?? []), ...(options.trustEmbeddedAnchors === true ? anchorsIn(payloads) : [])];
    try {
      verifyChain(signer.certificates[0] as Uint8Array, signer.certificates.slice(1), anchors, options.now);
      verified = true;
    } catch (err) {
      if (options.signature === 'require') throw new ProfileError(PROFILE_BAD_SIGNATURE, `the profile's signer is not trusted: ${(err as Error).message}`);
    }
  }
  const removal = dict.PayloadRemovalDisallowed;
  return {
    ...top,
    PayloadRemovalDisallowed: removal === true,
    HasRemovalPasscode: payloads.some((p) => p.PayloadType === 'com.apple.profileRemovalPassword'),
    IsEncrypted: encrypted !== undefined,
    payloads,
    signerCertificates: signer?.certificates ?? [],
    verified,
  };
}

/** DER certificates of com.apple.security.root, .pkcs1 and .pem payloads (the device installs them). */
export function anchorsIn(payloads: readonly ProfilePayload[]): Uint8Array[] {
  return payloads.flatMap((p) => certificateOf(p) ?? []);
}

export function certificateOf(p: ProfilePayload): Uint8Array[] | undefined {
  const content = p.dict.PayloadContent;
  if (!(content instanceof Uint8Array)) return undefined;
  try {
    switch (p.PayloadType) {
      case 'com.apple.security.root':
      case 'com.apple.security.pkcs1':
        // Apple accepts DER or PEM in these payloads.
        return content[0] === 0x30 ? [new Uint8Array(new X509Certificate(content).raw)] : pemToDer(new TextDecoder().decode(content));
      case 'com.apple.security.pem':
        return pemToDer(new TextDecoder().decode(content));
      default:
        return undefined;
    }
  } catch {
    throw new ProfileError(PROFILE_MALFORMED, `${p.PayloadType} payload ${p.PayloadIdentifier} holds no readable certificate`);
  }
}

function header(d: PlistDict, where: string): Omit<ProfilePayload, 'PayloadType' | 'dict'> {
  const version = d.PayloadVersion;
  if (typeof version !== 'number' || !Number.isInteger(version)) throw new ProfileError(PROFILE_MALFORMED, `${where}: PayloadVersion is missing or not an integer`);
  const out: Omit<ProfilePayload, 'PayloadType' | 'dict'> = {
    PayloadIdentifier: str(d, 'PayloadIdentifier', where),
    PayloadUUID: str(d, 'PayloadUUID', where),
    PayloadVersion: version,
  };
  for (const k of ['PayloadDisplayName', 'PayloadDescription', 'PayloadOrganization'] as const) {
    const v = d[k];
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

function str(d: PlistDict, key: string, where: string): string {
  const v = d[key];
  if (typeof v !== 'string' || v === '') throw new ProfileError(PROFILE_MALFORMED, `${where}: ${key} is missing or not a string`);
  return v;
}
