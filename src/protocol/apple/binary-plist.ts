// Reading binary property lists (bplist00), the format of CoreFoundation's CFBinaryPList.c: a header,
// objects, an offset table and a 32-byte trailer. Every offset and length is bounds-checked, object
// references may not form a cycle, and the depth and value limits of plist.ts apply, so a crafted
// file fails with ProtocolError instead of looping, recursing without end or reading out of bounds.
import { ProtocolError } from './errors.js';
import { setKey, type PlistDict, type PlistLimits, type PlistValue } from './plist.js';

const APPLE_EPOCH_MS = Date.UTC(2001, 0, 1);

export function parseBinaryPlist(b: Uint8Array, lim: Required<PlistLimits>): PlistValue {
  const fail = (msg: string, at?: number): never => {
    throw new ProtocolError('malformed-plist', `malformed binary plist${at === undefined ? '' : ` at byte ${at}`}: ${msg}`, at === undefined ? undefined : String(at));
  };
  if (b.length < 8 + 32 || new TextDecoder('latin1').decode(b.subarray(0, 8)) !== 'bplist00') fail('not a bplist00 document');
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const t = b.length - 32;
  const offsetSize = b[t + 6] ?? 0;
  const refSize = b[t + 7] ?? 0;
  const numObjects = view.getBigUint64(t + 8);
  const top = view.getBigUint64(t + 16);
  const tableAt = view.getBigUint64(t + 24);
  if (![1, 2, 4, 8].includes(offsetSize) || ![1, 2, 4, 8].includes(refSize)) fail('bad trailer sizes', t);
  if (numObjects === 0n || numObjects > BigInt(lim.maxValues)) fail('bad object count', t);
  const n = Number(numObjects);
  if (tableAt < 8n || tableAt + BigInt(n * offsetSize) > BigInt(t)) fail('offset table out of bounds', t);
  if (top >= numObjects) fail('top object out of range', t);

  const uint = (at: number, size: number): number => {
    if (at < 0 || at + size > t) fail('read out of bounds', at);
    let v = 0;
    for (let i = 0; i < size; i++) v = v * 256 + (b[at + i] ?? 0);
    if (!Number.isSafeInteger(v)) fail('offset too large', at);
    return v;
  };
  const offsets: number[] = [];
  for (let i = 0; i < n; i++) {
    const o = uint(Number(tableAt) + i * offsetSize, offsetSize);
    if (o < 8 || o >= Number(tableAt)) fail(`object ${i} offset out of bounds`, Number(tableAt) + i * offsetSize);
    offsets.push(o);
  }

  let values = 0;
  const active = new Set<number>();

  const length = (marker: number, at: number): { len: number; start: number } => {
    const low = marker & 0x0f;
    if (low !== 0x0f) return { len: low, start: at + 1 };
    const m = b[at + 1] ?? fail('truncated length', at);
    if ((m & 0xf0) !== 0x10) fail('bad length marker', at + 1);
    const size = 1 << (m & 0x0f);
    if (size > 8) fail('length too large', at + 1);
    return { len: uint(at + 2, size), start: at + 2 + size };
  };

  const read = (ref: number, depth: number): PlistValue => {
    if (ref >= n) fail(`object reference ${ref} out of range`);
    if (active.has(ref)) fail(`object ${ref} contains itself`);
    if (++values > lim.maxValues) throw new ProtocolError('too-large', `plist has more than ${lim.maxValues} values`);
    const at = offsets[ref] ?? fail('bad reference');
    const marker = b[at] ?? fail('truncated object', at);
    const kind = marker >> 4;
    switch (kind) {
      case 0x0:
        if (marker === 0x08) return false;
        if (marker === 0x09) return true;
        return fail(`unsupported marker 0x${marker.toString(16)}`, at);
      case 0x1: {
        const size = 1 << (marker & 0x0f);
        if (size > 16 || at + 1 + size > t) fail('bad integer', at);
        let v = 0n;
        for (let i = 0; i < size; i++) v = (v << 8n) | BigInt(b[at + 1 + i] ?? 0);
        // 8-byte integers are signed; 16-byte ones hold an unsigned 64-bit value in their low half.
        if (size === 8) v = BigInt.asIntN(64, v);
        if (size === 16) v = BigInt.asUintN(64, v);
        return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
      }
      case 0x2: {
        const size = 1 << (marker & 0x0f);
        if (size === 4 && at + 5 <= t) return view.getFloat32(at + 1);
        if (size === 8 && at + 9 <= t) return view.getFloat64(at + 1);
        return fail('bad real', at);
      }
      case 0x3:
        if (marker !== 0x33 || at + 9 > t) fail('bad date', at);
        return new Date(APPLE_EPOCH_MS + view.getFloat64(at + 1) * 1000);
      case 0x4: case 0x5: case 0x6: {
        const { len, start } = length(marker, at);
        const bytes = kind === 0x6 ? len * 2 : len;
        if (start + bytes > t) fail('data or string out of bounds', at);
        const raw = b.subarray(start, start + bytes);
        if (kind === 0x4) return new Uint8Array(raw);
        if (kind === 0x5) {
          if (raw.some((c) => c > 0x7f)) fail('ASCII string with non-ASCII bytes', at);
          return new TextDecoder('latin1').decode(raw);
        }
        let s = '';
        for (let i = 0; i < len; i++) s += String.fromCharCode(((raw[2 * i] ?? 0) << 8) | (raw[2 * i + 1] ?? 0));
        return s;
      }
      case 0xa: case 0xd: {
        if (depth + 1 > lim.maxDepth) throw new ProtocolError('too-large', `plist nests deeper than ${lim.maxDepth}`);
        const { len, start } = length(marker, at);
        const count = kind === 0xd ? len * 2 : len;
        if (start + count * refSize > t) fail('collection out of bounds', at);
        active.add(ref);
        const refs = Array.from({ length: count }, (_, i) => uint(start + i * refSize, refSize));
        let result: PlistValue;
        if (kind === 0xa) {
          result = refs.map((r) => read(r, depth + 1));
        } else {
          const dict: PlistDict = {};
          for (let i = 0; i < len; i++) {
            const kv = read(refs[i] ?? 0, depth + 1);
            const k = typeof kv === 'string' ? kv : fail('dictionary key is not a string', at);
            if (Object.hasOwn(dict, k)) fail(`duplicate key ${JSON.stringify(k)}`, at);
            setKey(dict, k, read(refs[len + i] ?? 0, depth + 1));
          }
          result = dict;
        }
        active.delete(ref);
        return result;
      }
      default:
        return fail(`unsupported marker 0x${marker.toString(16)}`, at);
    }
  };
  return read(Number(top), 0);
}
