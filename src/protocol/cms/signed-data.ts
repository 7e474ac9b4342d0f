// CMS SignedData (RFC 5652 §5) with one signer: signing (attached or detached content, the private
// key behind a callback) and verifying (the signature only; whether the certificate is acceptable
// is the caller's decision). Used by SCEP pkiMessages, signed enrollment profiles and the
// Mdm-Signature header of Apple MDM messages.
//
// Verification walks the encoding itself rather than through an ASN.1 library: the bytes whose
// signature is checked (the signed attributes as sent) and the values read from them are then the
// same bytes by construction, and every step is bounded for untrusted input.
import { createHash, createPublicKey, sign as signWithKey, verify as verifyWithKey, X509Certificate, type KeyObject } from 'node:crypto';
import {
  children, compareBytes, concat, decodeObjectIdentifier, encodeTime, equalBytes, expectTlv, objectIdentifier, octetString,
  readObjectIdentifier, readOctetString, readTime, readTlv, readWhole, sequence, smallInteger, tlv, type Tlv,
} from './der.js';
import { CmsError } from './errors.js';

export { CmsError, type CmsErrorReason } from './errors.js';

export const cmsOid = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
} as const;

/** Digest algorithms (RFC 3370 §2.1, RFC 5754 §2). SHA-1 is only ever verified, never produced. */
const digestAlgorithms: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const SHA256 = '2.16.840.1.101.3.4.2.1';

/**
 * Signature algorithms (RFC 3370 §3.2, RFC 5754 §3, RFC 5753 §7.1.3). rsaEncryption names no hash:
 * the signer's digest algorithm is used.
 */
const signatureAlgorithms: Record<string, { key: 'rsa' | 'ec'; digest?: string }> = {
  '1.2.840.113549.1.1.1': { key: 'rsa' },
  '1.2.840.113549.1.1.5': { key: 'rsa', digest: 'sha1' },
  '1.2.840.113549.1.1.11': { key: 'rsa', digest: 'sha256' },
  '1.2.840.113549.1.1.12': { key: 'rsa', digest: 'sha384' },
  '1.2.840.113549.1.1.13': { key: 'rsa', digest: 'sha512' },
  '1.2.840.10045.4.3.2': { key: 'ec', digest: 'sha256' },
  '1.2.840.10045.4.3.3': { key: 'ec', digest: 'sha384' },
  '1.2.840.10045.4.3.4': { key: 'ec', digest: 'sha512' },
};
const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
/** NIST curves only (RFC 5480 §2.1.1.1); Node's names for P-256, P-384, P-521. */
const CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

/** Bounds on what one message may carry: a device sends its certificate, perhaps with a chain. */
export const MAX_CERTIFICATES = 16;
export const MAX_SIGNED_ATTRIBUTES = 64;
/** How deep a BER constructed OCTET STRING may nest its segments. */
const MAX_SEGMENT_DEPTH = 8;

