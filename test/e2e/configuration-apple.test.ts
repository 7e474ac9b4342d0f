// Configuration profiles end to end on a simulated iPhone (sim/apple): an admin creates Wi-Fi, VPN,
// e-mail and passcode/camera-restriction profiles through Graph and assigns them to a group; the
// iPhone receives each as a signed InstallProfile it verifies against Steward's CA and reports
// back (deviceStatuses, deviceStatusOverview, deviceConfigurationStates say succeeded); an edit
// re-delivers; leaving the group and unassigning remove (RemoveProfile reaches the device); two
// profiles that set the passcode length differently are reported as a conflict on both. A removal
// is tracked until the iPhone answers it: pending, then gone; refused, an error (the device's words)
// sent again a day later; assigned again while the removal is queued, the install wins.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../src/store/testing.js';
import { allScope } from '../../src/core/rbac/scope.js';
import { hashChallenge } from '../../src/core/scep/challenge-hash.js';
import { appleTestAppFor, enrolledDevice } from '../support/apple.js';
import { bearer } from '../support/http.js';
import { directoryClient } from '../support/directory.js';
import { reconcileDevices } from '../../src/core/configuration/reconcile.js';
import { mdmError } from '../../sim/apple/command-support.js';

const admin = bearer(
  'Microsoft.Intune_ManagedDevices_Read', 'Microsoft.Intune_DeviceConfigurations_Read', 'Microsoft.Intune_DeviceConfigurations_Create',
  'Microsoft.Intune_DeviceConfigurations_Update', 'Microsoft.Intune_DeviceConfigurations_Delete', 'Microsoft.Intune_DeviceConfigurations_Assign',
);
const SET = '/v1.0/deviceManagement/deviceConfigurations';

interface State { id: string; state: string; version: number; settingStates: { setting: string; state: string; errorDescription?: string | null; sources: { id: string }[] }[] }

