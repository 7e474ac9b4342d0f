// Steward's own certificate authority: creates the self-signed CA and issues certificates with
// it (RFC 5280 profile). Certificates are encoded with @peculiar/asn1-x509 and signed with
// node:crypto; @peculiar/x509 itself is not used because it needs a global Reflect polyfill.
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier, AuthorityKeyIdentifier, BasicConstraints, Certificate, ExtendedKeyUsage, Extension, Extensions,
  GeneralName, KeyIdentifier, KeyUsage, KeyUsageFlags, SubjectAlternativeName, SubjectKeyIdentifier,
  SubjectPublicKeyInfo, TBSCertificate, Validity, Version, id_ce_authorityKeyIdentifier, id_ce_basicConstraints,
  id_ce_extKeyUsage, id_ce_keyUsage, id_ce_subjectAltName, id_ce_subjectKeyIdentifier, id_kp_clientAuth, id_kp_serverAuth,
  type Name,
} from '@peculiar/asn1-x509';
import { createHash, createPublicKey, generateKeyPair, KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { promisify } from 'node:util';
import { systemClock, type Clock } from '../core/clock.js';
import { StewardError } from '../core/errors.js';
import type { CertificateAuthority, CertificateUsage, IssueCertificateInput, IssuedCertificate } from '../core/pki/ports.js';
import { decodeName, parseDistinguishedName } from './distinguished-name.js';
import { unwrapRsaPkcs1 } from './key-transport.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * RSA, because SCEP clients encrypt their pkcsPKIEnvelope to the CA certificate's key with CMS
 * key transport (RFC 8894), which needs RSA. 3072 bits: NIST SP 800-57 Part 1 Rev. 5 accepts
 * 2048-bit RSA only until 2030, and this CA lives ten years.
 */
export const CA_KEY_BITS = 3072;
export const CA_VALIDITY_DAYS = 3650;
/**
 * Apple rejects TLS server certificates valid longer than 825 days whatever the root
 * (support.apple.com/HT210176), and longer than 398 days under public roots
 * (support.apple.com/HT211025); browsers follow the same 398-day rule. Staying under 398 keeps
 * one policy however admins distribute trust.
 */
export const MAX_TLS_SERVER_VALIDITY_DAYS = 398;
/** Devices with a slightly slow clock must not see a certificate that is not yet valid. */
const BACKDATE_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const sha256WithRSAEncryption = '1.2.840.113549.1.1.11';
/** RFC 5280 4.2.1.3 (keyUsage) and 4.2.1.12 (extKeyUsage) for each usage. */
const usageProfile: Record<CertificateUsage, { eku: string }> = {
  'tls-server': { eku: id_kp_serverAuth },
  'device-identity': { eku: id_kp_clientAuth },
  'client-auth': { eku: id_kp_clientAuth },
};

const invalid = (message: string, target: string) => new StewardError('invalid-input', message, target);

/** A CA ready to use, plus its PEM files for the caller to store. */
export interface NewCertificateAuthority {
  ca: CertificateAuthority;
  certificatePem: string;
  privateKeyPem: string;
}

/** Creates a new self-signed CA: `CN=Steward CA <8 hex>, O=Steward`, ten years, CA:true, pathlen 0. */
export async function createCertificateAuthority(options: { clock?: Clock } = {}): Promise<NewCertificateAuthority> {
  const clock = options.clock ?? systemClock;
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', { modulusLength: CA_KEY_BITS, publicExponent: 0x10001 });
  const spki = spkiOf(publicKey);
  const subject = parseDistinguishedName(`CN=Steward CA ${randomBytes(4).toString('hex')}, O=Steward`);
  const now = clock.now().getTime();
  const der = signCertificate({
    serial: randomSerial(),
    issuer: subject,
    subject,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + CA_VALIDITY_DAYS * DAY_MS),
    spki,
    extensions: [
      extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: true, pathLenConstraint: 0 })),
      extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign)),
      // RFC 5280 4.2.1.1 lets a self-signed CA omit AuthorityKeyIdentifier.
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(subjectKeyIdentifier(spki))),
    ],
  }, privateKey);
  const certificate = new X509Certificate(der);
  return {
    ca: openCertificateAuthority({ certificate, privateKey, clock }),
    certificatePem: certificate.toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

/**
 * Wraps an existing CA certificate and its key. The caller has checked that they belong together
 * (X509Certificate#checkPrivateKey) and can say which file was wrong if not.
 */
export function openCertificateAuthority(input: { certificate: X509Certificate; privateKey: KeyObject; clock?: Clock }): CertificateAuthority {
  const { certificate, privateKey } = input;
  if (privateKey.asymmetricKeyType !== 'rsa') throw new TypeError('the CA key must be an RSA private key');
  const clock = input.clock ?? systemClock;
  const der = new Uint8Array(certificate.raw);
  const parsed = AsnConvert.parse(der, Certificate);
  // The issuer of every issued certificate is the CA's subject exactly as encoded, so chain
  // building never depends on name canonicalisation.
  const issuer = parsed.tbsCertificate.subject;
  const caKeyId = existingSubjectKeyIdentifier(parsed) ?? subjectKeyIdentifier(spkiOf(certificate.publicKey));
  const caNotAfter = new Date(certificate.validTo);
  const pem = certificate.toString();

  return {
    caCertificatePem: () => pem,
    caCertificateDer: () => der.slice(),
    // The Promise constructor turns a throw into a rejection, as an async function would.
    issue: (request) => new Promise<IssuedCertificate>((resolve) => resolve(issue(request))),
    unwrapContentKey: (encryptedKey, keyLength) => unwrapRsaPkcs1(privateKey, encryptedKey, keyLength),
    signCmsAttributes: (signedAttributes) => {
      if (signedAttributes[0] !== 0x31) throw new TypeError('signCmsAttributes signs a DER SET of attributes only');
      return new Uint8Array(sign('sha256', signedAttributes, privateKey));
    },
  };

  function issue(request: IssueCertificateInput): IssuedCertificate {
    const subject = typeof request.subject === 'string' ? parseDistinguishedName(request.subject) : decodeName(request.subject);
    const { spki, keyType } = publicKeyInfo(request.publicKey);
    const names = subjectAltNames(request.dnsNames ?? [], request.ipAddresses ?? []);
    if (request.usage === 'tls-server' && names.length === 0) {
      // Apple (HT210176) and browsers ignore the CN: a server certificate without SANs is useless.
      throw invalid('a tls-server certificate needs at least one DNS name or IP address', 'dnsNames');
    }
    const maxDays = request.usage === 'tls-server' ? MAX_TLS_SERVER_VALIDITY_DAYS : CA_VALIDITY_DAYS;
    if (!Number.isInteger(request.validityDays) || request.validityDays < 1 || request.validityDays > maxDays) {
      throw invalid(`validityDays must be a whole number from 1 to ${maxDays} for ${request.usage}`, 'validityDays');
    }
    const now = clock.now().getTime();
    const notBefore = new Date(Math.floor((now - BACKDATE_MS) / 1000) * 1000);
    const wanted = Math.floor((now + request.validityDays * DAY_MS) / 1000) * 1000;
    const notAfter = new Date(Math.min(wanted, caNotAfter.getTime()));
    if (notAfter.getTime() <= now) throw new StewardError('unavailable', `the CA certificate expired on ${caNotAfter.toISOString()}`);
    const serial = request.serialNumber === undefined ? randomSerial() : parseSerial(request.serialNumber);

    const extensions = [
      extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
      extension(id_ce_keyUsage, true, new KeyUsage(keyUsageFor(keyType))),
      extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([usageProfile[request.usage].eku])),
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(subjectKeyIdentifier(spki))),
      extension(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(caKeyId) })),
    ];
    // RFC 5280 4.2.1.6: critical only when the subject is empty.
    if (names.length > 0) extensions.push(extension(id_ce_subjectAltName, subject.length === 0, new SubjectAlternativeName(names)));
    else if (subject.length === 0) throw invalid('a certificate needs a subject or a subject alternative name', 'subject');

    const certDer = signCertificate({ serial, issuer, subject, notBefore, notAfter, spki, extensions }, privateKey);
    const issued = new X509Certificate(certDer);
    return { pem: issued.toString(), der: certDer, serialNumber: serialHex(serial), notBefore, notAfter };
  }
}

