// SCEP pkiMessage (RFC 8894 §3): a CMS SignedData whose signed attributes carry the SCEP fields
// and whose content is the pkcsPKIEnvelope. Decoding checks the signature with the certificate the
// message itself carries; whether that certificate is acceptable is the caller's decision.
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  Attribute, CertificateChoices, CertificateSet, ContentInfo, DigestAlgorithmIdentifiers, EncapsulatedContent,
  EncapsulatedContentInfo, IssuerAndSerialNumber, SignedData, SignerIdentifier, SignerInfo, SignerInfos, id_data, id_signedData,
} from '@peculiar/asn1-cms';
import { AlgorithmIdentifier, Certificate } from '@peculiar/asn1-x509';
import { OctetString } from '@peculiar/asn1-schema';
import { createHash, verify, X509Certificate } from 'node:crypto';
import { bytes, children, equalBytes, objectIdentifier, octetString, printableString, readOctetString, readString, readTlv, tlv, toArrayBuffer } from './der.js';
import { ScepProtocolError } from './errors.js';

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

const digests: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const sha256Oid = '2.16.840.1.101.3.4.2.1';

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

/** Signs for a pkiMessage: the certificate to name and a signature over the DER of the signed attributes. */
export interface CmsSigner {
  certificateDer: Uint8Array;
  /** PKCS #1 v1.5 RSA signature with SHA-256 over `signedAttributes` (a DER SET). */
  sign(signedAttributes: Uint8Array): Uint8Array | Promise<Uint8Array>;
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
  const info = parse(der, ContentInfo, 'pkiMessage ContentInfo');
  if (info.contentType !== id_signedData) throw new ScepProtocolError('malformed', `pkiMessage content type ${info.contentType} is not signedData`);
  const signed = parse(bytes(info.content), SignedData, 'pkiMessage SignedData');
  const signer = signed.signerInfos[0];
  if (!signer || signed.signerInfos.length !== 1) throw new ScepProtocolError('malformed', 'a pkiMessage has exactly one signer');
  const certificates = Array.from(signed.certificates ?? []).flatMap((c) => (c.certificate ? [bytes(AsnConvert.serialize(c.certificate))] : []));
  const signerCertificate = findSigner(signer.sid, certificates);
  const content = encapsulatedContent(signed.encapContentInfo);

