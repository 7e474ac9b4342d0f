// CMS SignedData (RFC 5652 §5) with one signer: signing (attached or detached content, the private
// key behind a callback) and verifying (the signature only; whether the certificate is acceptable
// is the caller's decision). Used by SCEP pkiMessages, signed enrollment profiles and the
// Mdm-Signature header of Apple MDM messages.
//
// Verification walks the encoding itself (parse-signed-data.ts) rather than through an ASN.1 library: the bytes whose
// signature is checked (the signed attributes as sent) and the values read from them are then the
// same bytes by construction, and every step is bounded for untrusted input.
import { createHash, createPublicKey, sign as signWithKey, verify as verifyWithKey, type KeyObject } from 'node:crypto';
import {
  compareBytes, concat, encodeTime, equalBytes, objectIdentifier, octetString, readObjectIdentifier, readTime, readWhole, sequence, smallInteger, tlv,
} from './der.js';
import { CmsError } from './errors.js';

export { CmsError, type CmsErrorReason } from './errors.js';
export { cmsOid, MAX_CERTIFICATES, MAX_SIGNED_ATTRIBUTES } from './parse-signed-data.js';
import { certificateFields, cmsOid, isOneValue, malformed, parseSignedData, publicKeyOf, findSigner } from './parse-signed-data.js';


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
