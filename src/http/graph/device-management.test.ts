import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../store/testing.js';
import type { Database } from '../../store/database.js';
import { bearer, testApp, type TestApp } from '../../../test/support/http.js';
import { parseListQuery } from '../../core/query/list-query.js';
import { auditEventSchema } from '../../core/audit/audit-schema.js';
import { isSecretName } from '../../core/secrets.js';
import { DEVICE_MANAGEMENT_ID } from './device-management.js';

interface ErrorBody { error: { code: string; message: string; target?: string } }
interface DeviceManagement { '@odata.context': string; id: string; settings: Record<string, unknown> }

const read = bearer('Microsoft.Intune_Organization_Read');
const update = bearer('Microsoft.Intune_Organization_Update');

for (const dialect of testDialects()) {
  describe(`deviceManagement settings on ${dialect.name}`, () => {
    let database: Database;
    let t: TestApp;
    before(async () => {
      database = await dialect.open();
      t = await testApp(database);
    });
    after(async () => { await t.app.close(); await database.close(); });

    const get = (url = '/v1.0/deviceManagement') => t.app.inject({ url, headers: read });
    const patch = (payload: unknown, headers = update) => t.app.inject({ method: 'PATCH', url: '/v1.0/deviceManagement', headers, payload: payload as object });

    it('reads the defaults under v1.0 and beta', async () => {
      for (const version of ['v1.0', 'beta']) {
        const res = await get(`/${version}/deviceManagement`);
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json<DeviceManagement>();
        assert.equal(body['@odata.context'], `https://mdm.example.test/${version}/$metadata#deviceManagement`);
        assert.equal(body.id, DEVICE_MANAGEMENT_ID);
        assert.deepEqual(body.settings, {
          '@odata.type': '#microsoft.graph.deviceManagementSettings',
          deviceComplianceCheckinThresholdDays: 30,
          isScheduledActionEnabled: true,
          secureByDefault: false,
          stewardRequireAuthenticatorForUsers: false,
        });
      }
    });

    it('needs Organization_Read to read and Organization_Update to change', async () => {
      assert.equal((await t.app.inject({ url: '/v1.0/deviceManagement', headers: update })).statusCode, 403);
      assert.equal((await patch({ settings: { secureByDefault: true } }, read)).statusCode, 403);
      assert.equal((await t.app.inject({ url: '/v1.0/deviceManagement' })).statusCode, 401);
    });

    it('changes only the settings given, answers with the whole resource and audits the change', async () => {
      const res = await patch({ settings: { '@odata.type': '#microsoft.graph.deviceManagementSettings', deviceComplianceCheckinThresholdDays: 14, stewardRequireAuthenticatorForUsers: true } });
      assert.equal(res.statusCode, 200, res.body);
      const expected = { deviceComplianceCheckinThresholdDays: 14, isScheduledActionEnabled: true, secureByDefault: false, stewardRequireAuthenticatorForUsers: true };
      assert.deepEqual({ ...res.json<DeviceManagement>().settings, '@odata.type': undefined }, { ...expected, '@odata.type': undefined });
      const again = (await get('/beta/deviceManagement')).json<DeviceManagement>().settings;
      assert.equal(again.deviceComplianceCheckinThresholdDays, 14);
      assert.equal(again.stewardRequireAuthenticatorForUsers, true);
      assert.equal((await patch({ settings: { secureByDefault: true } })).json<DeviceManagement>().settings.deviceComplianceCheckinThresholdDays, 14);

      const events = (await t.core.auditLog.list(parseListQuery({ $top: '50' }, auditEventSchema))).items.filter((e) => e.activity === 'Update tenant settings');
      assert.equal(events.length, 2);
      const first = events.find((e) => e.resources[0]?.modifiedProperties.some((p) => p.displayName === 'deviceComplianceCheckinThresholdDays'));
      assert.ok(first);
      assert.deepEqual(first.resources[0]!.modifiedProperties, [
        { displayName: 'deviceComplianceCheckinThresholdDays', oldValue: '30', newValue: '14' },
        { displayName: 'stewardRequireAuthenticatorForUsers', oldValue: 'false', newValue: 'true' },
      ]);
      assert.equal(first.actor.applicationId, 'test-client');
      assert.equal(isSecretName('stewardRequireAuthenticatorForUsers'), false, 'the setting is not masked as a secret');
    });

    it('refuses a threshold outside 1–120 days, wrong types and unknown properties', async () => {
      for (const [payload, target] of [
        [{ settings: { deviceComplianceCheckinThresholdDays: 0 } }, 'settings.deviceComplianceCheckinThresholdDays'],
        [{ settings: { deviceComplianceCheckinThresholdDays: 121 } }, 'settings.deviceComplianceCheckinThresholdDays'],
        [{ settings: { deviceComplianceCheckinThresholdDays: 1.5 } }, 'settings.deviceComplianceCheckinThresholdDays'],
        [{ settings: { deviceComplianceCheckinThresholdDays: '30' } }, 'settings.deviceComplianceCheckinThresholdDays'],
        [{ settings: { secureByDefault: 'yes' } }, 'settings.secureByDefault'],
        [{ settings: { stewardRequireTotpForUsers: true } }, 'settings.stewardRequireTotpForUsers'],
        [{ intuneBrand: {} }, 'intuneBrand'],
      ] as const) {
        const res = await patch(payload);
        assert.equal(res.statusCode, 400, JSON.stringify(payload));
        assert.equal(res.json<ErrorBody>().error.target, target, JSON.stringify(payload));
      }
      for (const days of [1, 120]) assert.equal((await patch({ settings: { deviceComplianceCheckinThresholdDays: days } })).statusCode, 200);
    });
  });
}
