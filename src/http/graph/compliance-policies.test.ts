// deviceCompliancePolicies through the Graph frame, in-process on SQLite and PostgreSQL: CRUD with
// the CSDL's property names and types, validation naming the property, permissions and scope
// tags, assign/assignments, deviceStatuses, deviceStatusOverview and a device's
// deviceCompliancePolicyStates, and every compliance policy Intune admins exported and published
// (../shared/reference/intune-exports) accepted as it is.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { testDialects } from '../../store/testing.js';
import type { Database } from '../../store/database.js';
import { bearer, tag5Authenticator, testApp, type TestApp } from '../../../test/support/http.js';
import { aManagedDevice } from '../../../test/support/devices.js';
import { auditEventsFor, type GraphCollection, type GraphErrorBody } from '../../../test/support/directory.js';
import { aGroup, aUser, addMembers } from '../../../test/support/rbac.js';
import type { ResourceOperation } from '../../core/auth/principal.js';
import type { ManagedDevice } from '../../core/devices/managed-device.js';

const OPS = ['Read', 'Create', 'Update', 'Delete', 'Assign'].map((o) => `Microsoft.Intune_DeviceCompliancePolices_${o}` as ResourceOperation);
const admin = bearer(...OPS, 'Microsoft.Intune_ManagedDevices_Read');
const SET = '/deviceManagement/deviceCompliancePolicies';

const EXPORTS = new URL('../../../../shared/reference/intune-exports/', import.meta.url);
const COMPLIANCE_TYPES = /^(ios|macOS|windows10|android|androidWorkProfile|androidDeviceOwner)CompliancePolicy--/;

/** An export file's JSON: UTF-16LE or UTF-8, with or without a byte order mark. */
function readExport(name: string): Record<string, unknown> {
  const bytes = readFileSync(new URL(name, EXPORTS));
  const text = bytes[0] === 0xff && bytes[1] === 0xfe ? bytes.subarray(2).toString('utf16le') : bytes.toString('utf8').replace(/^\uFEFF/, '');
  return JSON.parse(text) as Record<string, unknown>;
}

const iosBody = (over: Record<string, unknown> = {}) => ({
  '@odata.type': '#microsoft.graph.iosCompliancePolicy', displayName: 'iOS baseline', passcodeRequired: true, passcodeMinimumLength: 6, osMinimumVersion: '17.0',
  scheduledActionsForRule: [{ ruleName: 'PasswordRequired', scheduledActionConfigurations: [{ actionType: 'block', gracePeriodHours: 0, notificationTemplateId: '' }] }],
  ...over,
});

