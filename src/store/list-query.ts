// Runs a ListQuery (src/core/query) against one table: the typed filter as a WHERE built with
// Kysely's expression builder (every value a bound parameter, every column name taken from the
// ResourceSchema), the order, and keyset paging with an opaque $skiptoken.
//
// Semantics shared by both dialects:
// - Comparisons follow OData's two-valued null rules (null eq null is true, null ne 'x' is
//   true, null gt 5 is false), so `not` negates them exactly; startswith/endswith/contains on a
//   null value are null, as SQL's LIKE is, and such a row matches neither the test nor its `not`.
// - Nulls sort first ascending and last descending (OData v4.01 Part 2 §5.1.4 $orderby), spelled
//   out with NULLS FIRST/LAST because PostgreSQL's default is the opposite.
// - String functions are case-insensitive for A–Z only, exactly as SQLite's LIKE is; PostgreSQL
//   folds with translate() to match it byte for byte.
// - Text compares and sorts bytewise: SQLite's BINARY collation; PostgreSQL in a C-collated
//   database (Steward's databases are created with C.UTF-8).
import { createHash } from 'node:crypto';
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { StewardError } from '../core/errors.js';
import type { FilterExpr, FilterValue } from '../core/query/filter-expr.js';
import type { ListQuery } from '../core/query/list-query.js';
import type { PropertyDef, ResourceSchema } from '../core/query/resource-schema.js';
import type { Dialect } from './database.js';
import type { Schema } from './schema.js';

/** The view of a table whose columns are only known at run time (from a ResourceSchema). */
export type AnyTables = Record<string, Record<string, unknown>>;
export type ListSelect<O> = SelectQueryBuilder<AnyTables, string, O>;

export interface ListPageOptions {
  /**
   * Extra scoping (e.g. what an RBAC scope lets the caller see), applied to the page and to the
   * count: `{ where: (qb) => qb.where('user_id', '=', userId) }`.
   */
  where?: <O>(qb: ListSelect<O>) => ListSelect<O>;
}

export interface Page<Row> {
  rows: Row[];
  /** Present when more rows follow; pass it back as ListQuery.skipToken. */
  nextSkipToken?: string;
  /** Rows matching the filter and scope across all pages, when query.count was set. */
  count?: number;
}

type EB = ExpressionBuilder<AnyTables, string>;
type CursorValue = string | number | null;
interface SortKey { def: PropertyDef; direction: 'asc' | 'desc' }

const sqlOperator = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;
const alwaysFalse = sql<SqlBool>`1 = 0`;

export async function listPage<Row = Record<string, unknown>>(
  db: Kysely<Schema>,
  dialect: Dialect,
  table: Extract<keyof Schema, string>,
  schema: ResourceSchema,
  query: ListQuery,
  opts: ListPageOptions = {},
): Promise<Page<Row>> {
  const k = db as unknown as Kysely<AnyTables>;
  const sort = sortKeys(schema, query);
  const digest = queryDigest(schema, query);
  const cursor = query.skipToken === undefined ? undefined : decodeCursor(query.skipToken, digest, sort);
  const scope = opts.where ?? (<O>(qb: ListSelect<O>) => qb);
  const filter = query.filter;

  let page = scope(k.selectFrom(table).selectAll());
  if (filter) page = page.where((eb) => filterCondition(eb, filter, schema, dialect));
  if (cursor) page = page.where((eb) => after(eb, sort, cursor));
  for (const s of sort) {
    const nulls = s.def.nullable;
    page = page.orderBy(sql.ref(s.def.column), (ob) => (s.direction === 'asc'
      ? (nulls ? ob.asc().nullsFirst() : ob.asc())
      : (nulls ? ob.desc().nullsLast() : ob.desc())));
  }
  const rowsPromise = page.limit(query.top + 1).execute();

  let countPromise: Promise<number | undefined> = Promise.resolve(undefined);
  if (query.count) {
    let counter = scope(k.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('count')));
    if (filter) counter = counter.where((eb) => filterCondition(eb, filter, schema, dialect));
    countPromise = counter.executeTakeFirstOrThrow().then((r) => Number(r.count));
  }

  const [fetched, count] = await Promise.all([rowsPromise, countPromise]);
  const rows = fetched.slice(0, query.top);
  const result: Page<Row> = { rows: rows as Row[] };
  const last = rows.at(-1);
  if (fetched.length > query.top && last) result.nextSkipToken = encodeCursor(digest, sort.map((s) => last[s.def.column] as CursorValue));
  if (count !== undefined) result.count = count;
  return result;
}

function sortKeys(schema: ResourceSchema, query: ListQuery): SortKey[] {
  const order = query.orderBy.some((o) => o.property === schema.key)
    ? query.orderBy : [...query.orderBy, { property: schema.key, direction: 'asc' as const }];
  return order.map((o) => ({ def: propertyDef(schema, o.property), direction: o.direction }));
}

function propertyDef(schema: ResourceSchema, name: string): PropertyDef {
  const def = Object.hasOwn(schema.properties, name) ? schema.properties[name] : undefined;
  // parseListQuery only produces the schema's names; anything else is a programming error.
  if (!def) throw new Error(`${schema.name} has no property '${name}'`);
  return def;
}