interface CertificateFields {
  serial: Uint8Array;
  issuer: Name;
  subject: Name;
  notBefore: Date;
  notAfter: Date;
  spki: Uint8Array;
  extensions: Extension[];
}

function signCertificate(fields: CertificateFields, signingKey: KeyObject): Uint8Array {
  const algorithm = new AlgorithmIdentifier({ algorithm: sha256WithRSAEncryption, parameters: null });
  const tbsCertificate = new TBSCertificate({
    version: Version.v3,
    serialNumber: toArrayBuffer(fields.serial),
    signature: algorithm,
    issuer: fields.issuer,
    validity: new Validity({ notBefore: fields.notBefore, notAfter: fields.notAfter }),
    subject: fields.subject,
    subjectPublicKeyInfo: AsnConvert.parse(fields.spki, SubjectPublicKeyInfo),
    extensions: new Extensions(fields.extensions),
  });
  const tbs = new Uint8Array(AsnConvert.serialize(tbsCertificate));
  // PKCS #1 v1.5 with SHA-256 (RFC 4055 §5), node:crypto's default padding for RSA keys.
  const signature = sign('sha256', tbs, signingKey);
  const certificate = new Certificate({ tbsCertificate, signatureAlgorithm: algorithm, signatureValue: toArrayBuffer(signature) });
  return new Uint8Array(AsnConvert.serialize(certificate));
}

