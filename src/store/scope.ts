// SQL for RBAC scopes: the users and devices that are transitive members of scope groups.
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Scope } from '../core/rbac/scope.js';

/** Ids of the transitive members of the given groups, of one member type (a subquery). */
export function transitiveMemberIds(groupIds: readonly string[], memberType: 'user' | 'device'): RawBuilder<unknown> {
  return sql`with recursive scope_groups(id) as (
      select id from groups where id in (${sql.join(groupIds)})
      union
      select m.member_id from group_members m join scope_groups s on m.group_id = s.id where m.member_type = 'group'
    )
    select m.member_id from group_members m join scope_groups s on m.group_id = s.id where m.member_type = ${memberType}`;
}

/** A condition on `column` (a user id column) that holds for users in scope. */
export function userInScope(column: string, scope: Scope): RawBuilder<SqlBool> | undefined {
  if (scope.kind === 'all') return undefined;
  if (scope.groupIds.length === 0) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`${sql.ref(column)} in (${transitiveMemberIds(scope.groupIds, 'user')})`;
}

/** Devices in scope: members of the scope groups, or devices whose primary user is in scope. */
export function deviceInScope(idColumn: string, userIdColumn: string, scope: Scope): RawBuilder<SqlBool> | undefined {
  if (scope.kind === 'all') return undefined;
  if (scope.groupIds.length === 0) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`(${sql.ref(idColumn)} in (${transitiveMemberIds(scope.groupIds, 'device')}) or ${sql.ref(userIdColumn)} in (${transitiveMemberIds(scope.groupIds, 'user')}))`;
}
