import { randomUUID } from 'node:crypto';
import { invalidInput, notFound } from '../errors.js';
import type { GroupStore } from '../directory/ports.js';
import type { RbacStore, RoleAssignment, ScopeType } from './model.js';
import { findRole } from './roles.js';

export interface AssignmentInput {
  displayName?: string;
  description?: string | null;
  roleDefinitionId?: string;
  members?: string[];
  resourceScopes?: string[];
  scopeType?: ScopeType;
  roleScopeTagIds?: string[];
}

async function checkGroups(deps: { groups: GroupStore }, ids: string[], target: string) {
  const found = new Set((await deps.groups.getMany(ids)).map((g) => g.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) throw invalidInput(`${target}: group ${missing.join(', ')} does not exist.`, target);
}

async function check(deps: { rbac: RbacStore; groups: GroupStore }, a: RoleAssignment): Promise<RoleAssignment> {
  if (!a.displayName.trim()) throw invalidInput('displayName is required.', 'displayName');
  await findRole(deps, a.roleDefinitionId).catch(() => { throw invalidInput(`roleDefinition ${a.roleDefinitionId} does not exist.`, 'roleDefinition'); });
  await checkGroups(deps, a.members, 'members');
  await checkGroups(deps, a.resourceScopes, 'resourceScopes');
  if (a.scopeType === 'resourceScope' && a.resourceScopes.length === 0) {
    throw invalidInput('resourceScopes must name at least one group, or scopeType must be allDevices, allLicensedUsers or allDevicesAndLicensedUsers.', 'resourceScopes');
  }
  return a;
}

export async function createAssignment(deps: { rbac: RbacStore; groups: GroupStore }, input: AssignmentInput): Promise<RoleAssignment> {
  if (!input.roleDefinitionId) throw invalidInput('roleDefinition@odata.bind is required: the role to assign.', 'roleDefinition');
  const resourceScopes = [...new Set(input.resourceScopes ?? [])];
  const a = await check(deps, {
    id: randomUUID(),
    displayName: input.displayName ?? '',
    description: input.description ?? null,
    roleDefinitionId: input.roleDefinitionId,
    members: [...new Set(input.members ?? [])],
    resourceScopes,
    scopeType: input.scopeType ?? (resourceScopes.length > 0 ? 'resourceScope' : 'allDevicesAndLicensedUsers'),
    roleScopeTagIds: input.roleScopeTagIds ?? ['0'],
  });
  await deps.rbac.saveAssignment(a);
  return a;
}

export async function getAssignment(deps: { rbac: RbacStore }, id: string): Promise<RoleAssignment> {
  const a = (await deps.rbac.assignments()).find((x) => x.id === id);
  if (!a) throw notFound(`roleAssignment ${id} was not found.`, 'id');
  return a;
}

export async function updateAssignment(deps: { rbac: RbacStore; groups: GroupStore }, input: { id: string; changes: AssignmentInput }): Promise<{ before: RoleAssignment; after: RoleAssignment }> {
  const before = await getAssignment(deps, input.id);
  const c = input.changes;
  const after = await check(deps, {
    ...before,
    ...(c.displayName !== undefined ? { displayName: c.displayName } : {}),
    ...(c.description !== undefined ? { description: c.description } : {}),
    ...(c.roleDefinitionId !== undefined ? { roleDefinitionId: c.roleDefinitionId } : {}),
    ...(c.members !== undefined ? { members: [...new Set(c.members)] } : {}),
    ...(c.resourceScopes !== undefined ? { resourceScopes: [...new Set(c.resourceScopes)] } : {}),
    ...(c.scopeType !== undefined ? { scopeType: c.scopeType } : {}),
    ...(c.roleScopeTagIds !== undefined ? { roleScopeTagIds: c.roleScopeTagIds } : {}),
  });
  await deps.rbac.saveAssignment(after);
  return { before, after };
}

export async function deleteAssignment(deps: { rbac: RbacStore }, input: { id: string }): Promise<RoleAssignment> {
  const a = await getAssignment(deps, input.id);
  await deps.rbac.deleteAssignment(a.id);
  return a;
}
