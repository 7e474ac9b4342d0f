// The query options of a Graph-style collection request ($filter, $orderby, $top, $skiptoken,
// $count, $select, $search), validated against the resource's schema. Every problem is a
// StewardError('invalid-input', message, option) naming the option, the position and what would
// be accepted.
//
// Option names: with or without the '$', in any case ("4.01 Services MUST support
// case-insensitive system query option names specified with or without the $ prefix", OData
// v4.01 Part 2 §5.1). Each at most once, and one we do not support fails the request rather than
// being ignored (Part 1 §11.2.6 "Querying Collections"). Other names without '$' are custom query
// options (Part 2 §5.2) and are none of our business.
import { StewardError } from '../errors.js';
import { ODataSyntaxError, type FilterLimits } from '../../protocol/odata/filter-ast.js';
import { parseFilter } from '../../protocol/odata/parse-filter.js';
import { parseOrderBy } from '../../protocol/odata/parse-orderby.js';
import { checkFilter } from './check-filter.js';
import type { FilterExpr } from './filter-expr.js';
import { findProperty, isSortable, type ResourceSchema } from './resource-schema.js';

export type { FilterExpr } from './filter-expr.js';

export interface OrderBy {
  property: string;
  direction: 'asc' | 'desc';
}

export interface ListQuery {
  filter?: FilterExpr;
  /** Always ends with the schema's key, so that the order is total and paging deterministic. */
  orderBy: OrderBy[];
  top: number;
  /** Opaque; the store checks that it belongs to this filter and order. */
  skipToken?: string;
  /** Property names in the schema's spelling, for the presenter to project; absent = all. */
  select?: string[];
  count: boolean;
  search?: string;
}

export interface ListLimits {
  /** Page size when $top is absent (100). */
  defaultTop?: number;
  /** Largest $top accepted (999, like Graph). */
  maxTop?: number;
  /** $filter bounds; see FilterLimits (4096 characters, depth 32, 200 values per `in`). */
  filter?: Partial<FilterLimits>;
}

const supported = ['filter', 'orderby', 'top', 'skiptoken', 'count', 'select', 'search'] as const;
type Option = (typeof supported)[number];
/** System query options of OData that Steward's collections do not implement. */
const unsupported: Record<string, string> = {
  skip: 'page with @odata.nextLink ($skiptoken) instead',
  expand: 'related resources have their own endpoints',
  apply: '', compute: '', format: 'responses are always JSON', levels: '', index: '', schemaversion: '', deltatoken: '',
};
const maxOrderBy = 8;
// Tokens carry the last row's sort values, so a long device name makes a long token.
const maxSkipToken = 8192;
const maxSearch = 1024;

const fail = (option: string, message: string) => new StewardError('invalid-input', message, option);

export function parseListQuery(
  params: Readonly<Record<string, string | undefined>>,
  schema: ResourceSchema,
  limits: ListLimits = {},
): ListQuery {
  const defaultTop = limits.defaultTop ?? 100;
  const maxTop = limits.maxTop ?? 999;
  const options = collectOptions(params);
  const query: ListQuery = {
    orderBy: orderBy(options.orderby, schema),
    top: options.top === undefined ? Math.min(defaultTop, maxTop) : top(options.top, maxTop),
    count: options.count === undefined ? false : count(options.count),
  };
  if (options.filter !== undefined) query.filter = filter(options.filter, schema, limits.filter);
  if (options.skiptoken !== undefined) {
    if (options.skiptoken === '' || options.skiptoken.length > maxSkipToken) throw fail('$skiptoken', '$skiptoken is not valid or belongs to another query');
    query.skipToken = options.skiptoken;
  }
  if (options.select !== undefined) {
    const select = selectList(options.select, schema);
    if (select) query.select = select;
  }
  if (options.search !== undefined) {
    if (options.search.length > maxSearch) throw fail('$search', `$search is ${options.search.length} characters long; the limit is ${maxSearch}`);
    query.search = options.search;
  }
  return query;
}

