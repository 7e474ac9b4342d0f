// What part of the fleet an admin may see and act on, for one operation. Intune limits a role
// assignment twice: by its scope groups (the users and devices that are transitive members, and
// the devices whose primary user is) and by its scope tags (an object is seen only if it carries
// one of the assignment's tags; an object with no tag carries the built-in Default, '0'). Users
// carry no scope tags in Intune, so only the groups limit them. An admin holding several
// assignments sees what any one of them admits: a union of clauses, each groups AND tags, never
// the groups of one assignment crossed with the tags of another. Out-of-scope objects answer as
// if they did not exist.

/** One role assignment's reach. */
export interface ScopeClause {
  /** 'all' for every user and device (the all* scope types); otherwise the scope groups. */
  groupIds: 'all' | readonly string[];
  /** 'all' for objects whatever their tags; otherwise objects carrying at least one of these. */
  tagIds: 'all' | readonly string[];
}

/** 'all': everything (system code, the CLI, tests). Otherwise what any of the clauses admits. */
export type Scope = { kind: 'all' } | { kind: 'clauses'; clauses: readonly ScopeClause[] };

export const allScope: Scope = { kind: 'all' };

/** Nothing at all (deny by default). */
export const noScope: Scope = { kind: 'clauses', clauses: [] };

/** The scope of one clause: the users and devices of `groupIds`, carrying one of `tagIds`. */
export function scopeOf(groupIds: 'all' | readonly string[], tagIds: 'all' | readonly string[]): Scope {
  return groupIds === 'all' && tagIds === 'all' ? allScope : { kind: 'clauses', clauses: [{ groupIds, tagIds }] };
}

/**
 * The union of several scopes, with clauses of the same tags merged (their groups joined), so
 * that the usual case, every assignment with the same tags, stays one clause.
 */
export function unionOfScopes(scopes: Iterable<Scope>): Scope {
  const byTags = new Map<string, { groupIds: 'all' | Set<string>; tagIds: 'all' | readonly string[] }>();
  for (const scope of scopes) {
    if (scope.kind === 'all') return allScope;
    for (const c of scope.clauses) {
      if (c.groupIds === 'all' && c.tagIds === 'all') return allScope;
      const tagIds = c.tagIds === 'all' ? 'all' : [...new Set(c.tagIds)].sort();
      const key = tagIds === 'all' ? '*' : JSON.stringify(tagIds);
      const merged = byTags.get(key) ?? { groupIds: new Set<string>(), tagIds };
      if (c.groupIds === 'all') merged.groupIds = 'all';
      else if (merged.groupIds !== 'all') for (const id of c.groupIds) merged.groupIds.add(id);
      byTags.set(key, merged);
    }
  }
  return { kind: 'clauses', clauses: [...byTags.values()].map((c) => ({ groupIds: c.groupIds === 'all' ? 'all' : [...c.groupIds], tagIds: c.tagIds })) };
}

/** The scope for objects that carry no scope tags (users, groups): the groups of every clause. */
export function groupScope(scope: Scope): 'all' | readonly string[] {
  if (scope.kind === 'all') return 'all';
  const ids = new Set<string>();
  for (const c of scope.clauses) {
    if (c.groupIds === 'all') return 'all';
    for (const id of c.groupIds) ids.add(id);
  }
  return [...ids];
}

/** The scope tags the scope's holder may put on or take off objects: those of any clause. */
export function heldScopeTags(scope: Scope): 'all' | ReadonlySet<string> {
  if (scope.kind === 'all') return 'all';
  const ids = new Set<string>();
  for (const c of scope.clauses) {
    if (c.tagIds === 'all') return 'all';
    for (const id of c.tagIds) ids.add(id);
  }
  return ids;
}
