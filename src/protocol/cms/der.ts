// The DER (and the little BER) CMS needs, X.690 §8 and §10: a TLV writer and a bounded reader,
// OIDs, strings and times. Readers take untrusted bytes and throw CmsError('malformed') naming what
// was wrong; writers take Steward's own values and throw TypeError on a programming error.
import { CmsError } from './errors.js';

export interface Tlv {
  /** The identifier octet: class, constructed bit and tag number (tag numbers below 31 only). */
  tag: number;
  /** The contents octets (for an indefinite length, without the end-of-contents octets). */
  value: Uint8Array;
  /** The whole encoding: identifier, length, contents (and end-of-contents). */
  raw: Uint8Array;
}

/**
 * How deep indefinite-length values may nest. CMS needs a few levels (a streamed SignedData inside
 * its ContentInfo, a constructed OCTET STRING); the bound keeps hostile input from exhausting the
 * stack.
 */
const MAX_INDEFINITE_DEPTH = 16;

export function tlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  let length: number[];
  if (n < 0x80) length = [n];
  else {
    const octets: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) octets.unshift(v & 0xff);
    length = [0x80 | octets.length, ...octets];
  }
  const out = new Uint8Array(1 + length.length + n);
  out[0] = tag;
  out.set(length, 1);
  out.set(content, 1 + length.length);
  return out;
}

export const sequence = (...parts: Uint8Array[]) => tlv(0x30, concat(parts));
export const octetString = (value: Uint8Array) => tlv(0x04, value);
export const printableString = (value: string) => tlv(0x13, new TextEncoder().encode(value));

/** A small non-negative INTEGER (versions). */
export function smallInteger(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0x7f) throw new TypeError(`smallInteger takes 0 to 127, not ${value}`);
  return tlv(0x02, new Uint8Array([value]));
}

export function objectIdentifier(oid: string): Uint8Array {
  if (!/^[0-2]\.(0|[1-9]\d*)(\.(0|[1-9]\d*))*$/.test(oid)) throw new TypeError(`"${oid}" is not an object identifier`);
  const arcs = oid.split('.').map(Number);
  const first = arcs[0] ?? 0;
  const second = arcs[1] ?? 0;
  if (first < 2 && second > 39) throw new TypeError(`"${oid}" is not an object identifier (second arc above 39)`);
  const out: number[] = [];
  for (const arc of [first * 40 + second, ...arcs.slice(2)]) {
    if (!Number.isSafeInteger(arc)) throw new TypeError(`"${oid}" has an arc too large to encode`);
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, new Uint8Array(out));
}

/**
 * A CMS time (RFC 5652 §11.3, as RFC 5280 §4.1.2.5 for certificates): UTCTime for 1950 to 2049,
 * GeneralizedTime otherwise, both in UTC with seconds and without fractions. Milliseconds are
 * dropped.
 */
export function encodeTime(date: Date): Uint8Array {
  const year = date.getUTCFullYear();
  if (!Number.isFinite(date.getTime()) || year < 0 || year > 9999) throw new TypeError(`${String(date)} cannot be encoded as an ASN.1 time`);
  const two = (n: number) => String(n).padStart(2, '0');
  const rest = `${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
  const ascii = (s: string) => new TextEncoder().encode(s);
  return year >= 1950 && year < 2050
    ? tlv(0x17, ascii(`${two(year % 100)}${rest}`))
    : tlv(0x18, ascii(`${String(year).padStart(4, '0')}${rest}`));
}

const malformed = (message: string) => new CmsError('malformed', message);
const where = (what: string | undefined) => (what === undefined ? '' : ` in ${what}`);
const hex = (tag: number) => `0x${tag.toString(16).padStart(2, '0')}`;

/**
 * Reads one TLV at the start of `der`. Definite lengths as DER requires, and the indefinite
 * lengths of BER on constructed values (some clients stream their SignedData). `what` names the
 * value in error messages.
 */
export function readTlv(der: Uint8Array, what?: string): Tlv {
  return read(der, 0, what);
}

function read(der: Uint8Array, depth: number, what: string | undefined): Tlv {
  const tag = der[0];
  const first = der[1];
  if (tag === undefined || first === undefined) throw malformed(`truncated DER value${where(what)}`);
  // X.690 §8.1.2.4: tag numbers of 31 and above take more octets; nothing in CMS or X.509 uses them.
  if ((tag & 0x1f) === 0x1f) throw malformed(`unexpected high tag number${where(what)}`);
  if (first === 0x80) {
    if ((tag & 0x20) === 0) throw malformed(`indefinite length on a primitive value${where(what)}`);
    if (depth >= MAX_INDEFINITE_DEPTH) throw malformed(`indefinite lengths nested too deeply${where(what)}`);
    let at = 2;
    for (;;) {
      if (der[at] === 0 && der[at + 1] === 0) return { tag, value: der.subarray(2, at), raw: der.subarray(0, at + 2) };
      at += read(der.subarray(at), depth + 1, what).raw.length;
    }
  }
  let offset = 2;
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count > 4) throw malformed(`DER length too large${where(what)}`);
    if (2 + count > der.length) throw malformed(`truncated DER length${where(what)}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[offset + i] ?? 0);
    offset += count;
  }
  if (offset + length > der.length) throw malformed(`truncated DER value${where(what)}`);
  return { tag, value: der.subarray(offset, offset + length), raw: der.subarray(0, offset + length) };
}

