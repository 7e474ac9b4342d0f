// When configuration profiles are reconciled, beside the admin's own changes (assign, edit,
// delete: device-configurations.ts calls reconcileConfiguration):
//   - a group's members changed (Core.onMembershipChanged): the devices of the members, when a
//     profile is assigned to the group or a group above it;
//   - a device reported inventory (Core.afterInventory: first after enrollment, then every refresh):
//     the device, so a new device gets its profiles and a changed one is corrected;
//   - the maintenance sweep: every device (maintenance.ts), with orphaned states pruned.
import type { MembershipChange } from '../directory/membership-changes.js';
import type { ComplianceStateStore } from '../compliance/ports.js';
import { reconcileDevices, reconcileFleet, RECONCILE_BATCH, type ReconcileDeps } from './reconcile.js';
import type { GroupStore } from '../directory/ports.js';

export type MembershipReconcileDeps = ReconcileDeps & {
  groups: Pick<GroupStore, 'getMany'>;
  /** The devices among ids and those whose primary user is among them (one query a batch). */
  complianceStates: Pick<ComplianceStateStore, 'devicesOfMembers'>;
};

export async function reconcileForMembership(deps: MembershipReconcileDeps, change: Pick<MembershipChange, 'groupId' | 'memberIds'>): Promise<void> {
  const assignments = await deps.configurationDelivery.allAssignments();
  const assigned = new Set([...assignments.values()].flat().flatMap((a) => (a.target.kind === 'group' || a.target.kind === 'exclusionGroup' ? [a.target.groupId] : [])));
  if (assigned.size === 0) return;
  if (!assigned.has(change.groupId) && !(await deps.groups.transitiveMemberOf(change.groupId)).some((g) => assigned.has(g.id))) return;
  const ids = new Set(change.memberIds);
  for (let i = 0; i < change.memberIds.length; i += RECONCILE_BATCH) {
    for (const nested of await deps.groups.getMany(change.memberIds.slice(i, i + RECONCILE_BATCH))) {
      for (const m of await deps.groups.transitiveMembers(nested.id)) ids.add(m.id);
    }
  }
  await reconcileDevices(deps, await deps.complianceStates.devicesOfMembers([...ids]));
}

/** The maintenance sweep: states of removed devices pruned, then every device reconciled. */
export async function sweepConfiguration(deps: ReconcileDeps): Promise<{ devices: number; pruned: number }> {
  const pruned = await deps.configurationDelivery.pruneOrphans();
  const { devices } = await reconcileFleet(deps);
  return { devices, pruned };
}
