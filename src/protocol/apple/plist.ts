// Property lists, as Apple devices send and expect them (Apple's "Property List Programming Guide";
// the DTD is http://www.apple.com/DTDs/PropertyList-1.0.dtd). A small parser written for exactly this
// grammar instead of a general XML parser, because a device message is attacker-controlled input:
// - no DTD processing at all: a DOCTYPE with an internal subset is refused, an external one is never
//   fetched, and only XML's five predefined entities and character references are understood, so
//   neither XXE nor entity expansion ("billion laughs") is possible;
// - limits on size, nesting depth and element count; duplicate dictionary keys refused;
// - every error is ProtocolError('malformed-plist' | 'too-large') with the line and column.
// Binary plists (bplist00) are read by binary-plist.ts; Steward always writes XML.
import { ProtocolError } from './errors.js';
import { parseBinaryPlist } from './binary-plist.js';

/** Integers beyond Number.MAX_SAFE_INTEGER are bigint; `<real>` is number; `<date>` is Date. */
export type PlistValue = string | number | bigint | boolean | Date | Uint8Array | PlistValue[] | PlistDict;
export interface PlistDict { [key: string]: PlistValue }

export interface PlistLimits {
  /** Largest accepted document in bytes (default 16 MiB: InstallProfile answers can carry profiles). */
  readonly maxBytes?: number;
  /** Deepest accepted nesting of arrays and dictionaries (default 64). */
  readonly maxDepth?: number;
  /** Most values in one document (default 1,000,000). */
  readonly maxValues?: number;
}
export const DEFAULT_LIMITS = { maxBytes: 16 * 1024 * 1024, maxDepth: 64, maxValues: 1_000_000 } as const;

/** Parses an XML or binary plist. Throws ProtocolError, never anything else. */
export function parsePlist(body: Uint8Array, limits: PlistLimits = {}): PlistValue {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  if (body.length > lim.maxBytes) throw new ProtocolError('too-large', `plist of ${body.length} bytes exceeds the limit of ${lim.maxBytes}`);
  if (body.length >= 8 && new TextDecoder('latin1').decode(body.subarray(0, 6)) === 'bplist') return parseBinaryPlist(body, lim);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body);
  } catch {
    throw new ProtocolError('malformed-plist', 'plist is not valid UTF-8');
  }
  return new XmlPlistParser(text, lim).document();
}

/** Parses a plist whose top level must be a dictionary (every MDM message is one). */
export function parsePlistDict(body: Uint8Array, limits: PlistLimits = {}): PlistDict {
  const v = parsePlist(body, limits);
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Date || v instanceof Uint8Array) {
    throw new ProtocolError('malformed-plist', 'the top level of the plist is not a dictionary');
  }
  return v;
}

