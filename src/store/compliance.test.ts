// The compliance stores on real SQLite and PostgreSQL, and assignment resolution and batch
// re-evaluation over them: nested groups, users' devices, exclusions, all devices, all licensed users.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { testDialects } from './testing.js';
import type { Database } from './database.js';
import { storePorts } from './ports.js';
import { makeCore, type Core } from '../core/deps.js';
import type { Clock } from '../core/clock.js';
import { aManagedDevice } from '../../test/support/devices.js';
import { aGroup, aUser, addMembers } from '../../test/support/rbac.js';
import { stewardSku } from '../core/directory/licenses.js';
import { resolveTargets, isTargeted, isTargetedByMembership } from '../core/compliance/assignment-targets.js';
import { reevaluateDevices, reevaluateFleet } from '../core/compliance/reevaluate.js';
import type { AssignmentTarget, CompliancePolicy } from '../core/compliance/policy.js';
import type { ManagedDevice } from '../core/devices/managed-device.js';
import { allScope } from '../core/rbac/scope.js';
import { runMaintenance } from '../core/maintenance.js';
import { updateTenantSettings } from '../core/settings/tenant-settings.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');

function aPolicy(overrides: Partial<CompliancePolicy> = {}): CompliancePolicy {
  return {
    id: randomUUID(), type: 'iosCompliancePolicy', displayName: 'iOS baseline', description: null, createdDateTime: NOW.toISOString(), lastModifiedDateTime: NOW.toISOString(),
    version: 1, roleScopeTagIds: ['0'], settings: { osMinimumVersion: '17.0' }, scheduledActionsForRule: [], assignments: [], ...overrides,
  };
}

