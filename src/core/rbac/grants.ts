// What a user or API client may do: the role assignments whose admin groups contain it
// (directly or through nested groups), each granting its role's operations over its scope.
import type { Grant } from '../auth/principal.js';
import type { GroupStore } from '../directory/ports.js';
import { defaultScopeTag, type RbacStore, type RoleAssignment } from './model.js';
import { allRoles } from './roles.js';
import { intuneAdministratorRoleId } from './built-in-roles.js';
import { scopeOf, type Scope } from './scope.js';

export async function grantsFor(deps: { rbac: RbacStore; groups: GroupStore }, memberId: string): Promise<Grant[]> {
  const [groups, assignments] = await Promise.all([deps.groups.transitiveMemberOf(memberId), deps.rbac.assignments()]);
  const mine = new Set(groups.map((g) => g.id));
  const relevant = assignments.filter((a) => a.members.some((m) => mine.has(m)));
  if (relevant.length === 0) return [];
  const roles = new Map((await allRoles(deps)).map((r) => [r.id, r]));
  return relevant.flatMap((a): Grant[] => {
    const role = roles.get(a.roleDefinitionId);
    if (!role) return [];
    return [{ allowed: new Set(role.allowed), scope: assignmentScope(a, role.id) }];
  });
}

/**
 * An assignment's scope: its groups (the all* scope types reach every user and device; Steward
 * does not split users from devices) and its scope tags, the Default tag when it names none.
 * The built-in Intune Administrator is not limited by scope tags: it stands for Entra's Intune
 * Administrator directory role, which Intune's scope tags never limit (built-in-roles.ts), and
 * the first admin usually holds it: they must not lose sight of devices that others tag.
 */
function assignmentScope(a: RoleAssignment, roleId: string): Scope {
  const groupIds = a.scopeType === 'resourceScope' ? a.resourceScopes : 'all';
  const tagIds = roleId === intuneAdministratorRoleId ? 'all' : a.roleScopeTagIds.length > 0 ? a.roleScopeTagIds : [defaultScopeTag.id];
  return scopeOf(groupIds, tagIds);
}
