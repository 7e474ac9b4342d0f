// The shape of the runtime key tables that scripts/gen-apple.ts writes from Apple's device-management
// schema, and the one validator that walks them. Hand-written; the tables themselves are generated.
import { ProtocolError } from './errors.js';
import type { PlistDict, PlistValue } from './plist.js';

export type ValueType = 'string' | 'integer' | 'real' | 'boolean' | 'date' | 'data' | 'array' | 'dictionary' | 'any';

/**
 * One key of a check-in message, command request or command response.
 * `presence`: `required` keys must always be there. `conditional` keys are marked required by Apple
 * only for some OSes, channels or enrollment types (their `supportedOS` says `n/a`, `devicechannel:
 * false`, user enrollment `forbidden`/`required`, or a later `introduced`), so a message from another
 * kind of device legitimately lacks them; they are optional in the types and not enforced.
 * `subkeys`: for a dictionary, its keys; for an array, one entry describing each item. A subkey whose
 * name starts with `ANY ` (Apple's convention) stands for every key of a free-form dictionary.
 */
export interface KeySpec {
  readonly key: string;
  readonly type: ValueType;
  readonly presence: 'required' | 'optional' | 'conditional';
  readonly rangelist?: readonly (string | number)[];
  readonly subkeys?: readonly KeySpec[];
}

export interface OsSupport {
  readonly introduced: string;
  readonly deprecated?: string;
  readonly removed?: string;
  readonly accessRights?: string;
  readonly supervised?: boolean;
  readonly requiresDEP?: boolean;
  readonly deviceChannel?: boolean;
  readonly userChannel?: boolean;
  readonly userEnrollment?: 'allowed' | 'required' | 'forbidden' | 'ignored';
  readonly sharedIPad?: 'allowed' | 'required' | 'forbidden' | 'ignored';
}

/** Per OS; an OS is absent when Apple lists it as `n/a`. */
export interface SupportedOS {
  readonly iOS?: OsSupport;
  readonly macOS?: OsSupport;
  readonly tvOS?: OsSupport;
  readonly visionOS?: OsSupport;
  readonly watchOS?: OsSupport;
}

export interface ValidateOptions {
  /** Refuse keys the table does not list (for what Steward sends; devices may add new keys). */
  readonly rejectUnknown?: boolean;
}

/** Checks `dict` against `specs`; throws ProtocolError('invalid-message') naming the offending key path. */
export function validateKeys(dict: PlistDict, specs: readonly KeySpec[], where: string, opts: ValidateOptions = {}): void {
  checkDict(dict, specs, where, opts);
}

function checkDict(dict: PlistDict, specs: readonly KeySpec[], path: string, opts: ValidateOptions): void {
  const any = specs.find((s) => s.key.startsWith('ANY '));
  const known = new Map(specs.map((s) => [s.key, s]));
  for (const spec of specs) {
    if (spec.presence === 'required' && spec !== any && !Object.hasOwn(dict, spec.key)) {
      throw new ProtocolError('missing-key', `${path}: required key ${spec.key} is missing`, `${path}.${spec.key}`);
    }
  }
  for (const [k, v] of Object.entries(dict)) {
    const spec = known.get(k) ?? any;
    if (spec === undefined) {
      if (opts.rejectUnknown === true) throw new ProtocolError('unknown-key', `${path}: key ${k} is not in Apple's schema`, `${path}.${k}`);
      continue;
    }
    checkValue(v, spec, `${path}.${k}`, opts);
  }
}

function checkValue(v: PlistValue, spec: KeySpec, path: string, opts: ValidateOptions): void {
  const bad = (expected: string): never => {
    throw new ProtocolError('invalid-value', `${path}: expected ${expected}, got ${describe(v)}`, path);
  };
  switch (spec.type) {
    case 'string': if (typeof v !== 'string') bad('a string'); break;
    case 'integer': if (!(typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)))) bad('an integer'); break;
    case 'real': if (typeof v !== 'number' && typeof v !== 'bigint') bad('a number'); break;
    case 'boolean': if (typeof v !== 'boolean') bad('a boolean'); break;
    case 'date': if (!(v instanceof Date)) bad('a date'); break;
    case 'data': if (!(v instanceof Uint8Array)) bad('data'); break;
    case 'array': {
      if (!Array.isArray(v)) return bad('an array');
      const items = spec.subkeys ?? [];
      // One subkey describes every item; several are alternatives (Settings: one dictionary per
      // Item kind), and an item must match one of them.
      if (items.length === 1) v.forEach((x, i) => checkValue(x, items[0]!, `${path}[${i}]`, opts));
      else if (items.length > 1) v.forEach((x, i) => checkAlternatives(x, items, `${path}[${i}]`, opts));
      return;
    }
    case 'dictionary': {
      if (!isDict(v)) return bad('a dictionary');
      if (spec.subkeys !== undefined) checkDict(v, spec.subkeys, path, opts);
      return;
    }
    case 'any': return;
  }
  // Apple's range lists are advisory for what devices send (new OS releases add values), but binding
  // for what Steward sends; only the latter passes rejectUnknown.
  if (opts.rejectUnknown === true && spec.rangelist !== undefined && (typeof v === 'string' || typeof v === 'number')) {
    if (!spec.rangelist.includes(v)) bad(`one of ${spec.rangelist.map((x) => JSON.stringify(x)).join(', ')}`);
  }
}

function checkAlternatives(v: PlistValue, alternatives: readonly KeySpec[], path: string, opts: ValidateOptions): void {
  // The alternative whose discriminating key (a required key with a one-value range, such as
  // Settings' Item) names this item decides; otherwise any alternative that fits will do.
  const named = isDict(v) ? alternatives.find((a) => a.subkeys?.some((k) => k.presence === 'required' && k.rangelist?.length === 1 && v[k.key] === k.rangelist[0])) : undefined;
  if (named) return checkValue(v, named, path, opts);
  let first: unknown;
  for (const a of alternatives) {
    try { checkValue(v, a, path, opts); return; } catch (err) { first ??= err; }
  }
  throw first;
}

export function isDict(v: PlistValue | undefined): v is PlistDict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);
}

function describe(v: PlistValue): string {
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a date';
  if (v instanceof Uint8Array) return 'data';
  if (isDict(v)) return 'a dictionary';
  return `${typeof v} ${JSON.stringify(typeof v === 'bigint' ? v.toString() : v)}`;
}
