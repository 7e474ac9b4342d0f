import { StewardError } from '../errors.js';
import { defaultScopeTag, type RbacStore } from '../rbac/model.js';
import { checkScopeTags } from '../rbac/roles.js';
import { heldScopeTags, type Scope } from '../rbac/scope.js';
import type { ManagedDevice } from './managed-device.js';
import type { ManagedDeviceStore } from './ports.js';
import { getManagedDevice } from './get-managed-device.js';

/**
 * Replaces a device's scope tags (PATCH roleScopeTagIds). `scope` is the caller's for the
 * update: a device out of it answers as missing. Every tag must exist ('0' or a roleScopeTag);
 * none given means Default. A scoped admin may add or remove only tags they hold on an assignment
 * that grants the update, as in Intune, so that they can neither hand a device to another admin's
 * view nor take one away from it; admins whom tags do not limit may set any.
 */
export async function setDeviceScopeTags(
  deps: { devices: ManagedDeviceStore; rbac: RbacStore },
  input: { id: string; scope: Scope; roleScopeTagIds: readonly string[] },
): Promise<{ before: ManagedDevice; after: ManagedDevice }> {
  const before = await getManagedDevice(deps, { id: input.id, scope: input.scope });
  const tags = [...new Set(input.roleScopeTagIds)].sort();
  if (tags.length === 0) tags.push(defaultScopeTag.id);
  await checkScopeTags(deps, tags);
  const held = heldScopeTags(input.scope);
  if (held !== 'all') {
    const changed = [...tags.filter((t) => !before.roleScopeTagIds.includes(t)), ...before.roleScopeTagIds.filter((t) => !tags.includes(t))];
    const notHeld = changed.filter((t) => !held.has(t));
    if (notHeld.length > 0) {
      throw new StewardError('forbidden', `roleScopeTagIds: you may add or remove only the scope tags of your own role assignments (${[...held].join(', ')}), not ${notHeld.join(', ')}.`, 'roleScopeTagIds');
    }
  }
  await deps.rbac.setObjectScopeTags('managedDevice', before.id, tags);
  return { before, after: { ...before, roleScopeTagIds: tags } };
}
