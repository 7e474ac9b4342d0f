// Scope tags (Graph beta roleScopeTag): labels on role definitions and assignments. '0' is
// Intune's built-in Default, which cannot be changed or deleted.
import { randomUUID } from 'node:crypto';
import { invalidInput, notFound, StewardError } from '../errors.js';
import { defaultScopeTag, type RbacStore, type RoleScopeTag, type ScopeTaggedType } from './model.js';
import { customRolesAndAssignments } from './roles.js';

export async function allScopeTags(deps: { rbac: RbacStore }): Promise<RoleScopeTag[]> {
  return [defaultScopeTag, ...(await deps.rbac.scopeTags())];
}

export async function createScopeTag(deps: { rbac: RbacStore }, input: { displayName: string; description?: string | null }): Promise<RoleScopeTag> {
  const displayName = input.displayName.trim();
  if (!displayName) throw invalidInput('displayName is required.', 'displayName');
  // Intune numbers its scope tags; Steward's are opaque ids. '0' stays the built-in Default.
  const tag: RoleScopeTag = { id: randomUUID(), displayName, description: input.description ?? null, isBuiltIn: false };
  // Names are told apart without regard to case, as role names are (roles.ts).
  const taken = (await allScopeTags(deps)).some((t) => t.displayName.toLowerCase() === displayName.toLowerCase());
  if (taken || (await deps.rbac.saveScopeTag(tag)) === 'duplicate') {
    throw invalidInput(`A scope tag named '${displayName}' already exists.`, 'displayName');
  }
  return tag;
}

const plural: Record<ScopeTaggedType, [string, string]> = {
  managedDevice: ['managed device', 'managed devices'],
  enrollmentProfile: ['enrollment profile', 'enrollment profiles'],
};

/** Deletes a scope tag that no custom role, role assignment or object (a device) carries any more. */
export async function deleteScopeTag(deps: { rbac: RbacStore }, input: { id: string }): Promise<RoleScopeTag> {
  if (input.id === defaultScopeTag.id) throw new StewardError('forbidden', 'The built-in Default scope tag cannot be deleted.', 'id');
  const tag = (await deps.rbac.scopeTags()).find((t) => t.id === input.id);
  if (!tag) throw notFound(`roleScopeTag ${input.id} was not found.`, 'id');
  const users = (await customRolesAndAssignments(deps)).filter((x) => x.roleScopeTagIds.includes(tag.id));
  const objects = (await deps.rbac.scopeTagUsage(tag.id)).filter((u) => u.count > 0)
    .map((u) => `${u.count} ${plural[u.type][u.count === 1 ? 0 : 1]}`);
  if (users.length > 0 || objects.length > 0) {
    const named = [...users.slice(0, 3).map((x) => x.displayName), ...(users.length > 3 ? [`${users.length - 3} more roles or assignments`] : []), ...objects];
    const list = named.length > 1 ? `${named.slice(0, -1).join(', ')} and ${named.at(-1)!}` : named.join('');
    throw invalidInput(`Scope tag ${tag.displayName} is in use by ${list}; remove it from them first.`, 'id');
  }
  if (!(await deps.rbac.deleteScopeTag(tag.id))) throw notFound(`roleScopeTag ${input.id} was not found.`, 'id');
  return tag;
}