function collectOptions(params: Readonly<Record<string, string | undefined>>): Partial<Record<Option, string>> {
  const found: Partial<Record<Option, { name: string; value: string }>> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const bare = (name.startsWith('$') ? name.slice(1) : name).toLowerCase();
    const option = supported.find((o) => o === bare);
    if (option) {
      const previous = found[option];
      if (previous) throw fail(`$${option}`, `$${option} is given twice (as '${previous.name}' and '${name}')`);
      found[option] = { name, value };
    } else if (Object.hasOwn(unsupported, bare)) {
      const why = unsupported[bare];
      throw fail(`$${bare}`, `$${bare} is not supported${why ? `; ${why}` : ''}`);
    } else if (name.startsWith('$')) {
      throw fail(name, `unknown query option '${shorten(name)}'; supported: ${supported.map((o) => `$${o}`).join(', ')}`);
    }
  }
  return Object.fromEntries(Object.entries(found).map(([k, v]) => [k, v.value]));
}

function filter(text: string, schema: ResourceSchema, limits: Partial<FilterLimits> | undefined): FilterExpr {
  try {
    return checkFilter(parseFilter(text, limits), schema);
  } catch (err) {
    if (err instanceof ODataSyntaxError) throw fail('$filter', `$filter: ${err.message}`);
    throw err;
  }
}

function orderBy(text: string | undefined, schema: ResourceSchema): OrderBy[] {
  const items: OrderBy[] = [];
  if (text !== undefined) {
    let parsed;
    try {
      parsed = parseOrderBy(text);
    } catch (err) {
      if (err instanceof ODataSyntaxError) throw fail('$orderby', `$orderby: ${err.message}`);
      throw err;
    }
    if (parsed.length > maxOrderBy) throw fail('$orderby', `$orderby lists ${parsed.length} properties; the limit is ${maxOrderBy}`);
    for (const item of parsed) {
      const found = findProperty(schema, item.property);
      if (!found) {
        const names = Object.keys(schema.properties).filter((n) => isSortable(schema.properties[n]!));
        throw fail('$orderby', `$orderby: unknown property '${item.property}' at position ${item.pos}; ${schema.name} can be sorted by ${names.join(', ')}`);
      }
      if (!isSortable(found.def)) throw fail('$orderby', `$orderby: property '${found.name}' cannot be sorted`);
      if (items.some((i) => i.property === found.name)) throw fail('$orderby', `$orderby: '${found.name}' is listed twice`);
      items.push({ property: found.name, direction: item.direction });
    }
  }
  // The key ends every order: a total order is what makes keyset paging return each row once.
  if (!items.some((i) => i.property === schema.key)) items.push({ property: schema.key, direction: 'asc' });
  return items;
}

function top(text: string, maxTop: number): number {
  const n = /^[0-9]{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= maxTop)) throw fail('$top', `$top must be an integer from 1 to ${maxTop}, got '${shorten(text)}'`);
  return n;
}

function count(text: string): boolean {
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw fail('$count', `$count must be true or false, got '${shorten(text)}'`);
}

/** $select names (OData v4.01 Part 2 §5.1.3); `*` means every property, i.e. no projection. */
function selectList(text: string, schema: ResourceSchema): string[] | undefined {
  const names: string[] = [];
  let all = false;
  for (const [i, raw] of text.split(',').entries()) {
    const name = raw.trim();
    if (name === '') throw fail('$select', `$select: item ${i + 1} is empty; list property names separated by commas`);
    if (name === '*') { all = true; continue; }
    const found = findProperty(schema, name);
    if (!found) {
      throw fail('$select', `$select: unknown property '${shorten(name)}'; ${schema.name} has ${Object.keys(schema.properties).join(', ')}`);
    }
    if (!names.includes(found.name)) names.push(found.name);
  }
  return all ? undefined : names;
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}
