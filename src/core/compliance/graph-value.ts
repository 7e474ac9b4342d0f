// Checks a JSON object against a Graph type of the generated CSDL tables (src/shared/graph): each
// property must exist on the type (matched regardless of case, as Graph does, and renamed to the
// CSDL spelling), and its value must have the property's type (Edm primitives, enum members,
// complex types recursively, collections). A mismatch is an invalid-input error naming the
// property. Beta-only properties (whose type the beta lists do not give) are accepted as any JSON
// value under /beta and refused under /v1.0, as v1.0 does not know them. null is accepted for
// every property and means "not set" (Intune's exports send null for most unset properties).
import { graphEnums, graphTypes as generatedTypes, type GraphPropertyInfo, type GraphTypeInfo } from '../../shared/graph/types.js';
import { invalidInput } from '../errors.js';
import { complianceBetaTypes, exportOnlyProperties } from './beta-types.js';

/** The generated tables, with the beta types and export-only properties compliance adds (beta-types.ts). */
export const graphTypes: Readonly<Record<string, GraphTypeInfo>> = (() => {
  const out: Record<string, GraphTypeInfo> = { ...generatedTypes, ...complianceBetaTypes };
  for (const [type, names] of Object.entries(exportOnlyProperties)) {
    const t = out[type];
    if (!t) continue;
    out[type] = { ...t, properties: { ...t.properties, ...Object.fromEntries(names.map((n) => [n, { type: 'unknown', collection: false, nullable: true, beta: true } as const])) } };
  }
  return out;
})();

export function propertiesOf(name: string): Record<string, GraphPropertyInfo> | undefined {
  if (!graphTypes[name]) return undefined;
  const chain: string[] = [];
  for (let t: string | undefined = name; t !== undefined; t = graphTypes[t]?.base) chain.unshift(t);
  const out: Record<string, GraphPropertyInfo> = {};
  for (const t of chain) Object.assign(out, graphTypes[t]?.properties);
  return out;
}

export type GraphVersion = 'v1.0' | 'beta';

const INT32 = { min: -2147483648, max: 2147483647 };

/** An OData annotation or an advertised action ('#microsoft.graph.assign'): control information, not data. */
export function isControlInformation(key: string): boolean {
  return key.startsWith('@') || key.includes('@odata.') || key.startsWith('#');
}

function fail(path: string, message: string): never {
  throw invalidInput(`${path}: ${message}`, path);
}

function checkPrimitive(edm: string, value: unknown, path: string): unknown {
  switch (edm) {
    case 'Edm.Boolean':
      if (typeof value !== 'boolean') fail(path, 'must be true or false');
      return value;
    case 'Edm.Int32':
    case 'Edm.Int64':
    case 'Edm.Int16':
    case 'Edm.Byte': {
      if (typeof value !== 'number' || !Number.isInteger(value)) fail(path, 'must be a whole number');
      if (edm === 'Edm.Int32' && (value < INT32.min || value > INT32.max)) fail(path, 'is out of range for a 32-bit integer');
      if (edm === 'Edm.Byte' && (value < 0 || value > 255)) fail(path, 'must be from 0 to 255');
      return value;
    }
    case 'Edm.Double':
    case 'Edm.Single':
    case 'Edm.Decimal':
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'must be a number');
      return value;
    case 'Edm.DateTimeOffset':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(Date.parse(value))) fail(path, 'must be an ISO 8601 date and time');
      return value;
    case 'Edm.Guid':
      if (typeof value !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) fail(path, 'must be a GUID');
      return value;
    default:
      // Edm.String, Edm.Binary (base64 text), Edm.Duration, Edm.Date, Edm.TimeOfDay: text.
      if (typeof value !== 'string') fail(path, 'must be a string');
      if (value.length > 1_000_000) fail(path, 'is too long');
      return value;
  }
}

function checkValue(info: GraphPropertyInfo, value: unknown, path: string, version: GraphVersion): unknown {
  if (info.collection) {
    if (!Array.isArray(value)) fail(path, 'must be an array');
    return value.map((item, i) => checkSingle(info, item, `${path}[${i}]`, version));
  }
  return checkSingle(info, value, path, version);
}

