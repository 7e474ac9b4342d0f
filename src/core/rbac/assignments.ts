import { randomUUID } from 'node:crypto';
import { invalidInput, notFound } from '../errors.js';
import type { GroupStore } from '../directory/ports.js';
import { defaultScopeTag, type RbacStore, type RoleAssignment, type ScopeType } from './model.js';
import { checkScopeTags, findRole } from './roles.js';

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
  if (ids.length === 0) return;
  const found = new Set((await deps.groups.getMany(ids)).map((g) => g.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) throw invalidInput(`${target}: group ${missing.join(', ')} does not exist.`, target);
}

/**
 * Checks a new or changed assignment. Of a change, only what it adds is looked up: a group or
 * scope tag deleted since the assignment was made must not stop an admin from editing the rest.
 */
async function check(deps: { rbac: RbacStore; groups: GroupStore }, a: RoleAssignment, before?: RoleAssignment): Promise<RoleAssignment> {
  const added = (now: string[], then: string[] | undefined) => now.filter((id) => !then?.includes(id));
  if (!a.displayName.trim()) throw invalidInput('displayName is required.', 'displayName');
  if (a.roleDefinitionId !== before?.roleDefinitionId) {
    await findRole(deps, a.roleDefinitionId).catch(() => { throw invalidInput(`roleDefinition ${a.roleDefinitionId} does not exist.`, 'roleDefinition'); });
  }
  await checkGroups(deps, added(a.members, before?.members), 'members');
  await checkGroups(deps, added(a.resourceScopes, before?.resourceScopes), 'resourceScopes');
  if (a.scopeType === 'resourceScope' && a.resourceScopes.length === 0) {
    throw invalidInput('resourceScopes must name at least one group, or scopeType must be allDevices, allLicensedUsers or allDevicesAndLicensedUsers.', 'resourceScopes');
  }
  // Scope groups next to an all* scope type would be ignored: refuse rather than let an admin
  // believe the assignment is narrower than it is.
  if (a.scopeType !== 'resourceScope' && a.resourceScopes.length > 0) {
    throw invalidInput(`resourceScopes must be empty when scopeType is ${a.scopeType}: the assignment reaches every ${a.scopeType === 'allDevices' ? 'device' : a.scopeType === 'allLicensedUsers' ? 'licensed user' : 'user and device'}.`, 'resourceScopes');
  }
  await checkScopeTags(deps, added(a.roleScopeTagIds, before?.roleScopeTagIds));
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
    roleScopeTagIds: [...new Set(input.roleScopeTagIds ?? [defaultScopeTag.id])],
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
  // v1.0 has no scopeType: new scope groups alone narrow the assignment to them, and a new
  // all* scope type alone drops the old scope groups.
  const scopeType = c.scopeType ?? (c.resourceScopes !== undefined && c.resourceScopes.length > 0 ? 'resourceScope' : before.scopeType);
  const resourceScopes = c.resourceScopes ?? (scopeType === 'resourceScope' ? before.resourceScopes : []);
  const after = await check(deps, {
    ...before,
    ...(c.displayName !== undefined ? { displayName: c.displayName } : {}),
    ...(c.description !== undefined ? { description: c.description } : {}),
    ...(c.roleDefinitionId !== undefined ? { roleDefinitionId: c.roleDefinitionId } : {}),
    ...(c.members !== undefined ? { members: [...new Set(c.members)] } : {}),
    resourceScopes: [...new Set(resourceScopes)],
    scopeType,
    ...(c.roleScopeTagIds !== undefined ? { roleScopeTagIds: [...new Set(c.roleScopeTagIds)] } : {}),
  }, before);
  await deps.rbac.saveAssignment(after);
  return { before, after };
}

export async function deleteAssignment(deps: { rbac: RbacStore }, input: { id: string }): Promise<RoleAssignment> {
  const a = await getAssignment(deps, input.id);
  await deps.rbac.deleteAssignment(a.id);
  return a;
}
