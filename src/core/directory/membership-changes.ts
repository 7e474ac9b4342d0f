// The one hook for "a group's members changed": direct adds and removes, dynamic rule results,
// user import, a deleted group. makeCore (core/deps.ts) wraps the GroupStore with
// notifyingGroupStore, so every change that goes through the core's groups reaches the listeners
// in `Core.onMembershipChanged` once it is stored; compliance re-evaluates the affected devices,
// and configuration reconcile may register beside it. Listeners run in order and are awaited, so
// the change's request returns after they did; an error in one is the request's error (the change
// itself is already stored, and the periodic sweeps repair what a listener missed).
import type { GroupStore } from './ports.js';

export interface MembershipChange {
  groupId: string;
  /** Direct members added or removed: user, device or group ids (a nested group stands for its members). */
  memberIds: readonly string[];
  change: 'added' | 'removed';
}

export type MembershipListener = (change: MembershipChange) => Promise<void>;

export function notifyingGroupStore(groups: GroupStore, listeners: readonly MembershipListener[]): GroupStore {
  const notify = async (change: MembershipChange) => {
    if (change.memberIds.length === 0) return;
    for (const listener of listeners) await listener(change);
  };
  return {
    ...groups,
    async addMembers(groupId, members, source, now) {
      await groups.addMembers(groupId, members, source, now);
      await notify({ groupId, memberIds: members.map((m) => m.id), change: 'added' });
    },
    async removeMembers(groupId, memberIds) {
      await groups.removeMembers(groupId, memberIds);
      await notify({ groupId, memberIds, change: 'removed' });
    },
    async delete(id) {
      const members = listeners.length > 0 ? await groups.memberIds(id) : [];
      const deleted = await groups.delete(id);
      if (deleted) await notify({ groupId: id, memberIds: members, change: 'removed' });
      return deleted;
    },
  };
}
