// The little X.509 a simulated device needs: X.500 names from a SCEP payload's Subject array, a
// self-signed certificate for the SCEP requester (RFC 8894 §2.3: the requester signs its first
// PKCSReq with a self-signed certificate for the key it asks to certify), issuing certificates
// (the simulator's own tests play a CA with it), and chain checks against the anchors a device
// trusts. Encoded with @peculiar/asn1-x509, signed with node:crypto.
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier, AttributeTypeAndValue, AttributeValue, BasicConstraints, Certificate, ExtendedKeyUsage, Extension,
  Extensions, GeneralName, KeyUsage, KeyUsageFlags, Name, RelativeDistinguishedName, SubjectAlternativeName, SubjectPublicKeyInfo,
  TBSCertificate, Validity, Version, id_ce_basicConstraints, id_ce_extKeyUsage, id_ce_keyUsage, id_ce_subjectAltName,
} from '@peculiar/asn1-x509';
import { constants, generateKeyPair, privateDecrypt, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);
const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';

/** Short names a SCEP payload may use in Subject (Apple: C, L, ST, O, OU, CN; dotted OIDs otherwise). */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  C: '2.5.4.6', L: '2.5.4.7', ST: '2.5.4.8', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3',
  // Not in Apple's list, but seen in SCEP payloads and harmless to understand.
  E: '1.2.840.113549.1.9.1', DC: '0.9.2342.19200300.100.1.25', SERIALNUMBER: '2.5.4.5',
};
const OID = /^[0-2](\.(0|[1-9]\d*))+$/;

/**
 * A Name from Apple's Subject form: an array of RDNs, each an array of [type, value] pairs
 * (com.apple.security.scep PayloadContent.Subject). Throws on an unknown short name.
 */
export function nameFromSubjectArray(subject: readonly (readonly (readonly string[])[])[]): Name {
  return new Name(subject.map((rdn) => new RelativeDistinguishedName(rdn.map((pair) => {
    const [type, value] = pair;
    if (type === undefined || value === undefined || pair.length !== 2) throw new Error(`Subject pair ${JSON.stringify(pair)} is not [type, value]`);
    const oid = SHORT_NAMES[type.toUpperCase()] ?? (OID.test(type) ? type : undefined);
    if (oid === undefined) throw new Error(`Subject attribute type ${JSON.stringify(type)} is neither a known short name nor an OID`);
    // RFC 5280 App. A: countryName and serialNumber are PrintableString, emailAddress and
    // domainComponent IA5String; everything else UTF8String (RFC 5280 §4.1.2.4).
    const value_ = oid === '2.5.4.6' || oid === '2.5.4.5' ? new AttributeValue({ printableString: value })
      : oid === '1.2.840.113549.1.9.1' || oid === '0.9.2342.19200300.100.1.25' ? new AttributeValue({ ia5String: value })
        : new AttributeValue({ utf8String: value });
    return new AttributeTypeAndValue({ type: oid, value: value_ });
  }))));
}

/** A Name from simple `[type, value]` pairs, one RDN each (`[['CN', 'x'], ['O', 'y']]`). */
export function simpleName(pairs: readonly (readonly [string, string])[]): Name {
  return nameFromSubjectArray(pairs.map((p) => [p]));
}

export interface CertificateInput {
  subject: Name;
  publicKey: KeyObject;
  /** Who signs: omitted for a self-signed certificate (then `selfKey` signs). */
  issuer?: { certificateDer: Uint8Array; privateKey: KeyObject };
  selfKey?: KeyObject;
  validFrom?: Date;
  validTo?: Date;
  ca?: boolean;
  /** KeyUsage flags, KEY_USAGE values OR-ed together. */
  keyUsage?: number;
  extendedKeyUsage?: string[];
  /** DNS names and IP addresses for a TLS server certificate. */
  hosts?: string[];
}

export const KEY_USAGE = {
  digitalSignature: KeyUsageFlags.digitalSignature, keyEncipherment: KeyUsageFlags.keyEncipherment,
  keyCertSign: KeyUsageFlags.keyCertSign, cRLSign: KeyUsageFlags.cRLSign,
} as const;
export const EKU = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;

/** Builds and signs a certificate (sha256WithRSAEncryption); returns its DER. */
export function createCertificate(input: CertificateInput): Uint8Array {
  const signer = input.issuer?.privateKey ?? input.selfKey;
  if (signer === undefined) throw new TypeError('a self-signed certificate needs selfKey');
  const issuerName = input.issuer === undefined ? input.subject : AsnConvert.parse(input.issuer.certificateDer, Certificate).tbsCertificate.subject;
  const now = Date.now();
  const extensions: Extension[] = [
    ext(id_ce_basicConstraints, true, new BasicConstraints({ cA: input.ca === true })),
  ];
  if (input.keyUsage !== undefined) extensions.push(ext(id_ce_keyUsage, true, new KeyUsage(input.keyUsage)));
  if (input.extendedKeyUsage !== undefined) extensions.push(ext(id_ce_extKeyUsage, false, new ExtendedKeyUsage(input.extendedKeyUsage)));
  if (input.hosts !== undefined && input.hosts.length > 0) {
    extensions.push(ext(id_ce_subjectAltName, false, new SubjectAlternativeName(input.hosts.map((h) => (isIP(h) === 0
      ? new GeneralName({ dNSName: h })
      : new GeneralName({ iPAddress: h }))))));
  }
  const serial = randomBytes(16);
  // Positive, and minimally encoded: a leading 0x00 followed by a byte below 0x80 is not DER,
  // and OpenSSL refuses such a certificate (RFC 5280 §4.1.2.2, X.690 §8.3.2).
  serial[0] = ((serial[0] ?? 0) % 0x7f) + 1;
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: toArrayBuffer(serial),
    signature: new AlgorithmIdentifier({ algorithm: SHA256_WITH_RSA, parameters: null }),
    issuer: issuerName,
    validity: new Validity({ notBefore: input.validFrom ?? new Date(now - 3_600_000), notAfter: input.validTo ?? new Date(now + 365 * 86_400_000) }),
    subject: input.subject,
    subjectPublicKeyInfo: AsnConvert.parse(input.publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo),
    extensions: new Extensions(extensions),
  });
  const signature = sign('sha256', new Uint8Array(AsnConvert.serialize(tbs)), signer);
  const cert = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: SHA256_WITH_RSA, parameters: null }),
    signatureValue: toArrayBuffer(signature),
  });
  return new Uint8Array(AsnConvert.serialize(cert));
}

