// Keeps dynamic groups' members equal to what their rules select: the whole group when its rule
// changes, and one user's or device's groups when that user or device changes.
import type { Clock } from '../clock.js';
import type { ManagedDevice } from '../devices/managed-device.js';
import type { ManagedDeviceStore } from '../devices/ports.js';
import { parseMembershipRule, type MembershipRule } from './membership-rule/parse.js';
import { deviceRuleSubject, evaluateRule } from './membership-rule/evaluate.js';
import type { GroupStore, UserStore } from './ports.js';
import type { Group, MemberType } from './group.js';
import type { User } from './user.js';

const BATCH = 500;

export interface MembershipEngine {
  recomputeGroup(group: Group): Promise<{ added: number; removed: number }>;
  refreshUser(user: User): Promise<void>;
  refreshDevice(device: ManagedDevice): Promise<void>;
}

function activeRule(group: Group): MembershipRule | undefined {
  if (!group.membershipRule || group.membershipRuleProcessingState !== 'On') return undefined;
  return parseMembershipRule(group.membershipRule);
}

const userSubject = (u: User): Record<string, unknown> => ({ ...u, objectId: u.id });

export function membershipEngine(deps: { users: UserStore; groups: GroupStore; devices: ManagedDeviceStore; clock: Clock }): MembershipEngine {
  async function apply(groupId: string, memberId: string, type: MemberType, shouldBeMember: boolean, current: Set<string>) {
    if (shouldBeMember && !current.has(memberId)) await deps.groups.addMembers(groupId, [{ id: memberId, type }], 'dynamic', deps.clock.now());
    if (!shouldBeMember && current.has(memberId)) await deps.groups.removeMembers(groupId, [memberId]);
  }

  async function refresh(subjectType: 'user' | 'device', id: string, subject: Record<string, unknown>) {
    for (const group of await deps.groups.dynamicGroups()) {
      const rule = activeRule(group);
      if (!rule || rule.subject !== subjectType) continue;
      const current = new Set(await deps.groups.dynamicMemberIds(group.id));
      await apply(group.id, id, subjectType, evaluateRule(rule, subject), current);
    }
  }

  return {
    async recomputeGroup(group) {
      const current = new Set(await deps.groups.dynamicMemberIds(group.id));
      const rule = activeRule(group);
      if (!rule) {
        // Paused keeps the members it has (as Entra does); a group that is no longer dynamic loses them.
        if (group.membershipRuleProcessingState === 'Paused') return { added: 0, removed: 0 };
        await deps.groups.removeMembers(group.id, [...current]);
        return { added: 0, removed: current.size };
      }
      const wanted = new Set<string>();
      const add: { id: string; type: MemberType }[] = [];
      if (rule.subject === 'user') {
        for await (const batch of deps.users.batches(BATCH)) {
          for (const u of batch) if (evaluateRule(rule, userSubject(u))) { wanted.add(u.id); if (!current.has(u.id)) add.push({ id: u.id, type: 'user' }); }
        }
      } else {
        for await (const batch of deps.devices.batches(BATCH)) {
          for (const d of batch) if (evaluateRule(rule, deviceRuleSubject(d))) { wanted.add(d.id); if (!current.has(d.id)) add.push({ id: d.id, type: 'device' }); }
        }
      }
      const remove = [...current].filter((id) => !wanted.has(id));
      await deps.groups.addMembers(group.id, add, 'dynamic', deps.clock.now());
      await deps.groups.removeMembers(group.id, remove);
      return { added: add.length, removed: remove.length };
    },
    refreshUser: (user) => refresh('user', user.id, userSubject(user)),
    refreshDevice: (device) => refresh('device', device.id, deviceRuleSubject(device)),
  };
}
