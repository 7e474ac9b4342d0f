// The deviceCompliancePolicies and deviceConfigurations collections as $filter, $orderby and
// $select see them: the properties of Graph's base types (deviceCompliancePolicy,
// deviceConfiguration) that both tables hold in columns. The subtype's own settings are JSON and
// cannot be filtered on; Graph selects them only through a type cast, which Steward does not parse.
import { invalidInput } from '../errors.js';
import type { Page } from '../devices/ports.js';
import { parseListQuery, type ListQuery } from '../query/list-query.js';
import { defineResourceSchema, type ResourceSchema } from '../query/resource-schema.js';
import { heldScopeTags, type Scope } from '../rbac/scope.js';

/** A policy collection's schema, given the columns its table uses for the dates. */
export function policyListSchema(name: string, columns: { created: string; modified: string }): ResourceSchema {
  return defineResourceSchema({
    name,
    key: 'id',
    properties: {
      id: { type: 'string', column: 'id', nullable: false },
      displayName: { type: 'string', column: 'display_name', nullable: false },
      description: { type: 'string', column: 'description', nullable: true },
      createdDateTime: { type: 'datetime', column: columns.created, nullable: false },
      lastModifiedDateTime: { type: 'datetime', column: columns.modified, nullable: false },
      version: { type: 'number', column: 'version', nullable: false },
    },
  });
}

/**
 * parseListQuery for a policy collection: oldest first when no $orderby is given (the order these
 * lists have always had), no $search (Graph has none on them).
 */
export function parsePolicyListQuery(queryOptions: Readonly<Record<string, string | undefined>>, schema: ResourceSchema): ListQuery {
  const query = parseListQuery(queryOptions, schema);
  if (query.search !== undefined) throw invalidInput(`$search is not supported on ${schema.name}; use $filter, e.g. contains(displayName,'baseline').`, '$search');
  const ordered = Object.entries(queryOptions).some(([name, value]) => value !== undefined && name.replace(/^\$/, '').toLowerCase() === 'orderby');
  if (!ordered) {
    query.orderBy = [{ property: 'createdDateTime', direction: 'asc' }, ...query.orderBy];
  }
  return query;
}

/** A store that pages a policy collection, limited to the items carrying one of the held scope tags. */
export interface PolicyPages<T> {
  page(query: ListQuery, heldTags: 'all' | ReadonlySet<string>): Promise<Page<T>>;
}

/** A page of a policy collection for the caller: Graph's query options parsed, the caller's scope tags applied in the store. */
export async function listPolicyPage<T>(
  store: PolicyPages<T>,
  schema: ResourceSchema,
  input: { queryOptions: Readonly<Record<string, string | undefined>>; scope: Scope },
): Promise<Page<T> & { select?: string[] }> {
  const query = parsePolicyListQuery(input.queryOptions, schema);
  const page = await store.page(query, heldScopeTags(input.scope));
  return query.select ? { ...page, select: query.select } : page;
}
