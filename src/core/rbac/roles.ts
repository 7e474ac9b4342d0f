import { randomUUID } from 'node:crypto';
import { invalidInput, notFound, StewardError } from '../errors.js';
import type { ResourceOperation } from '../auth/principal.js';
import { builtInRoles } from './built-in-roles.js';
import { isResourceOperation } from './resource-operations.js';
import { defaultScopeTag, type RbacStore, type RoleDefinition } from './model.js';

/** Throws invalid-input naming the scope tags in `ids` that do not exist. */
export async function checkScopeTags(deps: { rbac: RbacStore }, ids: readonly string[]): Promise<void> {
  const known = new Set([defaultScopeTag.id, ...(await deps.rbac.scopeTags()).map((t) => t.id)]);
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) throw invalidInput(`roleScopeTagIds: scope tag ${unknown.slice(0, 5).join(', ')} does not exist (see /deviceManagement/roleScopeTags).`, 'roleScopeTagIds');
}

/** What carries scope tags: the custom roles and the role assignments. */
export async function customRolesAndAssignments(deps: { rbac: RbacStore }): Promise<{ displayName: string; roleScopeTagIds: string[] }[]> {
  const [roles, assignments] = await Promise.all([deps.rbac.customRoles(), deps.rbac.assignments()]);
  return [...roles, ...assignments];
}

export function builtInDefinitions(): RoleDefinition[] {
  return builtInRoles.map((r) => ({ id: r.id, displayName: r.displayName, description: r.description, isBuiltIn: true, allowed: [...r.allowed], roleScopeTagIds: ['0'] }));
}

export async function allRoles(deps: { rbac: RbacStore }): Promise<RoleDefinition[]> {
  return [...builtInDefinitions(), ...(await deps.rbac.customRoles())];
}

export async function findRole(deps: { rbac: RbacStore }, id: string): Promise<RoleDefinition> {
  const role = (await allRoles(deps)).find((r) => r.id === id);
  if (!role) throw notFound(`roleDefinition ${id} was not found.`, 'id');
  return role;
}

/** Finds a role by id or (case-insensitive) display name, for the CLI's --role. */
export async function findRoleByName(deps: { rbac: RbacStore }, nameOrId: string): Promise<RoleDefinition> {
  const lower = nameOrId.trim().toLowerCase();
  const roles = await allRoles(deps);
  const role = roles.find((r) => r.id === nameOrId || r.displayName.toLowerCase() === lower);
  if (!role) throw invalidInput(`No role named '${nameOrId}'. Roles: ${roles.map((r) => r.displayName).join(', ')}.`, 'role');
  return role;
}

function checkOperations(allowed: readonly string[]): ResourceOperation[] {
  const unknown = allowed.filter((a) => !isResourceOperation(a));
  if (unknown.length > 0) throw invalidInput(`rolePermissions: ${unknown.slice(0, 5).join(', ')} ${unknown.length === 1 ? 'is not a resource operation' : 'are not resource operations'} (see /deviceManagement/resourceOperations).`, 'rolePermissions');
  return [...new Set(allowed)] as ResourceOperation[];
}

export async function createRole(deps: { rbac: RbacStore }, input: { displayName: string; description?: string | null; allowed: string[]; roleScopeTagIds?: string[] }): Promise<RoleDefinition> {
  const displayName = input.displayName.trim();
  if (!displayName) throw invalidInput('displayName is required.', 'displayName');
  if ((await allRoles(deps)).some((r) => r.displayName.toLowerCase() === displayName.toLowerCase())) {
    throw invalidInput(`A role named '${displayName}' already exists.`, 'displayName');
  }
  const roleScopeTagIds = [...new Set(input.roleScopeTagIds ?? [defaultScopeTag.id])];
  await checkScopeTags(deps, roleScopeTagIds);
  const role: RoleDefinition = { id: randomUUID(), displayName, description: input.description ?? null, isBuiltIn: false, allowed: checkOperations(input.allowed), roleScopeTagIds };
  if ((await deps.rbac.saveRole(role)) === 'duplicate') throw invalidInput(`A role named '${displayName}' already exists.`, 'displayName');
  return role;
}

export async function updateRole(deps: { rbac: RbacStore }, input: { id: string; changes: { displayName?: string; description?: string | null; allowed?: string[]; roleScopeTagIds?: string[] } }): Promise<{ before: RoleDefinition; after: RoleDefinition }> {
  const before = await findRole(deps, input.id);
  if (before.isBuiltIn) throw new StewardError('forbidden', `Built-in role ${before.displayName} cannot be changed; copy it into a custom role instead.`, 'id');
  const after: RoleDefinition = {
    ...before,
    ...(input.changes.displayName !== undefined ? { displayName: input.changes.displayName.trim() } : {}),
    ...(input.changes.description !== undefined ? { description: input.changes.description } : {}),
    ...(input.changes.allowed !== undefined ? { allowed: checkOperations(input.changes.allowed) } : {}),
    ...(input.changes.roleScopeTagIds !== undefined ? { roleScopeTagIds: [...new Set(input.changes.roleScopeTagIds)] } : {}),
  };
  if (!after.displayName) throw invalidInput('displayName must not be empty.', 'displayName');
  if (input.changes.roleScopeTagIds !== undefined) await checkScopeTags(deps, after.roleScopeTagIds);
  if ((await allRoles(deps)).some((r) => r.id !== after.id && r.displayName.toLowerCase() === after.displayName.toLowerCase())) {
    throw invalidInput(`A role named '${after.displayName}' already exists.`, 'displayName');
  }
  if ((await deps.rbac.saveRole(after)) === 'duplicate') throw invalidInput(`A role named '${after.displayName}' already exists.`, 'displayName');
  return { before, after };
}

export async function deleteRole(deps: { rbac: RbacStore }, input: { id: string }): Promise<RoleDefinition> {
  const role = await findRole(deps, input.id);
  if (role.isBuiltIn) throw new StewardError('forbidden', `Built-in role ${role.displayName} cannot be deleted.`, 'id');
  if ((await deps.rbac.assignments()).some((a) => a.roleDefinitionId === role.id)) {
    throw invalidInput(`Role ${role.displayName} is assigned; delete its role assignments first.`, 'id');
  }
  await deps.rbac.deleteRole(role.id);
  return role;
}
