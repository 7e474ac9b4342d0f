// Test support for the query layer (imported by tests only, like store/testing.ts): fast-check
// generators of valid typed filters, a formatter that writes them as $filter text, and a plain-JS
// evaluator of a filter over one row that serves as the oracle for the SQL the store runs.
import fc from 'fast-check';
import { quote } from '../../protocol/odata/format-filter.js';
import type { CompareOp, FilterExpr, FilterValue } from './filter-expr.js';
import { isFilterable, type PropertyDef, type ResourceSchema } from './resource-schema.js';

/** A row as the domain sees it: property name → value (booleans as booleans, datetimes as ISO text). */
export type DomainRow = Readonly<Record<string, FilterValue | null>>;

export interface FilterArbitraryOptions {
  /** Extra string values (e.g. ones present in test rows) mixed into generated strings. */
  strings?: readonly string[];
  numbers?: readonly number[];
  datetimes?: readonly string[];
  /** Nesting levels of and/or/not (default 3). */
  maxDepth?: number;
}

const allOps: readonly CompareOp[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];

/** Any string PostgreSQL can store (no U+0000), short, biased towards LIKE's special characters. */
export function textArbitrary(extra: readonly string[] = []): fc.Arbitrary<string> {
  const special = fc.constantFrom('%', '_', '\\', "'", "''", 'a%b', 'A_B', 'É', 'é', 'ß', '😀', ' ', '');
  const random = fc.string({ unit: 'binary', maxLength: 6 }).filter((s) => !s.includes('\u0000'));
  return extra.length ? fc.oneof(fc.constantFrom(...extra), special, random) : fc.oneof(special, random);
}

