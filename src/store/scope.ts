// SQL for RBAC scopes: the users and devices that are transitive members of scope groups, and the
// objects that carry the scope tags (core/rbac/scope.ts).
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { groupScope, type Scope } from '../core/rbac/scope.js';
import { defaultScopeTag, type ScopeTaggedType } from '../core/rbac/model.js';
import type { Dialect } from './database.js';

/** Ids of the transitive members of the given groups, of one member type (a subquery). */
export function transitiveMemberIds(groupIds: readonly string[], memberType: 'user' | 'device'): RawBuilder<unknown> {
  return sql`with recursive scope_groups(id) as (
      select id from groups where id in (${sql.join(groupIds)})
      union
      select m.member_id from group_members m join scope_groups s on m.group_id = s.id where m.member_type = 'group'
    )
    select m.member_id from group_members m join scope_groups s on m.group_id = s.id where m.member_type = ${memberType}`;
}

/** A condition on `column` (a user id column) that holds for users in scope (users carry no tags). */
export function userInScope(column: string, scope: Scope): RawBuilder<SqlBool> | undefined {
  const groupIds = groupScope(scope);
  if (groupIds === 'all') return undefined;
  if (groupIds.length === 0) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`${sql.ref(column)} in (${transitiveMemberIds(groupIds, 'user')})`;
}

/**
 * Objects of `type` (their id in `idColumn`) that carry one of the tags; an object with no tag
 * row carries the Default tag '0'.
 */
export function carriesScopeTag(type: ScopeTaggedType, idColumn: string, tagIds: readonly string[]): RawBuilder<SqlBool> {
  if (tagIds.length === 0) return sql<SqlBool>`1 = 0`;
  const tagged = sql<SqlBool>`exists (select 1 from object_scope_tags ost where ost.object_type = ${type} and ost.object_id = ${sql.ref(idColumn)} and ost.tag_id in (${sql.join(tagIds)}))`;
  if (!tagIds.includes(defaultScopeTag.id)) return tagged;
  return sql<SqlBool>`(${tagged} or not exists (select 1 from object_scope_tags ost where ost.object_type = ${type} and ost.object_id = ${sql.ref(idColumn)}))`;
}

/**
 * Rows whose `column`, a JSON array of scope tag ids (policies, profiles), holds one of the tags
 * the caller holds; undefined when they hold every tag.
 */
export function holdsScopeTag(dialect: Dialect, column: string, held: 'all' | ReadonlySet<string>): RawBuilder<SqlBool> | undefined {
  if (held === 'all') return undefined;
  if (held.size === 0) return sql<SqlBool>`1 = 0`;
  const tags = sql.join([...held]);
  return dialect === 'sqlite'
    ? sql<SqlBool>`exists (select 1 from json_each(${sql.ref(column)}) t where t.value in (${tags}))`
    : sql<SqlBool>`exists (select 1 from jsonb_array_elements_text(${sql.ref(column)}::jsonb) t(value) where t.value in (${tags}))`;
}

/**
 * Devices in scope: those that one clause admits by both its groups (members of the scope groups,
 * or devices whose primary user is) and its scope tags.
 */
export function deviceInScope(idColumn: string, userIdColumn: string, scope: Scope): RawBuilder<SqlBool> | undefined {
  if (scope.kind === 'all') return undefined;
  if (scope.clauses.length === 0) return sql<SqlBool>`1 = 0`;
  const conditions: RawBuilder<SqlBool>[] = [];
  for (const c of scope.clauses) {
    const parts: RawBuilder<SqlBool>[] = [];
    if (c.groupIds !== 'all') {
      parts.push(c.groupIds.length === 0 ? sql<SqlBool>`1 = 0`
        : sql<SqlBool>`(${sql.ref(idColumn)} in (${transitiveMemberIds(c.groupIds, 'device')}) or ${sql.ref(userIdColumn)} in (${transitiveMemberIds(c.groupIds, 'user')}))`);
    }
    if (c.tagIds !== 'all') parts.push(carriesScopeTag('managedDevice', idColumn, c.tagIds));
    if (parts.length === 0) return undefined; // a clause over everything admits every device
    conditions.push(parts.length === 1 ? parts[0]! : sql<SqlBool>`(${sql.join(parts, sql` and `)})`);
  }
  return conditions.length === 1 ? conditions[0]! : sql<SqlBool>`(${sql.join(conditions, sql` or `)})`;
}
