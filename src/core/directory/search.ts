// Graph's $search on users and groups ($search="displayName:adele" AND "mail:adele"), turned
// into a $filter expression the store already runs.
//
// Graph (https://learn.microsoft.com/graph/search-query-parameter, "Using $search on directory
// object collections"): each clause is "property:text" in double quotes; clauses combine with
// AND and OR (AND first); displayName and description are tokenized, so a clause matches when a
// word of the value starts with the text; other properties match when the value starts with it.
// Steward splits words at spaces only, and ignores case for A–Z as $filter's functions do.
// Graph wants the ConsistencyLevel: eventual header with $search; Steward has no eventual index
// and answers with or without it.
import { invalidInput } from '../errors.js';
import type { FilterExpr, ListQuery } from '../query/list-query.js';

const TOKENIZED = new Set(['displayName', 'description']);

function clauseFilter(clause: string, searchable: readonly string[]): FilterExpr {
  const colon = clause.indexOf(':');
  if (colon <= 0) throw invalidInput(`$search: "${clause}" needs a property, as in "displayName:${clause}".`, '$search');
  const name = clause.slice(0, colon).trim();
  const text = clause.slice(colon + 1).trim();
  const property = searchable.find((p) => p.toLowerCase() === name.toLowerCase());
  if (!property) throw invalidInput(`$search: '${name}' cannot be searched; use one of ${searchable.join(', ')}.`, '$search');
  if (text === '') throw invalidInput(`$search: "${clause}" has no text to search for.`, '$search');
  const starts: FilterExpr = { kind: 'match', fn: 'startswith', property, value: text };
  if (!TOKENIZED.has(property)) return starts;
  return { kind: 'or', operands: [starts, { kind: 'match', fn: 'contains', property, value: ` ${text}` }] };
}

/** The filter a $search selects, over the given properties. */
export function searchFilter(search: string, searchable: readonly string[]): FilterExpr {
  // "clause" (AND|OR "clause")*, AND binding tighter than OR.
  const token = /\s*(?:"((?:[^"\\]|\\.)*)"|(AND|OR)\b)/y;
  const anyOf: FilterExpr[][] = [[]];
  let expectClause = true;
  let at = 0;
  while (at < search.length) {
    if (search.slice(at).trim() === '') break;
    token.lastIndex = at;
    const m = token.exec(search);
    if (!m || (m[1] !== undefined) !== expectClause) {
      const want = expectClause ? 'a quoted clause such as "displayName:adele"' : 'AND or OR';
      throw invalidInput(`$search: expected ${want} at position ${at}.`, '$search');
    }
    if (m[1] !== undefined) anyOf.at(-1)!.push(clauseFilter(m[1].replace(/\\(.)/g, '$1'), searchable));
    else if (m[2] === 'OR') anyOf.push([]);
    expectClause = !expectClause;
    at = token.lastIndex;
  }
  if (expectClause) throw invalidInput('$search: expected a quoted clause such as "displayName:adele" at the end.', '$search');
  const groups = anyOf.map((all): FilterExpr => (all.length === 1 ? all[0]! : { kind: 'and', operands: all }));
  return groups.length === 1 ? groups[0]! : { kind: 'or', operands: groups };
}

/** The query with its $search folded into its $filter. */
export function applySearch(query: ListQuery, searchable: readonly string[]): ListQuery {
  if (query.search === undefined) return query;
  const { search, ...rest } = query;
  const found = searchFilter(search, searchable);
  return { ...rest, filter: rest.filter ? { kind: 'and', operands: [rest.filter, found] } : found };
}
