// Configuration profiles end to end on a simulated Windows PC (sim/windows) over OMA-DM with
// mutual TLS: Wi-Fi (WiFi CSP WlanXml), VPN (VPNv2 ProfileXML), e-mail (ActiveSync with the
// enrolled user's address), passcode and camera (Policy CSP) reach the PC's management tree in
// their native form at its next session and are reported back per node (succeeded); an edit
// Replaces; unassigning and leaving the group Delete; a custom OMA-URI that allows the camera
// the other profile blocks is reported as a conflict on both; a node the PC refuses is an error
// naming the node and its SyncML status. A removal is tracked until the PC answers it: pending,
// then gone; a refused Delete is an error naming the node, sent again a day later; assigned again
// while the Delete is queued, the install wins.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../src/store/testing.js';
import type { Database } from '../../src/store/database.js';
import { allScope } from '../../src/core/rbac/scope.js';
import { reconcileDevices } from '../../src/core/configuration/reconcile.js';
import { bearer } from '../support/http.js';
import { directoryClient } from '../support/directory.js';
import { anEnrolledPC, managementTestApp, type ManagementTestApp } from '../support/windows-management.js';

const admin = bearer(
  'Microsoft.Intune_ManagedDevices_Read', 'Microsoft.Intune_DeviceConfigurations_Read', 'Microsoft.Intune_DeviceConfigurations_Create',
  'Microsoft.Intune_DeviceConfigurations_Update', 'Microsoft.Intune_DeviceConfigurations_Delete', 'Microsoft.Intune_DeviceConfigurations_Assign',
);
const SET = '/v1.0/deviceManagement/deviceConfigurations';
const CAMERA = './Device/Vendor/MSFT/Policy/Config/Camera/AllowCamera';
const PASSWORD_LENGTH = './Device/Vendor/MSFT/Policy/Config/DeviceLock/MinDevicePasswordLength';
const WLAN = './Vendor/MSFT/WiFi/Profile/Contoso%20Staff';
const VPN = './User/Vendor/MSFT/VPNv2/Contoso%20VPN';

interface State { id: string; state: string; version: number; settingStates: { setting: string; state: string; errorCode: number; errorDescription: string | null }[] }