for (const dialect of testDialects()) {
  describe(`configuration profiles on a simulated iPhone on ${dialect.name}`, () => {
    const app = appleTestAppFor(dialect);
    const send = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => app.t.app.inject({ method, url, headers: admin, ...(payload ? { payload } : {}) });
    const create = async (body: object) => {
      const res = await send('POST', SET, body);
      assert.equal(res.statusCode, 201, res.body);
      return res.json<{ id: string }>().id;
    };
    const assign = async (id: string, targets: object[]) => {
      const res = await send('POST', `${SET}/${id}/assign`, { assignments: targets.map((target) => ({ target })) });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{ value: { id: string; target: { '@odata.type': string } }[] }>().value;
    };
    const states = async (deviceId: string) => {
      const res = await send('GET', `/v1.0/deviceManagement/managedDevices/${deviceId}/deviceConfigurationStates`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{ value: State[] }>().value;
    };
    const group = (groupId: string) => ({ '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId });

    it('installs, reports, re-delivers, removes and reports conflicts', async () => {
      const directory = directoryClient(app.t.app);
      const user = await directory.createUser({ mail: 'ada.lovelace@contoso.example' });
      const { device, id } = await enrolledDevice(app.t, 'iPhone', { passcodePresent: true });
      // The iPhone's primary user (as a user enrollment or an admin's change would set it).
      const record = await app.t.core.devices.get(id, allScope);
      assert.ok(record);
      const { roleScopeTagIds: _tags, ...rest } = record;
      await app.t.core.devices.put({ ...rest, userId: user.id, userPrincipalName: String(user.userPrincipalName), userDisplayName: String(user.displayName), emailAddress: 'ada.lovelace@contoso.example' });
      await device.connect(); // the inventory queued at enrollment

      const phones = await directory.createGroup();
      assert.equal((await directory.addMember(phones.id, id)).statusCode, 204);

      const wifi = await create({ '@odata.type': '#microsoft.graph.iosWiFiConfiguration', displayName: 'Staff Wi-Fi', ssid: 'Contoso Staff', wiFiSecurityType: 'wpa2Personal', preSharedKey: 'correct horse battery', connectAutomatically: true });
      const vpn = await create({ '@odata.type': '#microsoft.graph.iosVpnConfiguration', displayName: 'VPN', connectionName: 'Contoso VPN', connectionType: 'ikEv2', authenticationMethod: 'certificate', server: { address: 'vpn.contoso.example', description: 'main' } });
      const mail = await create({ '@odata.type': '#microsoft.graph.iosEasEmailProfileConfiguration', displayName: 'Mail', hostName: 'mail.contoso.example', accountName: 'Work mail of {{displayName}}', emailAddressSource: 'primarySmtpAddress', usernameSource: 'userPrincipalName', requireSsl: true });
      const restrictions = await create({ '@odata.type': '#microsoft.graph.iosGeneralDeviceConfiguration', displayName: 'Passcode and camera', passcodeRequired: true, passcodeMinimumLength: 6, cameraBlocked: true, kioskModeAllowTouchscreen: true });

      // Refused in words, nothing stored: an unknown group, an unsupported target, a filter.
      const refused = async (body: object, target: RegExp) => {
        const res = await send('POST', `${SET}/${wifi}/assign`, body);
        assert.equal(res.statusCode, 400, res.body);
        assert.match(String(res.json<{ error: { target?: string } }>().error.target), target);
      };
      await refused({ assignments: [{ target: group('00000000-0000-4000-8000-000000000000') }] }, /^assignments$/);
      await refused({ assignments: [{ target: { '@odata.type': '#microsoft.graph.configurationManagerCollectionAssignmentTarget', collectionId: 'x' } }] }, /assignments\[0\]\.target/);
      await refused({ assignments: [{ target: { ...group(phones.id), deviceAndAppManagementAssignmentFilterId: 'f', deviceAndAppManagementAssignmentFilterType: 'include' } }] }, /FilterId/);
      await refused({ assignment: [] }, /assignment/);
      assert.deepEqual((await send('GET', `${SET}/${wifi}/assignments`)).json<{ value: unknown[] }>().value, []);

      const assigned = await assign(wifi, [group(phones.id)]);
      assert.deepEqual(assigned.map((a) => a.target['@odata.type']), ['#microsoft.graph.groupAssignmentTarget']);
      const listed = await send('GET', `${SET}/${wifi}/assignments`);
      assert.deepEqual(listed.json<{ value: { id: string }[] }>().value.map((a) => a.id), assigned.map((a) => a.id));
      for (const p of [vpn, mail, restrictions]) await assign(p, [group(phones.id)]);
      assert.deepEqual((await states(id)).map((s) => s.state).sort(), ['unknown', 'unknown', 'unknown', 'unknown']);

      await device.connect();
      const installed = new Map(device.state.profiles.filter((p) => p.source === 'mdm').map((p) => [p.profile.PayloadIdentifier, p.profile]));
      const of = (profileId: string) => installed.get(`com.steward.configuration.${profileId}`);
      // Signed by Steward's CA and verified by the device.
      assert.equal(of(wifi)?.verified, true);
      const payload = (profileId: string, type: string) => of(profileId)?.payloads.find((p) => p.PayloadType === type)?.dict;
      assert.deepEqual([payload(wifi, 'com.apple.wifi.managed')?.SSID_STR, payload(wifi, 'com.apple.wifi.managed')?.Password], ['Contoso Staff', 'correct horse battery']);
      assert.equal(payload(vpn, 'com.apple.vpn.managed')?.VPNType, 'IKEv2');
      const eas = payload(mail, 'com.apple.eas.account');
      assert.deepEqual([eas?.Host, eas?.EmailAddress, eas?.UserName, eas?.PayloadDisplayName], ['mail.contoso.example', 'ada.lovelace@contoso.example', user.userPrincipalName, `Work mail of ${String(user.displayName)}`]);
      assert.equal(payload(restrictions, 'com.apple.mobiledevice.passwordpolicy')?.minLength, 6);
      assert.equal(payload(restrictions, 'com.apple.applicationaccess')?.allowCamera, false);

      const after = await states(id);
      assert.deepEqual(after.map((s) => s.state), ['compliant', 'compliant', 'compliant', 'compliant']);
      assert.deepEqual(after.find((s) => s.id === restrictions)?.settingStates.map((s) => [s.setting, s.state]), [['kioskModeAllowTouchscreen', 'notApplicable']]);
      const statuses = await send('GET', `${SET}/${wifi}/deviceStatuses`);
      assert.deepEqual(statuses.json<{ value: { status: string; deviceDisplayName: string | null }[] }>().value.map((s) => s.status), ['compliant']);
      const overview = (await send('GET', `${SET}/${wifi}/deviceStatusOverview`)).json<Record<string, unknown>>();
      assert.deepEqual([overview.successCount, overview.pendingCount, overview.errorCount, overview.configurationVersion], [1, 0, 0, 1]);

      // A SCEP profile: a fresh one-time challenge of Steward's SCEP service for this device, in the payload only.
      const scep = await create({ '@odata.type': '#microsoft.graph.iosScepCertificateProfile', displayName: 'Wi-Fi certificate', scepServerUrls: ['https://mdm.example.test/scep'], subjectNameFormat: 'custom', subjectNameFormatString: 'CN={{userPrincipalName}}', keySize: 'size2048', keyUsage: 'digitalSignature', renewalThresholdPercentage: 20, certificateValidityPeriodValue: 1, certificateValidityPeriodScale: 'years', extendedKeyUsages: [{ name: 'Client Authentication', objectIdentifier: '1.3.6.1.5.5.7.3.2' }] });
      await assign(scep, [group(phones.id)]);
      await device.connect();
      const scepPayload = device.state.profiles.find((p) => p.profile.PayloadIdentifier === `com.steward.configuration.${scep}`)?.profile.payloads[0]?.dict.PayloadContent as Record<string, unknown> | undefined;
      const challenge = String(scepPayload?.Challenge);
      assert.match(challenge, /^[0-9a-f]{40}$/);
      assert.deepEqual(scepPayload?.Subject, [[['CN', user.userPrincipalName]]]);
      assert.equal(JSON.stringify((await states(id))).includes(challenge), false);
      assert.deepEqual(await app.t.core.scep.consumeChallenge(hashChallenge(challenge), new Date()), { outcome: 'consumed', enrollmentId: id });

      // An edit: version 2 reaches the device under the same identifier.
      assert.equal((await send('PATCH', `${SET}/${wifi}`, { '@odata.type': '#microsoft.graph.iosWiFiConfiguration', ssid: 'Contoso Staff 2' })).statusCode, 204);
      await device.connect();
      assert.equal(device.state.profiles.find((p) => p.profile.PayloadIdentifier === `com.steward.configuration.${wifi}`)?.profile.payloads[0]?.dict.SSID_STR, 'Contoso Staff 2');
      assert.deepEqual((await states(id)).find((s) => s.id === wifi)?.version, 2);

      // A second restrictions profile asks for a shorter passcode: a conflict on both, the setting named.
      const shorter = await create({ '@odata.type': '#microsoft.graph.iosGeneralDeviceConfiguration', displayName: 'Shorter passcode', cameraBlocked: false, passcodeMinimumLength: 4, passcodeRequired: true });
      await assign(shorter, [{ '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' }]);
      await device.connect();
      const conflicted = await states(id);
      for (const p of [restrictions, shorter]) {
        const s = conflicted.find((x) => x.id === p);
        assert.equal(s?.state, 'conflict', p);
        const c = s?.settingStates.find((x) => x.state === 'conflict');
        assert.equal(c?.setting, 'com.apple.mobiledevice.passwordpolicy/minLength');
        assert.deepEqual(c?.sources.map((x) => x.id).sort(), [restrictions, shorter].sort());
      }
      assert.equal((await send('GET', `${SET}/${shorter}/deviceStatusOverview`)).json<{ failedCount: number }>().failedCount, 1);
      // Resolved by deleting one: removed from the device, the other's conflict gone.
      assert.equal((await send('DELETE', `${SET}/${shorter}`)).statusCode, 204);
      await device.connect();
      assert.equal(device.state.profiles.some((p) => p.profile.PayloadIdentifier === `com.steward.configuration.${shorter}`), false);
      assert.equal((await states(id)).find((s) => s.id === restrictions)?.state, 'compliant');

      // Unassigned: RemoveProfile reaches the device.
      await assign(vpn, []);
      await device.connect();
      assert.equal(device.state.profiles.some((p) => p.profile.PayloadIdentifier === `com.steward.configuration.${vpn}`), false);
      assert.equal((await states(id)).some((s) => s.id === vpn), false);

      // Out of the group: every group-assigned profile goes.
      assert.equal((await directory.send('DELETE', `/v1.0/groups/${phones.id}/members/${id}/$ref`)).statusCode, 204);
      await device.connect();
      assert.deepEqual(device.state.profiles.filter((p) => p.profile.PayloadIdentifier.startsWith('com.steward.configuration.')), []);
      assert.deepEqual(await states(id), []);
      // Back in: installed again.
      assert.equal((await directory.addMember(phones.id, id)).statusCode, 204);
      await device.connect();
      assert.equal(device.state.profiles.filter((p) => p.profile.PayloadIdentifier.startsWith('com.steward.configuration.')).length, 4);
    });

    it('keeps a removed profile until the iPhone answers: pending, refused and retried, confirmed, and the install winning', async () => {
      const directory = directoryClient(app.t.app);
      const { device, id } = await enrolledDevice(app.t, 'iPhone');
      await device.connect(); // inventory
      const phones = await directory.createGroup();
      assert.equal((await directory.addMember(phones.id, id)).statusCode, 204);
      const camera = await create({ '@odata.type': '#microsoft.graph.iosGeneralDeviceConfiguration', displayName: 'No camera', cameraBlocked: true });
      const identifier = `com.steward.configuration.${camera}`;
      const onDevice = () => device.state.profiles.some((p) => p.profile.PayloadIdentifier === identifier);
      const stateOf = async () => (await states(id)).find((s) => s.id === camera);
      const statuses = async () => (await send('GET', `${SET}/${camera}/deviceStatuses`)).json<{ value: { status: string }[] }>().value.map((s) => s.status);
      const overview = async () => {
        const o = (await send('GET', `${SET}/${camera}/deviceStatusOverview`)).json<Record<string, number>>();
        return { pending: o.pendingCount, success: o.successCount, error: o.errorCount };
      };
      await assign(camera, [group(phones.id)]);
      await device.connect();
      assert.equal(onDevice(), true);
      assert.deepEqual(await overview(), { pending: 0, success: 1, error: 0 });

      // Unassigned: RemoveProfile queued, the state pending (not installed) until the iPhone answers.
      await assign(camera, []);
      assert.equal((await stateOf())?.state, 'unknown');
      assert.deepEqual(await statuses(), ['unknown']);
      assert.deepEqual(await overview(), { pending: 1, success: 0, error: 0 });
      // The iPhone refuses: an error with its words, the profile's identifier named.
      device.failNext('RemoveProfile', [mdmError(1004, 'The profile cannot be removed now.', 'MCProfileErrorDomain')]);
      await device.connect();
      assert.equal(onDevice(), true);
      const refused = await stateOf();
      assert.equal(refused?.state, 'error');
      assert.deepEqual(refused?.settingStates.map((s) => [s.setting, s.state]), [[identifier, 'error']]);
      assert.match(String(refused?.settingStates[0]?.errorDescription), /cannot be removed now.*MCProfileErrorDomain 1004/);
      assert.deepEqual(await overview(), { pending: 0, success: 0, error: 1 });
      // Not sent again at once; a day later it is, and the confirmed removal ends the state.
      await reconcileDevices(app.t.core, [id]);
      assert.equal((await stateOf())?.state, 'error');
      await reconcileDevices({ ...app.t.core, clock: { now: () => new Date(Date.now() + 25 * 3600_000) } }, [id]);
      assert.equal((await stateOf())?.state, 'unknown');
      await device.connect();
      assert.equal(onDevice(), false);
      assert.equal(await stateOf(), undefined);
      assert.deepEqual(await statuses(), []);

      // Assigned again while its removal is still queued: the removal runs, then the install, which wins.
      await assign(camera, [group(phones.id)]);
      await device.connect();
      await assign(camera, []);
      await assign(camera, [group(phones.id)]);
      assert.equal((await stateOf())?.state, 'unknown');
      await device.connect();
      assert.equal(onDevice(), true);
      assert.equal((await stateOf())?.state, 'compliant');
      // The answer to the removal that came first changed nothing.
      assert.deepEqual(await overview(), { pending: 0, success: 1, error: 0 });

      // A profile the person already took off: Apple's "not installed" counts as removed.
      await assign(camera, []);
      device.state.profiles = device.state.profiles.filter((p) => p.profile.PayloadIdentifier !== identifier);
      await device.connect();
      assert.equal(await stateOf(), undefined);
      // A Mac says it in other words (MDMClientError 89): removed too.
      await assign(camera, [group(phones.id)]);
      await device.connect();
      await assign(camera, []);
      device.failNext('RemoveProfile', [mdmError(89, `Profile with identifier '${identifier}' not found.`, 'MDMClientError')]);
      await device.connect();
      assert.equal(await stateOf(), undefined);
    });

    it('gives a newly enrolled device the profiles assigned to all devices after its first report', async () => {
      const camera = await create({ '@odata.type': '#microsoft.graph.iosGeneralDeviceConfiguration', displayName: 'No camera', cameraBlocked: true });
      await assign(camera, [{ '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' }]);
      const { device, id } = await enrolledDevice(app.t, 'iPad');
      await device.connect(); // inventory; its answers reconcile the device and queue the profile
      await device.connect();
      const installed = device.state.profiles.find((p) => p.profile.PayloadIdentifier === `com.steward.configuration.${camera}`);
      assert.equal(installed?.profile.payloads.find((p) => p.PayloadType === 'com.apple.applicationaccess')?.dict.allowCamera, false);
      assert.equal((await states(id)).find((s) => s.id === camera)?.state, 'compliant');
      // A Mac is not an iOS profile's target.
      const mac = await enrolledDevice(app.t, 'Mac');
      await mac.device.connect();
      await mac.device.connect();
      assert.deepEqual(await states(mac.id), []);
    });
  });
}
