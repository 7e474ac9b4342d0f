// The company portal end to end, over the portal's API as its pages call it: a person signs in,
// asks how to enroll, downloads their personal profile, a simulated iPhone enrolls with it and
// shows up under "my devices" with what to fix in plain words once a compliance policy fails it,
// and the person locks it through the portal: the DeviceLock reaches the iPhone. A Windows PC's
// person renames it through the portal: the Accounts CSP's ComputerName reaches the PC. And the
// admin's own setDeviceName (Graph beta), which the portal's rename shares.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../src/store/testing.js';
import type { Database } from '../../src/store/database.js';
import { SESSION_COOKIE } from '../../src/http/session-auth.js';
import { appleTestAppFor, enrolledDevice } from '../support/apple.js';
import { auditEventsFor } from '../support/directory.js';
import { bearer } from '../support/http.js';
import { deviceFromPortal, nonInventory, portalClient, portalUser, type PortalSession } from '../support/portal.js';
import { PASSWORD, sessionCookieOf } from '../support/sign-in.js';
import { FORWARDED_CERT_HEADER, anEnrolledPC, managementTestApp, type ManagementTestApp } from '../support/windows-management.js';

const complianceAdmin = bearer('Microsoft.Intune_DeviceCompliancePolices_Create', 'Microsoft.Intune_DeviceCompliancePolices_Assign', 'Microsoft.Intune_DeviceCompliancePolices_Read');

interface PortalDevice {
  id: string;
  deviceName: string | null;
  operatingSystem: string;
  complianceState: string;
  howToFix: string[];
  deviceCompliancePolicyStates: { displayName: string; state: string; settingStates: { settingName: string; state: string; currentValue: string | null; howToFix: string | null }[] }[];
  deviceActionResults: { actionName: string; actionState: string }[];
}

