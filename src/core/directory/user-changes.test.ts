// A user's licence, account or deletion reaches their devices at once, without a sweep
// (directory/user-changes.ts → Core.onUsersChanged), on SQLite and PostgreSQL: a compliance policy
// and configuration profiles assigned to allLicensedUsersAssignmentTarget follow assignLicense and
// accountEnabled both ways (state dropped, RemoveProfile / Delete queued; evaluated and installed
// again), and deleting the user takes every user-targeted assignment (allLicensedUsers, the user's
// groups) from their devices, which keep the user as their primary user.
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
import type { ManagedDevice } from '../devices/managed-device.js';
import type { AssignmentTarget } from '../assignments/targets.js';
import { allScope } from '../rbac/scope.js';
import { assignLicense } from './assign-license.js';
import { updateUser } from './update-user.js';
import { deleteUser } from './read-users.js';
import { stewardSku } from './licenses.js';
import type { UsersChange } from './user-changes.js';

const ALL_LICENSED: AssignmentTarget = { kind: 'allLicensedUsers' };

for (const dialect of testDialects()) {
  describe(`policies follow a user's licence, account and deletion on ${dialect.name}`, () => {
    let database: Database;
    let core: Core;
    const heard: UsersChange[] = [];
    before(async () => {
      database = await dialect.open();
      core = makeCore(storePorts(database), systemClock);
      core.onUsersChanged.push(async (c) => { heard.push(c); });
    });
    after(async () => { await database.close(); });

    async function aDevice(userId: string, overrides: Partial<ManagedDevice> = {}): Promise<ManagedDevice> {
      const d = aManagedDevice({ osVersion: '16.4', userId, lastSyncDateTime: new Date().toISOString(), ...overrides });
      const { roleScopeTagIds: _t, ...record } = d;
      await core.devices.put(record);
      return d;
    }

    /** An iOS policy (OS 17 or later), an iOS and a Windows profile, each assigned to `target`. */
    async function assignedTo(target: AssignmentTarget) {
      const now = new Date().toISOString();
      const policy = randomUUID();
      await core.compliancePolicies.create({
        id: policy, type: 'iosCompliancePolicy', displayName: 'iOS 17', description: null, createdDateTime: now, lastModifiedDateTime: now,
        version: 1, roleScopeTagIds: ['0'], settings: { osMinimumVersion: '17.0' }, scheduledActionsForRule: [], assignments: [],
      });
      await core.compliancePolicies.setAssignments(policy, [{ id: 'a', target }], new Date());
      const profile = async (odataType: string) => {
        const id = randomUUID();
        await core.deviceConfigurations.create({ id, odataType, displayName: odataType, description: null, version: 1, createdDateTime: now, lastModifiedDateTime: now, roleScopeTagIds: ['0'], settings: { cameraBlocked: true } });
        await core.configurationDelivery.setAssignments(id, [{ id: `${id}_a`, target }]);
        return id;
      };
      return { policy, ios: await profile('iosGeneralDeviceConfiguration'), windows: await profile('windows10GeneralConfiguration') };
    }

    const license = (userId: string, add: boolean) => assignLicense(core, {
      id: userId, scope: allScope, addLicenses: add ? [{ skuId: stewardSku.skuId, disabledPlans: [] }] : [], removeLicenses: add ? [] : [stewardSku.skuId],
    });
    const policyStates = async (d: ManagedDevice) => ((await core.complianceStates.forDevices([d.id])).get(d.id) ?? []).map((s) => s.policyId);
    const profileState = async (d: ManagedDevice, configurationId: string) => ((await core.configurationDelivery.forDevices([d.id])).get(d.id) ?? []).find((s) => s.configurationId === configurationId);
    /** Commands queued for the device whose requestType starts with the verb (Windows names the nodes after it). */
    const queued = async (d: ManagedDevice, verb: string) => (await core.commands.forEnrollment(d.id)).filter((c) => c.requestType.split(' ')[0] === verb).length;
    /** Each test's assignments go with it: allLicensedUsers reaches every test's users. */
    const unassign = async (...sets: { policy: string; ios: string; windows: string }[]) => {
      for (const a of sets) {
        await core.compliancePolicies.delete(a.policy);
        for (const id of [a.ios, a.windows]) await core.configurationDelivery.setAssignments(id, []);
      }
    };

    it('removing a licence takes allLicensedUsers assignments from the user\'s devices at once; adding it gives them back', async () => {
      const ann = await aUser(core);
      const phone = await aDevice(ann.id);
      const pc = await aDevice(ann.id, { operatingSystem: 'Windows', osVersion: '10.0.22631.2861', deviceName: 'PC', model: 'Surface', manufacturer: 'Microsoft' });
      const { policy, ios, windows } = await assignedTo(ALL_LICENSED);
      assert.deepEqual(await policyStates(phone), [], 'nothing evaluated yet');

      await license(ann.id, true);
      assert.deepEqual(heard.at(-1), { userIds: [ann.id], change: 'licenses' });
      assert.deepEqual(await policyStates(phone), [policy]);
      assert.equal((await core.devices.get(phone.id, allScope))?.complianceState, 'noncompliant');
      assert.equal((await profileState(phone, ios))?.status, 'pending');
      assert.equal((await profileState(pc, windows))?.status, 'pending');
      assert.equal(await profileState(phone, windows), undefined, 'a profile reaches its own platform only');

      await license(ann.id, false);
      assert.deepEqual(await policyStates(phone), []);
      assert.equal((await core.devices.get(phone.id, allScope))?.complianceState, 'compliant', 'no policy any more (secureByDefault off)');
      assert.equal((await profileState(phone, ios))?.status, 'removing');
      assert.equal(await queued(phone, 'RemoveProfile'), 1);
      assert.equal((await profileState(pc, windows))?.status, 'removing');
      assert.equal(await queued(pc, 'Delete'), 1);

      await license(ann.id, true);
      assert.deepEqual(await policyStates(phone), [policy]);
      assert.equal((await profileState(phone, ios))?.status, 'pending');
      assert.equal((await profileState(pc, windows))?.status, 'pending');
      assert.equal(await queued(phone, 'InstallProfile'), 2);
      await unassign({ policy, ios, windows });
    });

    it('disabling the account does the same, and enabling it gives them back', async () => {
      const bob = await aUser(core);
      const phone = await aDevice(bob.id);
      const assigned = await assignedTo(ALL_LICENSED);
      const { policy, ios } = assigned;
      await license(bob.id, true);
      assert.deepEqual(await policyStates(phone), [policy]);

      await updateUser(core, { id: bob.id, scope: allScope, changes: { accountEnabled: false } });
      assert.deepEqual(heard.at(-1), { userIds: [bob.id], change: 'updated' });
      assert.deepEqual(await policyStates(phone), []);
      assert.equal((await profileState(phone, ios))?.status, 'removing');
      assert.equal(await queued(phone, 'RemoveProfile'), 1);

      const before = heard.length;
      await updateUser(core, { id: bob.id, scope: allScope, changes: { jobTitle: 'Engineer' } });
      assert.equal(heard.length, before, 'a property no assignment depends on tells nobody');

      await updateUser(core, { id: bob.id, scope: allScope, changes: { accountEnabled: true } });
      assert.deepEqual(await policyStates(phone), [policy]);
      assert.equal((await profileState(phone, ios))?.status, 'pending');
      await unassign(assigned);
    });

    it('deleting the user takes allLicensedUsers and the user\'s groups\' assignments from the devices, which keep their primary user', async () => {
      const cara = await aUser(core);
      const phone = await aDevice(cara.id);
      const staff = await aGroup(core);
      await addMembers(core, staff, cara.id);
      const licensed = await assignedTo(ALL_LICENSED);
      const grouped = await assignedTo({ kind: 'group', groupId: staff.id });
      await license(cara.id, true);
      assert.deepEqual((await policyStates(phone)).sort(), [licensed.policy, grouped.policy].sort());

      await deleteUser(core, { id: cara.id, scope: allScope });
      assert.deepEqual(heard.at(-1), { userIds: [cara.id], change: 'deleted' });
      assert.deepEqual(await policyStates(phone), []);
      assert.equal((await profileState(phone, licensed.ios))?.status, 'removing');
      assert.equal((await profileState(phone, grouped.ios))?.status, 'removing');
      assert.equal(await queued(phone, 'RemoveProfile'), 2);
      const device = await core.devices.get(phone.id, allScope);
      assert.equal(device?.userId, cara.id, 'the primary user stays, as before');
      await unassign(licensed, grouped);
    });
  });
}
