// SCEP pkiMessage (RFC 8894 §3): a CMS SignedData whose signed attributes carry the SCEP fields
// and whose content is the pkcsPKIEnvelope. Decoding checks the signature with the certificate the
// message itself carries; whether that certificate is acceptable is the caller's decision. The CMS
// work (signing, verifying) is src/protocol/cms/signed-data.ts; this file adds the SCEP fields.
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  CertificateChoices, CertificateSet, ContentInfo, DigestAlgorithmIdentifiers, EncapsulatedContentInfo, SignedData, SignerInfos,
  id_data, id_signedData,
} from '@peculiar/asn1-cms';
import { Certificate } from '@peculiar/asn1-x509';
import { signData, verifySignedData, type CmsSigner } from '../cms/signed-data.js';
import { asScep, bytes, octetString, printableString, readOctetString, readString } from './der.js';
import { ScepProtocolError } from './errors.js';

/** Signs for a pkiMessage: the certificate to name and a signature over the DER of the signed attributes. */
export type { CmsSigner } from '../cms/signed-data.js';

export const oid = {
  messageType: '2.16.840.1.113733.1.9.2',
  pkiStatus: '2.16.840.1.113733.1.9.3',
  failInfo: '2.16.840.1.113733.1.9.4',
  senderNonce: '2.16.840.1.113733.1.9.5',
  recipientNonce: '2.16.840.1.113733.1.9.6',
  transactionID: '2.16.840.1.113733.1.9.7',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  rsaEncryption: '1.2.840.113549.1.1.1',
} as const;

/** RFC 8894 §3.2.1.2. */
export const messageTypeCodes = { CertRep: '3', RenewalReq: '17', PKCSReq: '19', CertPoll: '20', GetCert: '21', GetCRL: '22' } as const;
export type ScepMessageType = keyof typeof messageTypeCodes;
/** RFC 8894 §3.2.1.3. */
export const pkiStatusCodes = { SUCCESS: '0', FAILURE: '2', PENDING: '3' } as const;
export type PkiStatus = keyof typeof pkiStatusCodes;
/** RFC 8894 §3.2.1.4. */
export const failInfoCodes = { badAlg: '0', badMessageCheck: '1', badRequest: '2', badTime: '3', badCertId: '4' } as const;
export type FailInfo = keyof typeof failInfoCodes;

export interface PkiMessage {
  messageType: ScepMessageType;
  transactionId: string;
  senderNonce?: Uint8Array;
  recipientNonce?: Uint8Array;
  pkiStatus?: PkiStatus;
  failInfo?: FailInfo;
  /** DER of the certificate that signed the message (checked: the signature verifies with it). */
  signerCertificate: Uint8Array;
  /** Every certificate the SignedData carries, DER. */
  certificates: Uint8Array[];
  /** The signed content: a pkcsPKIEnvelope (ContentInfo of EnvelopedData) DER, or empty. */
  content: Uint8Array;
}

function lookup<K extends string>(table: Record<K, string>, code: string, what: string): K {
  const found = (Object.keys(table) as K[]).find((k) => table[k] === code);
  if (found === undefined) throw new ScepProtocolError('unsupported', `${what} ${code} is not supported`);
  return found;
}

function parse<T>(der: Uint8Array, type: new () => T, what: string): T {
  try {
    return AsnConvert.parse(der, type);
  } catch (err) {
    throw new ScepProtocolError('malformed', `${what} does not parse: ${(err as Error).message}`);
  }
}

/** Decodes a pkiMessage and checks its signature; throws ScepProtocolError. */
export function decodePkiMessage(der: Uint8Array): PkiMessage {
  const { signedAttributes: attrs, signerCertificate, certificates, content } = asScep(() => verifySignedData(der));
  const text = (id: string, what: string, required: boolean) => {
    const v = attrs.get(id);
    if (v === undefined) {
      if (required) throw new ScepProtocolError('malformed', `the ${what} attribute is missing`);
      return undefined;
    }
    return readString(v);
  };
  const octets = (id: string) => {
    const v = attrs.get(id);
    return v === undefined ? undefined : readOctetString(v);
  };
  const status = text(oid.pkiStatus, 'pkiStatus', false);
  const fail = text(oid.failInfo, 'failInfo', false);
  return {
    messageType: lookup(messageTypeCodes, text(oid.messageType, 'messageType', true) ?? '', 'messageType'),
    transactionId: text(oid.transactionID, 'transactionID', true) ?? '',
    ...optional('senderNonce', octets(oid.senderNonce)),
    ...optional('recipientNonce', octets(oid.recipientNonce)),
    ...optional('pkiStatus', status === undefined ? undefined : lookup(pkiStatusCodes, status, 'pkiStatus')),
    ...optional('failInfo', fail === undefined ? undefined : lookup(failInfoCodes, fail, 'failInfo')),
    signerCertificate,
    certificates,
    content,
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

export interface PkiMessageFields {
  messageType: ScepMessageType;
  transactionId: string;
  senderNonce: Uint8Array;
  recipientNonce?: Uint8Array;
  pkiStatus?: PkiStatus;
  failInfo?: FailInfo;
  /** The pkcsPKIEnvelope DER; empty for a CertRep FAILURE or PENDING. */
  content: Uint8Array;
  /** Extra certificates to carry besides the signer's (DER). */
  certificates?: readonly Uint8Array[];
}

/** Encodes and signs a pkiMessage (a request from a client, or a CertRep from the CA). */
export async function encodePkiMessage(fields: PkiMessageFields, signer: CmsSigner): Promise<Uint8Array> {
  // signData adds contentType (id-data) and messageDigest (SHA-256).
  const attributes = new Map<string, Uint8Array>([
    [oid.messageType, printableString(messageTypeCodes[fields.messageType])],
    [oid.transactionID, printableString(fields.transactionId)],
    [oid.senderNonce, octetString(fields.senderNonce)],
  ]);
  if (fields.recipientNonce) attributes.set(oid.recipientNonce, octetString(fields.recipientNonce));
  if (fields.pkiStatus) attributes.set(oid.pkiStatus, printableString(pkiStatusCodes[fields.pkiStatus]));
  if (fields.failInfo) attributes.set(oid.failInfo, printableString(failInfoCodes[fields.failInfo]));
  return signData(fields.content, signer, { attributes, certificates: fields.certificates ?? [] });
}

/** A degenerate certificates-only SignedData (RFC 8894 §3.4): how a CertRep carries the issued certificate. */
export function encodeCertificatesOnly(certificates: readonly Uint8Array[]): Uint8Array {
  const signed = new SignedData({
    version: 1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: id_data }),
    certificates: new CertificateSet(certificates.map((der) => new CertificateChoices({ certificate: AsnConvert.parse(der, Certificate) }))),
    signerInfos: new SignerInfos([]),
  });
  return bytes(AsnConvert.serialize(new ContentInfo({ contentType: id_signedData, content: AsnConvert.serialize(signed) })));
}

export function decodeCertificatesOnly(der: Uint8Array): Uint8Array[] {
  const info = parse(der, ContentInfo, 'certs-only ContentInfo');
  if (info.contentType !== id_signedData) throw new ScepProtocolError('malformed', 'certs-only content is not signedData');
  const signed = parse(bytes(info.content), SignedData, 'certs-only SignedData');
  return Array.from(signed.certificates ?? []).flatMap((c) => (c.certificate ? [bytes(AsnConvert.serialize(c.certificate))] : []));
}