export interface CmsSigner {
  certificateDer: Uint8Array;
  /** Signature over `signedAttributes` (a DER SET): RSA PKCS #1 v1.5 with SHA-256, or ECDSA with SHA-256 (DER-encoded signature) for an EC key. */
  sign(signedAttributes: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

export interface SignDataOptions {
  /** Leave the content out of the SignedData (a detached signature). Default false. */
  detached?: boolean;
  /** Adds the signingTime attribute (UTCTime before 2050, GeneralizedTime after, RFC 5652 §11.3). Whole seconds. */
  signingTime?: Date;
  /** Further certificates to carry (chain), DER. */
  certificates?: readonly Uint8Array[];
  /** Extra signed attributes: OID → DER of the single attribute value. */
  attributes?: ReadonlyMap<string, Uint8Array>;
}

export interface VerifiedSignedData {
  /** The signed content: the encapsulated content, or the detached content given. */
  content: Uint8Array;
  /** eContentType: id-data (1.2.840.113549.1.7.1) for everything Steward signs. */
  contentType: string;
  /** DER of the certificate whose key verified the signature. */
  signerCertificate: Uint8Array;
  /** Every certificate the SignedData carries, DER. */
  certificates: Uint8Array[];
  /** The signingTime signed attribute, when present. */
  signingTime?: Date;
  /** Signed attributes by OID → DER of the first value (empty when there are none). */
  signedAttributes: Map<string, Uint8Array>;
  /**
   * A stable key for replay detection (SHA-256 hex): a digest of the signer certificate and of the
   * bytes the signature covers, not of the signature value, because an ECDSA signature can be
   * altered and still verify ((r, s) and (r, n − s) both do), so a replay could carry another value.
   */
  signatureId: string;
}

const malformed = (message: string) => new CmsError('malformed', message);
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();

/** ContentInfo(SignedData) DER, content type id-data, digest SHA-256, one signer identified by issuerAndSerialNumber. */
export async function signData(content: Uint8Array, signer: CmsSigner, options: SignDataOptions = {}): Promise<Uint8Array> {
  const cert = certificateFields(signer.certificateDer, 'the signer certificate');
  const keyType = publicKeyOf(signer.certificateDer, 'the signer certificate').asymmetricKeyType;
  if (keyType !== 'rsa' && keyType !== 'ec') throw new TypeError(`signData signs with RSA or EC keys, not ${keyType}`);

  const attributes = new Map<string, Uint8Array>([
    [cmsOid.contentType, objectIdentifier(cmsOid.data)],
    [cmsOid.messageDigest, octetString(sha256(content))],
  ]);
  if (options.signingTime) attributes.set(cmsOid.signingTime, encodeTime(options.signingTime));
  for (const [type, value] of options.attributes ?? []) {
    if (type === cmsOid.contentType || type === cmsOid.messageDigest || type === cmsOid.signingTime) {
      throw new TypeError(`signData sets the ${type} attribute itself`);
    }
    if (!isOneValue(value)) throw new TypeError(`the value of attribute ${type} is not one DER value`);
    attributes.set(type, value);
  }
  // DER orders a SET OF by encoding (X.690 §11.6); the signature covers that encoding with a SET
  // tag and the SignerInfo carries it under [0] IMPLICIT (RFC 5652 §5.4).
  const encoded = concat([...attributes].map(([type, value]) => sequence(objectIdentifier(type), tlv(0x31, value))).sort(compareBytes));
  const signature = await signer.sign(tlv(0x31, encoded));
  if (!(signature instanceof Uint8Array) || signature.length === 0) throw new TypeError('CmsSigner.sign returned no signature');

  const digestAlgorithm = sequence(objectIdentifier(SHA256));
  const signatureAlgorithm = keyType === 'rsa'
    ? sequence(objectIdentifier(RSA_ENCRYPTION), tlv(0x05, new Uint8Array())) // as OpenSSL writes it (RFC 3370 §3.2)
    : sequence(objectIdentifier(ECDSA_WITH_SHA256)); // no parameters (RFC 5758 §3.2)
  const signerInfo = sequence(
    smallInteger(1),
    sequence(cert.issuer, cert.serialNumber),
    digestAlgorithm,
    tlv(0xa0, encoded),
    signatureAlgorithm,
    octetString(signature),
  );
  const certificates: Uint8Array[] = [];
  for (const der of [signer.certificateDer, ...(options.certificates ?? [])]) {
    if (!isOneValue(der) || der[0] !== 0x30) throw new TypeError('a certificate to carry is not one DER SEQUENCE');
    if (!certificates.some((c) => equalBytes(c, der))) certificates.push(der);
  }
  const encapsulated = options.detached
    ? sequence(objectIdentifier(cmsOid.data))
    : sequence(objectIdentifier(cmsOid.data), tlv(0xa0, octetString(content)));
  const signedData = sequence(smallInteger(1), tlv(0x31, digestAlgorithm), encapsulated, tlv(0xa0, concat(certificates)), tlv(0x31, signerInfo));
  return sequence(objectIdentifier(cmsOid.signedData), tlv(0xa0, signedData));
}

/** A CmsSigner over a private key held by the caller (tests, the simulator): RSA or EC KeyObject. */
export function keySigner(certificateDer: Uint8Array, privateKey: KeyObject): CmsSigner {
  if (privateKey.type !== 'private') throw new TypeError('keySigner needs a private key');
  if (privateKey.asymmetricKeyType !== 'rsa' && privateKey.asymmetricKeyType !== 'ec') {
    throw new TypeError(`keySigner signs with RSA or EC keys, not ${privateKey.asymmetricKeyType}`);
  }
  const spki = (key: KeyObject) => key.export({ type: 'spki', format: 'der' });
  if (!spki(publicKeyOf(certificateDer, 'the certificate')).equals(spki(createPublicKey(privateKey)))) {
    throw new TypeError('the private key does not belong to the certificate');
  }
  return { certificateDer, sign: (signedAttributes) => new Uint8Array(signWithKey('sha256', signedAttributes, privateKey)) };
}

/**
 * Checks the signature (not the certificate chain: that is the caller's job). Exactly one signer.
 * Throws CmsError. With `detachedContent`, the SignedData must carry no content of its own.
 */
export function verifySignedData(der: Uint8Array, options: { detachedContent?: Uint8Array } = {}): VerifiedSignedData {
  if (!(der instanceof Uint8Array)) throw malformed('the SignedData is not bytes');
  const message = parseSignedData(der);
  const { signer } = message;
  let content: Uint8Array;
  if (options.detachedContent !== undefined) {
    if (message.content !== undefined) throw malformed('the SignedData carries its own content where a detached signature was expected');
    content = options.detachedContent;
  } else {
    if (message.content === undefined) throw malformed('the SignedData has no content (a detached signature) and none was given');
    content = message.content;
  }

  const digestName = digestAlgorithms[signer.digestAlgorithm];
  if (!digestName) throw new CmsError('unsupported', `digest algorithm ${signer.digestAlgorithm} is not supported`);
  const algorithm = signatureAlgorithms[signer.signatureAlgorithm];
  if (!algorithm) throw new CmsError('unsupported', `signature algorithm ${signer.signatureAlgorithm} is not supported`);
  if (algorithm.digest !== undefined && algorithm.digest !== digestName) {
    throw new CmsError('unsupported', `signature algorithm ${signer.signatureAlgorithm} does not use the digest algorithm ${digestName}`);
  }

  const signedAttributes = new Map<string, Uint8Array>();
  let signingTime: Date | undefined;
  if (signer.signedAttributes) {
    for (const [type, values] of signer.signedAttributes.attributes) signedAttributes.set(type, values[0] as Uint8Array);
    // RFC 5652 §5.3: present signed attributes include at least content-type and message-digest,
    // each with exactly one value (§11.1, §11.2), as signing-time has (§11.3).
    const single = (type: string, name: string) => {
      const values = signer.signedAttributes?.attributes.get(type);
      if (values && values.length !== 1) throw malformed(`the ${name} attribute has ${values.length} values`);
      return values?.[0];
    };
    const contentType = single(cmsOid.contentType, 'contentType');
    const messageDigest = single(cmsOid.messageDigest, 'messageDigest');
    const time = single(cmsOid.signingTime, 'signingTime');
    if (!contentType) throw malformed('the signed attributes have no contentType');
    if (!messageDigest) throw malformed('the signed attributes have no messageDigest');
    if (readObjectIdentifier(contentType, 'the contentType attribute') !== message.contentType) {
      throw new CmsError('bad-signature', 'the contentType attribute does not match the encapsulated content type');
    }
    const digest = readWhole(messageDigest, 0x04, 'the messageDigest attribute').value;
    if (!equalBytes(digest, createHash(digestName).update(content).digest())) {
      throw new CmsError('bad-signature', 'messageDigest does not match the content');
    }
    if (time) signingTime = readTime(time, 'the signingTime attribute');
  }

  const signerCertificate = findSigner(signer.sid, message.certificates);
  const key = publicKeyOf(signerCertificate, 'the signer certificate');
  if (key.asymmetricKeyType !== algorithm.key) {
    throw new CmsError('bad-signature', `signature algorithm ${signer.signatureAlgorithm} does not fit the signer certificate's ${key.asymmetricKeyType} key`);
  }
  if (algorithm.key === 'ec' && !CURVES.has(key.asymmetricKeyDetails?.namedCurve ?? '')) {
    throw new CmsError('unsupported', `the signer certificate's curve ${key.asymmetricKeyDetails?.namedCurve ?? '(unnamed)'} is not supported`);
  }
  // With signed attributes the signature covers their DER with a SET tag (RFC 5652 §5.4), else the content.
  const signed = signer.signedAttributes ? signer.signedAttributes.set : content;
  let ok: boolean;
  try {
    ok = verifyWithKey(digestName, signed, key, signer.signature);
  } catch (err) {
    throw new CmsError('bad-signature', `the signature cannot be checked: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!ok) throw new CmsError('bad-signature', 'the signature does not verify with the signer certificate');

  return {
    content,
    contentType: message.contentType,
    signerCertificate,
    certificates: message.certificates,
    ...(signingTime && { signingTime }),
    signedAttributes,
    signatureId: createHash('sha256').update(sha256(signerCertificate)).update(sha256(signed)).digest('hex'),
  };
}

type SignerId = { issuer: Uint8Array; serialNumber: Uint8Array } | { subjectKeyIdentifier: Uint8Array };

interface ParsedSignedData {
  contentType: string;
  /** eContent, absent for a detached signature. */
  content?: Uint8Array;
  certificates: Uint8Array[];
  signer: {
    sid: SignerId;
    digestAlgorithm: string;
    signatureAlgorithm: string;
    /** The signed attributes: by type, every value's DER; `set` is the DER SET the signature covers. */
    signedAttributes?: { set: Uint8Array; attributes: Map<string, Uint8Array[]> };
    signature: Uint8Array;
  };
}

/** RFC 5652 §3 ContentInfo and §5.1 SignedData, read field by field. */
function parseSignedData(der: Uint8Array): ParsedSignedData {
  const info = readWhole(der, 0x30, 'ContentInfo');
  const [type, explicit, ...extra] = children(info.value, 'ContentInfo');
  const contentType = readObjectIdentifier(expectTlv(type, 0x06, 'ContentInfo contentType').raw, 'ContentInfo contentType');
  if (contentType !== cmsOid.signedData) throw malformed(`ContentInfo content type ${contentType} is not signedData`);
  expectTlv(explicit, 0xa0, 'ContentInfo content');
  if (extra.length > 0) throw malformed('ContentInfo has fields after its content');
  const [body, ...after] = children(explicit?.value ?? new Uint8Array(), 'ContentInfo content');
  if (after.length > 0) throw malformed('ContentInfo content holds more than one value');
  const fields = children(expectTlv(body, 0x30, 'SignedData').value, 'SignedData');

  let i = 0;
  version(fields[i++], 'SignedData version', [1, 3, 4, 5]);
  expectTlv(fields[i++], 0x31, 'SignedData digestAlgorithms');
  const encapsulated = readEncapsulatedContent(expectTlv(fields[i++], 0x30, 'SignedData encapContentInfo'));
  const certificates: Uint8Array[] = [];
  if (fields[i]?.tag === 0xa0) {
    const choices = children(fields[i++]?.value ?? new Uint8Array(), 'SignedData certificates');
    if (choices.length > MAX_CERTIFICATES) throw new CmsError('unsupported', `the SignedData carries ${choices.length} certificates, more than ${MAX_CERTIFICATES}`);
    // Other CertificateChoices (attribute certificates, other formats) cannot sign: skipped.
    for (const choice of choices) if (choice.tag === 0x30) certificates.push(choice.raw.slice());
  }
  if (fields[i]?.tag === 0xa1) i++; // crls: not used
  const signerInfos = children(expectTlv(fields[i++], 0x31, 'SignedData signerInfos').value, 'SignedData signerInfos');
  if (i !== fields.length) throw malformed('SignedData has unexpected fields');
  if (signerInfos.length === 0) throw malformed('the SignedData has no signer');
  if (signerInfos.length > 1) throw new CmsError('unsupported', `the SignedData has ${signerInfos.length} signers; one is supported`);
  return { ...encapsulated, certificates, signer: readSignerInfo(expectTlv(signerInfos[0], 0x30, 'SignerInfo')) };
}

function readEncapsulatedContent(node: Tlv): { contentType: string; content?: Uint8Array } {
  const [type, explicit, ...extra] = children(node.value, 'encapContentInfo');
  const contentType = readObjectIdentifier(expectTlv(type, 0x06, 'eContentType').raw, 'eContentType');
  if (extra.length > 0) throw malformed('encapContentInfo has unexpected fields');
  if (explicit === undefined) return { contentType };
  const [octets, ...more] = children(expectTlv(explicit, 0xa0, 'eContent').value, 'eContent');
  if (octets === undefined || more.length > 0) throw malformed('eContent does not hold one OCTET STRING');
  return { contentType, content: octetStringContents(octets, 'eContent', 0) };
}

/** A primitive OCTET STRING, or a BER constructed one (X.690 §8.7.3) as some clients stream it. */
function octetStringContents(node: Tlv, what: string, depth: number): Uint8Array {
  if (node.tag === 0x04) return node.value;
  if (node.tag !== 0x24) throw malformed(`${what} is not an OCTET STRING`);
  if (depth >= MAX_SEGMENT_DEPTH) throw malformed(`${what}: constructed OCTET STRING nested too deeply`);
  return concat(children(node.value, what).map((segment) => octetStringContents(segment, what, depth + 1)));
}

/** RFC 5652 §5.3. */
function readSignerInfo(node: Tlv): ParsedSignedData['signer'] {
  const fields = children(node.value, 'SignerInfo');
  let i = 0;
  version(fields[i++], 'SignerInfo version', [1, 3]);
  const sidNode = fields[i++];
  let sid: SignerId;
  if (sidNode?.tag === 0x30) {
    const [issuer, serialNumber, ...extra] = children(sidNode.value, 'issuerAndSerialNumber');
    if (extra.length > 0) throw malformed('issuerAndSerialNumber has unexpected fields');
    sid = { issuer: expectTlv(issuer, 0x30, 'issuerAndSerialNumber issuer').raw, serialNumber: expectTlv(serialNumber, 0x02, 'issuerAndSerialNumber serialNumber').raw };
  } else if (sidNode?.tag === 0x80) {
    sid = { subjectKeyIdentifier: sidNode.value };
  } else {
    throw malformed('SignerInfo sid is neither issuerAndSerialNumber nor subjectKeyIdentifier');
  }
  const digestAlgorithm = algorithmOf(fields[i++], 'SignerInfo digestAlgorithm');
  let signedAttributes: ParsedSignedData['signer']['signedAttributes'];
  const attrsNode = fields[i];
  if (attrsNode?.tag === 0xa0) {
    i++;
    // RFC 5652 §5.3: signed attributes are DER even in a BER message; the signature covers them as sent.
    if (attrsNode.raw[1] === 0x80) throw malformed('the signed attributes are not DER (indefinite length)');
    // A copy: a Buffer's slice() is a view, and the caller's bytes must stay as they were.
    const set = new Uint8Array(attrsNode.raw);
    set[0] = 0x31;
    signedAttributes = { set, attributes: readAttributes(attrsNode.value) };
  }
  const signatureAlgorithm = algorithmOf(fields[i++], 'SignerInfo signatureAlgorithm');
  const signatureNode = fields[i++];
  if (signatureNode === undefined) throw malformed('SignerInfo signature is missing');
  const signature = octetStringContents(signatureNode, 'SignerInfo signature', 0);
  if (fields[i]?.tag === 0xa1) i++; // unsignedAttrs: not used
  if (i !== fields.length) throw malformed('SignerInfo has unexpected fields');
  return { sid, digestAlgorithm, signatureAlgorithm, ...(signedAttributes && { signedAttributes }), signature };
}

function readAttributes(value: Uint8Array): Map<string, Uint8Array[]> {
  const out = new Map<string, Uint8Array[]>();
  const attributes = children(value, 'signed attributes');
  if (attributes.length > MAX_SIGNED_ATTRIBUTES) throw new CmsError('unsupported', `${attributes.length} signed attributes, more than ${MAX_SIGNED_ATTRIBUTES}`);
  for (const attribute of attributes) {
    const [type, values, ...extra] = children(expectTlv(attribute, 0x30, 'a signed attribute').value, 'a signed attribute');
    const oid = readObjectIdentifier(expectTlv(type, 0x06, 'a signed attribute type').raw, 'a signed attribute type');
    const list = children(expectTlv(values, 0x31, `attribute ${oid} values`).value, `attribute ${oid} values`).map((v) => v.raw.slice());
    if (extra.length > 0) throw malformed(`attribute ${oid} has unexpected fields`);
    if (list.length === 0) throw malformed(`attribute ${oid} has no value`);
    // One attribute of each type: two would leave the reader to pick which one counts.
    if (out.has(oid)) throw malformed(`attribute ${oid} appears twice`);
    out.set(oid, list);
  }
  return out;
}

function version(node: Tlv | undefined, what: string, allowed: number[]): void {
  const { value } = expectTlv(node, 0x02, what);
  if (value.length !== 1 || !allowed.includes(value[0] ?? -1)) throw malformed(`${what} is not ${allowed.join(' or ')}`);
}

/** An AlgorithmIdentifier's OID; parameters are not needed for the algorithms supported. */
function algorithmOf(node: Tlv | undefined, what: string): string {
  const [oid, _parameters, ...extra] = children(expectTlv(node, 0x30, what).value, what);
  if (extra.length > 0) throw malformed(`${what} has unexpected fields`);
  return decodeObjectIdentifier(expectTlv(oid, 0x06, `${what} algorithm`).value, `${what} algorithm`);
}

/** The certificate the SignerInfo names (RFC 5652 §5.3 sid). */
function findSigner(sid: SignerId, certificates: Uint8Array[]): Uint8Array {
  for (const [n, der] of certificates.entries()) {
    const cert = certificateFields(der, `certificate ${n + 1}`);
    if ('issuer' in sid) {
      if (equalBytes(cert.issuer, sid.issuer) && equalBytes(cert.serialNumber, sid.serialNumber)) return der;
    } else if (cert.subjectKeyIdentifier && equalBytes(cert.subjectKeyIdentifier, sid.subjectKeyIdentifier)) {
      return der;
    }
  }
  throw malformed('the signer certificate is not in the SignedData');
}

/** From an X.509 certificate (RFC 5280 §4.1): issuer and serialNumber as encoded, and the subjectKeyIdentifier. */
function certificateFields(der: Uint8Array, what: string): { issuer: Uint8Array; serialNumber: Uint8Array; subjectKeyIdentifier?: Uint8Array } {
  const [tbs] = children(readWhole(der, 0x30, what).value, what);
  const fields = children(expectTlv(tbs, 0x30, `${what} tbsCertificate`).value, `${what} tbsCertificate`);
  let i = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] EXPLICIT version
  const serialNumber = expectTlv(fields[i++], 0x02, `${what} serialNumber`).raw;
  i++; // signature
  const issuer = expectTlv(fields[i++], 0x30, `${what} issuer`).raw;
  const extensions = fields.find((f) => f.tag === 0xa3);
  let subjectKeyIdentifier: Uint8Array | undefined;
  if (extensions) {
    const [list] = children(extensions.value, `${what} extensions`);
    for (const extension of children(expectTlv(list, 0x30, `${what} extensions`).value, `${what} extensions`)) {
      const [id, ...rest] = children(expectTlv(extension, 0x30, `${what} extension`).value, `${what} extension`);
      if (id?.tag === 0x06 && decodeObjectIdentifier(id.value) === '2.5.29.14') {
        const value = rest.at(-1);
        if (value?.tag === 0x04) subjectKeyIdentifier = readOctetString(value.value);
      }
    }
  }
  return { issuer, serialNumber, ...(subjectKeyIdentifier && { subjectKeyIdentifier }) };
}

function publicKeyOf(certificateDer: Uint8Array, what: string): KeyObject {
  try {
    return new X509Certificate(certificateDer).publicKey;
  } catch (err) {
    throw malformed(`${what} does not parse: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function isOneValue(der: Uint8Array): boolean {
  try {
    return readTlv(der).raw.length === der.length;
  } catch {
    return false;
  }
}
