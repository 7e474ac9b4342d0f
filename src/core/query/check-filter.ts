// Type-checks a parsed $filter against a resource's properties and produces the typed
// FilterExpr the store executes. Every error is StewardError('invalid-input', …, '$filter')
// and names the property, the expected type and the position.
import { StewardError } from '../errors.js';
import { builtInFunctions, type CompareOperator, type FilterNode, type Literal } from '../../protocol/odata/filter-ast.js';
import { formatLiteral } from '../../protocol/odata/format-filter.js';
import type { CompareOp, FilterExpr, FilterValue } from './filter-expr.js';
import { describeType, findProperty, isFilterable, type PropertyDef, type ResourceSchema } from './resource-schema.js';

type Node<K extends FilterNode['kind']> = Extract<FilterNode, { kind: K }>;
interface Property { name: string; def: PropertyDef }

/**
 * A literal converted to the property's type. `between` is set when the literal lies strictly
 * between `value` and the next storable value: a decimal against an integer property, or a
 * datetime with sub-millisecond digits against a millisecond column.
 */
interface Scalar { value: FilterValue; between: boolean }

const fail = (message: string) => new StewardError('invalid-input', `$filter: ${message}`, '$filter');
const stringFunctions = ['startswith', 'endswith', 'contains'] as const;
const flipped: Record<CompareOperator, CompareOp> = { eq: 'eq', ne: 'ne', gt: 'lt', ge: 'le', lt: 'gt', le: 'ge' };

export function checkFilter(node: FilterNode, schema: ResourceSchema): FilterExpr {
  return condition(node, schema);
}

function condition(node: FilterNode, schema: ResourceSchema): FilterExpr {
  switch (node.kind) {
    case 'and':
    case 'or':
      return { kind: node.kind, operands: node.operands.map((o) => condition(o, schema)) };
    case 'not':
      return { kind: 'not', operand: condition(node.operand, schema) };
    case 'compare':
      return comparison(node, schema);
    case 'in':
      return membership(node, schema);
    case 'call':
      return stringFunction(node, schema);
    case 'property': {
      // A boolean property alone is a condition (ABNF boolCommonExpr): `isEncrypted` reads as
      // `isEncrypted eq true` (so a null, were the property nullable, counts as false).
      const p = property(node, schema);
      if (p.def.type !== 'boolean') {
        throw fail(`${p.name} at position ${node.pos} is ${describeType(p.def.type)}, not a condition; compare it, e.g. ${p.name} eq …`);
      }
      return { kind: 'compare', property: p.name, op: 'eq', value: true };
    }
    case 'literal':
      throw fail(`expected a condition at position ${node.pos}, found the value ${shown(node.literal)}`);
  }
}

const isCondition = (n: FilterNode) => n.kind !== 'property' && n.kind !== 'literal';
const booleanLiteral = (n: FilterNode): boolean | undefined => (n.kind === 'literal' && n.literal.type === 'boolean' ? n.literal.value : undefined);