for (const dialect of testDialects()) {
  describe(`configuration profiles on a simulated Windows PC on ${dialect.name}`, () => {
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

    const send = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => t.app.inject({ method, url, headers: admin, ...(payload ? { payload } : {}) });
    const create = async (body: object) => {
      const res = await send('POST', SET, body);
      assert.equal(res.statusCode, 201, res.body);
      return res.json<{ id: string }>().id;
    };
    const assign = async (id: string, targets: object[]) => {
      const res = await send('POST', `${SET}/${id}/assign`, { assignments: targets.map((target) => ({ target })) });
      assert.equal(res.statusCode, 200, res.body);
    };
    const states = async (deviceId: string) => {
      const res = await send('GET', `/v1.0/deviceManagement/managedDevices/${deviceId}/deviceConfigurationStates`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{ value: State[] }>().value;
    };
    const group = (groupId: string) => ({ '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId });

    it('delivers each profile as CSP nodes, reports them, replaces, deletes and reports conflicts and errors', async () => {
      const { pc, enrollmentId: id } = await anEnrolledPC(t);
      await pc.sync(); // the first session: inventory
      const directory = directoryClient(t.app);
      const pcs = await directory.createGroup();
      assert.equal((await directory.addMember(pcs.id, id)).statusCode, 204);

      const wifi = await create({ '@odata.type': '#microsoft.graph.windowsWifiConfiguration', displayName: 'Staff Wi-Fi', ssid: 'Contoso Staff', wifiSecurityType: 'wpa2Personal', preSharedKey: 'correct horse battery', connectAutomatically: true });
      const vpn = await create({ '@odata.type': '#microsoft.graph.windows10VpnConfiguration', displayName: 'VPN', connectionName: 'Contoso VPN', connectionType: 'ikEv2', servers: [{ address: 'vpn.contoso.example', description: 'main', isDefaultServer: true }] });
      const mail = await create({ '@odata.type': '#microsoft.graph.windows10EasEmailProfileConfiguration', displayName: 'Mail', accountName: 'Work', hostName: 'mail.contoso.example', emailAddressSource: 'userPrincipalName', usernameSource: 'userPrincipalName', requireSsl: true });
      const restrictions = await create({ '@odata.type': '#microsoft.graph.windows10GeneralConfiguration', displayName: 'Password and camera', passwordRequired: true, passwordMinimumLength: 8, cameraBlocked: true, edgeBlockPopups: true });
      for (const p of [wifi, vpn, mail, restrictions]) await assign(p, [group(pcs.id)]);
      assert.deepEqual((await states(id)).map((s) => s.state), ['unknown', 'unknown', 'unknown', 'unknown']);

      const report = await pc.sync();
      assert.ok(report.handled.some((h) => h.kind === 'Add' && h.targets.includes(`${WLAN}/WlanXml`)), JSON.stringify(report.handled));
      assert.ok(report.handled.some((h) => h.kind === 'Replace' && h.targets.includes(CAMERA)), JSON.stringify(report.handled));
      assert.match(pc.tree.value(`${WLAN}/WlanXml`) ?? '', /<keyMaterial>correct horse battery<\/keyMaterial>/);
      assert.match(pc.tree.value(`${VPN}/ProfileXML`) ?? '', /<Servers>vpn\.contoso\.example<\/Servers>/);
      const account = [...pc.tree.under('./User/Vendor/MSFT/ActiveSync/Accounts')];
      const upn = (await t.core.devices.get(id, allScope))?.userPrincipalName;
      assert.ok(account.some(([k, v]) => k.endsWith('/emailaddress') && v === upn), JSON.stringify(account));
      assert.equal(pc.tree.value(CAMERA), '0');
      assert.equal(pc.tree.value(PASSWORD_LENGTH), '8');
      const delivered = await states(id);
      assert.deepEqual(delivered.map((s) => s.state), ['compliant', 'compliant', 'compliant', 'compliant']);
      assert.deepEqual(delivered.find((s) => s.id === restrictions)?.settingStates.map((s) => [s.setting, s.state]), [['edgeBlockPopups', 'notApplicable']]);

      // An edit: Replace of the nodes the PC already has.
      assert.equal((await send('PATCH', `${SET}/${restrictions}`, { '@odata.type': '#microsoft.graph.windows10GeneralConfiguration', passwordMinimumLength: 10 })).statusCode, 204);
      await pc.sync();
      assert.equal(pc.tree.value(PASSWORD_LENGTH), '10');
      assert.equal((await states(id)).find((s) => s.id === restrictions)?.version, 2);

      // A custom OMA-URI profile allows the camera: a conflict on both profiles, the node named.
      const custom = await create({ '@odata.type': '#microsoft.graph.windows10CustomConfiguration', displayName: 'Camera on', omaSettings: [{ '@odata.type': '#microsoft.graph.omaSettingInteger', displayName: 'camera', omaUri: CAMERA, value: 1 }] });
      await assign(custom, [{ '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' }]);
      await pc.sync();
      for (const p of [restrictions, custom]) {
        const s = (await states(id)).find((x) => x.id === p);
        assert.equal(s?.state, 'conflict', p);
        assert.deepEqual(s?.settingStates.filter((x) => x.state === 'conflict').map((x) => x.setting), ['./vendor/msft/policy/config/camera/allowcamera']);
      }
      const statuses = (await send('GET', `${SET}/${custom}/deviceStatuses`)).json<{ value: { status: string }[] }>().value;
      assert.deepEqual(statuses.map((s) => s.status), ['conflict']);
      assert.equal((await send('DELETE', `${SET}/${custom}`)).statusCode, 204);
      await pc.sync();
      // Deleting the custom profile leaves the node the other profile sets, which is delivered again (the PC may hold 1).
      assert.equal((await states(id)).find((s) => s.id === restrictions)?.state, 'compliant');
      assert.equal(pc.tree.value(CAMERA), '0');
      assert.equal(pc.tree.value(PASSWORD_LENGTH), '10');

      // A node the PC refuses: error, the node and its status named.
      const readOnly = await create({ '@odata.type': '#microsoft.graph.windows10CustomConfiguration', displayName: 'Read-only', omaSettings: [{ '@odata.type': '#microsoft.graph.omaSettingString', displayName: 'name', omaUri: './DevDetail/Ext/Microsoft/DeviceName', value: 'x' }] });
      await assign(readOnly, [group(pcs.id)]);
      await pc.sync();
      const refused = (await states(id)).find((s) => s.id === readOnly);
      assert.equal(refused?.state, 'error');
      assert.equal((await send('GET', `${SET}/${readOnly}/deviceStatusOverview`)).json<{ errorCount: number }>().errorCount, 1);
      assert.deepEqual(refused?.settingStates.filter((x) => x.state === 'error').map((x) => [x.errorCode]), [[405]]);
      // Not sent again at once; a day later the sweep tries again.
      await reconcileDevices(t.core, [id]);
      assert.equal((await pc.sync()).handled.some((h) => h.targets.includes('./DevDetail/Ext/Microsoft/DeviceName')), false);
      t.clock.advance(25 * 3600_000);
      await reconcileDevices(t.core, [id]);
      assert.equal((await pc.sync()).handled.some((h) => h.targets.includes('./DevDetail/Ext/Microsoft/DeviceName')), true);

      // Unassigned: the VPN profile's node is Deleted.
      await assign(vpn, []);
      await pc.sync();
      assert.equal(pc.tree.under(VPN).size, 0);
      assert.equal((await states(id)).some((s) => s.id === vpn), false);

      // Out of the group: the Wi-Fi profile, the account and the policies go.
      assert.equal((await directory.send('DELETE', `/v1.0/groups/${pcs.id}/members/${id}/$ref`)).statusCode, 204);
      await pc.sync();
      assert.equal(pc.tree.under(WLAN).size, 0);
      assert.equal(pc.tree.under('./User/Vendor/MSFT/ActiveSync/Accounts').size, 0);
      assert.equal(pc.tree.value(PASSWORD_LENGTH), undefined);
      assert.deepEqual(await states(id), []);
    });

    it('keeps a removed profile until the PC answers its Delete: pending, refused and retried, confirmed, and the install winning', async () => {
      const { pc, enrollmentId: id } = await anEnrolledPC(t);
      await pc.sync();
      const directory = directoryClient(t.app);
      const pcs = await directory.createGroup();
      assert.equal((await directory.addMember(pcs.id, id)).statusCode, 204);
      const NODE = './Device/Vendor/MSFT/Policy/Config/Experience/AllowCortana';
      const cortana = await create({ '@odata.type': '#microsoft.graph.windows10CustomConfiguration', displayName: 'No Cortana', omaSettings: [{ '@odata.type': '#microsoft.graph.omaSettingInteger', displayName: 'cortana', omaUri: NODE, value: 0 }] });
      const stateOf = async () => (await states(id)).find((s) => s.id === cortana);
      const overview = async () => {
        const o = (await send('GET', `${SET}/${cortana}/deviceStatusOverview`)).json<Record<string, number>>();
        return { pending: o.pendingCount, success: o.successCount, error: o.errorCount };
      };
      await assign(cortana, [group(pcs.id)]);
      await pc.sync();
      assert.equal(pc.tree.value(NODE), '0');
      assert.deepEqual(await overview(), { pending: 0, success: 1, error: 0 });

      // Unassigned: Delete queued, pending (not installed) until the PC answers.
      await assign(cortana, []);
      assert.equal((await stateOf())?.state, 'unknown');
      assert.deepEqual((await send('GET', `${SET}/${cortana}/deviceStatuses`)).json<{ value: { status: string }[] }>().value.map((s) => s.status), ['unknown']);
      assert.deepEqual(await overview(), { pending: 1, success: 0, error: 0 });
      // The PC refuses the Delete: an error naming the node and its status.
      pc.tree.refuseDelete(NODE);
      await pc.sync();
      assert.equal(pc.tree.value(NODE), '0');
      const refused = await stateOf();
      assert.equal(refused?.state, 'error');
      assert.deepEqual(refused?.settingStates.map((s) => [s.setting, s.state, s.errorCode]), [[NODE, 'error', 405]]);
      assert.deepEqual(await overview(), { pending: 0, success: 0, error: 1 });
      // Not sent again at once; a day later the sweep tries again, and the PC deletes it.
      await reconcileDevices(t.core, [id]);
      assert.equal((await pc.sync()).handled.some((h) => h.kind === 'Delete'), false);
      pc.tree.allowDelete(NODE);
      t.clock.advance(25 * 3600_000);
      await reconcileDevices(t.core, [id]);
      assert.equal((await stateOf())?.state, 'unknown');
      await pc.sync();
      assert.equal(pc.tree.value(NODE), undefined);
      assert.equal(await stateOf(), undefined);

      // Assigned again while the Delete is still queued: the Delete runs first, then the install, which wins.
      await assign(cortana, [group(pcs.id)]);
      await pc.sync();
      await assign(cortana, []);
      await assign(cortana, [group(pcs.id)]);
      const report = await pc.sync();
      assert.deepEqual(report.handled.filter((h) => h.targets.includes(NODE)).map((h) => h.kind), ['Delete', 'Replace'], JSON.stringify(report.handled));
      assert.equal(pc.tree.value(NODE), '0');
      assert.equal((await stateOf())?.state, 'compliant');

      // A node already gone (404) counts as removed.
      await assign(cortana, []);
      pc.tree.delete(NODE);
      await pc.sync();
      assert.equal(await stateOf(), undefined);
    });
  });
}
