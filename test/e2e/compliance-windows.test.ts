// Compliance end to end on a simulated Windows PC (sim/windows) over OMA-DM with mutual TLS: the PC
// enrolls and reports its inventory (DevDetail SwV, the device lock in effect from the Policy
// CSP's Result node); an admin assigns a windows10CompliancePolicy through Graph to a group the
// PC's user is in; the PC is noncompliant for exactly its old build and its missing password, and
// comes back when the policy's minimum is lowered, when the person sets a password, when Windows
// Update installs a newer build, and when a passwordRequired configuration profile (Policy CSP
// DeviceLock/DevicePasswordEnabled) turns the device lock on: each after the PC reports again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../src/store/testing.js';
import type { Database } from '../../src/store/database.js';
import { allScope } from '../../src/core/rbac/scope.js';
import { bearer } from '../support/http.js';
import { directoryClient } from '../support/directory.js';
import { anEnrolledPC, managementTestApp, type ManagementTestApp } from '../support/windows-management.js';

const admin = bearer(
  'Microsoft.Intune_ManagedDevices_Read', 'Microsoft.Intune_RemoteTasks_SyncDevice',
  'Microsoft.Intune_DeviceCompliancePolices_Read', 'Microsoft.Intune_DeviceCompliancePolices_Create',
  'Microsoft.Intune_DeviceCompliancePolices_Update', 'Microsoft.Intune_DeviceCompliancePolices_Assign',
  'Microsoft.Intune_DeviceConfigurations_Read', 'Microsoft.Intune_DeviceConfigurations_Create', 'Microsoft.Intune_DeviceConfigurations_Assign',
);
const POLICIES = '/v1.0/deviceManagement/deviceCompliancePolicies';
const DEVICE_LOCK = './Device/Vendor/MSFT/Policy/Config/DeviceLock/DevicePasswordEnabled';
const OLD_BUILD = '10.0.19045.5011'; // Windows 10 22H2
const NEW_BUILD = '10.0.26100.2314'; // Windows 11 24H2

interface PolicyState { id: string; state: string; settingStates: { setting: string; settingName: string; state: string; currentValue: string | null }[] }