function comparison(node: Node<'compare'>, schema: ResourceSchema): FilterExpr {
  for (const side of [node.left, node.right]) if (side.kind === 'call') knownFunction(side);
  let { left, right } = node;
  let op: CompareOp = node.op;
  if (left.kind === 'literal' && right.kind !== 'literal') {
    // Literal on the left: `'x' eq deviceName`, `5 lt size`.
    [left, right] = [right, left];
    op = flipped[op];
  }
  const truth = booleanLiteral(right);
  if (isCondition(left) && truth !== undefined && (op === 'eq' || op === 'ne')) {
    // `startswith(deviceName,'a') eq true`, the OData v3 habit that clients still send.
    const inner = condition(left, schema);
    return truth === (op === 'eq') ? inner : { kind: 'not', operand: inner };
  }
  if (left.kind === 'literal') {
    throw fail(`the comparison at position ${node.pos} has no property; one side of '${node.op}' must be a property`);
  }
  if (left.kind !== 'property') throw fail(`expected a property before '${node.op}' at position ${left.pos}, found a condition`);
  if (right.kind === 'property') {
    throw fail(`comparing two properties (${left.name} and ${right.name}) at position ${node.pos} is not supported; compare a property with a value`);
  }
  if (right.kind !== 'literal') throw fail(`expected a value after '${node.op}' at position ${right.pos}, found a condition`);
  const p = property(left, schema);
  const lit = right.literal;
  if (lit.type === 'null') {
    if (op !== 'eq' && op !== 'ne') throw fail(`'${op} null' at position ${node.pos} is never true; only 'eq null' and 'ne null' are allowed`);
    if (!p.def.nullable) throw fail(`${p.name} is never null, so '${op} null' at position ${node.pos} cannot be used`);
    return { kind: 'compare', property: p.name, op, value: null };
  }
  if (typeof p.def.type === 'object' && op !== 'eq' && op !== 'ne') {
    throw fail(`'${op}' at position ${node.pos} cannot compare the enum ${p.name}; use eq, ne or in`);
  }
  const { value, between } = scalar(p, lit, right.pos);
  if (!between) return { kind: 'compare', property: p.name, op, value };
  // value < literal < next storable value: no stored value equals the literal, and
  // `x > lit` ⇔ `x >= lit` ⇔ `x > value`, `x < lit` ⇔ `x <= lit` ⇔ `x <= value`.
  switch (op) {
    case 'eq': return { kind: 'constant', value: false };
    case 'ne': return { kind: 'constant', value: true };
    case 'gt':
    case 'ge': return { kind: 'compare', property: p.name, op: 'gt', value };
    case 'lt':
    case 'le': return { kind: 'compare', property: p.name, op: 'le', value };
  }
}

function membership(node: Node<'in'>, schema: ResourceSchema): FilterExpr {
  if (node.operand.kind !== 'property') throw fail(`expected a property before 'in' at position ${node.operand.pos}`);
  const p = property(node.operand, schema);
  const values: FilterValue[] = [];
  for (const item of node.list) {
    if (item.kind !== 'literal') throw fail(`the 'in' list at position ${item.pos} may only hold values`);
    if (item.literal.type === 'null') throw fail(`null is not allowed in an 'in' list (position ${item.pos}); add 'or ${p.name} eq null'`);
    const { value, between } = scalar(p, item.literal, item.pos);
    if (!between && !values.includes(value)) values.push(value);
  }
  return values.length === 0 ? { kind: 'constant', value: false } : { kind: 'in', property: p.name, values };
}

function knownFunction(node: Node<'call'>): (typeof stringFunctions)[number] {
  const fn = stringFunctions.find((f) => f === node.name);
  if (fn) return fn;
  const known = builtInFunctions.has(node.name.toLowerCase()) ? 'is not supported' : 'is unknown';
  throw fail(`function '${node.name}' at position ${node.pos} ${known}; $filter supports startswith, endswith and contains`);
}

function stringFunction(node: Node<'call'>, schema: ResourceSchema): FilterExpr {
  const fn = knownFunction(node);
  const [target, text] = node.args;
  if (node.args.length !== 2 || !target || !text) {
    throw fail(`${fn} at position ${node.pos} takes two arguments, a property and a string, e.g. ${fn}(deviceName,'abc'); found ${node.args.length}`);
  }
  if (target.kind !== 'property') throw fail(`the first argument of ${fn} at position ${target.pos} must be a property`);
  const p = property(target, schema);
  if (p.def.type !== 'string') throw fail(`${fn} at position ${node.pos} needs a string property; ${p.name} is ${describeType(p.def.type)}`);
  if (text.kind !== 'literal' || text.literal.type !== 'string') {
    throw fail(`the second argument of ${fn} at position ${text.pos} must be a quoted string, e.g. 'abc'`);
  }
  return { kind: 'match', fn, property: p.name, value: checkText(text.literal.value, text.pos) };
}

