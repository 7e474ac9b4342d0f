import { parseListQuery } from '../query/list-query.js';
import type { Page } from '../devices/ports.js';
import { groupSchema } from './directory-schemas.js';
import type { GroupStore } from './ports.js';
import type { Group } from './group.js';
import { applySearch } from './search.js';

/** What $search looks in, as Graph's groups collection. */
export const groupSearchable = ['displayName', 'description', 'mailNickname'] as const;

/** Graph GET /groups: $filter, $search, $orderby, $top, $count, $select. */
export async function listGroups(
  deps: { groups: GroupStore },
  input: { queryOptions: Readonly<Record<string, string | undefined>> },
): Promise<Page<Group> & { select?: string[] }> {
  const query = applySearch(parseListQuery(input.queryOptions, groupSchema), groupSearchable);
  const page = await deps.groups.list(query);
  return query.select ? { ...page, select: query.select } : page;
}