for (const dialect of testDialects()) {
  describe(`company portal: enroll an iPhone, see what to fix, lock it, on ${dialect.name}`, () => {
    const app = appleTestAppFor(dialect);

    it('a person enrolls their iPhone from the portal, sees it noncompliant with what to do, and locks it', async () => {
      const { app: server, core } = app.t;
      const person = await portalUser(server, core);
      const portal = portalClient(server, person);

      const options = await portal.get('/me/enrollmentOptions');
      assert.equal(options.statusCode, 200, options.body);
      assert.equal(options.json<{ apple: { available: boolean } }>().apple.available, true);

      const { device, id } = await deviceFromPortal(app.t, person, 'iPhone');
      await device.connect(); // the inventory queued at enrollment
      let mine = (await portal.get('/me/managedDevices')).json<{ value: PortalDevice[] }>().value;
      assert.equal(mine.length, 1);
      assert.equal(mine[0]?.id, id);
      assert.equal(mine[0]?.operatingSystem, 'iOS');
      assert.equal(mine[0]?.deviceName, device.state.hardware.deviceName);

      // An admin requires iOS 19; the iPhone runs 18.1.
      const created = await server.inject({ method: 'POST', url: '/beta/deviceManagement/deviceCompliancePolicies', headers: complianceAdmin, payload: {
        '@odata.type': '#microsoft.graph.iosCompliancePolicy', displayName: 'iOS 19 and a passcode', osMinimumVersion: '19.0', passcodeRequired: true,
        scheduledActionsForRule: [{ ruleName: 'PasswordRequired', scheduledActionConfigurations: [{ actionType: 'block', gracePeriodHours: 0, notificationTemplateId: '' }] }],
      } });
      assert.equal(created.statusCode, 201, created.body);
      const assigned = await server.inject({ method: 'POST', url: `/beta/deviceManagement/deviceCompliancePolicies/${created.json<{ id: string }>().id}/assign`, headers: complianceAdmin, payload: {
        assignments: [{ target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' } }],
      } });
      assert.equal(assigned.statusCode, 200, assigned.body);

      mine = (await portal.get('/me/managedDevices')).json<{ value: PortalDevice[] }>().value;
      const phone = mine[0]!;
      assert.equal(phone.complianceState, 'noncompliant');
      assert.deepEqual(phone.howToFix, ['Update iOS to 19.0 or later: Settings > General > Software Update.']);
      const [policy] = phone.deviceCompliancePolicyStates;
      assert.equal(policy?.displayName, 'iOS 19 and a passcode');
      assert.deepEqual(policy?.settingStates.map((s) => [s.settingName, s.state, s.howToFix]), [
        ['passcodeRequired', 'compliant', null],
        ['osMinimumVersion', 'nonCompliant', 'Update iOS to 19.0 or later: Settings > General > Software Update.'],
      ]);

      // Lost: the person locks it from the portal.
      const lock = await portal.post(`/me/managedDevices/${id}/remoteLock`, { message: 'Found this phone? Call +1 555 0100', phoneNumber: '+1 555 0100' });
      assert.equal(lock.statusCode, 204, lock.body);
      const pending = (await portal.get(`/me/managedDevices/${id}`)).json<PortalDevice>();
      assert.deepEqual(pending.deviceActionResults.map((a) => [a.actionName, a.actionState]), [['remoteLock', 'pending']]);
      const session = await device.connect();
      assert.deepEqual(nonInventory(session), [['DeviceLock', 'Acknowledged']]);
      assert.equal(device.state.locked, true);
      assert.equal(device.state.lastLock?.Message, 'Found this phone? Call +1 555 0100');
      const done = (await portal.get(`/me/managedDevices/${id}`)).json<PortalDevice>();
      assert.deepEqual(done.deviceActionResults.map((a) => [a.actionName, a.actionState]), [['remoteLock', 'done']]);

      const audited = (await auditEventsFor(server, id)).find((e) => e.activity === 'remoteLock ManagedDevice');
      assert.equal((audited?.actor as { userPrincipalName?: string } | undefined)?.userPrincipalName, person.user.userPrincipalName);
      const download = (await auditEventsFor(server, id)).find((e) => e.activity === 'Download personal enrollment profile');
      assert.ok(download, 'the profile download is audited under the enrollment id');
    });
  });

  describe(`setDeviceName through Graph beta on ${dialect.name}`, () => {
    const app = appleTestAppFor(dialect);
    it('an admin with RemoteTasks_SetDeviceName renames a supervised iPhone; without it the answer is 403', async () => {
      const { device, id } = await enrolledDevice(app.t, 'iPhone', { supervised: true });
      await device.connect();
      const url = `/beta/deviceManagement/managedDevices/${id}/setDeviceName`;
      const denied = await app.t.app.inject({ method: 'POST', url, headers: bearer('Microsoft.Intune_RemoteTasks_RemoteLock'), payload: { deviceName: 'Front desk' } });
      assert.equal(denied.statusCode, 403, denied.body);
      const renamer = bearer('Microsoft.Intune_RemoteTasks_SetDeviceName', 'Microsoft.Intune_ManagedDevices_Read');
      const res = await app.t.app.inject({ method: 'POST', url, headers: renamer, payload: { deviceName: 'Front desk' } });
      assert.equal(res.statusCode, 204, res.body);
      assert.deepEqual(nonInventory(await device.connect()), [['Settings', 'Acknowledged']]);
      assert.equal(device.state.hardware.deviceName, 'Front desk');
      const read = await app.t.app.inject({ url: `/beta/deviceManagement/managedDevices/${id}`, headers: renamer });
      assert.equal(read.json<{ deviceName: string }>().deviceName, 'Front desk');
      const unknown = await app.t.app.inject({ method: 'POST', url, headers: renamer, payload: { deviceName: 'x', color: 'red' } });
      assert.equal(unknown.statusCode, 400, unknown.body);
    });
  });

  describe(`company portal: rename a Windows PC on ${dialect.name}`, () => {
    let database: Database;
    let t: ManagementTestApp;
    before(async () => {
      database = await dialect.open();
      t = await managementTestApp(database, { listen: false, devices: { forwardedCertificateHeader: FORWARDED_CERT_HEADER } });
    });
    after(async () => {
      await t.close();
      await database.close();
    });

    it('queues the Accounts CSP ComputerName Add, which the PC applies; a name Windows cannot take is refused in words', async () => {
      const { pc, enrollmentId } = await anEnrolledPC(t, { over: 'header' });
      await pc.sync();
      const record = await t.core.devices.get(enrollmentId, { kind: 'all' });
      const signIn = await t.app.inject({ method: 'POST', url: '/auth/signin', payload: { userName: record?.userPrincipalName, password: PASSWORD } });
      assert.equal(signIn.statusCode, 200, signIn.body);
      const session: PortalSession = { user: { id: record!.userId! } as PortalSession['user'], cookie: `${SESSION_COOKIE}=${sessionCookieOf(signIn)}`, csrfToken: signIn.json<{ csrfToken: string }>().csrfToken };
      const portal = portalClient(t.app, session);

      const tooLong = await portal.post(`/me/managedDevices/${enrollmentId}/setDeviceName`, { deviceName: 'FINANCE-LAPTOP-0042' });
      assert.equal(tooLong.statusCode, 400, tooLong.body);
      assert.match(tooLong.json<{ error: { message: string } }>().error.message, /at most 15 characters/);
      assert.equal((await portal.post(`/me/managedDevices/${enrollmentId}/setDeviceName`, { deviceName: 'FIN-LAPTOP-42' })).statusCode, 204);
      const report = await pc.sync();
      assert.deepEqual(report.handled.filter((h) => h.kind === 'Add'), [{ kind: 'Add', targets: ['./Device/Vendor/MSFT/Accounts/Domain/ComputerName'], status: '200' }]);
      assert.equal(pc.tree.value('./Device/Vendor/MSFT/Accounts/Domain/ComputerName'), 'FIN-LAPTOP-42');
      const mine = (await portal.get(`/me/managedDevices/${enrollmentId}`)).json<PortalDevice>();
      assert.deepEqual(mine.deviceActionResults.map((a) => [a.actionName, a.actionState]), [['setDeviceName', 'done']]);
    });
  });
}