  const attrs = new Map<string, Uint8Array>();
  for (const a of signer.signedAttrs ?? []) {
    const value = a.attrValues[0];
    if (value !== undefined) attrs.set(a.attrType, bytes(value));
  }
  const digestName = digests[signer.digestAlgorithm.algorithm];
  if (!digestName) throw new ScepProtocolError('unsupported', `digest algorithm ${signer.digestAlgorithm.algorithm} is not supported`);
  const messageDigest = attrs.get(oid.messageDigest);
  if (!messageDigest) throw new ScepProtocolError('malformed', 'the signer has no messageDigest signed attribute');
  if (!equalBytes(readOctetString(messageDigest), createHash(digestName).update(content).digest())) {
    throw new ScepProtocolError('bad-signature', 'messageDigest does not match the content');
  }
  // The signature covers the attributes as sent, with a SET tag instead of their [0] IMPLICIT one
  // (RFC 5652 §5.4).
  const signedAttributes = rawSignedAttributes(der)
    ?? tlv(0x31, concat((signer.signedAttrs ?? []).map((a) => bytes(AsnConvert.serialize(a)))));
  let ok = false;
  try {
    ok = verify(digestName, signedAttributes, new X509Certificate(signerCertificate).publicKey, bytes(signer.signature.buffer));
  } catch (err) {
    throw new ScepProtocolError('bad-signature', `the signature cannot be checked: ${(err as Error).message}`);
  }
  if (!ok) throw new ScepProtocolError('bad-signature', 'the signature does not verify with the signer certificate');

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

/**
 * The first signer's signed attributes exactly as encoded, with the SET tag; undefined when the
 * message is not plain definite-length DER (the caller then re-encodes the parsed attributes).
 */
function rawSignedAttributes(der: Uint8Array): Uint8Array | undefined {
  try {
    const [, explicit] = children(readTlv(der).value);
    const signedData = explicit && readTlv(explicit.value);
    const signerInfos = signedData && children(signedData.value).findLast((c) => c.tag === 0x31);
    const first = signerInfos && children(signerInfos.value)[0];
    const attrs = first && children(first.value).find((c) => c.tag === 0xa0);
    if (!attrs) return undefined;
    const out = attrs.raw.slice();
    out[0] = 0x31;
    return out;
  } catch {
    return undefined;
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function encapsulatedContent(info: EncapsulatedContentInfo): Uint8Array {
  const e = info.eContent;
  if (!e) return new Uint8Array();
  if (e.single) return bytes(e.single.buffer);
  if (e.any) {
    // A BER constructed OCTET STRING, as some clients send: the concatenated primitive parts.
    const { tag, value } = readTlv(bytes(e.any));
    if (tag === 0x04) return value;
    const parts: Uint8Array[] = [];
    let rest = value;
    while (rest.length > 0) {
      const part = readTlv(rest);
      parts.push(part.value);
      rest = rest.subarray(part.value.byteOffset - rest.byteOffset + part.value.length);
    }
    return concat(parts);
  }
  return new Uint8Array();
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

function findSigner(sid: SignerIdentifier, certificates: Uint8Array[]): Uint8Array {
  for (const der of certificates) {
    const cert = AsnConvert.parse(der, Certificate);
    if (sid.issuerAndSerialNumber) {
      const want = sid.issuerAndSerialNumber;
      if (equalBytes(bytes(cert.tbsCertificate.serialNumber), bytes(want.serialNumber))
        && equalBytes(bytes(AsnConvert.serialize(cert.tbsCertificate.issuer)), bytes(AsnConvert.serialize(want.issuer)))) return der;
    } else if (sid.subjectKeyIdentifier) {
      const ski = cert.tbsCertificate.extensions?.find((x) => x.extnID === '2.5.29.14');
      if (ski && equalBytes(readOctetString(bytes(ski.extnValue.buffer)), bytes(sid.subjectKeyIdentifier.buffer))) return der;
    }
  }
  throw new ScepProtocolError('malformed', 'the signer certificate is not in the message');
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
  const attribute = (type: string, value: Uint8Array) => new Attribute({ attrType: type, attrValues: [toArrayBuffer(value)] });
  const attrs = [
    attribute(oid.contentType, objectIdentifier(id_data)),
    attribute(oid.messageDigest, octetString(createHash('sha256').update(fields.content).digest())),
    attribute(oid.messageType, printableString(messageTypeCodes[fields.messageType])),
    attribute(oid.transactionID, printableString(fields.transactionId)),
    attribute(oid.senderNonce, octetString(fields.senderNonce)),
  ];
  if (fields.recipientNonce) attrs.push(attribute(oid.recipientNonce, octetString(fields.recipientNonce)));
  if (fields.pkiStatus) attrs.push(attribute(oid.pkiStatus, printableString(pkiStatusCodes[fields.pkiStatus])));
  if (fields.failInfo) attrs.push(attribute(oid.failInfo, printableString(failInfoCodes[fields.failInfo])));
  // DER orders SET OF by encoding (X.690 §11.6).
  const encoded = attrs.map((a) => bytes(AsnConvert.serialize(a))).sort(compareBytes);
  const signature = await signer.sign(tlv(0x31, concat(encoded)));

  const cert = AsnConvert.parse(signer.certificateDer, Certificate);
  const sha256 = new AlgorithmIdentifier({ algorithm: sha256Oid });
  const signerInfo = new SignerInfo({
    version: 1,
    sid: new SignerIdentifier({ issuerAndSerialNumber: new IssuerAndSerialNumber({ issuer: cert.tbsCertificate.issuer, serialNumber: cert.tbsCertificate.serialNumber }) }),
    digestAlgorithm: sha256,
    signedAttrs: encoded.map((der) => AsnConvert.parse(der, Attribute)),
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: oid.rsaEncryption, parameters: null }),
    signature: new OctetString(toArrayBuffer(signature)),
  });
  const signed = new SignedData({
    version: 1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([sha256]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: id_data, eContent: new EncapsulatedContent({ single: new OctetString(toArrayBuffer(fields.content)) }) }),
    certificates: new CertificateSet([signer.certificateDer, ...(fields.certificates ?? [])].map((der) => new CertificateChoices({ certificate: AsnConvert.parse(der, Certificate) }))),
    signerInfos: new SignerInfos([signerInfo]),
  });
  return bytes(AsnConvert.serialize(new ContentInfo({ contentType: id_signedData, content: AsnConvert.serialize(signed) })));
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

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
