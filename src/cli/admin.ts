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
import type { RoleDefinition } from '../core/rbac/model.js';
import { invalidInput, StewardError } from '../core/errors.js';
import { openCli, type CliContext } from './context.js';

/** The flag each core input comes from, so that an error names what the user typed. */
const flagOf: Record<string, string> = {
  userPrincipalName: '--email', passwordProfile: '--password', displayName: '--display-name', role: '--role',
};

/** Core errors about an input, reworded to name the flag it came from. */
async function withFlagNames<T>(run: () => Promise<T>, flags: Record<string, string>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const flag = err instanceof StewardError && err.code === 'invalid-input' && err.target ? flags[err.target] : undefined;
    if (flag && err instanceof StewardError) {
      throw invalidInput(`${flag}: ${err.message.replace(/^passwordProfile\.password: /, '')}`, err.target);
    }
    throw err;
  }
}

/** Puts `memberId` in the role's admin group, creating and auditing the group and its assignment if needed. */
async function makeAdmin(cli: CliContext, role: RoleDefinition, member: { id: string; type: 'user' | 'servicePrincipal' }) {
  const { group, assignment, createdGroup, createdAssignment } = await ensureRoleAdminGroup(cli.core, role);
  if (createdGroup) await cli.audit({ activity: 'Create group', category: 'Group', operation: 'Create', resource: { type: 'Group', id: group.id, displayName: group.displayName, after: { ...group } } });
  if (createdAssignment) await cli.audit({ activity: 'Create role assignment', category: 'Role', operation: 'Create', resource: { type: 'RoleAssignment', id: assignment.id, displayName: assignment.displayName, after: { ...assignment } } });
  await addGroupMember(cli.core, { groupId: group.id, memberId: member.id });
  await cli.audit({ activity: 'Add member to group', category: 'Group', operation: 'Action', resource: { type: 'Group', id: group.id, displayName: group.displayName, after: { member: `${member.type} ${member.id}` } } });
}

export async function adminCreateCommand(config: Config, input: { email: string; password: string; role: string; displayName?: string }): Promise<void> {
  const cli = await openCli(config, 'admin create');
  try {
    const role = await withFlagNames(() => findRoleByName(cli.core, input.role), flagOf);
    const user = await withFlagNames(() => createUser({ ...cli.core, onUserChanged: (u) => cli.core.memberships.refreshUser(u) }, {
      userPrincipalName: input.email,
      displayName: input.displayName ?? input.email.split('@')[0] ?? input.email,
      mail: input.email,
      accountEnabled: true,
      // The person who runs the command chose the password: no change forced at first sign-in.
      passwordProfile: { password: input.password, forceChangePasswordNextSignIn: false },
    }), flagOf);
    await cli.audit({ activity: 'Create user', category: 'User', operation: 'Create', resource: { type: 'User', id: user.id, displayName: user.userPrincipalName, after: { userPrincipalName: user.userPrincipalName, displayName: user.displayName, passwordProfile: 'set' } } });
    const licensed = await assignLicense(cli.core, { id: user.id, scope: allScope, addLicenses: [{ skuId: stewardSku.skuId, disabledPlans: [] }], removeLicenses: [] });
    await cli.audit({ activity: 'Assign license', category: 'User', operation: 'Action', resource: { type: 'User', id: user.id, displayName: user.userPrincipalName, before: { assignedLicenses: licensed.before.assignedLicenses }, after: { assignedLicenses: licensed.after.assignedLicenses } } });
    await makeAdmin(cli, role, { id: user.id, type: 'user' });
    process.stdout.write(`${JSON.stringify({ id: user.id, userPrincipalName: user.userPrincipalName, role: role.displayName })}\n`);
  } finally {
    await cli.close();
  }
}

export async function apiClientCreateCommand(config: Config, input: { name: string; role: string }): Promise<void> {
  const cli = await openCli(config, 'api-client create');
  try {
    const role = await withFlagNames(() => findRoleByName(cli.core, input.role), flagOf);
    const { client, clientSecret } = await withFlagNames(() => createApiClient(cli.core, { displayName: input.name }), { displayName: '--name' });
    await cli.audit({ activity: 'Create API client', category: 'Role', operation: 'Create', resource: { type: 'ApiClient', id: client.id, displayName: client.displayName, after: { clientId: client.clientId, displayName: client.displayName, clientSecret: 'set' } } });
    await makeAdmin(cli, role, { id: client.id, type: 'servicePrincipal' });
    // The secret is shown this once; only its hash is stored.
    process.stdout.write(`${JSON.stringify({ clientId: client.clientId, clientSecret, role: role.displayName })}\n`);
  } finally {
    await cli.close();
  }
}