/** Sets an own enumerable property, so that a key named __proto__ is data, not a prototype change. */
export function setKey(dict: PlistDict, key: string, value: PlistValue): void {
  Object.defineProperty(dict, key, { value, enumerable: true, writable: true, configurable: true });
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const SCALARS = new Set(['string', 'integer', 'real', 'date', 'data', 'true', 'false']);

class XmlPlistParser {
  private pos = 0;
  private values = 0;
  constructor(private readonly s: string, private readonly lim: Required<PlistLimits>) {}

  document(): PlistValue {
    if (this.s.startsWith('\uFEFF')) this.pos = 1;
    this.misc();
    if (this.s.startsWith('<?xml', this.pos)) {
      const end = this.s.indexOf('?>', this.pos);
      if (end < 0) this.fail('unterminated XML declaration');
      this.pos = end + 2;
    }
    this.misc();
    if (this.s.startsWith('<!DOCTYPE', this.pos)) {
      // Apple's own DOCTYPE names an external DTD, which is never fetched. An internal subset is
      // where entity definitions live (XXE, billion laughs), so any '[' is refused outright.
      const start = this.pos;
      this.pos += '<!DOCTYPE'.length;
      while (this.pos < this.s.length && this.s[this.pos] !== '>') {
        const c = this.s[this.pos];
        if (c === '[' || c === '<') this.fail('DOCTYPE with an internal subset refused (no DTD processing)');
        this.pos++;
      }
      if (this.pos >= this.s.length) { this.pos = start; this.fail('unterminated DOCTYPE'); }
      this.pos++;
    }
    this.misc();
    const open = this.openTag();
    let value: PlistValue;
    if (open.name === 'plist') {
      if (open.selfClosing) this.fail('empty <plist/>');
      this.misc();
      value = this.value(0);
      this.misc();
      this.closeTag('plist');
    } else {
      value = this.valueFrom(open, 0); // a bare value without <plist>, as CFPropertyList accepts
    }
    this.misc();
    if (this.pos < this.s.length) this.fail('content after the end of the plist');
    return value;
  }

  private value(depth: number): PlistValue {
    return this.valueFrom(this.openTag(), depth);
  }

  private valueFrom(open: { name: string; selfClosing: boolean; at: number }, depth: number): PlistValue {
    if (++this.values > this.lim.maxValues) throw new ProtocolError('too-large', `plist has more than ${this.lim.maxValues} values`);
    const { name, selfClosing, at } = open;
    if (name === 'dict' || name === 'array') {
      if (depth + 1 > this.lim.maxDepth) throw new ProtocolError('too-large', `plist nests deeper than ${this.lim.maxDepth} at ${this.where(at)}`, this.where(at));
      if (name === 'array') {
        const arr: PlistValue[] = [];
        if (selfClosing) return arr;
        for (;;) {
          this.misc();
          if (this.s.startsWith('</', this.pos)) { this.closeTag('array'); return arr; }
          arr.push(this.value(depth + 1));
        }
      }
      const dict: PlistDict = {};
      if (selfClosing) return dict;
      for (;;) {
        this.misc();
        if (this.s.startsWith('</', this.pos)) { this.closeTag('dict'); return dict; }
        const keyAt = this.pos;
        const keyTag = this.openTag();
        if (keyTag.name !== 'key') this.fail(`expected <key> in <dict>, found <${keyTag.name}>`, keyAt);
        const key = keyTag.selfClosing ? '' : this.text('key');
        if (Object.hasOwn(dict, key)) this.fail(`duplicate key ${JSON.stringify(key)}`, keyAt);
        this.misc();
        if (this.s.startsWith('</', this.pos)) this.fail(`key ${JSON.stringify(key)} has no value`);
        setKey(dict, key, this.value(depth + 1));
      }
    }
    if (!SCALARS.has(name)) this.fail(`unknown plist element <${name}>`, at);
    if (name === 'true' || name === 'false') {
      if (!selfClosing) { this.misc(); this.closeTag(name); }
      return name === 'true';
    }
    const raw = selfClosing ? '' : this.text(name);
    switch (name) {
      case 'string': return raw;
      case 'integer': {
        // CoreFoundation integers are at most 64-bit signed or unsigned; a longer literal is refused
        // before BigInt sees it (parsing a huge one costs quadratic time).
        const t = raw.trim();
        const dec = /^[+-]?\d{1,20}$/.test(t), hex = /^[+-]?0x[0-9a-f]{1,16}$/i.test(t);
        if (!dec && !hex) return this.fail(`<integer> ${JSON.stringify(t.slice(0, 40))} is not a 64-bit integer`, at);
        const b = BigInt(t.replace(/^[+-]/, ''));
        const v = t.startsWith('-') ? -b : b;
        if (v < -(2n ** 63n) || v > 2n ** 64n - 1n) return this.fail(`<integer> ${t} is out of the 64-bit range`, at);
        return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
      }
      case 'real': {
        const t = raw.trim().toLowerCase();
        if (t === 'nan') return NaN;
        if (/^[+-]?inf(inity)?$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
        if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) this.fail(`<real> ${JSON.stringify(t.slice(0, 40))} is not a number`, at);
        return Number(t);
      }
      case 'date': {
        const t = raw.trim();
        const d = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(t) ? new Date(t) : undefined;
        if (d === undefined || Number.isNaN(d.getTime())) this.fail(`<date> ${JSON.stringify(t.slice(0, 40))} is not YYYY-MM-DDTHH:MM:SSZ`, at);
        return d;
      }
      default: { // data
        const t = raw.replace(/[ \t\r\n]/g, '');
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 === 1) this.fail('<data> is not base64', at);
        return new Uint8Array(Buffer.from(t, 'base64'));
      }
    }
  }

  /** Skips whitespace, comments and processing instructions. */
  private misc(): void {
    for (;;) {
      while (this.pos < this.s.length && ' \t\r\n'.includes(this.s[this.pos] ?? '')) this.pos++;
      if (this.s.startsWith('<!--', this.pos)) {
        const end = this.s.indexOf('-->', this.pos + 4);
        if (end < 0) this.fail('unterminated comment');
        this.pos = end + 3;
      } else if (this.s.startsWith('<?', this.pos) && !this.s.startsWith('<?xml ', this.pos)) {
        const end = this.s.indexOf('?>', this.pos + 2);
        if (end < 0) this.fail('unterminated processing instruction');
        this.pos = end + 2;
      } else return;
    }
  }

  private openTag(): { name: string; selfClosing: boolean; at: number } {
    const at = this.pos;
    if (this.s.startsWith('<!ENTITY', at) || this.s.startsWith('<!DOCTYPE', at)) this.fail('DTD declarations are refused', at);
    const m = /^<([A-Za-z][A-Za-z0-9_.:-]*)((?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*\s*=\s*(?:"[^"<&]*"|'[^'<&]*'))*)\s*(\/?)>/.exec(this.s.slice(at, at + 512));
    if (m === null) {
      if (at >= this.s.length) this.fail('unexpected end of document', at);
      this.fail(`expected an element, found ${JSON.stringify(this.s.slice(at, at + 20))}`, at);
    }
    this.pos += m[0].length;
    return { name: m[1] ?? '', selfClosing: m[3] === '/', at };
  }

  private closeTag(name: string): void {
    const tag = `</${name}`;
    if (!this.s.startsWith(tag, this.pos)) this.fail(`expected </${name}>`);
    let p = this.pos + tag.length;
    while (' \t\r\n'.includes(this.s[p] ?? 'x')) p++;
    if (this.s[p] !== '>') this.fail(`expected </${name}>`);
    this.pos = p + 1;
  }

  /** Character data up to </name>, with entity and character references and CDATA sections. */
  private text(name: string): string {
    let out = '';
    for (;;) {
      const lt = this.s.indexOf('<', this.pos);
      if (lt < 0) this.fail(`unterminated <${name}>`);
      out += this.unescape(this.s.slice(this.pos, lt), this.pos);
      this.pos = lt;
      if (this.s.startsWith('<![CDATA[', lt)) {
        const end = this.s.indexOf(']]>', lt + 9);
        if (end < 0) this.fail('unterminated CDATA section');
        out += this.s.slice(lt + 9, end);
        this.pos = end + 3;
      } else if (this.s.startsWith('<!--', lt)) {
        this.misc();
      } else {
        this.closeTag(name);
        return out;
      }
    }
  }

  private unescape(raw: string, base: number): string {
    if (!raw.includes('&')) return raw;
    return raw.replace(/&([^;&\s]{0,32});?/g, (whole, ref: string, off: number) => {
      const at = base + off;
      if (!whole.endsWith(';')) this.fail('unterminated entity reference', at);
      const named = PREDEFINED[ref];
      if (named !== undefined) return named;
      const m = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(ref);
      if (m === null) this.fail(`entity &${ref}; refused (only XML's predefined entities; no DTD)`, at);
      const cp = m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2]);
      if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) this.fail(`character reference &${ref}; is not a character`, at);
      return String.fromCodePoint(cp);
    });
  }

  private where(at: number): string {
    let line = 1, col = 1;
    for (let i = 0; i < at && i < this.s.length; i++) {
      if (this.s.charCodeAt(i) === 10) { line++; col = 1; } else col++;
    }
    return `${line}:${col}`;
  }

  private fail(msg: string, at: number = this.pos): never {
    const w = this.where(at);
    throw new ProtocolError('malformed-plist', `malformed plist at line ${w.replace(':', ', column ')}: ${msg}`, w);
  }
}