for (const dialect of testDialects()) {
  describe(`compliance stores on ${dialect.name}`, () => {
    let database: Database;
    let core: Core;
    before(async () => {
      database = await dialect.open();
      const clock: Clock = { now: () => NOW };
      core = makeCore(storePorts(database), clock);
    });
    after(async () => { await database.close(); });

    async function aDevice(overrides: Partial<ManagedDevice> = {}): Promise<ManagedDevice> {
      const d = aManagedDevice({ lastSyncDateTime: NOW.toISOString(), ...overrides });
      const { roleScopeTagIds: _t, ...record } = d;
      await core.devices.put(record);
      return d;
    }

    it('keeps a policy with its settings, actions and assignments in order', async () => {
      const p = aPolicy({ scheduledActionsForRule: [{ ruleName: 'PasswordRequired', scheduledActionConfigurations: [{ actionType: 'block', gracePeriodHours: 12, notificationTemplateId: '', notificationMessageCCList: [] }] }] });
      await core.compliancePolicies.create(p);
      const targets: AssignmentTarget[] = [{ kind: 'exclusionGroup', groupId: 'g2' }, { kind: 'allDevices' }, { kind: 'group', groupId: 'g1' }];
      assert.equal(await core.compliancePolicies.setAssignments(p.id, targets.map((target, i) => ({ id: `a${i}`, target })), NOW), true);
      const read = await core.compliancePolicies.get(p.id);
      assert.deepEqual(read, { ...p, assignments: targets.map((target, i) => ({ id: `a${i}`, target })) });
      assert.equal(await core.compliancePolicies.update({ ...p, displayName: 'renamed', version: 2 }), true);
      assert.equal((await core.compliancePolicies.get(p.id))?.displayName, 'renamed');
      assert.equal(await core.compliancePolicies.delete(p.id), true);
      assert.equal(await core.compliancePolicies.get(p.id), undefined);
      assert.equal(await core.compliancePolicies.setAssignments(p.id, [], NOW), false);
    });

    it('resolves targets: nested groups, users\' devices, exclusion wins, all devices, all licensed users', async () => {
      const [ann, bob, carl] = [await aUser(core), await aUser(core), await aUser(core)];
      await core.users.changeLicenses(ann.id, [{ skuId: stewardSku.skuId, disabledPlans: [] }], [], NOW);
      const annPhone = await aDevice({ userId: ann.id });
      const bobPhone = await aDevice({ userId: bob.id });
      const carlPhone = await aDevice({ userId: carl.id });
      const kiosk = await aDevice();
      const [outer, inner, excluded] = [await aGroup(core), await aGroup(core), await aGroup(core)];
      await addMembers(core, outer, inner.id, kiosk.id);
      await addMembers(core, inner, ann.id, bob.id);
      await addMembers(core, excluded, bob.id);
      const licensed = new Map([[ann.id, true]]);
      const view = (d: ManagedDevice) => ({ id: d.id, userId: d.userId, userLicensed: licensed.get(d.userId ?? '') ?? false });
      const targeted = async (targets: AssignmentTarget[]) => {
        const r = await resolveTargets(core, targets);
        const devices = [annPhone, bobPhone, carlPhone, kiosk];
        const byGroups = await Promise.all(devices.map(async (d) => {
          const groups = [...await core.groups.transitiveMemberOf(d.id), ...(d.userId ? await core.groups.transitiveMemberOf(d.userId) : [])];
          return isTargetedByMembership(targets, new Set(groups.map((g) => g.id)), view(d));
        }));
        const byTargets = devices.map((d) => isTargeted(r, view(d)));
        assert.deepEqual(byGroups, byTargets, 'both ways of resolving agree');
        return byTargets;
      };
      assert.deepEqual(await targeted([{ kind: 'group', groupId: outer.id }]), [true, true, false, true]);
      assert.deepEqual(await targeted([{ kind: 'group', groupId: outer.id }, { kind: 'exclusionGroup', groupId: excluded.id }]), [true, false, false, true]);
      assert.deepEqual(await targeted([{ kind: 'allDevices' }, { kind: 'exclusionGroup', groupId: inner.id }]), [false, false, true, true]);
      assert.deepEqual(await targeted([{ kind: 'allLicensedUsers' }]), [true, false, false, false]);
      assert.deepEqual(await targeted([]), [false, false, false, false]);
    });

    it('re-evaluates in batches: states per device and policy, complianceState, idempotent, stale states removed', async () => {
      const group = await aGroup(core);
      const oldPhone = await aDevice({ osVersion: '16.4' });
      const newPhone = await aDevice({ osVersion: '18.1' });
      const mac = await aDevice({ operatingSystem: 'macOS', osVersion: '14.5' });
      await addMembers(core, group, oldPhone.id, newPhone.id, mac.id);
      const p = aPolicy();
      await core.compliancePolicies.create(p);
      await core.compliancePolicies.setAssignments(p.id, [{ id: 'a', target: { kind: 'group', groupId: group.id } }], NOW);
      const ids = [oldPhone.id, newPhone.id, mac.id];
      await reevaluateDevices(core, ids);
      await reevaluateDevices(core, ids);
      const byDevice = await core.complianceStates.forDevices(ids);
      assert.deepEqual(ids.map((id) => byDevice.get(id)?.map((s) => s.status)), [['nonCompliant'], ['compliant'], ['notApplicable']]);
      assert.deepEqual((await core.devices.getMany(ids, allScope)).sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id)).map((d) => d.complianceState), ['noncompliant', 'compliant', 'compliant']);
      assert.equal((await core.complianceStates.forPolicy(p.id)).length, 3);
      // Unassigned: the states go, the devices have no policy (secureByDefault off: compliant).
      await core.compliancePolicies.setAssignments(p.id, [], NOW);
      const { devices } = await reevaluateFleet(core, 2);
      assert.ok(devices >= 3);
      assert.equal((await core.complianceStates.forPolicy(p.id)).length, 0);
      assert.equal((await core.devices.get(oldPhone.id, allScope))?.complianceState, 'compliant');
      await core.compliancePolicies.delete(p.id);
    });

    it('no state outlives its policy: a write names a deleted policy, or a delete races a batch being written', async () => {
      const device = await aDevice({ osVersion: '16.4' });
      const state = { deviceId: device.id, policyId: randomUUID(), status: 'compliant' as const, settingStates: [], settingStatesJson: '[]', replaces: false, policyVersion: 1,
        noncompliantSince: null, graceExpiresAt: null, evaluatedAt: NOW.toISOString(), deviceName: null, deviceModel: null, userName: null, userPrincipalName: null };
      await core.complianceStates.write({ upserts: [state], removals: [], overall: new Map() });
      assert.deepEqual(await core.complianceStates.forDevices([device.id]), new Map(), 'a state of a policy that does not exist is not written');
      // A state taken for new (none stored when read) that a replica has written meanwhile is
      // replaced, and the rest of the batch still goes in.
      const p0 = aPolicy();
      await core.compliancePolicies.create(p0);
      const other = await aDevice();
      const settings = [{ setting: 'iosCompliancePolicy.osMinimumVersion', settingName: 'osMinimumVersion', state: 'nonCompliant' as const, currentValue: '16.4' }];
      await core.complianceStates.write({ upserts: [{ ...state, policyId: p0.id }], removals: [], overall: new Map() });
      await core.complianceStates.write({
        upserts: [{ ...state, policyId: p0.id, status: 'nonCompliant', settingStates: settings, settingStatesJson: JSON.stringify(settings) }, { ...state, deviceId: other.id, policyId: p0.id }], removals: [], overall: new Map(),
      });
      assert.deepEqual([...(await core.complianceStates.forDevices([device.id, other.id])).values()].flat().map((s) => [s.deviceId, s.status, s.settingStates]),
        [[device.id, 'nonCompliant', settings], [other.id, 'compliant', []]].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
      await core.compliancePolicies.delete(p0.id);

      const devices = [device, ...await Promise.all(Array.from({ length: 30 }, () => aDevice()))].map((d) => d.id);
      for (let round = 0; round < 8; round++) {
        const p = aPolicy();
        await core.compliancePolicies.create(p);
        await core.compliancePolicies.setAssignments(p.id, [{ id: 'a', target: { kind: 'allDevices' } }], NOW);
        // The delete lands before, during or after the batch's write, depending on the round.
        await Promise.all([reevaluateDevices(core, devices), (async () => {
          for (let i = 0; i < round; i++) await new Promise((r) => setImmediate(r));
          assert.equal(await core.compliancePolicies.delete(p.id), true);
        })()]);
        const left = [...(await core.complianceStates.forDevices(devices)).values()].flat().filter((s) => s.policyId === p.id);
        assert.deepEqual(left, [], `round ${round}: no state of the deleted policy`);
      }
    });

    it('two replicas sweeping the fleet at once write the same states, neither failing', async () => {
      const devices = await Promise.all(Array.from({ length: 40 }, (_, i) => aDevice({ osVersion: i % 2 ? '16.4' : '18.1' })));
      const replica = makeCore(storePorts(database), { now: () => NOW });
      for (let round = 0; round < 3; round++) {
        const p = aPolicy();
        await core.compliancePolicies.create(p);
        await core.compliancePolicies.setAssignments(p.id, [{ id: 'a', target: { kind: 'allDevices' } }], NOW);
        // Different batch sizes: the replicas' batches overlap without lining up.
        await Promise.all([reevaluateFleet(core, 7), reevaluateFleet(replica, 5)]);
        const states = new Map((await core.complianceStates.forPolicy(p.id)).map((s) => [s.deviceId, s.status]));
        assert.deepEqual(devices.map((d) => states.get(d.id)), devices.map((_, i) => (i % 2 ? 'nonCompliant' : 'compliant')), `round ${round}`);
        await core.compliancePolicies.delete(p.id);
      }
    });

    it('stores any text a device or user name holds, as it is', async () => {
      const p = aPolicy();
      await core.compliancePolicies.create(p);
      const names = ['a"b\\c{d},e', 'NULL', '', ' spaced ', 'Zoë’s iPhone 📱', '\\"', '{}', 'back\\nslash', 'line\nbreak\ttab'];
      const devices = await Promise.all(names.map(() => aDevice()));
      const settings = [{ setting: 'iosCompliancePolicy.osMinimumVersion', settingName: 'osMinimumVersion', state: 'nonCompliant' as const, currentValue: 'a "quoted" \\ value' }];
      const upserts = devices.map((d, i) => ({
        deviceId: d.id, policyId: p.id, status: 'nonCompliant' as const, settingStates: settings, settingStatesJson: JSON.stringify(settings), replaces: false, policyVersion: 3,
        noncompliantSince: NOW.toISOString(), graceExpiresAt: null, evaluatedAt: NOW.toISOString(), deviceName: names[i]!, deviceModel: i % 2 ? null : names[i]!, userName: names[i]!, userPrincipalName: null,
      }));
      // Two batches: texts an array literal quotes as JSON does, then texts with control characters.
      for (const part of [upserts.slice(0, 7), upserts.slice(7)]) {
        await core.complianceStates.write({ upserts: part, removals: [], overall: new Map(part.map((u) => [u.deviceId, 'noncompliant'])) });
      }
      const read = await core.complianceStates.forPolicy(p.id);
      const { settingStatesJson: _j, replaces: _r, ...expected } = upserts[0]!;
      assert.deepEqual(read.find((s) => s.deviceId === devices[0]!.id), expected);
      assert.deepEqual(devices.map((d) => read.find((s) => s.deviceId === d.id)?.deviceName), names);
      assert.deepEqual(devices.map((d) => read.find((s) => s.deviceId === d.id)?.deviceModel), names.map((n, i) => (i % 2 ? null : n)));
      assert.deepEqual((await core.devices.getMany(devices.map((d) => d.id), allScope)).map((d) => d.complianceState), names.map(() => 'noncompliant'));
      await core.compliancePolicies.delete(p.id);
    });

    it('the maintenance sweep marks devices not seen within the threshold noncompliant; secureByDefault decides for devices without policy', async () => {
      const stale = await aDevice({ lastSyncDateTime: new Date(NOW.getTime() - 31 * 86_400_000).toISOString() });
      const fresh = await aDevice();
      const report = await runMaintenance(core);
      assert.ok(report.complianceEvaluated >= 2);
      assert.equal((await core.devices.get(stale.id, allScope))?.complianceState, 'noncompliant');
      assert.equal((await core.devices.get(fresh.id, allScope))?.complianceState, 'compliant');
      await updateTenantSettings(core, { secureByDefault: true });
      await runMaintenance(core);
      assert.equal((await core.devices.get(fresh.id, allScope))?.complianceState, 'noncompliant');
      await updateTenantSettings(core, { secureByDefault: false });
    });
  });
}
