// The auditEvent collection as $filter, $orderby and $select see it (columns: store/migrations/
// 0004-audit.ts). Graph's properties are strings (Edm.String) except activityDateTime, so they are
// strings here too: `category eq 'Device'`, `startswith(activityType,'Create')`.
//
// actor is a complex property. Admins filter on its members with a path, as Graph allows:
// `actor/userPrincipalName eq 'ann@contoso.com'`. Steward's OData parser knows no paths, so the
// members that can be filtered and sorted are flattened properties of this schema
// (actor_userPrincipalName, …, each its own column) and `rewritePaths` turns `actor/x` in the
// query text into `actor_x` (same length, so positions in error messages stay right);
// `restorePaths` spells them back in messages.
//
// resources is a collection: Graph filters it with a lambda, `resources/any(r:r/resourceId eq
// 'x')`, which the parser does not know. `rewriteResourceFilters` turns that one form (members
// resourceId, displayName and auditResourceType, operator eq) into a match on the stored JSON,
// `contains(resources,'"resourceId":"x"')`: the column holds JSON.stringify's output, whose
// spelling of a member and its value is exact (case aside: matching ignores A–Z case, as
// contains does). Any other use of resources in a filter is refused in words.
import { invalidInput } from '../errors.js';
import { defineResourceSchema, type PropertyDef } from '../query/resource-schema.js';

const text = (column: string, nullable = true): PropertyDef => ({ type: 'string', column, nullable });
/** Present in $select only: JSON in the row, neither filtered nor sorted. */
const complex = (column: string): PropertyDef => ({ type: 'string', column, nullable: false, filterable: false, sortable: false });

export const auditEventSchema = defineResourceSchema({
  name: 'auditEvent',
  // Insertion order: the final sort key, so that events recorded in the same millisecond keep
  // their order. Not a Graph property, so it can be neither filtered nor sorted on by a client.
  key: 'seq',
  properties: {
    seq: { type: 'number', column: 'seq', nullable: false, filterable: false, sortable: false },
    id: text('id', false),
    displayName: text('display_name'),
    componentName: text('component_name'),
    activity: text('activity'),
    activityDateTime: { type: 'datetime', column: 'activity_date_time', nullable: false },
    activityType: text('activity_type'),
    activityOperationType: text('activity_operation_type'),
    activityResult: text('activity_result'),
    correlationId: text('correlation_id', false),
    category: text('category'),
    actor: complex('actor_json'),
    // Filtered only through the lambda rewriteResourceFilters turns into contains() on the JSON.
    resources: { type: 'string', column: 'resources_json', nullable: false, sortable: false },
    actor_userPrincipalName: text('actor_user_principal_name'),
    actor_auditActorType: text('actor_type'),
    actor_userId: text('actor_user_id'),
    actor_applicationId: text('actor_application_id'),
    actor_ipAddress: text('actor_ip_address'),
  },
});

const lambda = /resources\/any\(\s*([A-Za-z_]\w*)\s*:\s*\1\/(resourceId|displayName|auditResourceType)\s+eq\s+'((?:[^']|'')*)'\s*\)/iy;
const members: Record<string, string> = { resourceid: 'resourceId', displayname: 'displayName', auditresourcetype: 'auditResourceType' };

/**
 * `resources/any(r:r/resourceId eq 'x')` (also displayName, auditResourceType) → a match on the
 * stored JSON, outside string literals; other filters on resources are refused with the form to use.
 */
export function rewriteResourceFilters(filter: string): string {
  let out = '';
  let i = 0;
  while (i < filter.length) {
    const c = filter[i]!;
    if (c === "'") {
      // A literal, with '' for a quote inside: copied as it is.
      let j = i + 1;
      while (j < filter.length && !(filter[j] === "'" && filter[j + 1] !== "'")) j += filter[j] === "'" ? 2 : 1;
      out += filter.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const before = i === 0 ? '' : filter[i - 1]!;
    if (/[rR]/.test(c) && !/[A-Za-z0-9_./]/.test(before) && /^resources/i.test(filter.slice(i))) {
      lambda.lastIndex = i;
      const m = lambda.exec(filter);
      if (!m) {
        throw invalidInput(`$filter: resources can be filtered only as resources/any(r:r/resourceId eq '…'), with resourceId, displayName or auditResourceType (at position ${i}).`, '$filter');
      }
      const value = m[3]!.replaceAll("''", "'");
      const fragment = `"${members[m[2]!.toLowerCase()]!}":${JSON.stringify(value)}`;
      out += `contains(resources,'${fragment.replaceAll("'", "''")}')`;
      i = lambda.lastIndex;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

const pathPrefix = /(?<![A-Za-z0-9_.])(actor)\/(?=[A-Za-z_])/gi;
const flattened = /\b(actor)_(?=[A-Za-z_])/gi;

/**
 * `actor/userPrincipalName` → `actor_userPrincipalName` outside string literals ('…', with ''
 * for a quote: splitting on quotes leaves the literals at the odd indexes).
 */
export function rewritePaths(query: string): string {
  return query.split("'").map((part, i) => (i % 2 === 0 ? part.replace(pathPrefix, '$1_') : part)).join("'");
}

/** The inverse of rewritePaths for a message about the query: `actor_x` → `actor/x`. */
export function restorePaths(message: string): string {
  return message.replace(flattened, '$1/');
}

/** The property a $select item stands for: a flattened actor member selects `actor`. */
export function selectedProperty(name: string): string | undefined {
  if (name === 'seq') return undefined;
  return name.startsWith('actor_') ? 'actor' : name;
}
