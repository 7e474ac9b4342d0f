// steward admin create / steward api-client create: the first admins and automation clients,
// made without prompting (for scripts and first setup).
import type { Config } from '../config/config.js';
import { createUser } from '../core/directory/create-user.js';
import { assignLicense } from '../core/directory/assign-license.js';
import { stewardSku } from '../core/directory/licenses.js';
import { addGroupMember } from '../core/directory/group-members.js';
import { findRoleByName } from '../core/rbac/roles.js';
import { ensureRoleAdminGroup } from '../core/rbac/role-admins.js';
import { createApiClient } from '../core/rbac/api-clients.js';
import { allScope } from '../core/rbac/scope.js';
import { openCli } from './context.js';

export async function adminCreateCommand(config: Config, input: { email: string; password: string; role: string; displayName?: string }): Promise<void> {
  const cli = await openCli(config, 'admin create');
  try {
    const role = await findRoleByName(cli.core, input.role);
    const user = await createUser({ ...cli.core, onUserChanged: (u) => cli.core.memberships.refreshUser(u) }, {
      userPrincipalName: input.email,
      displayName: input.displayName ?? input.email.split('@')[0] ?? input.email,
      mail: input.email,
      accountEnabled: true,
      // The person who runs the command chose the password: no change forced at first sign-in.
      passwordProfile: { password: input.password, forceChangePasswordNextSignIn: false },
    });
    await cli.audit({ activity: 'Create user', category: 'User', operation: 'Create', resource: { type: 'User', id: user.id, displayName: user.userPrincipalName, after: { userPrincipalName: user.userPrincipalName, displayName: user.displayName, passwordProfile: 'set' } } });
    await assignLicense(cli.core, { id: user.id, scope: allScope, addLicenses: [{ skuId: stewardSku.skuId, disabledPlans: [] }], removeLicenses: [] });
    const { group, assignment, created } = await ensureRoleAdminGroup(cli.core, role);
    if (created) await cli.audit({ activity: 'Create role assignment', category: 'Role', operation: 'Create', resource: { type: 'RoleAssignment', id: assignment.id, displayName: assignment.displayName, after: { ...assignment } } });
    await addGroupMember(cli.core, { groupId: group.id, memberId: user.id });
    await cli.audit({ activity: 'Add member to group', category: 'Group', operation: 'Action', resource: { type: 'Group', id: group.id, displayName: group.displayName, after: { member: `user ${user.id}` } } });
    process.stdout.write(`${JSON.stringify({ id: user.id, userPrincipalName: user.userPrincipalName, role: role.displayName })}\n`);
  } finally {
    await cli.close();
  }
}

export async function apiClientCreateCommand(config: Config, input: { name: string; role: string }): Promise<void> {
  const cli = await openCli(config, 'api-client create');
  try {
    const role = await findRoleByName(cli.core, input.role);
    const { client, clientSecret } = await createApiClient(cli.core, { displayName: input.name });
    await cli.audit({ activity: 'Create API client', category: 'Role', operation: 'Create', resource: { type: 'ApiClient', id: client.id, displayName: client.displayName, after: { clientId: client.clientId, displayName: client.displayName, clientSecret: 'set' } } });
    const { group } = await ensureRoleAdminGroup(cli.core, role);
    await addGroupMember(cli.core, { groupId: group.id, memberId: client.id });
    await cli.audit({ activity: 'Add member to group', category: 'Group', operation: 'Action', resource: { type: 'Group', id: group.id, displayName: group.displayName, after: { member: `servicePrincipal ${client.id}` } } });
    // The secret is shown this once; only its hash is stored.
    process.stdout.write(`${JSON.stringify({ clientId: client.clientId, clientSecret, role: role.displayName })}\n`);
  } finally {
    await cli.close();
  }
}
