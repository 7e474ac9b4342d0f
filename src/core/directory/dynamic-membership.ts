// Keeps dynamic groups' members equal to what their rules select: the whole group when its rule
// changes, and one user's or device's groups when that user or device changes.
//
// As in Entra: a dynamic group's members all come from its rule (a static group made dynamic
// loses its assigned members: "When changing an existing static group to a dynamic group, all
// existing members are removed from the group, and then the membership rule is processed",
// https://learn.microsoft.com/entra/identity/users/groups-change-type); a Paused group keeps the
// members it has; a group that stops being dynamic keeps its members, now as assigned ones.
import type { Clock } from '../clock.js';
import type { ManagedDevice } from '../devices/managed-device.js';
import type { ManagedDeviceStore } from '../devices/ports.js';
import { StewardError } from '../errors.js';
import { parseMembershipRule, type MembershipRule } from './membership-rule/parse.js';
import { deviceRuleSubject, evaluateRule, userRuleSubject } from './membership-rule/evaluate.js';
import type { GroupStore, UserStore } from './ports.js';
import { isDynamic, type Group, type MemberType } from './group.js';
import { assignedPlansOf } from './licenses.js';
import type { User } from './user.js';

const BATCH = 500;

export interface MembershipEngine {
  recomputeGroup(group: Group): Promise<{ added: number; removed: number }>;
  refreshUser(user: User): Promise<void>;
  refreshDevice(device: ManagedDevice): Promise<void>;
}

function activeRule(group: Group): MembershipRule | undefined {
  if (!isDynamic(group) || !group.membershipRule || group.membershipRuleProcessingState !== 'On') return undefined;
  return parseMembershipRule(group.membershipRule);
}

/** A user as rules see it: rule property names, and assignedPlans from the user's licenses. */
export const userSubject = (u: User): Record<string, unknown> => ({ ...userRuleSubject({ ...u }), assignedPlans: assignedPlansOf(u) });

export function membershipEngine(deps: { users: UserStore; groups: GroupStore; devices: ManagedDeviceStore; clock: Clock }): MembershipEngine {
  async function refresh(subjectType: 'user' | 'device', id: string, subject: Record<string, unknown>) {
    const now = deps.clock.now();
    for (const group of await deps.groups.dynamicGroups()) {
      let rule: MembershipRule | undefined;
      try {
        rule = activeRule(group);
      } catch (err) {
        // A stored rule that a newer parser refuses must not block every user or device change;
        // the group keeps its members until its rule is fixed (saving it reports the problem).
        if (err instanceof StewardError) continue;
        throw err;
      }
      if (!rule || rule.subject !== subjectType) continue;
      const wanted = evaluateRule(rule, subject, { now });
      const isMember = await deps.groups.isDirectMember(group.id, id);
      if (wanted && !isMember) await deps.groups.addMembers(group.id, [{ id, type: subjectType }], 'dynamic', now);
      if (!wanted && isMember) await deps.groups.removeMembers(group.id, [id]);
    }
  }

  return {
    async recomputeGroup(group) {
      const rule = activeRule(group);
      if (!rule) {
        if (!isDynamic(group)) await deps.groups.setMemberSource(group.id, 'assigned');
        return { added: 0, removed: 0 };
      }
      const now = deps.clock.now();
      const current = new Set(await deps.groups.memberIds(group.id));
      const wanted = new Set<string>();
      const add: { id: string; type: MemberType }[] = [];
      const consider = (id: string, type: MemberType, subject: Record<string, unknown>) => {
        if (!evaluateRule(rule, subject, { now })) return;
        wanted.add(id);
        if (!current.has(id)) add.push({ id, type });
      };
      if (rule.subject === 'user') {
        for await (const batch of deps.users.batches(BATCH)) for (const u of batch) consider(u.id, 'user', userSubject(u));
      } else {
        for await (const batch of deps.devices.batches(BATCH)) for (const d of batch) consider(d.id, 'device', deviceRuleSubject(d));
      }
      const remove = [...current].filter((id) => !wanted.has(id));
      await deps.groups.addMembers(group.id, add, 'dynamic', now);
      await deps.groups.removeMembers(group.id, remove);
      // Members kept from before (a static group made dynamic) now come from the rule too.
      await deps.groups.setMemberSource(group.id, 'dynamic');
      return { added: add.length, removed: remove.length };
    },
    refreshUser: (user) => refresh('user', user.id, userSubject(user)),
    refreshDevice: (device) => refresh('device', device.id, deviceRuleSubject(device)),
  };
}
