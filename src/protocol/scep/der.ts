// The DER pieces SCEP attributes need, from the CMS module (src/protocol/cms/der.ts). The readers
// throw ScepProtocolError here, as SCEP callers expect. Everything larger goes through
// @peculiar/asn1-cms or the CMS module.
import * as cms from '../cms/der.js';
import { CmsError, type CmsErrorReason } from '../cms/errors.js';
import { ScepProtocolError, type ScepProtocolErrorReason } from './errors.js';

export { bytes, equalBytes, objectIdentifier, octetString, printableString, tlv, toArrayBuffer } from '../cms/der.js';

/** CMS reasons map one to one onto SCEP's; the Record makes a new CMS reason a type error here. */
const reasons: Record<CmsErrorReason, ScepProtocolErrorReason> = {
  malformed: 'malformed',
  unsupported: 'unsupported',
  'bad-signature': 'bad-signature',
};

/** The ScepProtocolError for a CmsError. */
export function scepError(err: CmsError): ScepProtocolError {
  return new ScepProtocolError(reasons[err.reason], err.message);
}

/** Runs `f`, turning a CmsError into the ScepProtocolError it means. */
export function asScep<R>(f: () => R): R {
  try {
    return f();
  } catch (err) {
    throw err instanceof CmsError ? scepError(err) : err;
  }
}

/** Reads one TLV at the start of `der` (definite lengths, and BER indefinite ones on constructed values). */
export const readTlv = (der: Uint8Array): cms.Tlv => asScep(() => cms.readTlv(der));
/** The TLVs inside a constructed value's contents. */
export const children = (value: Uint8Array): cms.Tlv[] => asScep(() => cms.children(value));
/** A DirectoryString or PrintableString value as text. */
export const readString = (der: Uint8Array): string => asScep(() => cms.readString(der));
export const readOctetString = (der: Uint8Array): Uint8Array => asScep(() => cms.readOctetString(der));