// ---------------------------------------------------------------------------------------------------
// Encoding: always XML, the form Apple's documentation shows and every device accepts.

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
  + '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
  + '<plist version="1.0">\n';

/** Encodes a value as an XML plist. Whole numbers become <integer>, others <real>. */
export function encodePlist(value: PlistValue): Uint8Array {
  const parts: string[] = [XML_HEAD];
  encodeValue(value, parts, '', 0);
  parts.push('</plist>\n');
  return new TextEncoder().encode(parts.join(''));
}

function encodeValue(v: PlistValue, out: string[], indent: string, depth: number): void {
  if (depth > DEFAULT_LIMITS.maxDepth) throw new ProtocolError('too-large', `value nests deeper than ${DEFAULT_LIMITS.maxDepth}`);
  if (typeof v === 'string') out.push(`${indent}<string>${escapeText(v)}</string>\n`);
  else if (typeof v === 'boolean') out.push(`${indent}<${v ? 'true' : 'false'}/>\n`);
  else if (typeof v === 'bigint') out.push(`${indent}<integer>${v.toString()}</integer>\n`);
  else if (typeof v === 'number') {
    if (Number.isInteger(v) && !Object.is(v, -0)) out.push(`${indent}<integer>${BigInt(v).toString()}</integer>\n`);
    else out.push(`${indent}<real>${Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v)}</real>\n`);
  } else if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new ProtocolError('invalid-value', 'cannot encode an invalid Date');
    out.push(`${indent}<date>${v.toISOString().replace(/\.\d{3}Z$/, 'Z')}</date>\n`);
  } else if (v instanceof Uint8Array) {
    out.push(`${indent}<data>${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}</data>\n`);
  } else if (Array.isArray(v)) {
    if (v.length === 0) { out.push(`${indent}<array/>\n`); return; }
    out.push(`${indent}<array>\n`);
    for (const x of v) encodeValue(x, out, indent + '\t', depth + 1);
    out.push(`${indent}</array>\n`);
  } else {
    const entries = Object.entries(v);
    if (entries.length === 0) { out.push(`${indent}<dict/>\n`); return; }
    out.push(`${indent}<dict>\n`);
    for (const [k, x] of entries) {
      out.push(`${indent}\t<key>${escapeText(k)}</key>\n`);
      encodeValue(x, out, indent + '\t', depth + 1);
    }
    out.push(`${indent}</dict>\n`);
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function escapeText(s: string): string {
  // XML 1.0 cannot carry most control characters or unpaired surrogates, even as references.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(s) || LONE_SURROGATE.test(s)) {
    throw new ProtocolError('invalid-value', 'string holds a character an XML plist cannot carry');
  }
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}
