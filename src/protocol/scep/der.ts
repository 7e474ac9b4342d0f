// The few DER pieces SCEP attributes need (X.690 §8): a TLV writer and reader, OIDs and strings.
// Everything larger goes through @peculiar/asn1-cms.
import { ScepProtocolError } from './errors.js';

export function tlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  let length: number[];
  if (n < 0x80) length = [n];
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    length = [0x80 | bytes.length, ...bytes];
  }
  const out = new Uint8Array(1 + length.length + n);
  out[0] = tag;
  out.set(length, 1);
  out.set(content, 1 + length.length);
  return out;
}

export const octetString = (value: Uint8Array) => tlv(0x04, value);
export const printableString = (value: string) => tlv(0x13, new TextEncoder().encode(value));

export function objectIdentifier(oid: string): Uint8Array {
  const arcs = oid.split('.').map(Number);
  const first = arcs[0] ?? 0;
  const second = arcs[1] ?? 0;
  const bytes: number[] = [];
  for (const arc of [first * 40 + second, ...arcs.slice(2)]) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(0x06, new Uint8Array(bytes));
}

/** Reads one TLV at the start of `der` (definite lengths only, as DER requires). */
export function readTlv(der: Uint8Array): { tag: number; value: Uint8Array; raw: Uint8Array } {
  const tag = der[0];
  const first = der[1];
  if (tag === undefined || first === undefined) throw new ScepProtocolError('malformed', 'truncated DER value');
  let offset = 2;
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new ScepProtocolError('malformed', 'unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[offset + i] ?? 0);
    offset += count;
  }
  if (offset + length > der.length) throw new ScepProtocolError('malformed', 'truncated DER value');
  return { tag, value: der.subarray(offset, offset + length), raw: der.subarray(0, offset + length) };
}

/** The TLVs inside a constructed value's contents. */
export function children(value: Uint8Array): { tag: number; value: Uint8Array; raw: Uint8Array }[] {
  const out: { tag: number; value: Uint8Array; raw: Uint8Array }[] = [];
  for (let rest = value; rest.length > 0;) {
    const item = readTlv(rest);
    out.push(item);
    rest = rest.subarray(item.raw.length);
  }
  return out;
}

const STRING_TAGS = new Set([0x0c, 0x13, 0x14, 0x16, 0x1e]); // UTF8, Printable, Teletex, IA5, BMP

/** A DirectoryString or PrintableString value as text. */
export function readString(der: Uint8Array): string {
  const { tag, value } = readTlv(der);
  if (!STRING_TAGS.has(tag)) throw new ScepProtocolError('malformed', `expected a string, found tag 0x${tag.toString(16)}`);
  if (tag === 0x1e) {
    let s = '';
    for (let i = 0; i + 1 < value.length; i += 2) s += String.fromCharCode(((value[i] ?? 0) << 8) | (value[i + 1] ?? 0));
    return s;
  }
  return new TextDecoder().decode(value);
}

export function readOctetString(der: Uint8Array): Uint8Array {
  const { tag, value } = readTlv(der);
  if (tag !== 0x04) throw new ScepProtocolError('malformed', `expected an OCTET STRING, found tag 0x${tag.toString(16)}`);
  return value;
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
