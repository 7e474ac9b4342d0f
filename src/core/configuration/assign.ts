// Graph's assign action on a configuration profile, and the profile changes that reconcile the
// devices they touch: an assign (the devices that had the profile and those it reaches now), an
// edit (a new version goes to every device that has it), a delete (removed from each device).
import type { Scope } from '../rbac/scope.js';
import type { AssignmentTarget, PolicyAssignment } from '../assignments/targets.js';
import { checkedAssignments } from '../assignments/assign.js';
import type { GroupStore } from '../directory/ports.js';
import {
  deleteDeviceConfiguration, getDeviceConfiguration, updateDeviceConfiguration, type DeviceConfigurationDeps,
} from './device-configurations.js';
import type { DeviceConfiguration } from './ports.js';
import { SUPPORTED_TYPES } from './catalog.js';
import { reconcileConfiguration, type ReconcileDeps } from './reconcile.js';

export type ConfigurationAssignDeps = DeviceConfigurationDeps & ReconcileDeps & { groups: Pick<GroupStore, 'getMany'> };

export async function assignDeviceConfiguration(
  deps: ConfigurationAssignDeps,
  input: { id: string; targets: readonly AssignmentTarget[]; scope: Scope },
): Promise<{ profile: DeviceConfiguration; before: PolicyAssignment[]; assignments: PolicyAssignment[] }> {
  const profile = await getDeviceConfiguration(deps, input);
  const assignments = await checkedAssignments(deps.groups, profile.id, input.targets);
  const before = await deps.configurationDelivery.assignments(profile.id);
  await deps.configurationDelivery.setAssignments(profile.id, assignments);
  await reconcileConfiguration(deps, profile.id, SUPPORTED_TYPES[profile.odataType]?.platform);
  return { profile, before, assignments };
}

export async function listConfigurationAssignments(deps: ConfigurationAssignDeps, input: { id: string; scope: Scope }): Promise<PolicyAssignment[]> {
  const profile = await getDeviceConfiguration(deps, input);
  return deps.configurationDelivery.assignments(profile.id);
}

/** PATCH, then the new version to every device that has the profile (device-configurations.ts updates). */
export async function updateAndDeliver(deps: ConfigurationAssignDeps, input: Parameters<typeof updateDeviceConfiguration>[1]): ReturnType<typeof updateDeviceConfiguration> {
  const result = await updateDeviceConfiguration(deps, input);
  await reconcileConfiguration(deps, result.after.id, SUPPORTED_TYPES[result.after.odataType]?.platform);
  return result;
}

/** DELETE, then the profile removed from every device that has it (its states say how). */
export async function deleteAndRemove(deps: ConfigurationAssignDeps, input: { id: string; scope: Scope }): Promise<DeviceConfiguration> {
  const profile = await getDeviceConfiguration(deps, input);
  await deps.configurationDelivery.setAssignments(profile.id, []);
  const deleted = await deleteDeviceConfiguration(deps, input);
  await reconcileConfiguration(deps, deleted.id, SUPPORTED_TYPES[deleted.odataType]?.platform);
  return deleted;
}
