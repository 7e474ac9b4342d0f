// Plist values as JSON, for storage (the command queue keeps payloads and responses as JSON): data
// becomes {"$data": base64}, a date {"$date": ISO-8601}, an integer beyond 2^53 {"$int": decimal}.
// Reversible: plistFromJson(plistToJson(v)) equals v.
import { ProtocolError } from './errors.js';
import { setKey, type PlistDict, type PlistValue } from './plist.js';

export type PlistJson = string | number | boolean | null | PlistJson[] | { [key: string]: PlistJson };

export function plistToJson(v: PlistValue): PlistJson {
  if (v instanceof Uint8Array) return { $data: Buffer.from(v).toString('base64') };
  if (v instanceof Date) return { $date: v.toISOString() };
  if (typeof v === 'bigint') return { $int: v.toString() };
  if (Array.isArray(v)) return v.map(plistToJson);
  if (typeof v === 'object') {
    const out: { [key: string]: PlistJson } = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: plistToJson(x), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}

export function plistFromJson(v: PlistJson, path = 'value'): PlistValue {
  if (v === null) throw new ProtocolError('invalid-value', `${path}: a plist has no null`, path);
  if (Array.isArray(v)) return v.map((x, i) => plistFromJson(x, `${path}[${i}]`));
  if (typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const tag = v.$data ?? v.$date ?? v.$int;
      if (typeof tag === 'string') {
        if (keys[0] === '$data') return new Uint8Array(Buffer.from(tag, 'base64'));
        if (keys[0] === '$date') {
          const d = new Date(tag);
          if (Number.isNaN(d.getTime())) throw new ProtocolError('invalid-value', `${path}: ${tag} is not a date`, path);
          return d;
        }
        if (keys[0] === '$int' && /^-?\d+$/.test(tag)) return BigInt(tag);
      }
    }
    const out: PlistDict = {};
    for (const [k, x] of Object.entries(v)) setKey(out, k, plistFromJson(x, `${path}.${k}`));
    return out;
  }
  return v;
}