/** The WHERE for a typed filter. Every operand is a bound parameter. */
export function filterCondition(eb: EB, expr: FilterExpr, schema: ResourceSchema, dialect: Dialect): Expression<SqlBool> {
  switch (expr.kind) {
    case 'and':
      return eb.and(expr.operands.map((o) => filterCondition(eb, o, schema, dialect)));
    case 'or':
      return eb.or(expr.operands.map((o) => filterCondition(eb, o, schema, dialect)));
    case 'not':
      return eb.not(filterCondition(eb, expr.operand, schema, dialect));
    case 'constant':
      return expr.value ? sql<SqlBool>`1 = 1` : alwaysFalse;
    case 'compare': {
      const def = propertyDef(schema, expr.property);
      const col = eb.ref(def.column);
      if (expr.value === null) return eb(col, expr.op === 'eq' ? 'is' : 'is not', null);
      const test = eb(col, sqlOperator[expr.op], stored(expr.value));
      if (!def.nullable) return test;
      // Two-valued as OData wants it: null ne 'x' is true, null eq 'x' (and gt, lt…) false.
      return expr.op === 'ne' ? eb.or([eb(col, 'is', null), test]) : eb.and([eb(col, 'is not', null), test]);
    }
    case 'in': {
      const def = propertyDef(schema, expr.property);
      const col = eb.ref(def.column);
      const test = eb(col, 'in', expr.values.map(stored));
      return def.nullable ? eb.and([eb(col, 'is not', null), test]) : test;
    }
    case 'match': {
      const def = propertyDef(schema, expr.property);
      const text = likeEscape(asciiLower(expr.value));
      const pattern = expr.fn === 'startswith' ? `${text}%` : expr.fn === 'endswith' ? `%${text}` : `%${text}%`;
      const col = sql.ref(def.column);
      // SQLite's LIKE has no default escape character and PostgreSQL's is a backslash, whose
      // meaning in a literal depends on standard_conforming_strings: '!' means the same everywhere.
      return dialect === 'sqlite'
        ? sql<SqlBool>`${col} like ${pattern} escape '!'`
        : sql<SqlBool>`translate(${col}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') like ${pattern} escape '!'`;
    }
  }
}

/** Booleans are stored as 0/1 (see database.ts); everything else as is. */
function stored(value: FilterValue): string | number {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

function asciiLower(value: string): string {
  return value.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function likeEscape(value: string): string {
  return value.replace(/[!%_]/g, (c) => `!${c}`);
}

/**
 * Rows strictly after the cursor in the sort order: for keys k1…kn and cursor values c1…cn,
 * OR over i of (k1 = c1 AND … AND k(i-1) = c(i-1) AND ki beyond ci), with null the smallest
 * value in both directions (first ascending, last descending).
 */
function after(eb: EB, sort: readonly SortKey[], values: readonly CursorValue[]): Expression<SqlBool> {
  const alternatives: Expression<SqlBool>[] = [];
  const equal: Expression<SqlBool>[] = [];
  sort.forEach((s, i) => {
    const col = eb.ref(s.def.column);
    const v = values[i] ?? null;
    let beyond: Expression<SqlBool> | undefined;
    if (s.direction === 'asc') beyond = v === null ? eb(col, 'is not', null) : eb(col, '>', v);
    else if (v !== null) beyond = s.def.nullable ? eb.or([eb(col, '<', v), eb(col, 'is', null)]) : eb(col, '<', v);
    if (beyond) alternatives.push(equal.length ? eb.and([...equal, beyond]) : beyond);
    equal.push(v === null ? eb(col, 'is', null) : eb(col, '=', v));
  });
  return alternatives.length ? eb.or(alternatives) : alwaysFalse;
}

/** Binds a token to the resource, filter and order, so that it is refused with another query. */
function queryDigest(schema: ResourceSchema, query: ListQuery): string {
  const canonical = JSON.stringify([schema.name, query.filter ?? null, query.orderBy]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

function encodeCursor(digest: string, values: CursorValue[]): string {
  return Buffer.from(JSON.stringify([digest, values])).toString('base64url');
}

const invalidToken = () => new StewardError('invalid-input', '$skiptoken is not valid or belongs to another query', '$skiptoken');

/**
 * Reads a token back, trusting nothing in it: it must be ours, for this query, with one value
 * of the right type per sort key. A forged token can only move the starting point.
 */
function decodeCursor(token: string, digest: string, sort: readonly SortKey[]): CursorValue[] {
  if (!/^[A-Za-z0-9_-]{1,8192}$/.test(token)) throw invalidToken();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || parsed[0] !== digest) throw invalidToken();
  const values: unknown = parsed[1];
  if (!Array.isArray(values) || values.length !== sort.length) throw invalidToken();
  return sort.map((s, i) => {
    const v: unknown = values[i];
    if (v === null && s.def.nullable) return null;
    switch (s.def.type) {
      case 'number':
        if (Number.isSafeInteger(v)) return v as number;
        break;
      case 'boolean':
        if (v === 0 || v === 1) return v;
        break;
      default:
        if (typeof v === 'string' && !v.includes('\u0000')) return v;
    }
    throw invalidToken();
  });
}