function extension(extnID: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/**
 * RSA keys sign and take key transport; EC and EdDSA keys only sign (RFC 5480 §3 forbids
 * keyEncipherment for id-ecPublicKey; RFC 8410 §5 for Ed25519).
 */
function keyUsageFor(keyType: string): number {
  return keyType === 'rsa' ? KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment : KeyUsageFlags.digitalSignature;
}

function publicKeyInfo(key: IssueCertificateInput['publicKey']): { spki: Uint8Array; keyType: string } {
  let object: KeyObject;
  try {
    if (key instanceof KeyObject) object = key.type === 'private' ? createPublicKey(key) : key;
    else if (key instanceof Uint8Array) object = createPublicKey({ key: Buffer.from(key), format: 'der', type: 'spki' });
    else object = KeyObject.from(key);
  } catch {
    throw invalid('publicKey: not a public key or SubjectPublicKeyInfo', 'publicKey');
  }
  if (object.type !== 'public') throw invalid('publicKey: a secret key cannot be certified', 'publicKey');
  const keyType = object.asymmetricKeyType ?? 'unknown';
  if (!['rsa', 'ec', 'ed25519'].includes(keyType)) throw invalid(`publicKey: ${keyType} keys are not supported`, 'publicKey');
  const bits = object.asymmetricKeyDetails?.modulusLength ?? 0;
  if (keyType === 'rsa' && bits < 2048) {
    // Apple stops trusting RSA keys under 2048 bits for TLS (HT210176); no weaker identities either.
    throw invalid(`publicKey: RSA keys need at least 2048 bits, this one has ${bits}`, 'publicKey');
  }
  return { spki: spkiOf(object), keyType };
}

function spkiOf(key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ type: 'spki', format: 'der' }));
}

/** RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING's value. */
function subjectKeyIdentifier(spki: Uint8Array): Uint8Array {
  const info = AsnConvert.parse(spki, SubjectPublicKeyInfo);
  return new Uint8Array(createHash('sha1').update(new Uint8Array(info.subjectPublicKey)).digest());
}

function existingSubjectKeyIdentifier(certificate: Certificate): Uint8Array | undefined {
  const ext = certificate.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectKeyIdentifier);
  return ext ? new Uint8Array(AsnConvert.parse(ext.extnValue, SubjectKeyIdentifier).buffer) : undefined;
}

function subjectAltNames(dnsNames: readonly string[], ipAddresses: readonly string[]): GeneralName[] {
  const names: GeneralName[] = [];
  for (const dns of dnsNames) {
    if (!isDnsName(dns)) throw invalid(`dnsNames: "${dns}" is not a DNS name`, 'dnsNames');
    names.push(new GeneralName({ dNSName: dns.toLowerCase() }));
  }
  for (const ip of ipAddresses) {
    const canonical = canonicalIp(ip);
    if (canonical === undefined) throw invalid(`ipAddresses: "${ip}" is not an IP address`, 'ipAddresses');
    names.push(new GeneralName({ iPAddress: canonical }));
  }
  return names;
}

/**
 * Dot-separated labels of letters, digits, hyphens (RFC 1123 §2.1) and underscores (which WHATWG
 * URLs allow in hosts), optionally `*.` first (RFC 6125 §6.4.3).
 */
export function isDnsName(name: string): boolean {
  const label = '[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?';
  return name.length <= 253 && new RegExp(`^(\\*\\.)?${label}(\\.${label})*$`, 'i').test(name);
}

/**
 * The RFC 5952 text of an IP address (`::1`, `192.0.2.1`), or undefined if it is not one.
 * WHATWG URL parsing does the canonicalisation, including IPv4-mapped IPv6 addresses.
 */
export function canonicalIp(text: string): string | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const family = isIP(bare);
  if (family === 4) return bare;
  if (family === 6) return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  return undefined;
}

/**
 * 16 random octets, top bit clear so the INTEGER is positive and first octet non-zero so its
 * DER encoding is minimal: RFC 5280 4.1.2.2 (positive, at most 20 octets) and the CA/Browser
 * Forum's 64 bits of CSPRNG output (Baseline Requirements 7.1).
 */
function randomSerial(): Uint8Array {
  const serial = new Uint8Array(randomBytes(16));
  serial[0] = (serial[0] as number) & 0x7f || 0x01;
  return serial;
}

/** A caller's hex serial as minimal DER INTEGER content octets. */
function parseSerial(hex: string): Uint8Array {
  const digits = hex.replace(/^0x/i, '').replace(/^0+/, '');
  if (!/^[0-9a-f]*$/i.test(digits) || digits === '' || digits.length > 40) {
    throw invalid('serialNumber must be a positive hexadecimal number of at most 20 octets', 'serialNumber');
  }
  const bytes = Buffer.from(digits.length % 2 === 1 ? `0${digits}` : digits, 'hex');
  const value = (bytes[0] as number) >= 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  if (value.length > 20) throw invalid('serialNumber must be at most 20 octets encoded (RFC 5280 4.1.2.2)', 'serialNumber');
  return new Uint8Array(value);
}

function serialHex(content: Uint8Array): string {
  const hex = Buffer.from(content).toString('hex');
  return hex.startsWith('00') && hex.length > 2 ? hex.slice(2) : hex;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
