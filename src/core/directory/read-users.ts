import { notFound } from '../errors.js';
import { parseListQuery } from '../query/list-query.js';
import type { Page } from '../devices/ports.js';
import type { Scope } from '../rbac/scope.js';
import { userSchema } from './directory-schemas.js';
import type { UserStore } from './ports.js';
import type { User } from './user.js';
import { applySearch } from './search.js';

/** What $search looks in, as Graph's users collection. */
export const userSearchable = ['displayName', 'givenName', 'surname', 'mail', 'mailNickname', 'userPrincipalName'] as const;

export async function listUsers(
  deps: { users: UserStore },
  input: { queryOptions: Readonly<Record<string, string | undefined>>; scope: Scope },
): Promise<Page<User> & { select?: string[] }> {
  const query = applySearch(parseListQuery(input.queryOptions, userSchema), userSearchable);
  const page = await deps.users.list(query, input.scope);
  return query.select ? { ...page, select: query.select } : page;
}

/** By id or userPrincipalName; out of scope answers as not found. */
export async function getUser(deps: { users: UserStore }, input: { idOrUpn: string; scope: Scope }): Promise<User> {
  const user = await deps.users.get(input.idOrUpn, input.scope);
  if (!user) throw notFound(`user ${input.idOrUpn} was not found.`, 'id');
  return user;
}

export async function deleteUser(deps: { users: UserStore }, input: { id: string; scope: Scope }): Promise<User> {
  const user = await getUser(deps, { idOrUpn: input.id, scope: input.scope });
  await deps.users.delete(user.id);
  return user;
}
