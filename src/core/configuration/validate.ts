// Checks a deviceConfiguration body against Graph's type: every property must exist on the type
// (or a base type), and its value must have the property's Edm type, enum member or complex shape.
// v1.0 properties are typed by the generated CSDL tables; beta-only ones by beta-properties.ts.
import { invalidInput } from '../errors.js';
import { graphEnums, graphTypes, isA, propertiesOf, typeFromODataType, type GraphPropertyInfo } from '../../shared/graph/types.js';
import { BETA_SHAPES, type BetaShape } from './beta-properties.js';
import { READ_ONLY_PROPERTIES } from './catalog.js';
import { STEWARD_TYPES } from './extension-types.js';

type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}\s*$/;

function fail(path: string, what: string): never {
  throw invalidInput(`${path}: ${what}.`, path);
}

function checkEdm(path: string, edm: string, v: Json): void {
  switch (edm) {
    case 'Edm.String': case 'Edm.Guid': case 'Edm.Duration': case 'Edm.TimeOfDay':
      if (typeof v !== 'string') fail(path, 'must be a string');
      return;
    case 'Edm.Boolean':
      if (typeof v !== 'boolean') fail(path, 'must be true or false');
      return;
    case 'Edm.Int32': case 'Edm.Int64': case 'Edm.Int16': case 'Edm.Byte':
      if (typeof v !== 'number' || !Number.isInteger(v)) fail(path, 'must be a whole number');
      if (edm === 'Edm.Int32' && (v < -2147483648 || v > 2147483647)) fail(path, 'is out of the Int32 range');
      return;
    case 'Edm.Double': case 'Edm.Single': case 'Edm.Decimal':
      if (typeof v !== 'number' && v !== 'NaN' && v !== 'INF' && v !== '-INF') fail(path, 'must be a number');
      return;
    case 'Edm.DateTimeOffset': case 'Edm.Date':
      if (typeof v !== 'string' || (Number.isNaN(Date.parse(v)) && !/^\/Date\(-?\d+\)\/$/.test(v))) fail(path, 'must be an ISO 8601 date');
      return;
    case 'Edm.Binary':
      if (typeof v !== 'string' || !BASE64.test(v)) fail(path, 'must be base64');
      return;
    default:
      return; // Edm types Graph uses nowhere in deviceConfigurations (Edm.Stream…): accepted as sent.
  }
}

function checkEnum(path: string, members: readonly string[], flags: boolean, v: Json): void {
  if (typeof v !== 'string') fail(path, `must be one of ${members.join(', ')}`);
  const parts = flags ? v.split(',').map((p) => p.trim()) : [v];
  const bad = parts.find((p) => !members.includes(p));
  if (bad !== undefined) fail(path, `'${bad}' is not one of ${members.join(', ')}`);
}

function checkBeta(path: string, shape: BetaShape, v: Json): void {
  switch (shape.kind) {
    case 'string': if (typeof v !== 'string') fail(path, 'must be a string'); return;
    case 'boolean': if (typeof v !== 'boolean') fail(path, 'must be true or false'); return;
    case 'integer': if (typeof v !== 'number' || !Number.isInteger(v)) fail(path, 'must be a whole number'); return;
    case 'stringArray':
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail(path, 'must be an array of strings');
      return;
    case 'object': if (!isObject(v)) fail(path, 'must be an object'); return;
    case 'objectArray':
      if (!Array.isArray(v) || v.some((x) => !isObject(x))) fail(path, 'must be an array of objects');
      return;
    case 'enum': checkEnum(path, shape.values, shape.flags === true, v); return;
  }
}

function checkValue(path: string, info: GraphPropertyInfo, name: string, v: Json): void {
  if (v === null) return; // Graph treats null and absent alike; exports send null for unset properties.
  if (info.type === 'unknown') {
    const shape = BETA_SHAPES[name];
    if (shape) checkBeta(path, shape, v);
    return;
  }
  if (info.collection) {
    if (!Array.isArray(v)) fail(path, 'must be an array');
    v.forEach((item, n) => checkValue(`${path}[${n}]`, { ...info, collection: false }, name, item));
    return;
  }
  if (info.type.startsWith('Edm.')) return checkEdm(path, info.type, v);
  if (info.type.startsWith('enum:')) {
    const e = graphEnums[info.type.slice(5)];
    if (e) checkEnum(path, [...e.members, ...(('betaMembers' in e ? e.betaMembers : undefined) ?? [])], 'flags' in e && e.flags === true, v);
    return;
  }
  if (info.type.startsWith('complex:')) {
    if (!isObject(v)) fail(path, 'must be an object');
    checkComplex(path, info.type.slice(8), v);
  }
}

function checkComplex(path: string, declared: string, v: Record<string, Json>): void {
  let type = declared;
  const given = v['@odata.type'];
  if (given !== undefined) {
    const named = typeof given === 'string' ? typeFromODataType(given) : undefined;
    if (named === undefined || !isA(named, declared)) fail(`${path}.@odata.type`, `must name ${declared} or a type derived from it`);
    type = named;
  } else if (graphTypes[declared]?.abstract) {
    fail(`${path}.@odata.type`, `is required: ${declared} is abstract`);
  }
  const props = propertiesOf(type) ?? {};
  for (const [k, item] of Object.entries(v)) {
    if (k.includes('@odata.')) continue;
    const info = props[k];
    if (!info || info.navigation) throw invalidInput(`Property '${path}.${k}' does not exist on ${type}.`, `${path}.${k}`);
    checkValue(`${path}.${k}`, info, k, item);
  }
}

/**
 * The writable properties of a body of type `type` (annotations and read-only properties left
 * out), checked; throws invalid-input naming the first bad property.
 */
export function validateConfigurationBody(type: string, body: Record<string, Json>): Record<string, Json> {
  const extension = STEWARD_TYPES[type];
  if (extension) return validateExtensionBody(type, extension, body);
  const props = propertiesOf(type);
  if (!props) throw invalidInput(`${type} is not a Graph type.`, '@odata.type');
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k.includes('@odata.') || k.startsWith('#')) continue;
    if (READ_ONLY_PROPERTIES.has(k)) continue;
    const info = props[k];
    if (!info) throw invalidInput(`Property '${k}' does not exist on ${type}.`, k);
    if (info.navigation) throw invalidInput(`Property '${k}' is a relationship of ${type} and cannot be written in its body.`, k);
    checkValue(k, info, k, v);
    out[k] = v;
  }
  return out;
}

/** A Steward extension type: deviceConfiguration's own properties as Graph types them, the rest from its table. */
function validateExtensionBody(type: string, own: Readonly<Record<string, BetaShape>>, body: Record<string, Json>): Record<string, Json> {
  const common = propertiesOf('deviceConfiguration') ?? {};
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k.includes('@odata.') || k.startsWith('#')) continue;
    if (READ_ONLY_PROPERTIES.has(k)) continue;
    const shape = own[k];
    const info = common[k];
    if (shape) {
      if (v !== null) checkBeta(k, shape, v);
    } else if (info && !info.navigation) {
      checkValue(k, info, k, v);
    } else if (info) {
      throw invalidInput(`Property '${k}' is a relationship of ${type} and cannot be written in its body.`, k);
    } else {
      throw invalidInput(`Property '${k}' does not exist on ${type}.`, k);
    }
    out[k] = v;
  }
  return out;
}
