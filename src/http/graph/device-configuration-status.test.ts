// A configuration profile's userStatuses and userStatusOverview on SQLite and PostgreSQL: the
// per-device states (written as delivery writes them) rolled up per primary user, the worst of
// each user's devices, devices without a user left out, the caller's scope applied; the device
// overview under v1.0 and beta; a deleted profile's removal on a device's deviceConfigurationStates.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../store/testing.js';
import type { Database } from '../../store/database.js';
import { bearer, tag5Authenticator, testApp, type TestApp } from '../../../test/support/http.js';
import { aManagedDevice } from '../../../test/support/devices.js';
import { aUser } from '../../../test/support/rbac.js';
import type { GraphCollection } from '../../../test/support/directory.js';
import type { ResourceOperation } from '../../core/auth/principal.js';
import type { ConfigurationDeviceState, DeliveryStatus } from '../../core/configuration/delivery-ports.js';
import type { ManagedDevice } from '../../core/devices/managed-device.js';

const OPS = ['Read', 'Create', 'Delete'].map((o) => `Microsoft.Intune_DeviceConfigurations_${o}` as ResourceOperation);
const admin = bearer(...OPS);
const SET = '/deviceManagement/deviceConfigurations';

for (const dialect of testDialects()) {
  describe(`deviceConfigurations userStatuses on ${dialect.name}`, () => {
    let database: Database;
    let t: TestApp;
    before(async () => {
      database = await dialect.open();
      t = await testApp(database, { authenticator: tag5Authenticator });
    });
    after(async () => { await t.app.close(); await database.close(); });

    const get = (path: string, headers = admin, version = 'beta') => t.app.inject({ url: `/${version}${path}`, headers });

    async function aDevice(over: Partial<ManagedDevice> = {}): Promise<ManagedDevice> {
      const d = aManagedDevice(over);
      const { roleScopeTagIds: _t, ...record } = d;
      await t.core.devices.put(record);
      return d;
    }

    function aState(configurationId: string, device: ManagedDevice, status: DeliveryStatus, at: string, conflict = false): ConfigurationDeviceState {
      return {
        deviceId: device.id, configurationId, version: 1, status, errorDetail: status === 'error' ? 'refused' : null,
        settingStates: conflict
          ? [{ setting: 'com.apple.mobiledevice.passwordpolicy/minLength', settingName: 'minLength', state: 'conflict', errorDescription: '4', errorCode: 0, currentValue: '6', sources: [] }]
          : [],
        commandUuid: null, removal: null, lastReportedDateTime: at,
        deviceName: device.deviceName, deviceModel: device.model, userName: device.userDisplayName, userPrincipalName: device.userPrincipalName,
      };
    }

    it('gives each user the worst status of their devices and counts the users', async () => {
      const res = await t.app.inject({
        method: 'POST', url: `/beta${SET}`, headers: admin,
        payload: { '@odata.type': '#microsoft.graph.iosGeneralDeviceConfiguration', displayName: 'Passcode', passcodeRequired: true, roleScopeTagIds: ['0', '5'] },
      });
      assert.equal(res.statusCode, 201, res.body);
      const id = res.json<{ id: string }>().id;
      const [ada, bob, carol, dave] = await Promise.all(['ada', 'bob', 'carol', 'dave'].map((n) => aUser(t.core, n)));
      assert.ok(ada && bob && carol && dave);
      const of = (u: typeof ada) => ({ userId: u.id, userPrincipalName: u.userPrincipalName, userDisplayName: u.displayName });
      const [adaA, adaB, bobA, bobB, carols, daves, nobodys] = await Promise.all([
        aDevice(of(ada)), aDevice(of(ada)), aDevice(of(bob)), aDevice(of(bob)), aDevice(of(carol)), aDevice(of(dave)), aDevice(),
      ]);
      assert.ok(adaA && adaB && bobA && bobB && carols && daves && nobodys);
      await t.core.configurationDelivery.write([
        aState(id, adaA, 'error', '2026-11-20T08:00:00.000Z'),
        aState(id, adaB, 'succeeded', '2026-11-22T08:00:00.000Z', true), // conflict, but an error is worse
        aState(id, bobA, 'pending', '2026-11-21T08:00:00.000Z'),
        aState(id, bobB, 'succeeded', '2026-11-19T08:00:00.000Z'),
        aState(id, carols, 'succeeded', '2026-11-18T08:00:00.000Z', true),
        aState(id, daves, 'notApplicable', '2026-11-17T08:00:00.000Z'),
        aState(id, nobodys, 'succeeded', '2026-11-23T08:00:00.000Z'),
      ], []);

      const statuses = await get(`${SET}/${id}/userStatuses`);
      assert.equal(statuses.statusCode, 200, statuses.body);
      const body = statuses.json<GraphCollection>();
      assert.ok(body['@odata.context'].endsWith(`/beta/$metadata#deviceManagement/deviceConfigurations('${id}')/userStatuses`), body['@odata.context']);
      assert.deepEqual(body.value.map((u) => [u.userDisplayName, u.status, u.devicesCount, u.lastReportedDateTime]), [
        ['ada', 'error', 2, '2026-11-22T08:00:00.000Z'],
        ['bob', 'unknown', 2, '2026-11-21T08:00:00.000Z'],
        ['carol', 'conflict', 1, '2026-11-18T08:00:00.000Z'],
        ['dave', 'notApplicable', 1, '2026-11-17T08:00:00.000Z'],
      ]);
      assert.deepEqual(body.value[0], {
        '@odata.type': '#microsoft.graph.deviceConfigurationUserStatus', id: `${id}_${ada.id}`, userDisplayName: 'ada', devicesCount: 2,
        status: 'error', lastReportedDateTime: '2026-11-22T08:00:00.000Z', userPrincipalName: ada.userPrincipalName,
      });

      const counts = (o: Record<string, unknown>) => [o.pendingCount, o.notApplicableCount, o.successCount, o.errorCount, o.failedCount, o.conflictCount];
      const beta = (await get(`${SET}/${id}/userStatusOverview`)).json<Record<string, unknown>>();
      assert.equal(beta['@odata.type'], '#microsoft.graph.deviceConfigurationUserOverview');
      assert.deepEqual(counts(beta), [1, 1, 0, 1, 0, 1]);
      // The latest report of a user's device (the device without a user counts for nobody).
      assert.equal(beta.lastUpdateDateTime, '2026-11-22T08:00:00.000Z');
      assert.equal(beta.configurationVersion, 1);
      const v1 = (await get(`${SET}/${id}/userStatusOverview`, admin, 'v1.0')).json<Record<string, unknown>>();
      assert.deepEqual(counts(v1), [1, 1, 0, 1, 1, undefined], 'v1.0 has no conflictCount: conflicts are failedCount');
      // The device overview: seven devices, conflicts in failedCount under v1.0, in conflictCount under beta.
      const devicesV1 = (await get(`${SET}/${id}/deviceStatusOverview`, admin, 'v1.0')).json<Record<string, unknown>>();
      assert.equal(devicesV1['@odata.type'], '#microsoft.graph.deviceConfigurationDeviceOverview');
      assert.deepEqual(counts(devicesV1), [1, 1, 2, 1, 2, undefined]);
      assert.equal('notApplicablePlatformCount' in devicesV1, false, 'v1.0 has no notApplicablePlatformCount');
      const devicesBeta = (await get(`${SET}/${id}/deviceStatusOverview`)).json<Record<string, unknown>>();
      assert.deepEqual(counts(devicesBeta), [1, 1, 2, 1, 0, 2]);
      // No state is kept on devices of another platform: none to count.
      assert.equal(devicesBeta.notApplicablePlatformCount, 0);
      assert.equal(devicesBeta.lastUpdateDateTime, '2026-11-23T08:00:00.000Z');

      // A scoped admin sees the profile (tag 5) but none of the devices (Default): no users.
      const scoped = { authorization: `Bearer scoped:${OPS.join(',')}` };
      assert.deepEqual((await get(`${SET}/${id}/userStatuses`, scoped)).json<GraphCollection>().value, []);
      assert.deepEqual(counts((await get(`${SET}/${id}/userStatusOverview`, scoped)).json<Record<string, unknown>>()), [0, 0, 0, 0, 0, 0]);
    });

    it('lists a deleted profile\'s pending or refused removal on the device, to holders of every scope tag only', async () => {
      const created = await t.app.inject({
        method: 'POST', url: `/beta${SET}`, headers: admin,
        payload: { '@odata.type': '#microsoft.graph.iosGeneralDeviceConfiguration', displayName: 'Passcode to go', passcodeRequired: true, roleScopeTagIds: ['0', '5'] },
      });
      assert.equal(created.statusCode, 201, created.body);
      const id = created.json<{ id: string }>().id;
      const phone = await aDevice();
      await t.core.rbac.setObjectScopeTags('managedDevice', phone.id, ['5']);
      // Installed: the device holds the profile, so deleting it queues its removal.
      await t.core.configurationDelivery.write([{ ...aState(id, phone, 'succeeded', '2026-11-20T08:00:00.000Z'), removal: { platform: 'apple', identifier: `com.steward.configuration.${id}` } }], []);
      const reader = bearer(...OPS, 'Microsoft.Intune_ManagedDevices_Read');
      const scoped = { authorization: `Bearer scoped:${[...OPS, 'Microsoft.Intune_ManagedDevices_Read'].join(',')}` };
      const states = async (headers: Record<string, string>, version = 'beta') => {
        const res = await get(`/deviceManagement/managedDevices/${phone.id}/deviceConfigurationStates`, headers, version);
        assert.equal(res.statusCode, 200, res.body);
        return res.json<GraphCollection>().value;
      };
      assert.deepEqual((await states(reader)).map((s) => [s.displayName, s.state]), [['Passcode to go', 'compliant']]);
      assert.deepEqual((await states(scoped)).map((s) => [s.displayName, s.state]), [['Passcode to go', 'compliant']], 'the profile carries tag 5');

      const deleted = await t.app.inject({ method: 'DELETE', url: `/beta${SET}/${id}`, headers: admin });
      assert.equal(deleted.statusCode, 204, deleted.body);
      const [stored] = (await t.core.configurationDelivery.forDevices([phone.id])).get(phone.id) ?? [];
      assert.equal(stored?.status, 'removing');
      assert.ok(stored.commandUuid);

      // Pending: the name went with the profile, so the id stands for it.
      for (const version of ['beta', 'v1.0']) {
        assert.deepEqual(await states(reader, version), [{
          '@odata.type': '#microsoft.graph.deviceConfigurationState', id, displayName: id, version: 1, platformType: 'iOS',
          state: 'unknown', settingCount: 0, settingStates: [],
        }]);
      }
      // No scope tags left: an admin limited to tag 5 no longer sees it.
      assert.deepEqual(await states(scoped), []);

      // Refused: error, with the device's answer in settingStates.
      const reported = await t.core.configurationDelivery.report(stored.commandUuid, {
        status: 'removalFailed', errorDetail: 'The profile is locked.', lastReportedDateTime: '2026-11-21T08:00:00.000Z',
        settingStates: [{ setting: `com.steward.configuration.${id}`, settingName: 'RemoveProfile', state: 'error', errorCode: 4001, errorDescription: 'The profile is locked.', currentValue: null, sources: [{ id, displayName: '' }] }],
      });
      assert.equal(reported, true);
      const [failed] = await states(reader);
      assert.equal(failed?.state, 'error');
      assert.equal(failed.displayName, id);
      const [setting] = failed.settingStates as Record<string, unknown>[];
      assert.deepEqual([setting?.state, setting?.errorCode, setting?.errorDescription, setting?.sources], ['error', 4001, 'The profile is locked.', [{ id, displayName: id, sourceType: 'deviceConfiguration' }]]);
      assert.deepEqual(await states(scoped), []);
      // The profile itself is gone.
      assert.equal((await get(`${SET}/${id}/deviceStatusOverview`)).statusCode, 404);

      // Confirmed by the device: the state goes, and so does the row.
      assert.equal(await t.core.configurationDelivery.removed(stored.commandUuid), false, 'only while removing');
      await t.core.configurationDelivery.write([], [{ deviceId: phone.id, configurationId: id }]);
      assert.deepEqual(await states(reader), []);
    });

    it('answers 404 for an unknown profile and 403 without the read permission', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      for (const path of ['userStatuses', 'userStatusOverview']) {
        const res = await get(`${SET}/${unknown}/${path}`);
        assert.equal(res.statusCode, 404, res.body);
        assert.equal(res.json<{ error: { code: string } }>().error.code, 'ResourceNotFound');
        assert.equal((await get(`${SET}/${unknown}/${path}`, bearer('Microsoft.Intune_ManagedDevices_Read'))).statusCode, 403);
      }
    });
  });
}
