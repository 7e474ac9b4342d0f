// The CLI's shortcut for "make this person or API client an admin with role R": Steward keeps
// one admin group per role ("Steward role: R") with a role assignment over all users and devices,
// and adds the new admin to it. Everything it creates is ordinary Graph data that admins can see
// and change through the API.
import type { Core } from '../deps.js';
import { parseListQuery } from '../query/list-query.js';
import { groupSchema } from '../directory/directory-schemas.js';
import { createGroup } from '../directory/save-group.js';
import { isDynamic, type Group } from '../directory/group.js';
import type { RoleAssignment, RoleDefinition } from './model.js';
import { createAssignment } from './assignments.js';

export function roleGroupName(role: RoleDefinition): string {
  return `Steward role: ${role.displayName}`;
}

export interface RoleAdminGroup {
  group: Group;
  assignment: RoleAssignment;
  /** Whether this call created the group, and the assignment (for the caller's audit log). */
  createdGroup: boolean;
  createdAssignment: boolean;
}

/**
 * The admin group of `role` and its assignment over everything, created when missing. Only a group
 * that already holds that assignment is reused: a group that merely has the name could have been
 * made, and filled, by anyone allowed to create groups, and assigning the role to it would hand the
 * role to its members.
 */
export async function ensureRoleAdminGroup(core: Core, role: RoleDefinition): Promise<RoleAdminGroup> {
  const name = roleGroupName(role);
  const query = parseListQuery({ $filter: `displayName eq '${name.replace(/'/g, "''")}'`, $orderby: 'createdDateTime', $top: '100' }, groupSchema);
  const named = (await core.groups.list(query)).items.filter((g) => !isDynamic(g));
  const overAll = (await core.rbac.assignments()).filter((a) => a.roleDefinitionId === role.id && a.scopeType !== 'resourceScope');
  for (const group of named) {
    const assignment = overAll.find((a) => a.members.includes(group.id));
    if (assignment) return { group, assignment, createdGroup: false, createdAssignment: false };
  }
  const nickname = `steward-role-${role.displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`.slice(0, 64);
  const group = await createGroup(core, { displayName: name, mailNickname: nickname, description: `Admins holding the ${role.displayName} role over all users and devices.` });
  const assignment = await createAssignment(core, { displayName: role.displayName, description: `Created by steward for ${name}.`, roleDefinitionId: role.id, members: [group.id], scopeType: 'allDevicesAndLicensedUsers' });
  return { group, assignment, createdGroup: true, createdAssignment: true };
}
