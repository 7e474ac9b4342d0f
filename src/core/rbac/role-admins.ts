// The CLI's shortcut for "make this person or API client an admin with role R": Steward keeps
// one admin group per role ("Steward role: R") with a role assignment over all users and devices,
// and adds the new admin to it. Everything it creates is ordinary Graph data that admins can see
// and change through the API.
import type { Core } from '../deps.js';
import { parseListQuery } from '../query/list-query.js';
import { groupSchema } from '../directory/directory-schemas.js';
import { createGroup } from '../directory/save-group.js';
import type { Group } from '../directory/group.js';
import type { RoleAssignment, RoleDefinition } from './model.js';
import { createAssignment } from './assignments.js';

export function roleGroupName(role: RoleDefinition): string {
  return `Steward role: ${role.displayName}`;
}

export async function ensureRoleAdminGroup(core: Core, role: RoleDefinition): Promise<{ group: Group; assignment: RoleAssignment; created: boolean }> {
  const name = roleGroupName(role);
  const query = parseListQuery({ $filter: `displayName eq '${name.replace(/'/g, "''")}'`, $top: '1' }, groupSchema);
  let group = (await core.groups.list(query)).items[0];
  let created = false;
  if (!group) {
    const nickname = `steward-role-${role.displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`.slice(0, 64);
    group = await createGroup(core, { displayName: name, mailNickname: nickname, description: `Admins holding the ${role.displayName} role over all users and devices.` });
    created = true;
  }
  const g = group;
  let assignment = (await core.rbac.assignments()).find((a) => a.roleDefinitionId === role.id && a.members.includes(g.id) && a.scopeType !== 'resourceScope');
  if (!assignment) {
    assignment = await createAssignment(core, { displayName: role.displayName, description: `Created by steward for ${name}.`, roleDefinitionId: role.id, members: [g.id], scopeType: 'allDevicesAndLicensedUsers' });
    created = true;
  }
  return { group: g, assignment, created };
}
