import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../store/testing.js';
import type { Database } from '../../store/database.js';
import { managedDeviceStore } from '../../store/managed-devices.js';
import { bearer, PUBLIC_URL, testApp, type TestApp } from '../../../test/support/http.js';
import { aManagedDevice } from '../../../test/support/devices.js';

interface Collection { '@odata.context': string; '@odata.nextLink'?: string; '@odata.count'?: number; value: Record<string, unknown>[] }
interface ErrorBody { error: { code: string; message: string; target?: string } }

const auth = bearer('Microsoft.Intune_ManagedDevices_Read');

for (const dialect of testDialects()) {
  describe(`managedDevices through the Graph frame on ${dialect.name}`, () => {
    let database: Database;
    let t: TestApp;
    const ids = new Set<string>();
    before(async () => {
      database = await dialect.open();
      t = await testApp(database);
      const store = managedDeviceStore(database.db, database.dialect);
      for (let i = 0; i < 250; i++) {
        const d = aManagedDevice({
          deviceName: `device-${String(i).padStart(3, '0')}`,
          operatingSystem: i % 3 === 0 ? 'Windows' : 'iOS',
          complianceState: i % 5 === 0 ? 'noncompliant' : 'compliant',
          isEncrypted: i % 2 === 0,
          totalStorageSpaceInBytes: (i % 4) * 64e9,
          lastSyncDateTime: new Date(Date.UTC(2026, 0, 1 + (i % 30))).toISOString(),
        });
        ids.add(d.id);
        await store.put(d);
      }
    });
    after(async () => { await t.app.close(); await database.close(); });

    const get = async (url: string) => t.app.inject({ url, headers: auth });

    it('pages through every device with @odata.nextLink on the public URL', async () => {
      const seen: string[] = [];
      let url: string | undefined = '/v1.0/deviceManagement/managedDevices?$top=100&$orderby=deviceName desc';
      let pages = 0;
      while (url) {
        const res = await get(url);
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json<Collection>();
        assert.equal(body['@odata.context'], 'https://mdm.example.test/v1.0/$metadata#deviceManagement/managedDevices');
        seen.push(...body.value.map((d) => d.id as string));
        const next = body['@odata.nextLink'];
        if (next) {
          assert.ok(next.startsWith(`${PUBLIC_URL.origin}/v1.0/deviceManagement/managedDevices?`), next);
          url = next.slice(PUBLIC_URL.origin.length);
        } else url = undefined;
        pages++;
      }
      assert.equal(pages, 3);
      assert.equal(seen.length, 250);
      assert.deepEqual(new Set(seen), ids);
    });

    it('filters on strings, enums, booleans, numbers and dates, and counts', async () => {
      const res = await get(`/v1.0/deviceManagement/managedDevices?$filter=${encodeURIComponent("operatingSystem eq 'Windows' and complianceState eq 'noncompliant' and isEncrypted eq true and totalStorageSpaceInBytes ge 64000000000 and lastSyncDateTime lt 2026-01-20T00:00:00Z")}&$count=true&$top=999`);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json<Collection>();
      const expected = [...Array(250).keys()].filter((i) => i % 3 === 0 && i % 5 === 0 && i % 2 === 0 && i % 4 !== 0 && (i % 30) < 19);
      assert.equal(body.value.length, expected.length);
      assert.equal(body['@odata.count'], expected.length);
      for (const d of body.value) {
        assert.equal(d.operatingSystem, 'Windows');
        assert.equal(d.complianceState, 'noncompliant');
        assert.equal(d.isEncrypted, true);
        assert.equal(d['@odata.type'], '#microsoft.graph.managedDevice');
      }
    });

    it('selects properties and says so in @odata.context', async () => {
      const body = (await get('/beta/deviceManagement/managedDevices?$select=id,deviceName&$top=2')).json<Collection>();
      assert.equal(body['@odata.context'], 'https://mdm.example.test/beta/$metadata#deviceManagement/managedDevices(id,deviceName)');
      assert.deepEqual(Object.keys(body.value[0] ?? {}).sort(), ['deviceName', 'id']);
    });

    it('answers bad query options with a 400 that says what is wrong', async () => {
      const cases: [string, RegExp][] = [
        ['$filter=' + encodeURIComponent("nosuch eq 'x'"), /nosuch/],
        ['$filter=' + encodeURIComponent("deviceName eq"), /\$filter/],
        ['$filter=' + encodeURIComponent("complianceState eq 'sparkly'"), /sparkly|compliant/],
        ['$top=5000', /\$top/],
        ['$top=-1', /\$top/],
        ['$orderby=nosuch', /nosuch/],
        ['$skiptoken=garbage', /skiptoken/i],
        ['$top=1&$top=2', /more than once/],
      ];
      for (const [q, message] of cases) {
        const res = await get(`/v1.0/deviceManagement/managedDevices?${q}`);
        assert.equal(res.statusCode, 400, `${q}: ${res.body}`);
        const body = res.json<ErrorBody>();
        assert.equal(body.error.code, 'BadRequest');
        assert.match(body.error.message, message, q);
      }
    });

    it('reads one device, and 404s one that does not exist', async () => {
      const id = [...ids][7]!;
      const res = await get(`/v1.0/deviceManagement/managedDevices/${id}`);
      assert.equal(res.statusCode, 200);
      const body = res.json<Record<string, unknown>>();
      assert.equal(body.id, id);
      assert.equal(body['@odata.context'], 'https://mdm.example.test/v1.0/$metadata#deviceManagement/managedDevices/$entity');
      const missing = await get('/v1.0/deviceManagement/managedDevices/00000000-0000-0000-0000-000000000000');
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.json<ErrorBody>().error.code, 'ResourceNotFound');
    });
  });
}