function property(node: Node<'property'>, schema: ResourceSchema): Property {
  const found = findProperty(schema, node.name);
  if (!found) {
    const names = Object.keys(schema.properties).filter((n) => isFilterable(schema.properties[n]!));
    throw fail(`unknown property '${node.name}' at position ${node.pos}; ${schema.name} has ${names.join(', ')}`);
  }
  if (!isFilterable(found.def)) throw fail(`property '${found.name}' at position ${node.pos} cannot be used in $filter`);
  return found;
}

/** Converts a non-null literal to the property's type, or says what was expected. */
function scalar(p: Property, lit: Literal, pos: number): Scalar {
  const type = p.def.type;
  const mismatch = (expected: string, hint = '') =>
    fail(`${p.name} is ${describeType(type)}; expected ${expected} at position ${pos}, found ${shown(lit)}${hint}`);
  if (typeof type === 'object') {
    let value: string;
    if (lit.type === 'string') value = lit.value;
    else if (lit.type === 'enum') {
      const typeName = lit.typeName.slice(lit.typeName.lastIndexOf('.') + 1);
      if (type.name !== undefined && typeName.toLowerCase() !== type.name.toLowerCase()) {
        throw fail(`${lit.typeName} at position ${pos} is not the type of ${p.name} (microsoft.graph.${type.name})`);
      }
      value = lit.value;
    } else throw mismatch(`a quoted enum value such as '${type.enum[0]}'`);
    const member = type.enum.find((m) => m === value)
      ?? uniqueOrUndefined(type.enum.filter((m) => m.toLowerCase() === value.toLowerCase()));
    if (member === undefined) throw fail(`'${value}' at position ${pos} is not a value of ${p.name}; allowed: ${type.enum.join(', ')}`);
    return { value: member, between: false };
  }
  switch (type) {
    case 'string':
      if (lit.type === 'string') return { value: checkText(lit.value, pos), between: false };
      throw mismatch("a quoted string like 'text'", lit.type === 'guid' || lit.type === 'number' ? `; put it in quotes: '${formatLiteral(lit)}'` : '');
    case 'boolean':
      if (lit.type === 'boolean') return { value: lit.value, between: false };
      throw mismatch('true or false');
    case 'number': {
      if (lit.type !== 'number') throw mismatch('a number like 42', lit.type === 'string' ? '; numbers are written without quotes' : '');
      const floor = Math.floor(lit.value);
      if (!Number.isSafeInteger(floor)) throw fail(`the number at position ${pos} is outside the range ±${Number.MAX_SAFE_INTEGER}`);
      return { value: floor === 0 ? 0 : floor, between: floor !== lit.value };
    }
    case 'datetime':
      if (lit.type === 'datetime') return { value: lit.iso, between: lit.subMillisecond };
      if (lit.type === 'date') throw mismatch('a datetime with a time and a time zone', `; write ${lit.text}T00:00:00Z`);
      throw mismatch('a datetime like 2024-01-02T03:04:05Z', lit.type === 'string' ? '; datetimes are written without quotes' : '');
  }
}

/** U+0000 cannot be stored in PostgreSQL text, so no row can hold it: say so instead of failing in SQL. */
function checkText(value: string, pos: number): string {
  if (value.includes('\u0000')) throw fail(`the string at position ${pos} contains the character U+0000, which no value can hold`);
  return value;
}

function uniqueOrUndefined<T>(items: readonly T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}

function shown(lit: Literal): string {
  const text = formatLiteral(lit);
  const short = text.length > 40 ? `${text.slice(0, 37)}…` : text;
  switch (lit.type) {
    case 'string': return `the string ${short}`;
    case 'number': return `the number ${short}`;
    case 'boolean': return short;
    case 'null': return 'null';
    case 'datetime': return `the datetime ${short}`;
    case 'date': return `the date ${short}`;
    case 'guid': return `the unquoted id ${short}`;
    case 'enum': return `the enum value ${short}`;
  }
}
