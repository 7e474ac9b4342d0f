// Principals for RBAC tests: a built-in role over all scope, or whatever the real role
// assignments grant a user or API client (grantsFor), and small factories for directory data.
import { randomUUID } from 'node:crypto';
import type { Authenticator, Principal } from '../../src/core/auth/principal.js';
import type { Core } from '../../src/core/deps.js';
import type { Group } from '../../src/core/directory/group.js';
import type { User } from '../../src/core/directory/user.js';
import { createGroup } from '../../src/core/directory/save-group.js';
import { createUser } from '../../src/core/directory/create-user.js';
import { addGroupMember } from '../../src/core/directory/group-members.js';
import { builtInRoles } from '../../src/core/rbac/built-in-roles.js';
import { grantsFor } from '../../src/core/rbac/grants.js';
import { createAssignment } from '../../src/core/rbac/assignments.js';
import type { RoleAssignment, ScopeType } from '../../src/core/rbac/model.js';
import { allScope } from '../../src/core/rbac/scope.js';

/**
 * `Bearer role:<role id>` → an API client holding that built-in role over all users and devices;
 * `Bearer member:<id>` → the user or API client with that id, with the grants its role
 * assignments give it (the real grantsFor over `core()`, read at each request).
 */
export function rbacAuthenticator(core: () => Core): Authenticator {
  return {
    async authenticate(token) {
      if (token.startsWith('role:')) {
        const role = builtInRoles.find((r) => r.id === token.slice(5));
        if (!role) return undefined;
        return { kind: 'apiClient', id: `role-${role.id}`, displayName: role.displayName, name: role.id, grants: [{ allowed: new Set(role.allowed), scope: allScope }] } satisfies Principal;
      }
      if (token.startsWith('member:')) {
        const id = token.slice(7);
        return { kind: 'user', id, displayName: id, name: id, grants: await grantsFor(core(), id) } satisfies Principal;
      }
      return undefined;
    },
  };
}

export const asRole = (roleId: string) => ({ authorization: `Bearer role:${roleId}` });
export const asMember = (id: string) => ({ authorization: `Bearer member:${id}` });

export async function aGroup(core: Core, name = `group-${randomUUID().slice(0, 8)}`): Promise<Group> {
  return createGroup(core, { displayName: name, mailNickname: name.replace(/[^A-Za-z0-9]/g, '').slice(0, 60) || 'g' });
}

export async function aUser(core: Core, name = `user-${randomUUID().slice(0, 8)}`): Promise<User> {
  return createUser(core, { userPrincipalName: `${name}@example.test`, displayName: name, accountEnabled: true });
}

export async function addMembers(core: Core, group: Group, ...memberIds: string[]): Promise<void> {
  for (const memberId of memberIds) await addGroupMember(core, { groupId: group.id, memberId });
}

/**
 * Assigns a role to the admin group `admins`, over `scopes` (groups) or over everything, with
 * scope tags `tags` (the Default tag when not given).
 */
export async function assign(core: Core, input: { roleId: string; admins: Group; scopes?: Group[]; scopeType?: ScopeType; tags?: string[] }): Promise<RoleAssignment> {
  return createAssignment(core, {
    displayName: `assignment ${randomUUID().slice(0, 8)}`,
    roleDefinitionId: input.roleId,
    members: [input.admins.id],
    ...(input.scopes ? { resourceScopes: input.scopes.map((g) => g.id) } : {}),
    ...(input.scopeType ? { scopeType: input.scopeType } : {}),
    ...(input.tags ? { roleScopeTagIds: input.tags } : {}),
  });
}