export interface KeyedCertificate {
  certificateDer: Uint8Array;
  privateKey: KeyObject;
}

/** A fresh RSA key and a self-signed certificate for it. */
export async function selfSignedIdentity(subject: Name, keyBits: number, extra: Omit<CertificateInput, 'subject' | 'publicKey' | 'selfKey' | 'issuer'> = {}): Promise<KeyedCertificate> {
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', { modulusLength: keyBits, publicExponent: 0x10001 });
  return { certificateDer: createCertificate({ ...extra, subject, publicKey, selfKey: privateKey }), privateKey };
}

/** A CA for tests and demos: self-signed, CA:true, keyCertSign. */
export async function createTestCa(commonName: string): Promise<KeyedCertificate & { certificatePem: string }> {
  const ca = await selfSignedIdentity(simpleName([['CN', commonName], ['O', 'Steward simulator']]), 2048, {
    ca: true, keyUsage: KEY_USAGE.keyCertSign | KEY_USAGE.cRLSign | KEY_USAGE.digitalSignature,
  });
  return { ...ca, certificatePem: new X509Certificate(ca.certificateDer).toString() };
}

/**
 * Builds a chain from `leaf` through `intermediates` to one of `anchors` (all DER), checking each
 * signature, each validity period against `now`, and that every issuer is a CA. Returns the chain,
 * leaf first, anchor last. Throws an Error saying which link failed.
 */
export function verifyChain(leaf: Uint8Array, intermediates: readonly Uint8Array[], anchors: readonly Uint8Array[], now = new Date()): X509Certificate[] {
  if (anchors.length === 0) throw new Error('no trusted certificate to verify against');
  const pool = intermediates.map((d) => new X509Certificate(d));
  const roots = anchors.map((d) => new X509Certificate(d));
  const chain = [new X509Certificate(leaf)];
  for (let depth = 0; depth < 8; depth++) {
    const current = chain[chain.length - 1] as X509Certificate;
    checkValidity(current, now);
    const root = roots.find((r) => r.raw.equals(current.raw) || issuedBy(current, r));
    if (root !== undefined) {
      if (!root.raw.equals(current.raw)) { checkValidity(root, now); chain.push(root); }
      return chain;
    }
    const next = pool.find((c) => !chain.some((x) => x.raw.equals(c.raw)) && issuedBy(current, c));
    if (next === undefined) throw new Error(`${current.subject.replace(/\n/g, ', ')} is not issued by a trusted certificate`);
    chain.push(next);
  }
  throw new Error('certificate chain is too long');
}

function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  return parent.ca && child.checkIssued(parent) && child.verify(parent.publicKey);
}

function checkValidity(cert: X509Certificate, now: Date): void {
  if (now < new Date(cert.validFrom) || now > new Date(cert.validTo)) {
    throw new Error(`${cert.subject.replace(/\n/g, ', ')} is not valid at ${now.toISOString()} (${cert.validFrom} to ${cert.validTo})`);
  }
}

function ext(oid: string, critical: boolean, value: object): Extension {
  return new Extension({ extnID: oid, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

function toArrayBuffer(data: Uint8Array): ArrayBuffer {
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}

export function derToPem(der: Uint8Array): string {
  return new X509Certificate(der).toString();
}

export function pemToDer(pem: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) {
    out.push(new Uint8Array(Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64')));
  }
  return out;
}

/**
 * RSA PKCS #1 v1.5 key unwrap (RFC 8017 §7.2.2) for a CMS EnvelopedData addressed to the device:
 * a SCEP CertRep or an encrypted profile. Node 20 refuses RSA_PKCS1_PADDING in privateDecrypt
 * (CVE-2023-46809), so the padding is removed here. The device opens messages sent to it; it is
 * no decryption service a stranger can probe, so a plain error on bad padding is acceptable.
 */
export function unwrapRsaKey(privateKey: KeyObject, encrypted: Uint8Array, keyLength: number): Uint8Array {
  const em = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, encrypted);
  const separator = em.indexOf(0, 2);
  if (em[0] !== 0 || em[1] !== 2 || separator < 10 || em.length - separator - 1 !== keyLength) {
    throw new Error('the envelope is not encrypted to this device\'s key');
  }
  return new Uint8Array(em.subarray(separator + 1));
}
