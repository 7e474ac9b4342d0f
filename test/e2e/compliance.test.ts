// Compliance end to end: a simulated iPhone (sim/apple) enrolls and reports its inventory over
// Apple's protocol; an admin assigns an iOS compliance policy through Graph; the iPhone falls out
// of compliance when the OS minimum is above its version or its passcode is removed, and comes
// back when the policy changes or the device is fixed and reports again (the inventory hook).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../src/store/testing.js';
import { enqueueInventory } from '../../src/core/apple/inventory-commands.js';
import { appleTestAppFor, enrolledDevice } from '../support/apple.js';
import { bearer } from '../support/http.js';

const admin = bearer(
  'Microsoft.Intune_ManagedDevices_Read', 'Microsoft.Intune_DeviceCompliancePolices_Read', 'Microsoft.Intune_DeviceCompliancePolices_Create',
  'Microsoft.Intune_DeviceCompliancePolices_Update', 'Microsoft.Intune_DeviceCompliancePolices_Assign',
);

interface PolicyState { state: string; settingStates: { settingName: string; state: string; currentValue: string | null }[] }

for (const dialect of testDialects()) {
  describe(`compliance of a simulated iPhone on ${dialect.name}`, () => {
    const app = appleTestAppFor(dialect);

    const complianceState = async (id: string) => {
      const res = await app.t.app.inject({ url: `/v1.0/deviceManagement/managedDevices/${id}`, headers: admin });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{ complianceState: string }>().complianceState;
    };
    const policyStates = async (id: string) => {
      const res = await app.t.app.inject({ url: `/v1.0/deviceManagement/managedDevices/${id}/deviceCompliancePolicyStates`, headers: admin });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{ value: PolicyState[] }>().value;
    };
    const patch = async (policyId: string, body: object) => {
      const res = await app.t.app.inject({ method: 'PATCH', url: `/beta/deviceManagement/deviceCompliancePolicies/${policyId}`, headers: admin, payload: body });
      assert.equal(res.statusCode, 204, res.body);
    };

    it('falls out of compliance with an OS minimum above its version and with no passcode, and comes back', async () => {
      const { device, id } = await enrolledDevice(app.t, 'iPhone', { passcodePresent: true });
      await device.connect(); // answers the inventory queued at enrollment
      assert.equal(device.state.hardware.osVersion, '18.1');

      const res = await app.t.app.inject({ method: 'POST', url: '/beta/deviceManagement/deviceCompliancePolicies', headers: admin, payload: {
        '@odata.type': '#microsoft.graph.iosCompliancePolicy', displayName: 'iOS 19 or later', osMinimumVersion: '19.0', passcodeRequired: true,
        scheduledActionsForRule: [{ ruleName: 'PasswordRequired', scheduledActionConfigurations: [{ actionType: 'block', gracePeriodHours: 0, notificationTemplateId: '' }] }],
      } });
      assert.equal(res.statusCode, 201, res.body);
      const policyId = res.json<{ id: string }>().id;
      const assigned = await app.t.app.inject({ method: 'POST', url: `/beta/deviceManagement/deviceCompliancePolicies/${policyId}/assign`, headers: admin, payload: {
        assignments: [{ target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' } }],
      } });
      assert.equal(assigned.statusCode, 200, assigned.body);

      assert.equal(await complianceState(id), 'noncompliant');
      const [state] = await policyStates(id);
      assert.equal(state?.state, 'nonCompliant');
      assert.deepEqual(state?.settingStates.map((s) => [s.settingName, s.state, s.currentValue]), [['passcodeRequired', 'compliant', 'true'], ['osMinimumVersion', 'nonCompliant', '18.1']]);

      // The admin lowers the minimum: compliant again.
      await patch(policyId, { osMinimumVersion: '18.0' });
      assert.equal(await complianceState(id), 'compliant');

      // The user removes the passcode; the next inventory says so, and the device is noncompliant.
      device.state.passcodePresent = false;
      await enqueueInventory(app.t.core, { enrollmentIds: [id], reason: 'syncDevice' });
      await device.connect();
      assert.equal(await complianceState(id), 'noncompliant');
      assert.deepEqual((await policyStates(id))[0]?.settingStates.find((s) => s.settingName === 'passcodeRequired')?.state, 'nonCompliant');

      // A passcode again and an OS update above a raised minimum: compliant after the next report.
      await patch(policyId, { osMinimumVersion: '18.2' });
      device.state.passcodePresent = true;
      device.state.hardware.osVersion = '18.2.1';
      await enqueueInventory(app.t.core, { enrollmentIds: [id], reason: 'syncDevice' });
      await device.connect();
      assert.equal(await complianceState(id), 'compliant');

      const statuses = await app.t.app.inject({ url: `/beta/deviceManagement/deviceCompliancePolicies/${policyId}/deviceStatuses`, headers: admin });
      assert.deepEqual(statuses.json<{ value: { status: string }[] }>().value.map((s) => s.status), ['compliant']);
    });
  });
}