function checkSingle(info: GraphPropertyInfo, value: unknown, path: string, version: GraphVersion): unknown {
  if (value === null) return null;
  const t = info.type;
  if (t === 'unknown') return value;
  if (t.startsWith('Edm.')) return checkPrimitive(t, value, path);
  if (t.startsWith('enum:')) {
    const name = t.slice(5);
    const e = graphEnums[name];
    if (!e) return value;
    const allowed = version === 'beta' ? [...e.members, ...(e.betaMembers ?? [])] : e.members;
    if (typeof value !== 'string') fail(path, `must be one of ${allowed.join(', ')}`);
    const parts = e.flags ? value.split(',').map((p) => p.trim()) : [value];
    for (const p of parts) if (!allowed.includes(p)) fail(path, `'${p}' is not a ${name} value; expected one of ${allowed.join(', ')}`);
    return value;
  }
  if (t.startsWith('complex:')) return checkGraphObject(t.slice(8), value, { path, version });
  fail(path, 'cannot be written here');
}

/** The concrete complex type a value names with @odata.type, which must derive from `declared`. */
function concreteType(declared: string, value: Record<string, unknown>, path: string): string {
  const given = value['@odata.type'];
  if (given === undefined) return declared;
  const m = typeof given === 'string' ? /^#?microsoft\.graph\.(.+)$/.exec(given) : null;
  const name = m?.[1];
  if (name === undefined || !graphTypes[name]) fail(`${path}.@odata.type`, `${JSON.stringify(given)} is not a known Graph type`);
  if (name !== declared && !isDerived(name, declared)) fail(`${path}.@odata.type`, `${name} is not a ${declared}`);
  return name;
}

function isDerived(name: string, base: string): boolean {
  for (let b = graphTypes[name]?.base; b !== undefined; b = graphTypes[b]?.base) if (b === base) return true;
  return false;
}

export interface CheckOptions {
  /** Where the object sits in the request, for messages ('' for the body). */
  path: string;
  version: GraphVersion;
  /** Properties ignored on input (read-only ones such as id, createdDateTime, version). */
  ignore?: ReadonlySet<string>;
  /** Properties the caller handles itself: returned as given, unchecked. */
  handled?: ReadonlySet<string>;
}

/**
 * The object's properties by their CSDL names, checked against `typeName`. Navigation properties
 * are refused unless handled by the caller; control information (annotations) is dropped; null
 * values are kept (a PATCH clears with them).
 */
export function checkGraphObject(typeName: string, value: unknown, options: CheckOptions): Record<string, unknown> {
  const where = options.path || 'body';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(where, `must be a JSON object (a ${typeName})`);
  const obj = value as Record<string, unknown>;
  const concrete = graphTypes[typeName]?.kind === 'complex' ? concreteType(typeName, obj, where) : typeName;
  const props = propertiesOf(concrete);
  if (!props) fail(where, `${concrete} is not a known Graph type`);
  if (graphTypes[concrete]?.abstract) fail(where, `${concrete} is abstract; give @odata.type`);
  if (graphTypes[concrete]?.beta && options.version === 'v1.0') {
    const at = options.path ? `${options.path}.@odata.type` : '@odata.type';
    throw invalidInput(`${at}: microsoft.graph.${concrete} exists in Graph beta only; use /beta.`, at);
  }
  const byLower = new Map(Object.keys(props).map((k) => [k.toLowerCase(), k]));
  const out: Record<string, unknown> = {};
  if (concrete !== typeName) out['@odata.type'] = `#microsoft.graph.${concrete}`;
  for (const [key, v] of Object.entries(obj)) {
    if (isControlInformation(key)) continue;
    const name = byLower.get(key.toLowerCase());
    const path = options.path ? `${options.path}.${name ?? key}` : (name ?? key);
    if (name === undefined) {
      if (options.ignore?.has(key)) continue;
      throw invalidInput(`Property '${path}' does not exist on microsoft.graph.${concrete}.`, path);
    }
    if (options.ignore?.has(name)) continue;
    if (options.handled?.has(name)) { out[name] = v; continue; }
    const info = props[name];
    if (!info) continue;
    if (info.beta && options.version === 'v1.0') throw invalidInput(`Property '${path}' exists on microsoft.graph.${concrete} in Graph beta only; use /beta.`, path);
    if (info.navigation) throw invalidInput(`Property '${path}' is a relationship of microsoft.graph.${concrete} and cannot be written in this request.`, path);
    out[name] = checkValue(info, v, path, options.version);
  }
  return out;
}
