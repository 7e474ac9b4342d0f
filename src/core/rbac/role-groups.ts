// Groups that confer roles. A role assignment's admin groups (its `members`), and every group
// nested in one, make their members admins; so changing who is in such a group is assigning a
// role. Entra guards the same thing with role-assignable groups, which only a Privileged Role
// Administrator may change. Here it takes Microsoft.Intune_Roles_Assign, the operation that
// creates role assignments: without this check, anyone who may update groups (a School
// Administrator, say) could add themselves to the Intune Administrator's admin group.
import { isAllowed, type Principal, type ResourceOperation } from '../auth/principal.js';
import type { GroupStore } from '../directory/ports.js';
import { StewardError } from '../errors.js';
import type { RbacStore } from './model.js';

export const ASSIGN_ROLES: ResourceOperation = 'Microsoft.Intune_Roles_Assign';

/** The role assignments whose admins include the members of `groupId` (directly or by nesting). */
export async function rolesConferredBy(deps: { rbac: RbacStore; groups: GroupStore }, groupId: string): Promise<{ assignmentIds: string[] }> {
  const [assignments, above] = await Promise.all([deps.rbac.assignments(), deps.groups.transitiveMemberOf(groupId)]);
  const groupIds = new Set([groupId, ...above.map((g) => g.id)]);
  return { assignmentIds: assignments.filter((a) => a.members.some((m) => groupIds.has(m))).map((a) => a.id) };
}

/**
 * Throws forbidden unless `principal` may change the members (or the membership rule) of
 * `groupId`: always for a group that confers no role, and only with Roles_Assign for one that does.
 * For the routes that add or remove group members and change dynamic membership rules.
 */
export async function assertMayChangeMembers(deps: { rbac: RbacStore; groups: GroupStore }, principal: Principal, groupId: string): Promise<void> {
  if (isAllowed(principal, ASSIGN_ROLES)) return;
  const { assignmentIds } = await rolesConferredBy(deps, groupId);
  if (assignmentIds.length > 0) {
    throw new StewardError('forbidden', `Group ${groupId} confers roles (role assignment ${assignmentIds.slice(0, 3).join(', ')}): changing its members needs ${ASSIGN_ROLES}.`, 'id');
  }
}