/** The TLVs inside a constructed value's contents. */
export function children(value: Uint8Array, what?: string): Tlv[] {
  const out: Tlv[] = [];
  for (let rest = value; rest.length > 0;) {
    const item = read(rest, 0, what);
    out.push(item);
    rest = rest.subarray(item.raw.length);
  }
  return out;
}

/** Reads a value that must fill `der` exactly, with the expected tag. */
export function readWhole(der: Uint8Array, tag: number, what: string): Tlv {
  const item = readTlv(der, what);
  if (item.tag !== tag) throw malformed(`${what}: expected tag ${hex(tag)}, found ${hex(item.tag)}`);
  if (item.raw.length !== der.length) throw malformed(`${what}: ${der.length - item.raw.length} trailing bytes`);
  return item;
}

/** Checks that `item` is present with the expected tag. */
export function expectTlv(item: Tlv | undefined, tag: number, what: string): Tlv {
  if (item === undefined) throw malformed(`${what} is missing`);
  if (item.tag !== tag) throw malformed(`${what}: expected tag ${hex(tag)}, found ${hex(item.tag)}`);
  return item;
}

export function readObjectIdentifier(der: Uint8Array, what = 'OBJECT IDENTIFIER'): string {
  return decodeObjectIdentifier(readWhole(der, 0x06, what).value, what);
}

/** The dotted form of an OBJECT IDENTIFIER's contents (X.690 §8.19). */
export function decodeObjectIdentifier(value: Uint8Array, what = 'OBJECT IDENTIFIER'): string {
  if (value.length === 0 || value.length > 64) throw malformed(`${what}: an object identifier of ${value.length} bytes`);
  const arcs: number[] = [];
  let arc = 0;
  let start = true;
  for (const octet of value) {
    if (start && octet === 0x80) throw malformed(`${what}: an object identifier arc with a leading zero`);
    arc = arc * 128 + (octet & 0x7f);
    if (!Number.isSafeInteger(arc)) throw malformed(`${what}: an object identifier arc too large`);
    start = (octet & 0x80) === 0;
    if (start) { arcs.push(arc); arc = 0; }
  }
  if (!start) throw malformed(`${what}: a truncated object identifier`);
  const [head = 0, ...rest] = arcs;
  const first = head < 40 ? 0 : head < 80 ? 1 : 2;
  return [first, head - first * 40, ...rest].join('.');
}

const STRING_TAGS = new Set([0x0c, 0x13, 0x14, 0x16, 0x1e]); // UTF8, Printable, Teletex, IA5, BMP

/** A DirectoryString or PrintableString value as text. */
export function readString(der: Uint8Array): string {
  const { tag, value } = readTlv(der, 'a string');
  if (!STRING_TAGS.has(tag)) throw malformed(`expected a string, found tag ${hex(tag)}`);
  if (tag === 0x1e) {
    let s = '';
    for (let i = 0; i + 1 < value.length; i += 2) s += String.fromCharCode(((value[i] ?? 0) << 8) | (value[i + 1] ?? 0));
    return s;
  }
  return new TextDecoder().decode(value);
}

export function readOctetString(der: Uint8Array): Uint8Array {
  const { tag, value } = readTlv(der, 'an OCTET STRING');
  if (tag !== 0x04) throw malformed(`expected an OCTET STRING, found tag ${hex(tag)}`);
  return value;
}

/**
 * A UTCTime or GeneralizedTime in the one form RFC 5652 §11.3 allows: UTC ("Z"), with seconds,
 * without fractions. UTCTime years 50 to 99 are 1950 to 1999 (RFC 5280 §4.1.2.5.1).
 */
export function readTime(der: Uint8Array, what = 'a time'): Date {
  const { tag, value, raw } = readTlv(der, what);
  if (raw.length !== der.length) throw malformed(`${what}: trailing bytes`);
  if (value.length > 15) throw malformed(`${what} is ${value.length} characters long`);
  const text = String.fromCharCode(...value);
  const utc = tag === 0x17 ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text) : null;
  const generalized = tag === 0x18 ? /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text) : null;
  const m = utc ?? generalized;
  if (!m) throw malformed(`${what} is not a UTCTime or GeneralizedTime of the form RFC 5652 §11.3 requires`);
  const yy = Number(m[1]);
  const year = generalized ? yy : yy < 50 ? 2000 + yy : 1900 + yy;
  const [month, day, hour, minute, second] = m.slice(2).map(Number) as [number, number, number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // not Date.UTC, which reads years 0 to 99 as 1900 to 1999
  date.setUTCHours(hour, minute, second, 0);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day
    || date.getUTCHours() !== hour || date.getUTCMinutes() !== minute || date.getUTCSeconds() !== second) {
    throw malformed(`${what} is not a valid date: ${text}`);
  }
  return date;
}

export const bytes = (buffer: ArrayBuffer | ArrayBufferView): Uint8Array => buffer instanceof ArrayBuffer
  ? new Uint8Array(buffer)
  : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

export function toArrayBuffer(data: Uint8Array): ArrayBuffer {
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** The order DER gives the elements of a SET OF (X.690 §11.6). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
