// Reads an uploaded MDM push certificate (the one Apple's Push Certificates Portal issues for a
// vendor-signed CSR): its topic, its validity, and whether the private key belongs to it.
// Errors say which input is wrong and why; they never echo key material.
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { Clock } from '../clock.js';
import { StewardError } from '../errors.js';

/** userId (RFC 4519 `uid`): Apple puts the APNs topic of an MDM push certificate here. */
export const UID_OID = '0.9.2342.19200300.100.1.1';
/** Every MDM push topic starts with this (Apple's "Device Management": the `Topic` of the MDM payload). */
export const MDM_TOPIC_PREFIX = 'com.apple.mgmt.';
/** Warn this long before the certificate expires: renewing needs the same Apple ID and a new CSR. */
export const PUSH_CERTIFICATE_WARNING_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface PushCertificateUpload {
  /** PEM; a chain is accepted, the first certificate is the push certificate. */
  certificatePem: string;
  /** PEM (PKCS #8, PKCS #1 or SEC 1), encrypted or not. */
  privateKeyPem: string;
  /** For an encrypted private key. */
  passphrase?: string;
}

export interface PushCertificate {
  /** The APNs topic, e.g. `com.apple.mgmt.External.4f2c…`. */
  topic: string;
  notBefore: Date;
  notAfter: Date;
  serialNumber: string;
  /** The subject as OpenSSL prints it, for display. */
  subject: string;
  /** The push certificate alone, PEM. */
  certificatePem: string;
  /** The private key as unencrypted PKCS #8 PEM, for the caller to store as a secret. */
  privateKeyPem: string;
  /** Human-readable warnings (expired, expires soon, not yet valid); empty when all is well. */
  warnings: string[];
}

const invalid = (message: string, target: string) => new StewardError('invalid-input', message, target);

/** Parses and checks an uploaded push certificate and key. Throws `invalid-input` naming the bad part. */
export function readPushCertificate(upload: PushCertificateUpload, clock: Clock): PushCertificate {
  const certificate = parseCertificate(upload.certificatePem);
  const privateKey = parsePrivateKey(upload.privateKeyPem, upload.passphrase);
  let matches: boolean;
  try {
    matches = certificate.checkPrivateKey(privateKey);
  } catch {
    matches = false;
  }
  if (!matches) {
    throw invalid('privateKey: the private key does not belong to the push certificate (its public key differs)', 'privateKey');
  }
  const topic = topicOf(certificate);
  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  return {
    topic,
    notBefore,
    notAfter,
    serialNumber: certificate.serialNumber.toLowerCase(),
    subject: certificate.subject.split('\n').join(', '),
    certificatePem: certificate.toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    warnings: pushCertificateWarnings({ notBefore, notAfter }, clock.now()),
  };
}

/** The warnings for a stored certificate at `now`; call again whenever it is shown. */
export function pushCertificateWarnings(validity: { notBefore: Date; notAfter: Date }, now: Date): string[] {
  const warnings: string[] = [];
  const left = validity.notAfter.getTime() - now.getTime();
  if (left <= 0) {
    warnings.push(`expired: the push certificate expired on ${validity.notAfter.toISOString()}; devices cannot be woken until it is renewed with the same Apple ID`);
  } else if (left <= PUSH_CERTIFICATE_WARNING_DAYS * DAY_MS) {
    const days = Math.ceil(left / DAY_MS);
    warnings.push(`expires-soon: the push certificate expires on ${validity.notAfter.toISOString()} (in ${days} day${days === 1 ? '' : 's'}); renew it with the same Apple ID`);
  }
  // A few minutes of clock skew between Apple and this server is not worth a warning.
  if (validity.notBefore.getTime() > now.getTime() + 5 * 60 * 1000) {
    warnings.push(`not-yet-valid: the push certificate is valid only from ${validity.notBefore.toISOString()}`);
  }
  return warnings;
}

function parseCertificate(pem: string): X509Certificate {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw invalid('certificate: expected a PEM certificate (-----BEGIN CERTIFICATE-----); PKCS #12 files are not accepted, convert them with openssl pkcs12', 'certificate');
  }
  try {
    return new X509Certificate(pem);
  } catch {
    throw invalid('certificate: the PEM certificate could not be decoded', 'certificate');
  }
}

function parsePrivateKey(pem: string, passphrase: string | undefined): KeyObject {
  if (typeof pem !== 'string' || !/-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(pem)) {
    throw invalid('privateKey: expected a PEM private key (-----BEGIN PRIVATE KEY-----)', 'privateKey');
  }
  const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem);
  if (encrypted && (passphrase === undefined || passphrase === '')) {
    throw invalid('privateKey: the private key is encrypted; give its passphrase', 'passphrase');
  }
  try {
    const key = createPrivateKey(passphrase === undefined ? { key: pem, format: 'pem' } : { key: pem, format: 'pem', passphrase });
    // A public key passed by mistake is parsed by createPrivateKey only from a private PEM, but be sure.
    createPublicKey(key);
    return key;
  } catch {
    throw encrypted
      ? invalid('privateKey: the private key could not be decrypted; check the passphrase', 'passphrase')
      : invalid('privateKey: the PEM private key could not be decoded', 'privateKey');
  }
}

function topicOf(certificate: X509Certificate): string {
  const parsed = AsnConvert.parse(certificate.raw, Certificate);
  const uids: string[] = [];
  for (const rdn of parsed.tbsCertificate.subject) {
    for (const attribute of rdn) {
      if (attribute.type === UID_OID) uids.push(attribute.value.toString());
    }
  }
  const topic = uids[0];
  if (topic === undefined) {
    throw invalid(`certificate: the subject has no UID (${UID_OID}) attribute, so this is not an MDM push certificate`, 'certificate');
  }
  if (uids.length > 1) throw invalid('certificate: the subject has more than one UID attribute', 'certificate');
  if (!topic.startsWith(MDM_TOPIC_PREFIX)) {
    throw invalid(`certificate: the subject UID "${topic}" is not an MDM push topic (${MDM_TOPIC_PREFIX}…); upload the certificate from Apple's Push Certificates Portal`, 'certificate');
  }
  return topic;
}