for (const dialect of testDialects()) {
  describe(`compliance of a simulated Windows PC on ${dialect.name}`, () => {
    let database: Database;
    let t: ManagementTestApp;
    before(async () => {
      database = await dialect.open();
      t = await managementTestApp(database);
    });
    after(async () => {
      await t.close();
      await database.close();
    });

    const send = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => t.app.inject({ method, url, headers: admin, ...(payload ? { payload } : {}) });
    const device = async (id: string) => {
      const res = await send('GET', `/v1.0/deviceManagement/managedDevices/${id}`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{ complianceState: string; osVersion: string }>();
    };
    const policyStates = async (id: string) => {
      const res = await send('GET', `/v1.0/deviceManagement/managedDevices/${id}/deviceCompliancePolicyStates`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{ value: PolicyState[] }>().value;
    };
    const settings = (state: PolicyState | undefined) => state?.settingStates.map((s) => [s.settingName, s.state, s.currentValue]);
    const patch = async (policyId: string, body: object) => {
      const res = await send('PATCH', `${POLICIES}/${policyId}`, { '@odata.type': '#microsoft.graph.windows10CompliancePolicy', ...body });
      assert.equal(res.statusCode, 204, res.body);
    };
    /** What an admin's "Sync" does: the inventory Gets go out at the PC's next session, whose answers re-evaluate it. */
    const syncDevice = async (id: string) => {
      const res = await send('POST', `/v1.0/deviceManagement/managedDevices/${id}/syncDevice`);
      assert.equal(res.statusCode, 204, res.body);
    };

    it('is noncompliant for its old build and its missing password, and compliant when each is fixed', async () => {
      const { pc, enrollmentId: id } = await anEnrolledPC(t, { hardware: { osVersion: OLD_BUILD, devicePasswordEnabled: false } });
      await pc.sync(); // the first session: inventory
      assert.equal((await device(id)).osVersion, OLD_BUILD);

      // A group with the PC's user in it: the policy reaches the devices whose primary user they are.
      const userId = (await t.core.devices.get(id, allScope))?.userId;
      assert.ok(userId);
      const directory = directoryClient(t.app);
      const staff = await directory.createGroup();
      assert.equal((await directory.addMember(staff.id, userId)).statusCode, 204);

      const created = await send('POST', POLICIES, {
        '@odata.type': '#microsoft.graph.windows10CompliancePolicy', displayName: 'Windows 11 with a password', osMinimumVersion: '10.0.22631', passwordRequired: true,
        scheduledActionsForRule: [{ ruleName: 'PasswordRequired', scheduledActionConfigurations: [{ actionType: 'block', gracePeriodHours: 0, notificationTemplateId: '' }] }],
      });
      assert.equal(created.statusCode, 201, created.body);
      const policyId = created.json<{ id: string }>().id;
      const assigned = await send('POST', `${POLICIES}/${policyId}/assign`, {
        assignments: [{ target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: staff.id } }],
      });
      assert.equal(assigned.statusCode, 200, assigned.body);

      // Exactly two reasons: the build below the minimum, and no password required to sign in.
      assert.equal((await device(id)).complianceState, 'noncompliant');
      const [state, ...others] = await policyStates(id);
      assert.deepEqual(others, []);
      assert.equal(state?.id, policyId);
      assert.equal(state?.state, 'nonCompliant');
      assert.deepEqual(settings(state), [['passwordRequired', 'nonCompliant', 'false'], ['osMinimumVersion', 'nonCompliant', OLD_BUILD]]);
      assert.deepEqual(state?.settingStates.map((s) => s.setting), ['windows10CompliancePolicy.passwordRequired', 'windows10CompliancePolicy.osMinimumVersion']);

      // The admin lowers the minimum: re-evaluated at once; only the password is left.
      await patch(policyId, { osMinimumVersion: '10.0.19045' });
      assert.equal((await device(id)).complianceState, 'noncompliant');
      assert.deepEqual(settings((await policyStates(id))[0]), [['passwordRequired', 'nonCompliant', 'false'], ['osMinimumVersion', 'compliant', OLD_BUILD]]);

      // The person sets a password; nothing changes until the PC reports it.
      pc.tree.setDevicePassword(true);
      await pc.sync();
      assert.equal((await device(id)).complianceState, 'noncompliant', 'no inventory was asked for: the last report stands');
      await syncDevice(id);
      await pc.sync();
      assert.equal((await device(id)).complianceState, 'compliant');
      assert.deepEqual(settings((await policyStates(id))[0]), [['passwordRequired', 'compliant', 'true'], ['osMinimumVersion', 'compliant', OLD_BUILD]]);

      // The admin raises the minimum above the PC's build: noncompliant at once.
      await patch(policyId, { osMinimumVersion: '10.0.26100' });
      assert.equal((await device(id)).complianceState, 'noncompliant');
      assert.deepEqual(settings((await policyStates(id))[0]), [['passwordRequired', 'compliant', 'true'], ['osMinimumVersion', 'nonCompliant', OLD_BUILD]]);

      // Windows Update installs 24H2, and the PC reports it: compliant.
      pc.tree.installUpdate(NEW_BUILD);
      await syncDevice(id);
      await pc.sync();
      assert.equal((await device(id)).osVersion, NEW_BUILD);
      assert.equal((await device(id)).complianceState, 'compliant');
      assert.deepEqual(settings((await policyStates(id))[0]), [['passwordRequired', 'compliant', 'true'], ['osMinimumVersion', 'compliant', NEW_BUILD]]);
      const statuses = await send('GET', `${POLICIES}/${policyId}/deviceStatuses`);
      assert.equal(statuses.statusCode, 200, statuses.body);
      assert.deepEqual(statuses.json<{ value: { status: string }[] }>().value.map((s) => s.status), ['compliant']);
    });

    it('comes back when a passwordRequired configuration profile turns the device lock on, as Intune remediates', async () => {
      const { pc, enrollmentId: id } = await anEnrolledPC(t, { hardware: { osVersion: NEW_BUILD, devicePasswordEnabled: false } });
      await pc.sync();
      const created = await send('POST', POLICIES, {
        '@odata.type': '#microsoft.graph.windows10CompliancePolicy', displayName: 'A password', passwordRequired: true,
        scheduledActionsForRule: [{ ruleName: 'PasswordRequired', scheduledActionConfigurations: [{ actionType: 'block', gracePeriodHours: 0, notificationTemplateId: '' }] }],
      });
      assert.equal(created.statusCode, 201, created.body);
      const policyId = created.json<{ id: string }>().id;
      const everyDevice = [{ target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' } }];
      assert.equal((await send('POST', `${POLICIES}/${policyId}/assign`, { assignments: everyDevice })).statusCode, 200);
      assert.equal((await device(id)).complianceState, 'noncompliant');

      const profile = await send('POST', '/v1.0/deviceManagement/deviceConfigurations', {
        '@odata.type': '#microsoft.graph.windows10GeneralConfiguration', displayName: 'Sign-in password', passwordRequired: true, passwordMinimumLength: 8,
      });
      assert.equal(profile.statusCode, 201, profile.body);
      const profileId = profile.json<{ id: string }>().id;
      assert.equal((await send('POST', `/v1.0/deviceManagement/deviceConfigurations/${profileId}/assign`, { assignments: everyDevice })).statusCode, 200);
      await pc.sync(); // the profile's DeviceLock nodes arrive
      assert.equal(pc.tree.value(DEVICE_LOCK), '0');
      await syncDevice(id);
      await pc.sync(); // and the PC reports the device lock in effect
      assert.equal((await device(id)).complianceState, 'compliant');
      assert.deepEqual(settings((await policyStates(id)).find((s) => s.id === policyId)), [['passwordRequired', 'compliant', 'true']]);
    });
  });
}
