// What a user or API client may do: the role assignments whose admin groups contain it
// (directly or through nested groups), each granting its role's operations over its scope.
import type { Grant } from '../auth/principal.js';
import type { GroupStore } from '../directory/ports.js';
import type { RbacStore } from './model.js';
import { allRoles } from './roles.js';
import { allScope } from './scope.js';

export async function grantsFor(deps: { rbac: RbacStore; groups: GroupStore }, memberId: string): Promise<Grant[]> {
  const [groups, assignments] = await Promise.all([deps.groups.transitiveMemberOf(memberId), deps.rbac.assignments()]);
  const mine = new Set(groups.map((g) => g.id));
  const relevant = assignments.filter((a) => a.members.some((m) => mine.has(m)));
  if (relevant.length === 0) return [];
  const roles = new Map((await allRoles(deps)).map((r) => [r.id, r]));
  return relevant.flatMap((a): Grant[] => {
    const role = roles.get(a.roleDefinitionId);
    if (!role) return [];
    // The all* scope types reach every user and device; Steward does not split users from devices.
    const scope = a.scopeType === 'resourceScope' ? { kind: 'groups' as const, groupIds: a.resourceScopes } : allScope;
    return [{ allowed: new Set(role.allowed), scope }];
  });
}
