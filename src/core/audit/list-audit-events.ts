// Reading the audit log: the collection with Graph's query options, one event, and the two Graph
// functions getAuditCategories() and getAuditActivityTypes(category='…').
import { invalidInput, notFound, StewardError } from '../errors.js';
import { parseListQuery, type ListLimits, type ListQuery, type OrderBy } from '../query/list-query.js';
import { auditCategories, type AuditEvent } from './audit-event.js';
import { auditEventSchema, restorePaths, rewriteResourceFilters, rewritePaths, selectedProperty } from './audit-schema.js';
import type { AuditLog, Page } from './ports.js';

type QueryOptions = Readonly<Record<string, string | undefined>>;

/** Newest first when the client gives no $orderby. */
export const defaultAuditOrder: readonly OrderBy[] = [
  { property: 'activityDateTime', direction: 'desc' },
  { property: 'seq', direction: 'desc' },
];

/** Options whose text may name `actor/…` paths. */
const withPaths = new Set(['filter', 'orderby', 'select']);
const bare = (name: string) => (name.startsWith('$') ? name.slice(1) : name).toLowerCase();

/**
 * parseListQuery for auditEvents: `actor/…` paths, newest first by default, ties broken in the
 * order the events were recorded (in the direction of the last sort key), no $search.
 */
export function parseAuditQuery(queryOptions: QueryOptions, limits?: ListLimits): ListQuery {
  const params: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(queryOptions)) {
    const text = value !== undefined && bare(name) === 'filter' ? rewriteResourceFilters(value) : value;
    params[name] = text !== undefined && withPaths.has(bare(name)) ? rewritePaths(text) : text;
  }
  let query: ListQuery;
  try {
    query = parseListQuery(params, auditEventSchema, limits);
  } catch (err) {
    if (err instanceof StewardError) throw new StewardError(err.code, restorePaths(err.message), err.target);
    throw err;
  }
  if (query.search !== undefined) {
    throw invalidInput("$search is not supported on auditEvents; use $filter, e.g. contains(activity,'user')", '$search');
  }
  const given = query.orderBy.filter((o) => o.property !== auditEventSchema.key);
  const last = given.at(-1);
  query.orderBy = last ? [...given, { property: auditEventSchema.key, direction: last.direction }] : [...defaultAuditOrder];
  if (query.select) {
    query.select = [...new Set(query.select.map((name) => {
      const property = selectedProperty(name);
      if (property === undefined) throw invalidInput(`$select: unknown property '${name}'`, '$select');
      return property;
    }))];
  }
  return query;
}

export async function listAuditEvents(
  deps: { audit: AuditLog },
  input: { queryOptions: QueryOptions },
): Promise<Page<AuditEvent> & { select?: string[] }> {
  const query = parseAuditQuery(input.queryOptions);
  const page = await deps.audit.list(query);
  return query.select ? { ...page, select: query.select } : page;
}

export async function getAuditEvent(deps: { audit: AuditLog }, input: { id: string }): Promise<AuditEvent> {
  const event = await deps.audit.get(input.id);
  if (!event) throw notFound(`auditEvent ${input.id} was not found.`, 'id');
  return event;
}

/** getAuditCategories(): the categories Steward records (a fixed list, as Intune's is). */
export function getAuditCategories(): string[] {
  return [...auditCategories];
}

/** getAuditActivityTypes(category='…'): the activity types recorded so far in a category. */
export async function getAuditActivityTypes(deps: { audit: AuditLog }, input: { category: string }): Promise<string[]> {
  if (input.category.length > 200 || input.category.includes('\u0000')) throw invalidInput('category is not a valid audit category.', 'category');
  return deps.audit.activityTypes(input.category);
}
