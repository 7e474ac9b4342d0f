// Graph's downloadApplePushNotificationCertificateSigningRequest: a new RSA key and a PKCS #10
// request for it. The admin has the request signed by an MDM vendor, uploads the signed request to
// Apple's Push Certificates Portal, and uploads the certificate Apple issues back to Steward, which
// pairs it with the key kept here. Only the key of the last request handed out is kept.
import { AsnConvert } from '@peculiar/asn1-schema';
import { Attributes, CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr';
import { AlgorithmIdentifier, AttributeTypeAndValue, AttributeValue, Name, RelativeDistinguishedName, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { generateKeyPair, randomUUID, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { Clock } from '../clock.js';
import type { PushCertificateStore } from './ports.js';

const COMMON_NAME = '2.5.4.3';
const ORGANIZATION = '2.5.4.10';
const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
/** What Apple's portal and the vendors' signing tools expect of an MDM push CSR. */
const MODULUS_BITS = 2048;

export interface PushCertificateRequest {
  /** The PKCS #10 request, PEM (-----BEGIN CERTIFICATE REQUEST-----). */
  csrPem: string;
  createdAt: Date;
}

export async function createPushCertificateRequest(deps: { pushCertificates: PushCertificateStore; clock: Clock }): Promise<PushCertificateRequest> {
  // Generated off the event loop: an RSA key takes tens of milliseconds.
  const { publicKey, privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: MODULUS_BITS, publicExponent: 0x10001 });
  const csrPem = toPem(encodeRequest(publicKey, privateKey));
  const createdAt = deps.clock.now();
  await deps.pushCertificates.savePendingRequest({
    id: randomUUID(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    createdAt,
  });
  return { csrPem, createdAt };
}

function encodeRequest(publicKey: KeyObject, privateKey: KeyObject): ArrayBuffer {
  const rdn = (type: string, value: string) => new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) })]);
  const info = new CertificationRequestInfo({
    version: 0,
    // Apple puts its own subject (the topic as UID) in the certificate; the request's is for people.
    subject: new Name([rdn(ORGANIZATION, 'Steward'), rdn(COMMON_NAME, 'Steward MDM push certificate')]),
    subjectPKInfo: AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo),
    attributes: new Attributes(),
  });
  const signature = sign('sha256', Buffer.from(AsnConvert.serialize(info)), privateKey);
  return AsnConvert.serialize(new CertificationRequest({
    certificationRequestInfo: info,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: SHA256_WITH_RSA, parameters: null }),
    signature: signature.buffer.slice(signature.byteOffset, signature.byteOffset + signature.byteLength),
  }));
}

function toPem(der: ArrayBuffer): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE REQUEST-----\n${lines.join('\n')}\n-----END CERTIFICATE REQUEST-----\n`;
}