for (const dialect of testDialects()) {
  describe(`deviceCompliancePolicies on ${dialect.name}`, () => {
    let database: Database;
    let t: TestApp;
    before(async () => {
      database = await dialect.open();
      t = await testApp(database, { authenticator: tag5Authenticator });
    });
    after(async () => { await t.app.close(); await database.close(); });

    const create = (body: object, version = 'beta', headers = admin) => t.app.inject({ method: 'POST', url: `/${version}${SET}`, headers, payload: body });
    const get = (path: string, headers = admin) => t.app.inject({ url: `/beta${path}`, headers });

    async function aDevice(over: Partial<ManagedDevice> = {}): Promise<ManagedDevice> {
      const d = aManagedDevice({ lastSyncDateTime: new Date().toISOString(), ...over });
      const { roleScopeTagIds: _t, ...record } = d;
      await t.core.devices.put(record);
      return d;
    }

    it('creates, reads, lists, updates and deletes, with Graph\'s names, defaults and audit events', async () => {
      const res = await create(iosBody({ id: 'ignored', createdDateTime: '2020-01-01T00:00:00Z', version: 7 }), 'v1.0');
      assert.equal(res.statusCode, 201, res.body);
      const p = res.json<Record<string, unknown>>();
      assert.equal(p['@odata.type'], '#microsoft.graph.iosCompliancePolicy');
      assert.notEqual(p.id, 'ignored');
      assert.equal(p.version, 1);
      assert.equal(p.passcodeMinimumLength, 6);
      assert.equal(p.securityBlockJailbrokenDevices, false);
      assert.equal(p.osMaximumVersion, null);
      assert.deepEqual(p.roleScopeTagIds, ['0']);
      assert.equal('osMinimumBuildVersion' in p, false, 'beta-only properties are not set, so not shown');
      const id = String(p.id);

      const read = await get(`${SET}/${id}?$expand=scheduledActionsForRule`);
      assert.equal(read.statusCode, 200, read.body);
      const rules = read.json<{ scheduledActionsForRule: { ruleName: string; scheduledActionConfigurations: { actionType: string; gracePeriodHours: number }[] }[] }>().scheduledActionsForRule;
      assert.deepEqual(rules.map((r) => [r.ruleName, r.scheduledActionConfigurations.map((a) => [a.actionType, a.gracePeriodHours])]), [['PasswordRequired', [['block', 0]]]]);
      assert.ok((await get(SET)).json<GraphCollection>().value.some((v) => v.id === id));

      const patch = await t.app.inject({ method: 'PATCH', url: `/beta${SET}/${id}`, headers: admin, payload: { '@odata.type': 'microsoft.graph.iosCompliancePolicy', osMinimumVersion: '17.4', passcodeMinimumLength: null, displayName: 'iOS strict' } });
      assert.equal(patch.statusCode, 204, patch.body);
      const after = (await get(`${SET}/${id}`)).json<Record<string, unknown>>();
      assert.deepEqual([after.displayName, after.osMinimumVersion, after.passcodeMinimumLength, after.version], ['iOS strict', '17.4', null, 2]);

      const wrongType = await t.app.inject({ method: 'PATCH', url: `/beta${SET}/${id}`, headers: admin, payload: { '@odata.type': '#microsoft.graph.macOSCompliancePolicy' } });
      assert.equal(wrongType.statusCode, 400);

      assert.equal((await t.app.inject({ method: 'DELETE', url: `/beta${SET}/${id}`, headers: admin })).statusCode, 204);
      assert.equal((await get(`${SET}/${id}`)).statusCode, 404);
      const events = await auditEventsFor(t.app, id);
      assert.deepEqual(events.map((e) => [e.activity, e.category]), [
        ['Create device compliance policy', 'Compliance'], ['Update device compliance policy', 'Compliance'], ['Delete device compliance policy', 'Compliance'],
      ]);
    });

    it('refuses what Graph refuses, naming the property', async () => {
      const refused = async (body: object, target: string, version = 'beta') => {
        const res = await create(body, version);
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.json<GraphErrorBody>().error.target, target, res.body);
      };
      await refused(iosBody({ passcodeMinimumLength: 'six' }), 'passcodeMinimumLength');
      await refused(iosBody({ passcodeRequired: 'yes' }), 'passcodeRequired');
      await refused(iosBody({ passcodeRequiredType: 'emoji' }), 'passcodeRequiredType');
      await refused(iosBody({ bitLockerEnabled: true }), 'bitLockerEnabled');
      await refused(iosBody({ colour: 'blue' }), 'colour');
      await refused(iosBody({ osMinimumBuildVersion: '21A329' }), 'osMinimumBuildVersion', 'v1.0');
      await refused(iosBody({ displayName: undefined }), 'displayName');
      await refused(iosBody({ scheduledActionsForRule: [{ ruleName: 'x', scheduledActionConfigurations: [{ actionType: 'explode' }] }] }), 'scheduledActionsForRule[0].scheduledActionConfigurations[0].actionType');
      await refused(iosBody({ '@odata.type': '#microsoft.graph.windows10GeneralConfiguration' }), '@odata.type');
      await refused({ displayName: 'no type' }, '@odata.type');
      await refused({ '@odata.type': '#microsoft.graph.androidDeviceOwnerCompliancePolicy', displayName: 'a' }, '@odata.type', 'v1.0');
      await refused({ '@odata.type': '#microsoft.graph.windows10CompliancePolicy', displayName: 'w', osMinimumVersion: 10 }, 'osMinimumVersion');
      // Without '#', case-insensitive property names (as Graph), and beta properties under /beta.
      const ok = await create({ '@odata.type': 'microsoft.graph.windows10CompliancePolicy', displayName: 'w', BitLockerEnabled: true, wslDistributions: [] });
      assert.equal(ok.statusCode, 201, ok.body);
      assert.equal(ok.json<Record<string, unknown>>().bitLockerEnabled, true);
    });

    it('checks permissions and scope tags', async () => {
      assert.equal((await create(iosBody(), 'beta', bearer('Microsoft.Intune_DeviceCompliancePolices_Read'))).statusCode, 403);
      const tagged = (await create(iosBody({ roleScopeTagIds: ['5'] }))).json<{ id: string }>().id;
      const untagged = (await create(iosBody())).json<{ id: string }>().id;
      const scoped = { authorization: `Bearer scoped:${OPS.join(',')}` };
      const seen = (await get(SET, scoped)).json<GraphCollection>().value.map((v) => v.id);
      assert.ok(seen.includes(tagged));
      assert.ok(!seen.includes(untagged));
      assert.equal((await get(`${SET}/${untagged}`, scoped)).statusCode, 404);
      assert.equal((await create(iosBody({ roleScopeTagIds: ['0'] }), 'beta', scoped)).statusCode, 400, 'a tag the admin does not hold');
      assert.equal((await t.app.inject({ method: 'POST', url: `/beta${SET}/${tagged}/assign`, headers: bearer('Microsoft.Intune_DeviceCompliancePolices_Read'), payload: { assignments: [] } })).statusCode, 403);
    });

    it('assigns, evaluates the devices it reaches and shows their statuses', async () => {
      const group = await aGroup(t.core);
      const excluded = await aGroup(t.core);
      const oldPhone = await aDevice({ osVersion: '16.4', deviceName: 'old' });
      const newPhone = await aDevice({ osVersion: '18.1', deviceName: 'new' });
      const skipped = await aDevice({ osVersion: '15.0', deviceName: 'excluded' });
      await addMembers(t.core, group, oldPhone.id, newPhone.id, skipped.id);
      await addMembers(t.core, excluded, skipped.id);
      const id = (await create(iosBody({ passcodeRequired: false, passcodeMinimumLength: null }))).json<{ id: string }>().id;

      const bad = await t.app.inject({ method: 'POST', url: `/beta${SET}/${id}/assign`, headers: admin, payload: { assignments: [{ target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: 'no-such-group' } }] } });
      assert.equal(bad.statusCode, 400, bad.body);
      const res = await t.app.inject({ method: 'POST', url: `/beta${SET}/${id}/assign`, headers: admin, payload: { assignments: [
        { target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: group.id } },
        { id: 'from-an-export', target: { '@odata.type': '#microsoft.graph.exclusionGroupAssignmentTarget', groupId: excluded.id } },
      ] } });
      assert.equal(res.statusCode, 200, res.body);
      const assignments = (await get(`${SET}/${id}/assignments`)).json<GraphCollection>().value;
      assert.deepEqual(assignments.map((a) => (a.target as Record<string, unknown>)['@odata.type']), ['#microsoft.graph.groupAssignmentTarget', '#microsoft.graph.exclusionGroupAssignmentTarget']);

      const statuses = (await get(`${SET}/${id}/deviceStatuses`)).json<GraphCollection>().value;
      assert.deepEqual(statuses.map((s) => [s.deviceDisplayName, s.status]).sort(), [['new', 'compliant'], ['old', 'nonCompliant']]);
      const overview = (await get(`${SET}/${id}/deviceStatusOverview`)).json<Record<string, unknown>>();
      assert.deepEqual([overview.successCount, overview.failedCount, overview.pendingCount], [1, 1, 0]);

      const states = (await get(`/deviceManagement/managedDevices/${oldPhone.id}/deviceCompliancePolicyStates`)).json<GraphCollection>().value;
      assert.equal(states.length, 1);
      assert.equal(states[0]?.state, 'nonCompliant');
      assert.equal(states[0]?.platformType, 'iOS');
      assert.deepEqual((states[0]?.settingStates as { settingName: string; state: string; currentValue: string }[]).map((s) => [s.settingName, s.state, s.currentValue]), [['osMinimumVersion', 'nonCompliant', '16.4']]);
      const device = (await get(`/deviceManagement/managedDevices/${oldPhone.id}`)).json<Record<string, unknown>>();
      assert.equal(device.complianceState, 'noncompliant');
      // Excluded: no state for the policy, and with no other policy the device is compliant (secureByDefault off).
      assert.deepEqual((await get(`/deviceManagement/managedDevices/${skipped.id}/deviceCompliancePolicyStates`)).json<GraphCollection>().value, []);
      assert.equal((await get(`/deviceManagement/managedDevices/${skipped.id}`)).json<Record<string, unknown>>().complianceState, 'compliant');

      // The policy changes: the old phone becomes compliant.
      await t.app.inject({ method: 'PATCH', url: `/beta${SET}/${id}`, headers: admin, payload: { osMinimumVersion: '16.0' } });
      assert.equal((await get(`/deviceManagement/managedDevices/${oldPhone.id}`)).json<Record<string, unknown>>().complianceState, 'compliant');
      const events = await auditEventsFor(t.app, id);
      assert.ok(events.some((e) => e.activity === 'Assign device compliance policy'));
    });

    it('counts the devices of another platform in beta\'s notApplicablePlatformCount, in notApplicableCount under v1.0', async () => {
      const phone = await aDevice({ osVersion: '18.1' });
      const oldPhone = await aDevice({ osVersion: '15.0' });
      const pc = await aDevice({ deviceName: 'PC', operatingSystem: 'Windows', osVersion: '10.0.22631.4460', model: 'Surface', manufacturer: 'Microsoft' });
      const mac = await aDevice({ deviceName: 'Mac', operatingSystem: 'macOS', osVersion: '15.1', model: 'MacBookPro18,1' });
      const group = await aGroup(t.core);
      await addMembers(t.core, group, phone.id, oldPhone.id, pc.id, mac.id);
      const id = (await create(iosBody({ passcodeRequired: false, passcodeMinimumLength: null, roleScopeTagIds: ['0', '5'] }))).json<{ id: string }>().id;
      const assigned = await t.app.inject({ method: 'POST', url: `/beta${SET}/${id}/assign`, headers: admin, payload: { assignments: [{ target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: group.id } }] } });
      assert.equal(assigned.statusCode, 200, assigned.body);
      // The PC and the Mac are evaluated as notApplicable: the policy is for iOS.
      const statuses = (await get(`${SET}/${id}/deviceStatuses`)).json<GraphCollection>().value;
      assert.deepEqual(statuses.map((s) => [s.deviceDisplayName, s.status]).sort(), [['Mac', 'notApplicable'], ['PC', 'notApplicable'], ['iPhone', 'compliant'], ['iPhone', 'nonCompliant']]);

      const beta = await get(`${SET}/${id}/deviceStatusOverview`);
      assert.equal(beta.statusCode, 200, beta.body);
      const { lastUpdateDateTime, ...betaCounts } = beta.json<Record<string, unknown>>();
      assert.ok(typeof lastUpdateDateTime === 'string');
      assert.deepEqual(betaCounts, {
        '@odata.context': `https://mdm.example.test/beta/$metadata#deviceManagement/deviceCompliancePolicies('${id}')/deviceStatusOverview/$entity`,
        '@odata.type': '#microsoft.graph.deviceComplianceDeviceOverview', id: `${id}_overview`,
        pendingCount: 0, notApplicableCount: 0, notApplicablePlatformCount: 2, successCount: 1, errorCount: 0, failedCount: 1, conflictCount: 0,
        configurationVersion: 1,
      });
      const v1 = (await t.app.inject({ url: `/v1.0${SET}/${id}/deviceStatusOverview`, headers: admin })).json<Record<string, unknown>>();
      assert.deepEqual(
        Object.keys(v1).sort(),
        ['@odata.context', '@odata.type', 'configurationVersion', 'errorCount', 'failedCount', 'id', 'lastUpdateDateTime', 'notApplicableCount', 'pendingCount', 'successCount'],
        'v1.0 keeps its shape: no notApplicablePlatformCount, no conflictCount',
      );
      assert.deepEqual([v1.pendingCount, v1.notApplicableCount, v1.successCount, v1.failedCount], [0, 2, 1, 1]);

      // Scope: only the devices the admin may see are counted (the PC carries tag 5, the rest Default).
      await t.core.rbac.setObjectScopeTags('managedDevice', pc.id, ['5']);
      const scoped = (await get(`${SET}/${id}/deviceStatusOverview`, { authorization: `Bearer scoped:${OPS.join(',')}` })).json<Record<string, unknown>>();
      assert.deepEqual([scoped.notApplicableCount, scoped.notApplicablePlatformCount, scoped.successCount, scoped.failedCount], [0, 1, 0, 0]);
    });

    it('rolls the device statuses up per user: the worst of each user\'s devices, devices without a user left out', async () => {
      const ada = await aUser(t.core, 'ada');
      const bob = await aUser(t.core, 'bob');
      const of = (u: typeof ada) => ({ userId: u.id, userPrincipalName: u.userPrincipalName, userDisplayName: u.displayName });
      const adaOld = await aDevice({ ...of(ada), osVersion: '16.4', lastSyncDateTime: '2026-11-20T10:00:00.000Z' });
      const adaNew = await aDevice({ ...of(ada), osVersion: '18.1', lastSyncDateTime: '2026-11-21T10:00:00.000Z' });
      const bobs = await aDevice({ ...of(bob), osVersion: '18.1' });
      const nobodys = await aDevice({ osVersion: '15.0' });
      const group = await aGroup(t.core);
      await addMembers(t.core, group, adaOld.id, adaNew.id, bobs.id, nobodys.id);
      // Tag 5 as well: the scoped admin sees the policy but none of the devices (they carry Default).
      const id = (await create(iosBody({ passcodeRequired: false, passcodeMinimumLength: null, roleScopeTagIds: ['0', '5'] }))).json<{ id: string }>().id;
      const assigned = await t.app.inject({ method: 'POST', url: `/beta${SET}/${id}/assign`, headers: admin, payload: { assignments: [{ target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: group.id } }] } });
      assert.equal(assigned.statusCode, 200, assigned.body);
      const devices = (await get(`${SET}/${id}/deviceStatuses`)).json<GraphCollection>().value;
      assert.deepEqual(devices.map((d) => d.status).sort(), ['compliant', 'compliant', 'nonCompliant', 'nonCompliant']);

      const res = await get(`${SET}/${id}/userStatuses`);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json<GraphCollection>();
      assert.match(body['@odata.context'], new RegExp(`/beta/\\$metadata#deviceManagement/deviceCompliancePolicies\\('${id}'\\)/userStatuses$`));
      assert.deepEqual(body.value, [
        { '@odata.type': '#microsoft.graph.deviceComplianceUserStatus', id: `${id}_${ada.id}`, userDisplayName: 'ada', devicesCount: 2, status: 'nonCompliant', lastReportedDateTime: '2026-11-21T10:00:00.000Z', userPrincipalName: ada.userPrincipalName },
        { '@odata.type': '#microsoft.graph.deviceComplianceUserStatus', id: `${id}_${bob.id}`, userDisplayName: 'bob', devicesCount: 1, status: 'compliant', lastReportedDateTime: bobs.lastSyncDateTime, userPrincipalName: bob.userPrincipalName },
      ]);

      const overview = (await get(`${SET}/${id}/userStatusOverview`)).json<Record<string, unknown>>();
      assert.equal(overview['@odata.type'], '#microsoft.graph.deviceComplianceUserOverview');
      assert.deepEqual(
        [overview.pendingCount, overview.notApplicableCount, overview.successCount, overview.errorCount, overview.failedCount, overview.conflictCount, overview.configurationVersion],
        [0, 0, 1, 0, 1, 0, 1],
      );
      assert.equal(overview.lastUpdateDateTime, [bobs.lastSyncDateTime, '2026-11-21T10:00:00.000Z'].sort().at(-1));
      const v1 = (await t.app.inject({ url: `/v1.0${SET}/${id}/userStatusOverview`, headers: admin })).json<Record<string, unknown>>();
      assert.equal('conflictCount' in v1, false, 'v1.0 has no conflictCount');
      assert.equal(v1.failedCount, 1);

      // Scope: the devices (hence the users) an admin may not see are not counted.
      const scoped = { authorization: `Bearer scoped:${OPS.join(',')}` };
      assert.deepEqual((await get(`${SET}/${id}/userStatuses`, scoped)).json<GraphCollection>().value, []);
      assert.equal((await get(`${SET}/${id}/userStatusOverview`, scoped)).json<Record<string, unknown>>().failedCount, 0);
      // Unknown policy, missing permission.
      const missing = await get(`${SET}/00000000-0000-4000-8000-000000000000/userStatuses`);
      assert.equal(missing.statusCode, 404, missing.body);
      assert.equal((await get(`${SET}/00000000-0000-4000-8000-000000000000/userStatusOverview`)).statusCode, 404);
      assert.equal((await get(`${SET}/${id}/userStatuses`, bearer('Microsoft.Intune_ManagedDevices_Read'))).statusCode, 403);
    });

    it('accepts every compliance policy exported from Intune as it is', { skip: !existsSync(EXPORTS) && 'no ../shared/reference/intune-exports' }, async () => {
      const files = readdirSync(EXPORTS).filter((f) => COMPLIANCE_TYPES.test(f)).sort();
      assert.ok(files.length > 0);
      const failures: string[] = [];
      for (const file of files) {
        const body = readExport(file);
        const res = await create(body);
        if (res.statusCode !== 201) { failures.push(`${file}: ${res.json<GraphErrorBody>().error.message}`); continue; }
        const created = res.json<Record<string, unknown>>();
        assert.equal(created['@odata.type'], String(body['@odata.type']).replace(/^#?/, '#'), file);
        assert.equal(created.displayName, body.displayName, file);
      }
      assert.deepEqual(failures, []);
    });
  });
}
