// Which devices a set of Graph assignments targets: compliance policies and configuration profiles
// share this. groupAssignmentTarget includes the group's transitive members: devices directly,
// users through the devices whose primary user they are. exclusionGroupAssignmentTarget excludes
// the same way, and exclusion wins over every inclusion. allDevicesAssignmentTarget includes every
// device; allLicensedUsersAssignmentTarget every device whose primary user is enabled and holds the
// Steward license with its MDM plan.
//
// resolveTargets reads the groups once (one transitiveMembers query per distinct group, never one
// per device); isTargeted is then pure and answers per device.
import type { GroupStore } from '../directory/ports.js';
import { isLicensedForEnrollment } from '../directory/licenses.js';

/** A deviceAndAppManagementAssignmentTarget subtype. */
export type AssignmentTarget =
  | { kind: 'group'; groupId: string }
  | { kind: 'exclusionGroup'; groupId: string }
  | { kind: 'allDevices' }
  | { kind: 'allLicensedUsers' };

/** One assignment (deviceCompliancePolicyAssignment, deviceConfigurationAssignment): an id and its target. */
export interface PolicyAssignment {
  id: string;
  target: AssignmentTarget;
}

export interface ResolvedTargets {
  allDevices: boolean;
  allLicensedUsers: boolean;
  includedDevices: ReadonlySet<string>;
  includedUsers: ReadonlySet<string>;
  excludedDevices: ReadonlySet<string>;
  excludedUsers: ReadonlySet<string>;
}

/** The device as targeting sees it; `userLicensed` says whether its primary user counts for allLicensedUsers. */
export interface TargetedDevice {
  id: string;
  userId: string | null;
  userLicensed: boolean;
}

/** Group members by group id, each group's transitive members read once, shared across policies. */
export type MemberCache = Map<string, Promise<{ devices: Set<string>; users: Set<string> }>>;

export async function resolveTargets(
  deps: { groups: Pick<GroupStore, 'transitiveMembers'> },
  targets: readonly AssignmentTarget[],
  cache: MemberCache = new Map(),
): Promise<ResolvedTargets> {
  const members = (groupId: string) => {
    let p = cache.get(groupId);
    if (!p) {
      p = deps.groups.transitiveMembers(groupId).then((refs) => ({
        devices: new Set(refs.filter((r) => r.type === 'device').map((r) => r.id)),
        users: new Set(refs.filter((r) => r.type === 'user').map((r) => r.id)),
      }));
      cache.set(groupId, p);
    }
    return p;
  };
  const out = {
    allDevices: false, allLicensedUsers: false,
    includedDevices: new Set<string>(), includedUsers: new Set<string>(), excludedDevices: new Set<string>(), excludedUsers: new Set<string>(),
  };
  for (const t of targets) {
    switch (t.kind) {
      case 'allDevices': out.allDevices = true; break;
      case 'allLicensedUsers': out.allLicensedUsers = true; break;
      case 'group':
      case 'exclusionGroup': {
        const m = await members(t.groupId);
        const [devices, users] = t.kind === 'group' ? [out.includedDevices, out.includedUsers] : [out.excludedDevices, out.excludedUsers];
        for (const id of m.devices) devices.add(id);
        for (const id of m.users) users.add(id);
        break;
      }
    }
  }
  return out;
}

export function isTargeted(resolved: ResolvedTargets, device: TargetedDevice): boolean {
  if (resolved.excludedDevices.has(device.id)) return false;
  if (device.userId !== null && resolved.excludedUsers.has(device.userId)) return false;
  if (resolved.allDevices || resolved.includedDevices.has(device.id)) return true;
  if (device.userId === null) return false;
  return resolved.includedUsers.has(device.userId) || (resolved.allLicensedUsers && device.userLicensed);
}

/** Whether a user counts for allLicensedUsersAssignmentTarget. */
export const countsAsLicensed = isLicensedForEnrollment;

/**
 * The same answer as isTargeted, from the groups the device and its primary user are transitive
 * members of: for re-evaluating a device or two (an inventory answer) without reading whole groups.
 */
export function isTargetedByMembership(targets: readonly AssignmentTarget[], memberOf: ReadonlySet<string>, device: TargetedDevice): boolean {
  if (targets.some((t) => t.kind === 'exclusionGroup' && memberOf.has(t.groupId))) return false;
  return targets.some((t) => {
    switch (t.kind) {
      case 'allDevices': return true;
      case 'allLicensedUsers': return device.userId !== null && device.userLicensed;
      case 'group': return memberOf.has(t.groupId);
      case 'exclusionGroup': return false;
    }
  });
}
