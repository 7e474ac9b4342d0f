// Generates typed Apple MDM definitions from Apple's own device-management schema (MIT).
//
//   npx tsx scripts/gen-apple.ts [referenceDir] [--out DIR]
//
// referenceDir defaults to ../shared/reference/apple-device-management beside the repository; DIR
// defaults to src/protocol/apple/generated. Reads mdm/checkin/*.yaml and mdm/commands/*.yaml and
// writes checkin.generated.ts (one interface per check-in MessageType, a key table, a union),
// commands.generated.ts (request and response interfaces, key tables, supported OSes per command)
// and Apple's licence. The output is committed; the reference data is not needed at run or test time.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
const outDir = outIdx >= 0 ? resolve(args[outIdx + 1] ?? '') : join(root, 'src/protocol/apple/generated');
const positional = args.filter((_, i) => i !== outIdx && i !== outIdx + 1);
const refDir = resolve(positional[0] ?? join(root, '../shared/reference/apple-device-management'));
if (!existsSync(join(refDir, 'mdm/commands'))) {
  console.error(`gen-apple: ${refDir} does not hold Apple's device-management schema (mdm/commands)`);
  process.exit(2);
}

// --- The YAML as Apple writes it (docs/schema.md) ------------------------------------------------
type OsName = 'iOS' | 'macOS' | 'tvOS' | 'visionOS' | 'watchOS';
const OSES: readonly OsName[] = ['iOS', 'macOS', 'tvOS', 'visionOS', 'watchOS'];
interface YamlOs {
  introduced?: string; deprecated?: string; removed?: string; accessrights?: string; supervised?: boolean;
  requiresdep?: boolean; devicechannel?: boolean; userchannel?: boolean;
  userenrollment?: { mode?: string }; sharedipad?: { mode?: string };
}
type YamlSupported = Partial<Record<OsName, YamlOs | null>>;
interface YamlKey {
  key: string; type: string; presence?: string; rangelist?: (string | number)[]; subkeys?: YamlKey[];
  supportedOS?: YamlSupported; content?: string; title?: string;
}
interface YamlDoc {
  title: string; description?: string;
  payload: { requesttype: string; supportedOS?: YamlSupported; content?: string };
  payloadkeys?: YamlKey[]; responsekeys?: YamlKey[];
}

function load(dir: string): { file: string; doc: YamlDoc }[] {
  return readdirSync(join(refDir, dir)).filter((f) => f.endsWith('.yaml')).sort()
    .map((f) => ({ file: `${dir}/${f}`, doc: parse(readFileSync(join(refDir, dir, f), 'utf8')) as YamlDoc }));
}

// --- Presence -------------------------------------------------------------------------------------
// Apple marks a key `required` even when it applies only to some OSes, channels or enrollment types
// (TokenUpdate's UDID is forbidden in user enrollment, which sends EnrollmentID instead; Authenticate's
// DeviceName is macOS-only). Such keys are `conditional`: optional in the types, not enforced.
function versionGreater(a: string, b: string): boolean {
  const pa = a.split('.').map(Number), pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0, y = pb[i] ?? 0;
    if (x !== y) return x > y;
  }
  return false;
}
function presence(k: YamlKey, parent: YamlSupported | undefined): 'required' | 'optional' | 'conditional' {
  if (k.presence !== 'required') return 'optional';
  for (const os of OSES) {
    const o = k.supportedOS?.[os];
    if (o == null) continue;
    const p = parent?.[os];
    if (o.introduced === 'n/a' && p?.introduced !== 'n/a') return 'conditional';
    if (o.introduced !== undefined && o.introduced !== 'n/a' && p?.introduced !== undefined && p.introduced !== 'n/a'
      && versionGreater(o.introduced, p.introduced)) return 'conditional';
    if (o.devicechannel === false || o.userchannel === false) return 'conditional';
    if (o.userenrollment?.mode === 'forbidden' || o.userenrollment?.mode === 'required') return 'conditional';
    if (o.sharedipad?.mode === 'required' || o.sharedipad?.mode === 'forbidden') return 'conditional';
  }
  return 'required';
}

