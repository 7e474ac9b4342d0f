// A small, safe, namespace-aware XML reader for the SOAP (MS-MDE2) and SyncML (MS-MDM) bodies
// Windows sends, and an escaping writer for the answers.
//
// Why not a general XML library: devices are untrusted. This reader has no DTD support at all
// (any <!DOCTYPE …> or unknown <!…> is refused, so no external entities, no entity expansion,
// no billion laughs), only the five predefined entities and character references, hard limits
// on bytes, depth, elements and attributes checked while scanning, and no recursion, so deep
// nesting cannot overflow the stack. Elements are matched on namespace URI + local name,
// because prefixes differ between clients (s:/soap:/env:, wsse:/o:).
import { ProtocolError } from './errors.js';

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

export interface XmlAttribute {
  readonly ns: string; // '' for an unprefixed attribute (attributes do not take the default namespace)
  readonly name: string; // local name
  readonly value: string;
}

export interface XmlElement {
  readonly ns: string; // namespace URI, '' when none
  readonly name: string; // local name
  readonly prefix: string; // as written; for messages only, never for matching
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlElement[];
  /** The element's own character data (text and CDATA, not that of children), unnormalized. */
  readonly text: string;
  /** Offset of the start tag in the decoded input. */
  readonly offset: number;
}

export interface XmlLimits {
  maxBytes: number;
  maxDepth: number;
  maxElements: number;
  maxAttributes: number; // per element
}

export const defaultXmlLimits: Readonly<XmlLimits> = {
  maxBytes: 1024 * 1024,
  maxDepth: 32,
  maxElements: 20_000,
  maxAttributes: 32,
};

interface Building {
  ns: string;
  name: string;
  prefix: string;
  qname: string;
  attributes: XmlAttribute[];
  children: XmlElement[];
  text: string;
  offset: number;
  scope: ReadonlyMap<string, string>;
}

