// Reading a CMS SignedData (RFC 5652 §3, §5.1–5.3) from untrusted DER, field by field and bounded:
// the parse behind signed-data.ts's verifySignedData. No signature is checked here.
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import {
  children, concat, decodeObjectIdentifier, equalBytes, expectTlv, readObjectIdentifier, readOctetString, readTlv, readWhole, type Tlv,
} from './der.js';
import { CmsError } from './errors.js';

export const cmsOid = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
} as const;

/** Bounds on what one message may carry: a device sends its certificate, perhaps with a chain. */
export const MAX_CERTIFICATES = 16;
export const MAX_SIGNED_ATTRIBUTES = 64;
/** How deep a BER constructed OCTET STRING may nest its segments. */
export const MAX_SEGMENT_DEPTH = 8;

export const malformed = (message: string) => new CmsError('malformed', message);

type SignerId = { issuer: Uint8Array; serialNumber: Uint8Array } | { subjectKeyIdentifier: Uint8Array };

export interface ParsedSignedData {
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
export function parseSignedData(der: Uint8Array): ParsedSignedData {
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
export function findSigner(sid: SignerId, certificates: Uint8Array[]): Uint8Array {
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
export function certificateFields(der: Uint8Array, what: string): { issuer: Uint8Array; serialNumber: Uint8Array; subjectKeyIdentifier?: Uint8Array } {
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

/**
 * Public keys of certificates seen lately, by the SHA-256 of the certificate's exact DER: parsing
 * an X.509 certificate costs about 0.1 ms, and a device sends the same one with every signed
 * message. Bounded; the oldest entry goes first. Only keys that parsed are kept.
 */
const keys = new Map<string, KeyObject>();
const MAX_KEYS = 20_000;

export function publicKeyOf(certificateDer: Uint8Array, what: string): KeyObject {
  const id = createHash('sha256').update(certificateDer).digest('base64');
  const known = keys.get(id);
  if (known) return known;
  let key: KeyObject;
  try {
    key = new X509Certificate(certificateDer).publicKey;
  } catch (err) {
    throw malformed(`${what} does not parse: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value as string);
  keys.set(id, key);
  return key;
}

export function isOneValue(der: Uint8Array): boolean {
  try {
    return readTlv(der).raw.length === der.length;
  } catch {
    return false;
  }
}
