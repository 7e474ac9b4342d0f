// A SCEP client's side of the messages, for tests and device simulators: build a PKCSReq or
// RenewalReq, and read a CertRep.
import { AsnConvert } from '@peculiar/asn1-schema';
import { Attributes, CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr';
import { AlgorithmIdentifier, Attribute, SubjectPublicKeyInfo, type Name } from '@peculiar/asn1-x509';
import { randomBytes, sign, type KeyObject } from 'node:crypto';
import { bytes, printableString, toArrayBuffer } from './der.js';
import { sealEnvelope } from './envelope.js';
import { encodePkiMessage, type ScepMessageType } from './pki-message.js';

const CHALLENGE_PASSWORD = '1.2.840.113549.1.9.7';
const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';

/** A PKCS #10 request signed with `privateKey` (RSA), with a challengePassword when given. */
export function encodeCertificationRequest(input: { subject: Name; publicKey: KeyObject; privateKey: KeyObject; challengePassword?: string }): Uint8Array {
  const attributes = new Attributes(input.challengePassword === undefined ? [] : [
    new Attribute({ type: CHALLENGE_PASSWORD, values: [toArrayBuffer(printableString(input.challengePassword))] }),
  ]);
  const info = new CertificationRequestInfo({
    version: 0,
    subject: input.subject,
    subjectPKInfo: AsnConvert.parse(input.publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo),
    attributes,
  });
  const signature = sign('sha256', bytes(AsnConvert.serialize(info)), input.privateKey);
  const csr = new CertificationRequest({
    certificationRequestInfo: info,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: SHA256_WITH_RSA, parameters: null }),
    signature: toArrayBuffer(signature),
  });
  return bytes(AsnConvert.serialize(csr));
}

/** A signed PKCSReq or RenewalReq carrying `csr`, encrypted to the CA certificate. */
export async function encodeEnrollmentRequest(input: {
  messageType: Extract<ScepMessageType, 'PKCSReq' | 'RenewalReq'>;
  csr: Uint8Array;
  caCertificate: Uint8Array;
  signerCertificate: Uint8Array;
  signerKey: KeyObject;
  transactionId?: string;
  senderNonce?: Uint8Array;
}): Promise<{ der: Uint8Array; transactionId: string; senderNonce: Uint8Array }> {
  const transactionId = input.transactionId ?? randomBytes(16).toString('hex');
  const senderNonce = input.senderNonce ?? randomBytes(16);
  const der = await encodePkiMessage({
    messageType: input.messageType,
    transactionId,
    senderNonce,
    content: sealEnvelope(input.csr, input.caCertificate),
  }, { certificateDer: input.signerCertificate, sign: (attributes) => new Uint8Array(sign('sha256', attributes, input.signerKey)) });
  return { der, transactionId, senderNonce };
}
