// The PKCS #10 request inside a PKCSReq or RenewalReq (RFC 2986, RFC 8894 §3.3.1).
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { createPublicKey, verify } from 'node:crypto';
import { bytes, readString } from './der.js';
import { ScepProtocolError } from './errors.js';

const CHALLENGE_PASSWORD = '1.2.840.113549.1.9.7';
const signatureDigests: Record<string, string | null> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.3.101.112': null,
};

export interface CertificationRequestFields {
  /** DER of certificationRequestInfo.subject, for IssueCertificateInput.subject. */
  subject: Uint8Array;
  /** DER of certificationRequestInfo.subjectPKInfo, for IssueCertificateInput.publicKey. */
  publicKey: Uint8Array;
  challengePassword?: string;
}

/** Decodes a CSR and checks its self-signature (proof of possession, RFC 2986 §3). */
export function decodeCertificationRequest(der: Uint8Array): CertificationRequestFields {
  let csr: CertificationRequest;
  try {
    csr = AsnConvert.parse(der, CertificationRequest);
  } catch (err) {
    throw new ScepProtocolError('malformed', `the PKCS #10 request does not parse: ${(err as Error).message}`);
  }
  const info = csr.certificationRequestInfo;
  const publicKey = bytes(AsnConvert.serialize(info.subjectPKInfo));
  const digest = signatureDigests[csr.signatureAlgorithm.algorithm];
  if (digest === undefined || !csr.certificationRequestInfoRaw) {
    throw new ScepProtocolError('unsupported', `CSR signature algorithm ${csr.signatureAlgorithm.algorithm} is not supported`);
  }
  let ok = false;
  try {
    ok = verify(digest, bytes(csr.certificationRequestInfoRaw), createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' }), bytes(csr.signature));
  } catch (err) {
    throw new ScepProtocolError('bad-signature', `the CSR signature cannot be checked: ${(err as Error).message}`);
  }
  if (!ok) throw new ScepProtocolError('bad-signature', 'the CSR is not signed by its own key');
  const challenge = info.attributes.find((a) => a.type === CHALLENGE_PASSWORD)?.values[0];
  return {
    subject: bytes(AsnConvert.serialize(info.subject)),
    publicKey,
    ...(challenge === undefined ? {} : { challengePassword: readString(bytes(challenge)) }),
  };
}