const rootScope: ReadonlyMap<string, string> = new Map([['xml', XML_NS], ['xmlns', XMLNS_NS]]);
const nameRe = /^[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_.\-\u00B7\u00C0-\uFFFF]*$/;
// XML 1.0 Char production minus the surrogate-pair check (TextDecoder already rejects lone surrogates).
// eslint-disable-next-line no-control-regex
const invalidCharRe = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const loneSurrogateRe = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Parses one XML document and returns its root element. Throws only ProtocolError. */
export function parseXml(input: Uint8Array | string, limits: Partial<XmlLimits> = {}): XmlElement {
  const lim: XmlLimits = { ...defaultXmlLimits, ...limits };
  const src = decode(input, lim.maxBytes);
  const bad = invalidCharRe.exec(src);
  if (bad) throw new ProtocolError('xml-malformed', `character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} is not allowed in XML`, bad.index);

  const stack: Building[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  let pos = src.charCodeAt(0) === 0xfeff ? 1 : 0;

  while (pos < src.length) {
    const lt = src.indexOf('<', pos);
    const textEnd = lt < 0 ? src.length : lt;
    if (textEnd > pos) {
      const raw = src.slice(pos, textEnd);
      const top = stack[stack.length - 1];
      if (top) top.text += decodeEntities(raw, pos);
      else if (raw.trim() !== '') throw new ProtocolError('xml-malformed', 'text outside the root element', pos);
      pos = textEnd;
      continue;
    }
    // pos is at '<'
    if (src.startsWith('<?', pos)) {
      const end = src.indexOf('?>', pos + 2);
      if (end < 0) throw new ProtocolError('xml-malformed', 'unterminated processing instruction', pos);
      const pi = src.slice(pos + 2, end);
      if (/^xml\s/i.test(pi) || pi === 'xml') checkDeclaration(pi, pos);
      pos = end + 2;
      continue;
    }
    if (src.startsWith('<!--', pos)) {
      const end = src.indexOf('-->', pos + 4);
      if (end < 0) throw new ProtocolError('xml-malformed', 'unterminated comment', pos);
      pos = end + 3;
      continue;
    }
    if (src.startsWith('<![CDATA[', pos)) {
      const top = stack[stack.length - 1];
      if (!top) throw new ProtocolError('xml-malformed', 'CDATA outside the root element', pos);
      const end = src.indexOf(']]>', pos + 9);
      if (end < 0) throw new ProtocolError('xml-malformed', 'unterminated CDATA section', pos);
      top.text += src.slice(pos + 9, end);
      pos = end + 3;
      continue;
    }
    if (src.startsWith('<!', pos)) {
      const what = /^<!DOCTYPE/i.test(src.slice(pos, pos + 9)) ? 'a DOCTYPE' : /^<!ENTITY/i.test(src.slice(pos, pos + 8)) ? 'an ENTITY declaration' : 'a markup declaration';
      throw new ProtocolError('xml-doctype-forbidden', `${what} is not accepted (no DTDs, no entity definitions)`, pos);
    }
    if (src.startsWith('</', pos)) {
      const end = src.indexOf('>', pos + 2);
      if (end < 0) throw new ProtocolError('xml-malformed', 'unterminated end tag', pos);
      const qname = src.slice(pos + 2, end).trimEnd();
      const top = stack.pop();
      if (!top) throw new ProtocolError('xml-malformed', `end tag </${qname}> without a start tag`, pos);
      if (top.qname !== qname) throw new ProtocolError('xml-malformed', `end tag </${qname}> does not match <${top.qname}>`, pos);
      const done = finish(top);
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(done);
      else root = done;
      pos = end + 1;
      continue;
    }
    // start tag
    if (root !== undefined) throw new ProtocolError('xml-malformed', 'content after the root element', pos);
    elements += 1;
    if (elements > lim.maxElements) throw new ProtocolError('xml-too-many-elements', `more than ${lim.maxElements} elements`, pos);
    if (stack.length + 1 > lim.maxDepth) throw new ProtocolError('xml-too-deep', `elements nested deeper than ${lim.maxDepth}`, pos);
    const parsed = readStartTag(src, pos, lim.maxAttributes);
    const parentScope = stack[stack.length - 1]?.scope ?? rootScope;
    const el = resolve(parsed, parentScope, pos);
    pos = parsed.end;
    if (parsed.selfClosing) {
      const done = finish(el);
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(done);
      else root = done;
    } else {
      stack.push(el);
    }
  }
  const open = stack[stack.length - 1];
  if (open) throw new ProtocolError('xml-malformed', `element <${open.qname}> is not closed`, src.length);
  if (!root) throw new ProtocolError('xml-malformed', 'no root element', 0);
  return root;
}

function decode(input: Uint8Array | string, maxBytes: number): string {
  if (typeof input === 'string') {
    if (input.length > maxBytes || Buffer.byteLength(input, 'utf8') > maxBytes) {
      throw new ProtocolError('xml-too-large', `body larger than ${maxBytes} bytes`);
    }
    return input;
  }
  if (input.byteLength > maxBytes) throw new ProtocolError('xml-too-large', `body larger than ${maxBytes} bytes`);
  if ((input[0] === 0xfe && input[1] === 0xff) || (input[0] === 0xff && input[1] === 0xfe)) {
    throw new ProtocolError('xml-encoding', 'UTF-16 bodies are not accepted; send UTF-8');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(input);
  } catch {
    throw new ProtocolError('xml-encoding', 'body is not valid UTF-8');
  }
}

function checkDeclaration(pi: string, pos: number): void {
  if (pos > 1) throw new ProtocolError('xml-malformed', 'XML declaration not at the start of the document', pos);
  const enc = /\bencoding\s*=\s*["']([^"']*)["']/.exec(pi)?.[1];
  if (enc !== undefined && !/^utf-?8$/i.test(enc)) throw new ProtocolError('xml-encoding', `encoding ${enc} is not accepted; send UTF-8`, pos);
}

interface StartTag {
  qname: string;
  attrs: { qname: string; value: string; offset: number }[];
  selfClosing: boolean;
  end: number;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function readName(src: string, start: number): number {
  let i = start;
  while (i < src.length) {
    const c = src.charCodeAt(i);
    if (isSpace(c) || c === 0x2f /* / */ || c === 0x3e /* > */ || c === 0x3d /* = */ || c === 0x3c /* < */ || c === 0x22 || c === 0x27) break;
    i += 1;
  }
  return i;
}

function readStartTag(src: string, pos: number, maxAttributes: number): StartTag {
  let i = pos + 1;
  const nameEnd = readName(src, i);
  const qname = src.slice(i, nameEnd);
  checkQName(qname, pos);
  i = nameEnd;
  const attrs: StartTag['attrs'] = [];
  for (;;) {
    const before = i;
    while (i < src.length && isSpace(src.charCodeAt(i))) i += 1;
    if (i >= src.length) throw new ProtocolError('xml-malformed', `unterminated start tag <${qname}>`, pos);
    if (src.startsWith('/>', i)) return { qname, attrs, selfClosing: true, end: i + 2 };
    if (src[i] === '>') return { qname, attrs, selfClosing: false, end: i + 1 };
    if (i === before) throw new ProtocolError('xml-malformed', `expected whitespace before an attribute in <${qname}>`, i);
    const aStart = i;
    const aEnd = readName(src, i);
    const aName = src.slice(i, aEnd);
    checkQName(aName, i);
    i = aEnd;
    while (i < src.length && isSpace(src.charCodeAt(i))) i += 1;
    if (src[i] !== '=') throw new ProtocolError('xml-malformed', `attribute ${aName} has no value`, i);
    i += 1;
    while (i < src.length && isSpace(src.charCodeAt(i))) i += 1;
    const quote = src[i];
    if (quote !== '"' && quote !== "'") throw new ProtocolError('xml-malformed', `attribute ${aName} value is not quoted`, i);
    const close = src.indexOf(quote, i + 1);
    if (close < 0) throw new ProtocolError('xml-malformed', `unterminated value of attribute ${aName}`, i);
    const raw = src.slice(i + 1, close);
    if (raw.includes('<')) throw new ProtocolError('xml-malformed', `'<' in the value of attribute ${aName}`, i);
    // Attribute-value normalization (XML 1.0 §3.3.3) for literal whitespace; char refs stay as given.
    const value = decodeEntities(raw.replace(/[\t\n\r]/g, ' '), i + 1);
    if (attrs.length >= maxAttributes) throw new ProtocolError('xml-too-many-attributes', `more than ${maxAttributes} attributes on <${qname}>`, aStart);
    if (attrs.some((a) => a.qname === aName)) throw new ProtocolError('xml-malformed', `duplicate attribute ${aName}`, aStart);
    attrs.push({ qname: aName, value, offset: aStart });
    i = close + 1;
  }
}

function checkQName(qname: string, pos: number): void {
  const parts = qname.split(':');
  if (parts.length > 2 || !parts.every((p) => nameRe.test(p))) {
    throw new ProtocolError('xml-malformed', qname === '' ? 'missing element or attribute name' : `invalid name ${JSON.stringify(qname.slice(0, 64))}`, pos);
  }
}

function split(qname: string): [prefix: string, local: string] {
  const c = qname.indexOf(':');
  return c < 0 ? ['', qname] : [qname.slice(0, c), qname.slice(c + 1)];
}

function resolve(tag: StartTag, parentScope: ReadonlyMap<string, string>, pos: number): Building {
  let scope = parentScope;
  for (const a of tag.attrs) {
    const [p, local] = split(a.qname);
    const declared = a.qname === 'xmlns' ? '' : p === 'xmlns' ? local : undefined;
    if (declared === undefined) continue;
    if (declared === 'xmlns' || (declared === 'xml' && a.value !== XML_NS)) throw new ProtocolError('xml-namespace', `prefix ${declared} cannot be redeclared`, a.offset);
    if (declared !== '' && a.value === '') throw new ProtocolError('xml-namespace', `prefix ${declared} cannot be undeclared`, a.offset);
    if (scope === parentScope) scope = new Map(parentScope);
    (scope as Map<string, string>).set(declared, a.value);
  }
  const [prefix, name] = split(tag.qname);
  const ns = prefix === '' ? (scope.get('') ?? '') : scope.get(prefix);
  if (ns === undefined) throw new ProtocolError('xml-namespace', `prefix ${prefix} is not declared`, pos);
  const attributes: XmlAttribute[] = [];
  for (const a of tag.attrs) {
    const [p, local] = split(a.qname);
    if (a.qname === 'xmlns' || p === 'xmlns') continue;
    const ans = p === '' ? '' : scope.get(p);
    if (ans === undefined) throw new ProtocolError('xml-namespace', `prefix ${p} is not declared`, a.offset);
    if (attributes.some((x) => x.ns === ans && x.name === local)) throw new ProtocolError('xml-malformed', `duplicate attribute {${ans}}${local}`, a.offset);
    attributes.push({ ns: ans, name: local, value: a.value });
  }
  return { ns, name, prefix, qname: tag.qname, attributes, children: [], text: '', offset: pos, scope };
}

function finish(b: Building): XmlElement {
  return { ns: b.ns, name: b.name, prefix: b.prefix, attributes: b.attributes, children: b.children, text: b.text, offset: b.offset };
}

const predefined: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(raw: string, base: number): string {
  if (!raw.includes('&')) return raw;
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const amp = raw.indexOf('&', i);
    if (amp < 0) { out += raw.slice(i); break; }
    out += raw.slice(i, amp);
    const semi = raw.indexOf(';', amp + 1);
    if (semi < 0 || semi - amp > 12) throw new ProtocolError('xml-malformed', "'&' that does not start a reference", base + amp);
    const ref = raw.slice(amp + 1, semi);
    if (ref.startsWith('#')) {
      const num = /^#x[0-9A-Fa-f]{1,6}$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]{1,7}$/.test(ref) ? parseInt(ref.slice(1), 10) : NaN;
      if (!isXmlChar(num)) throw new ProtocolError('xml-malformed', `invalid character reference &${ref};`, base + amp);
      out += String.fromCodePoint(num);
    } else {
      const ch = predefined[ref];
      if (ch === undefined) throw new ProtocolError('xml-entity-forbidden', `entity &${ref}; is not defined (only the five XML entities are accepted)`, base + amp);
      out += ch;
    }
    i = semi + 1;
  }
  return out;
}

function isXmlChar(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

// ---- reading helpers: match on namespace URI and local name ----

/** Child elements, optionally only those with this namespace and local name. */
export function children(el: XmlElement, ns?: string, name?: string): XmlElement[] {
  return el.children.filter((c) => (ns === undefined || c.ns === ns) && (name === undefined || c.name === name));
}

export function child(el: XmlElement, ns: string, name: string): XmlElement | undefined {
  return el.children.find((c) => c.ns === ns && c.name === name);
}

export function requireChild(el: XmlElement, ns: string, name: string, path: string): XmlElement {
  const c = child(el, ns, name);
  if (!c) throw new ProtocolError('missing-element', `<${name}> is required in <${el.name}>`, path);
  return c;
}

/** Trimmed text of an element (XML whitespace only, as WCF clients indent values). */
export function textOf(el: XmlElement): string {
  return el.text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}

export function attribute(el: XmlElement, ns: string, name: string): string | undefined {
  return el.attributes.find((a) => a.ns === ns && a.name === name)?.value;
}

// ---- writing ----

export interface XmlNode {
  readonly name: string; // qualified name as it will be written
  readonly attrs?: Readonly<Record<string, string | undefined>>;
  readonly children?: readonly (XmlNode | string | undefined)[];
}

/** Builds an element; undefined children and attributes are left out. */
export function el(name: string, attrs?: Readonly<Record<string, string | undefined>>, ...kids: (XmlNode | string | undefined)[]): XmlNode {
  return { name, attrs, children: kids };
}

function checkChars(s: string): void {
  const bad = invalidCharRe.exec(s);
  if (bad) throw new ProtocolError('xml-invalid-character', `U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} cannot be written in XML`);
  // Lone surrogates cannot be encoded as UTF-8.
  if (loneSurrogateRe.test(s)) throw new ProtocolError('xml-invalid-character', 'unpaired surrogate cannot be written in XML');
}

export function escapeText(s: string): string {
  checkChars(s);
  // '>' is escaped too so that ']]>' can never appear in output.
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

export function escapeAttr(s: string): string {
  checkChars(s);
  return s.replace(/[&<>"'\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Serializes without added whitespace: SyncML byte budgets count every byte. */
export function renderXml(node: XmlNode, opts: { declaration?: boolean } = {}): string {
  const parts: string[] = opts.declaration ? ['<?xml version="1.0" encoding="UTF-8"?>'] : [];
  // Explicit stack: output trees are built by Steward, but keep the writer as flat as the reader.
  const work: (XmlNode | string | { close: string })[] = [node];
  while (work.length > 0) {
    const item = work.pop();
    if (item === undefined) break;
    if (typeof item === 'string') { parts.push(escapeText(item)); continue; }
    if ('close' in item) { parts.push(`</${item.close}>`); continue; }
    checkQName(item.name, 0);
    let open = `<${item.name}`;
    for (const [k, v] of Object.entries(item.attrs ?? {})) {
      if (v === undefined) continue;
      checkQName(k, 0);
      open += ` ${k}="${escapeAttr(v)}"`;
    }
    const kids = (item.children ?? []).filter((k): k is XmlNode | string => k !== undefined);
    if (kids.length === 0) { parts.push(`${open}/>`); continue; }
    parts.push(`${open}>`);
    work.push({ close: item.name });
    for (let k = kids.length - 1; k >= 0; k -= 1) work.push(kids[k] as XmlNode | string);
  }
  return parts.join('');
}