// --- Emitting -------------------------------------------------------------------------------------
const VALUE_TYPES = new Set(['string', 'integer', 'real', 'boolean', 'date', 'data', 'array', 'dictionary', 'any']);
function valueType(k: YamlKey, file: string): string {
  const t = k.type.replace(/^<|>$/g, '');
  if (!VALUE_TYPES.has(t)) throw new Error(`${file}: key ${k.key} has unknown type ${k.type}`);
  return t;
}
const ident = (k: string): string => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : JSON.stringify(k));
const doc = (text: string | undefined, indent: string): string => {
  if (text === undefined) return '';
  // First sentence only: the full descriptions are in Apple's documentation.
  const first = (text.split('\n')[0] ?? '').replace(/^(.*?\.)\s.*$/, '$1').replace(/\*\//g, '*\\/').trim();
  return first === '' ? '' : `${indent}/** ${first} */\n`;
};

function tsType(k: YamlKey, file: string, indent: string): string {
  const t = valueType(k, file);
  const literals = k.rangelist !== undefined && k.rangelist.length > 0 && (t === 'string' || t === 'integer')
    ? ` /* ${k.rangelist.map((x) => JSON.stringify(x)).join(' | ')} */` : '';
  switch (t) {
    case 'string': return `string${literals}`;
    case 'integer': return `number | bigint${literals}`;
    case 'real': return 'number';
    case 'boolean': return 'boolean';
    case 'date': return 'Date';
    case 'data': return 'Uint8Array';
    case 'any': return 'PlistValue';
    case 'array': {
      const item = k.subkeys?.[0];
      return item === undefined ? 'PlistValue[]' : `(${tsType(item, file, indent)})[]`;
    }
    default: { // dictionary
      if (k.subkeys === undefined || k.subkeys.length === 0) return 'PlistDict';
      return objectType(k.subkeys, undefined, file, indent);
    }
  }
}
function objectType(keys: readonly YamlKey[], parent: YamlSupported | undefined, file: string, indent: string): string {
  const anyKey = keys.find((s) => s.key.startsWith('ANY '));
  if (anyKey !== undefined && keys.length === 1) return `Record<string, ${tsType(anyKey, file, indent)}>`;
  const inner = indent + '  ';
  const lines = keys.filter((s) => !s.key.startsWith('ANY ')).map((s) => {
    const opt = presence(s, parent) === 'required' ? '' : '?';
    return `${doc(s.content, inner)}${inner}${ident(s.key)}${opt}: ${tsType(s, file, inner)};\n`;
  });
  return `{\n${lines.join('')}${indent}}`;
}

function spec(k: YamlKey, parent: YamlSupported | undefined, file: string, indent: string): string {
  const parts = [`key: ${JSON.stringify(k.key)}`, `type: '${valueType(k, file)}'`, `presence: '${presence(k, parent)}'`];
  if (k.rangelist !== undefined && k.rangelist.length > 0) parts.push(`rangelist: ${JSON.stringify(k.rangelist)}`);
  if (k.subkeys !== undefined && k.subkeys.length > 0) {
    const inner = indent + '  ';
    parts.push(`subkeys: [\n${k.subkeys.map((s) => `${inner}${spec(s, undefined, file, inner)},\n`).join('')}${indent}]`);
  }
  return `{ ${parts.join(', ')} }`;
}
const table = (keys: readonly YamlKey[] | undefined, parent: YamlSupported | undefined, file: string): string =>
  `[\n${(keys ?? []).map((k) => `    ${spec(k, parent, file, '    ')},\n`).join('')}  ]`;

function supported(s: YamlSupported | undefined): string {
  const out: string[] = [];
  for (const os of OSES) {
    const o = s?.[os];
    if (o == null || o.introduced === 'n/a') continue;
    const f: string[] = [`introduced: ${JSON.stringify(o.introduced ?? 'all')}`];
    if (o.deprecated !== undefined) f.push(`deprecated: ${JSON.stringify(o.deprecated)}`);
    if (o.removed !== undefined) f.push(`removed: ${JSON.stringify(o.removed)}`);
    if (o.accessrights !== undefined) f.push(`accessRights: ${JSON.stringify(o.accessrights)}`);
    if (o.supervised !== undefined) f.push(`supervised: ${o.supervised}`);
    if (o.requiresdep !== undefined) f.push(`requiresDEP: ${o.requiresdep}`);
    if (o.devicechannel !== undefined) f.push(`deviceChannel: ${o.devicechannel}`);
    if (o.userchannel !== undefined) f.push(`userChannel: ${o.userchannel}`);
    if (o.userenrollment?.mode !== undefined) f.push(`userEnrollment: ${JSON.stringify(o.userenrollment.mode)}`);
    if (o.sharedipad?.mode !== undefined) f.push(`sharedIPad: ${JSON.stringify(o.sharedipad.mode)}`);
    out.push(`${os}: { ${f.join(', ')} }`);
  }
  return `{ ${out.join(', ')} }`;
}

const header = (what: string): string => `// GENERATED by scripts/gen-apple.ts from Apple's device-management schema (${what}). Do not edit.
// Source: ${sourceLine()}
// Derived from Apple's schema, Copyright © 2022-2024 Apple Inc., MIT licence:
// see LICENSE-apple-device-management.txt beside this file.
import type { KeySpec, SupportedOS } from '../key-spec.js';
`;
/** The import of plist types, limited to those the body uses (lint refuses unused imports). */
function withPlistImport(out: string): string {
  const used = ['PlistDict', 'PlistValue'].filter((t) => new RegExp(`\\b${t}\\b`).test(out));
  if (used.length === 0) return out;
  return out.replace(`from '../key-spec.js';\n`, `from '../key-spec.js';\nimport type { ${used.join(', ')} } from '../plist.js';\n`);
}
/** An interface, or for an empty key list a type that admits only {} (lint refuses empty interfaces). */
function declare(name: string, keys: readonly YamlKey[], parent: YamlSupported | undefined, file: string): string {
  return keys.length === 0 ? `export type ${name} = Record<string, never>;\n` : `export interface ${name} ${objectType(keys, parent, file, '')}\n`;
}
function sourceLine(): string {
  const p = join(refDir, 'SOURCE.txt');
  return existsSync(p) ? (readFileSync(p, 'utf8').split('\n')[0] ?? '').replace(/^Source:\s*/, '').split(',')[0] ?? '' : 'github.com/apple/device-management';
}

// --- Check-in -------------------------------------------------------------------------------------
function genCheckin(): string {
  const docs = load('mdm/checkin');
  let out = header('mdm/checkin');
  const names: string[] = [];
  for (const { file, doc: d } of docs) {
    const name = d.payload.requesttype;
    names.push(name);
    const keys = (d.payloadkeys ?? []).map((k) => (k.key === 'MessageType' ? { ...k, rangelist: [name] } : k));
    const body = objectType(keys, d.payload.supportedOS, file, '')
      .replace(/MessageType: string \/\* .* \*\/;/, `MessageType: '${name}';`);
    out += `\n/** ${d.title}: ${d.description ?? ''} (${file}) */\nexport interface ${name}Message ${body}\n`;
  }
  out += `\nexport type CheckinMessageType = ${names.map((n) => `'${n}'`).join(' | ')};\n`;
  out += `export const CHECKIN_MESSAGE_TYPES: readonly CheckinMessageType[] = [${names.map((n) => `'${n}'`).join(', ')}];\n`;
  out += `\n/** Every check-in message, discriminated by Apple's MessageType. */\nexport type CheckinMessage =\n${names.map((n) => `  | ${n}Message`).join('\n')};\n`;
  out += `\nexport const CHECKIN_KEYS: Readonly<Record<CheckinMessageType, readonly KeySpec[]>> = {\n`;
  for (const { file, doc: d } of docs) out += `  ${d.payload.requesttype}: ${table(d.payloadkeys, d.payload.supportedOS, file)},\n`;
  out += `};\n\nexport const CHECKIN_SUPPORTED_OS: Readonly<Record<CheckinMessageType, SupportedOS>> = {\n`;
  for (const { doc: d } of docs) out += `  ${d.payload.requesttype}: ${supported(d.payload.supportedOS)},\n`;
  return withPlistImport(`${out}};\n`);
}

// --- Commands -------------------------------------------------------------------------------------
function genCommands(): string {
  const docs = load('mdm/commands');
  let out = header('mdm/commands');
  const names: string[] = [];
  for (const { file, doc: d } of docs) {
    const name = d.payload.requesttype;
    if (names.includes(name)) throw new Error(`${file}: duplicate RequestType ${name}`);
    names.push(name);
    out += `\n/** ${d.title} (${file}): the command's payload, besides RequestType. */\n`;
    out += declare(`${name}Request`, d.payloadkeys ?? [], d.payload.supportedOS, file);
    out += `/** ${d.title}: the keys of the device's answer, besides Status, CommandUUID and UDID. */\n`;
    out += declare(`${name}Response`, d.responsekeys ?? [], d.payload.supportedOS, file);
  }
  out += `\nexport type RequestType =\n${names.map((n) => `  | '${n}'`).join('\n')};\n`;
  out += `export const REQUEST_TYPES: readonly RequestType[] = [${names.map((n) => `'${n}'`).join(', ')}];\n`;
  out += `\n/** The payload type of each RequestType. */\nexport interface CommandRequests {\n${names.map((n) => `  ${n}: ${n}Request;`).join('\n')}\n}\n`;
  out += `/** The response type of each RequestType. */\nexport interface CommandResponses {\n${names.map((n) => `  ${n}: ${n}Response;`).join('\n')}\n}\n`;
  out += `\nexport const COMMAND_REQUEST_KEYS: Readonly<Record<RequestType, readonly KeySpec[]>> = {\n`;
  for (const { file, doc: d } of docs) out += `  ${d.payload.requesttype}: ${table(d.payloadkeys, d.payload.supportedOS, file)},\n`;
  out += `};\n\nexport const COMMAND_RESPONSE_KEYS: Readonly<Record<RequestType, readonly KeySpec[]>> = {\n`;
  for (const { file, doc: d } of docs) out += `  ${d.payload.requesttype}: ${table(d.responsekeys, d.payload.supportedOS, file)},\n`;
  out += `};\n\n/** Where each command runs (OSes Apple lists as n/a are absent), with access rights and channels. */\n`;
  out += `export const COMMAND_SUPPORTED_OS: Readonly<Record<RequestType, SupportedOS>> = {\n`;
  for (const { doc: d } of docs) out += `  ${d.payload.requesttype}: ${supported(d.payload.supportedOS)},\n`;
  return withPlistImport(`${out}};\n`);
}

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'checkin.generated.ts'), genCheckin());
writeFileSync(join(outDir, 'commands.generated.ts'), genCommands());
copyFileSync(join(refDir, 'LICENSE.txt'), join(outDir, 'LICENSE-apple-device-management.txt'));
console.log(`gen-apple: wrote ${outDir}`);