function valueArbitrary(def: PropertyDef, o: FilterArbitraryOptions): fc.Arbitrary<FilterValue> {
  const type = def.type;
  if (typeof type === 'object') return fc.constantFrom(...type.enum);
  switch (type) {
    case 'string': return textArbitrary(o.strings);
    case 'boolean': return fc.boolean();
    case 'number': {
      const random = fc.integer({ min: -(2 ** 40), max: 2 ** 40 });
      return o.numbers?.length ? fc.oneof(fc.constantFrom(...o.numbers), random) : random;
    }
    case 'datetime': {
      const random = fc.date({ min: new Date('1999-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
      return o.datetimes?.length ? fc.oneof(fc.constantFrom(...o.datetimes), random) : random;
    }
  }
}

/** Valid filters in the canonical form parseListQuery produces (no constants, no duplicates in `in`). */
export function filterArbitrary(schema: ResourceSchema, o: FilterArbitraryOptions = {}): fc.Arbitrary<FilterExpr> {
  const props = Object.entries(schema.properties).filter(([, d]) => isFilterable(d));
  const textProps = props.filter(([, d]) => d.type === 'string');
  const compare = fc.constantFrom(...props).chain(([property, def]): fc.Arbitrary<FilterExpr> => {
    const ops = typeof def.type === 'object' ? allOps.slice(0, 2) : allOps;
    const withValue = fc.tuple(fc.constantFrom(...ops), valueArbitrary(def, o))
      .map(([op, value]): FilterExpr => ({ kind: 'compare', property, op, value }));
    if (!def.nullable) return withValue;
    const withNull = fc.constantFrom<CompareOp>('eq', 'ne').map((op): FilterExpr => ({ kind: 'compare', property, op, value: null }));
    return fc.oneof(withValue, withNull);
  });
  const member = fc.constantFrom(...props).chain(([property, def]) =>
    fc.uniqueArray(valueArbitrary(def, o), { minLength: 1, maxLength: 4 })
      .map((values): FilterExpr => ({ kind: 'in', property, values })));
  const match = fc.tuple(fc.constantFrom(...textProps), fc.constantFrom('startswith', 'endswith', 'contains' as const), textArbitrary(o.strings))
    .map(([[property], fn, value]): FilterExpr => ({ kind: 'match', fn, property, value }));
  const leaf = textProps.length ? fc.oneof(compare, member, match) : fc.oneof(compare, member);
  const { expr } = fc.letrec<{ expr: FilterExpr; node: FilterExpr }>((tie) => ({
    expr: fc.oneof({ maxDepth: o.maxDepth ?? 3, depthIdentifier: 'filter' }, leaf, tie('node')),
    node: fc.oneof(
      tie('expr').map((operand): FilterExpr => ({ kind: 'not', operand })),
      fc.tuple(fc.constantFrom('and', 'or' as const), fc.array(tie('expr'), { minLength: 2, maxLength: 3 }))
        .map(([kind, operands]): FilterExpr => ({ kind, operands })),
    ),
  }));
  return expr;
}

/** Writes a typed filter as $filter text that parseListQuery reads back as the same filter. */
export function formatFilterExpr(expr: FilterExpr, schema: ResourceSchema): string {
  const value = (property: string, v: FilterValue | null): string => {
    if (v === null) return 'null';
    const type = schema.properties[property]!.type;
    if (typeof v === 'string') return type === 'datetime' ? v : quote(v);
    return String(v);
  };
  const nested = (e: FilterExpr) => (e.kind === 'and' || e.kind === 'or' ? `(${formatFilterExpr(e, schema)})` : formatFilterExpr(e, schema));
  switch (expr.kind) {
    case 'and':
    case 'or':
      return expr.operands.map(nested).join(` ${expr.kind} `);
    case 'not':
      return `not (${formatFilterExpr(expr.operand, schema)})`;
    case 'compare':
      return `${expr.property} ${expr.op} ${value(expr.property, expr.value)}`;
    case 'in':
      return `${expr.property} in (${expr.values.map((v) => value(expr.property, v)).join(', ')})`;
    case 'match':
      return `${expr.fn}(${expr.property}, ${quote(expr.value)})`;
    case 'constant':
      throw new Error('a constant has no $filter form; parseListQuery produces one only from a comparison it folded');
  }
}

/**
 * What a filter says about one row, with OData's rules: comparisons are two-valued, string
 * functions on null are null, and/or/not follow three-valued logic. Text compares bytewise
 * (UTF-8), as both stores do.
 */
export function evaluateFilter(expr: FilterExpr, row: DomainRow): boolean | null {
  switch (expr.kind) {
    case 'and': {
      const results = expr.operands.map((o) => evaluateFilter(o, row));
      return results.includes(false) ? false : results.includes(null) ? null : true;
    }
    case 'or': {
      const results = expr.operands.map((o) => evaluateFilter(o, row));
      return results.includes(true) ? true : results.includes(null) ? null : false;
    }
    case 'not': {
      const r = evaluateFilter(expr.operand, row);
      return r === null ? null : !r;
    }
    case 'constant':
      return expr.value;
    case 'compare': {
      const x = row[expr.property] ?? null;
      if (expr.value === null) return expr.op === 'eq' ? x === null : x !== null;
      if (x === null) return expr.op === 'ne';
      return holds(expr.op, compareValues(x, expr.value));
    }
    case 'in': {
      const x = row[expr.property] ?? null;
      return x !== null && expr.values.some((v) => compareValues(x, v) === 0);
    }
    case 'match': {
      const x = row[expr.property] ?? null;
      if (x === null) return null;
      const hay = asciiLower(String(x));
      const needle = asciiLower(expr.value);
      return expr.fn === 'startswith' ? hay.startsWith(needle) : expr.fn === 'endswith' ? hay.endsWith(needle) : hay.includes(needle);
    }
  }
}

function holds(op: CompareOp, c: number): boolean {
  switch (op) {
    case 'eq': return c === 0;
    case 'ne': return c !== 0;
    case 'gt': return c > 0;
    case 'ge': return c >= 0;
    case 'lt': return c < 0;
    case 'le': return c <= 0;
  }
}

/** Orders two values of one property the way the stores do (null is not handled here). */
export function compareValues(a: FilterValue, b: FilterValue): number {
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b));
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}
