// A change in a group's members re-evaluates compliance of the affected devices at once, without a
// sweep (core/directory/membership-changes.ts → reevaluateForMembership), on SQLite and PostgreSQL:
// direct add and remove, a nested group, a dynamic rule's result, a deleted group; and the hook
// tells every registered listener.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { testDialects } from '../../store/testing.js';
import type { Database } from '../../store/database.js';
import { storePorts } from '../../store/ports.js';
import { makeCore, type Core } from '../deps.js';
import { systemClock } from '../clock.js';
import { aManagedDevice } from '../../../test/support/devices.js';
import { aGroup, aUser, addMembers } from '../../../test/support/rbac.js';
import type { CompliancePolicy } from './policy.js';
import type { ManagedDevice } from '../devices/managed-device.js';
import type { User } from '../directory/user.js';
import type { Group } from '../directory/group.js';
import { allScope } from '../rbac/scope.js';
import { removeGroupMember } from '../directory/group-members.js';
import { createGroup, deleteGroup } from '../directory/save-group.js';
import { updateUser } from '../directory/update-user.js';
import type { MembershipChange } from '../directory/membership-changes.js';

for (const dialect of testDialects()) {
  describe(`compliance follows group membership on ${dialect.name}`, () => {
    let database: Database;
    let core: Core;
    const heard: MembershipChange[] = [];
    before(async () => {
      database = await dialect.open();
      core = makeCore(storePorts(database), systemClock);
      core.onMembershipChanged.push(async (c) => { heard.push(c); });
    });
    after(async () => { await database.close(); });

    async function aPhone(userId: string | null, osVersion = '16.4'): Promise<ManagedDevice> {
      const d = aManagedDevice({ osVersion, userId, lastSyncDateTime: new Date().toISOString() });
      const { roleScopeTagIds: _t, ...record } = d;
      await core.devices.put(record);
      return d;
    }

    /** An iOS policy (OS 17 or later) assigned to the group. */
    async function policyFor(group: Group): Promise<CompliancePolicy> {
      const now = new Date().toISOString();
      const p: CompliancePolicy = {
        id: randomUUID(), type: 'iosCompliancePolicy', displayName: 'iOS 17', description: null, createdDateTime: now, lastModifiedDateTime: now,
        version: 1, roleScopeTagIds: ['0'], settings: { osMinimumVersion: '17.0' }, scheduledActionsForRule: [], assignments: [],
      };
      await core.compliancePolicies.create(p);
      await core.compliancePolicies.setAssignments(p.id, [{ id: 'a', target: { kind: 'group', groupId: group.id } }], new Date());
      return p;
    }

    const stateOf = async (d: ManagedDevice) => (await core.devices.get(d.id, allScope))?.complianceState;

    it('adding a user to an assigned group makes the user\'s device noncompliant at once; removing makes it compliant again', async () => {
      const ann: User = await aUser(core);
      const phone = await aPhone(ann.id);
      const tablet = await aPhone(ann.id, '18.0');
      const group = await aGroup(core);
      const policy = await policyFor(group);
      assert.equal(await stateOf(phone), 'unknown', 'not evaluated yet');
      await addMembers(core, group, ann.id);
      assert.equal(await stateOf(phone), 'noncompliant');
      assert.equal(await stateOf(tablet), 'compliant');
      assert.deepEqual(heard.at(-1), { groupId: group.id, memberIds: [ann.id], change: 'added' }, 'every listener hears the change');
      await removeGroupMember(core, { groupId: group.id, memberId: ann.id });
      assert.equal(await stateOf(phone), 'compliant', 'no policy any more (secureByDefault off)');
      assert.deepEqual((await core.complianceStates.forDevices([phone.id])).get(phone.id) ?? [], []);
      await core.compliancePolicies.delete(policy.id);
    });

    it('a nested group brings its members\' devices; deleting the assigned group releases them', async () => {
      const bob = await aUser(core);
      const phone = await aPhone(bob.id);
      const [outer, inner] = [await aGroup(core), await aGroup(core)];
      const policy = await policyFor(outer);
      await addMembers(core, inner, bob.id);
      assert.equal(await stateOf(phone), 'unknown', 'inner is not assigned: nothing to evaluate');
      await addMembers(core, outer, inner.id);
      assert.equal(await stateOf(phone), 'noncompliant');
      await core.compliancePolicies.setAssignments(policy.id, [{ id: 'a', target: { kind: 'group', groupId: outer.id } }, { id: 'b', target: { kind: 'group', groupId: inner.id } }], new Date());
      await core.compliancePolicies.setAssignments(policy.id, [{ id: 'a', target: { kind: 'group', groupId: outer.id } }], new Date());
      await deleteGroup(core, { id: outer.id });
      assert.equal(await stateOf(phone), 'compliant');
      await core.compliancePolicies.delete(policy.id);
    });

    it('a dynamic rule that starts selecting a user re-evaluates the user\'s device', async () => {
      const cara = await aUser(core);
      const phone = await aPhone(cara.id);
      const sales = await createGroup({ groups: core.groups, clock: core.clock, onRuleChanged: async (g) => { await core.memberships.recomputeGroup(g); } }, {
        displayName: 'Sales', mailNickname: `sales${randomUUID().slice(0, 6)}`, groupTypes: ['DynamicMembership'], membershipRule: 'user.department -eq "Sales"',
      });
      const policy = await policyFor(sales);
      await updateUser({ users: core.users, onUserChanged: (u) => core.memberships.refreshUser(u) }, { id: cara.id, scope: allScope, changes: { department: 'Sales' } });
      assert.equal(await stateOf(phone), 'noncompliant');
      await updateUser({ users: core.users, onUserChanged: (u) => core.memberships.refreshUser(u) }, { id: cara.id, scope: allScope, changes: { department: 'Legal' } });
      assert.equal(await stateOf(phone), 'compliant');
      await core.compliancePolicies.delete(policy.id);
    });
  });
}
