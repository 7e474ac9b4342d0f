import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { changeEvent, otherActor } from '../../core/audit/record-change.js';
import { auditCategories, type NewAuditEvent } from '../../core/audit/audit-event.js';
import { testDialects } from '../../store/testing.js';
import type { Database } from '../../store/database.js';
import { auditLog } from '../../store/audit-log.js';
import { bearer, PUBLIC_URL, testApp, type TestApp } from '../../../test/support/http.js';
import { AUDIT_READ } from './audit-events.js';

interface Collection { '@odata.context': string; '@odata.nextLink'?: string; '@odata.count'?: number; value: Record<string, unknown>[] }
interface ErrorBody { error: { code: string; message: string } }
interface Event { id: string; actor: Record<string, unknown>; resources: Record<string, unknown>[]; correlationId: string; category: string }

const auth = bearer(AUDIT_READ);
const COUNT = 1100; // more than two export pages

function anEvent(i: number): NewAuditEvent {
  const device = i % 2 === 0;
  return changeEvent({
    actor: otherActor('System', { userPrincipalName: i % 5 === 0 ? 'ann@contoso.com' : 'bob@contoso.com', ipAddress: '198.51.100.7' }),
    activity: device ? 'Remote lock' : 'Update user',
    category: device ? 'Device' : 'User',
    operation: device ? 'Action' : 'Patch',
    correlationId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    resource: device
      ? { type: 'ManagedDevice', id: `d${i}`, displayName: i === 4 ? '=1+1' : `device ${i}` }
      : { type: 'User', id: `u${i}`, before: { city: 'Oslo', password: 'old' }, after: { city: 'Bergen', password: 'new' } },
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)),
  });
}

for (const dialect of testDialects()) {
  describe(`auditEvents through the Graph frame on ${dialect.name}`, () => {
    let database: Database;
    let t: TestApp;
    before(async () => {
      database = await dialect.open();
      t = await testApp(database);
      await auditLog(database.db, database.dialect).recordMany!(Array.from({ length: COUNT }, (_, i) => anEvent(i)));
    });
    after(async () => { await t.app.close(); await database.close(); });

    const get = (url: string, headers: Record<string, string> = auth) => t.app.inject({ url, headers });
    const q = (text: string) => encodeURIComponent(text);

    it('lists newest first and pages with @odata.nextLink on the public URL', async () => {
      const res = await get(`/v1.0/deviceManagement/auditEvents?$top=3&$filter=${q("category eq 'Device' or category eq 'User'")}`);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json<Collection>();
      assert.equal(body['@odata.context'], 'https://mdm.example.test/v1.0/$metadata#deviceManagement/auditEvents');
      const events = body.value as unknown as Event[];
      assert.deepEqual(events.map((e) => e.correlationId.slice(-4)), ['1099', '1098', '1097']);
      assert.equal(body.value[0]!['@odata.type'], '#microsoft.graph.auditEvent');
      const next = body['@odata.nextLink']!;
      assert.ok(next.startsWith(`${PUBLIC_URL.origin}/v1.0/deviceManagement/auditEvents?`), next);
      const second = (await get(next.slice(PUBLIC_URL.origin.length))).json<Collection>().value as unknown as Event[];
      assert.deepEqual(second.map((e) => e.correlationId.slice(-4)), ['1096', '1095', '1094']);
    });

    it('filters by actor/userPrincipalName, category and date, selects and counts', async () => {
      const filter = "actor/userPrincipalName eq 'ann@contoso.com' and category eq 'Device' and activityDateTime lt 2026-01-01T00:00:00.100Z";
      const res = await get(`/v1.0/deviceManagement/auditEvents?$filter=${q(filter)}&$count=true&$select=id,actor/userPrincipalName,category`);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json<Collection>();
      assert.equal(body['@odata.context'], 'https://mdm.example.test/v1.0/$metadata#deviceManagement/auditEvents(id,actor,category)');
      assert.equal(body['@odata.count'], 10); // i < 100, i % 10 === 0
      for (const e of body.value) {
        assert.deepEqual(Object.keys(e).sort(), ['actor', 'category', 'id']);
        assert.equal((e.actor as Record<string, unknown>).userPrincipalName, 'ann@contoso.com');
      }
    });

    it('shapes events as v1.0 and beta have them, with secrets masked', async () => {
      const filter = q("correlationId eq '00000000-0000-4000-8000-000000000001'");
      const v1 = (await get(`/v1.0/deviceManagement/auditEvents?$filter=${filter}`)).json<Collection>().value[0] as unknown as Event;
      assert.equal(v1.actor.auditActorType, 'System');
      assert.equal('type' in v1.actor, false);
      assert.deepEqual(v1.resources[0], {
        displayName: null, auditResourceType: 'User', resourceId: 'u1', modifiedProperties: [
          { displayName: 'city', oldValue: '"Oslo"', newValue: '"Bergen"' },
          { displayName: 'password', oldValue: '********', newValue: '********' },
        ],
      });
      const beta = (await get(`/beta/deviceManagement/auditEvents?$filter=${filter}`)).json<Collection>().value[0] as unknown as Event;
      assert.equal(beta.actor.type, 'System');
      assert.equal(beta.resources[0]!.type, 'User');

      const one = await get(`/beta/deviceManagement/auditEvents/${v1.id}`);
      assert.equal(one.statusCode, 200);
      const body = one.json<Record<string, unknown>>();
      assert.equal(body['@odata.context'], 'https://mdm.example.test/beta/$metadata#deviceManagement/auditEvents/$entity');
      assert.equal(body.id, v1.id);
      const missing = await get('/v1.0/deviceManagement/auditEvents/00000000-0000-0000-0000-000000000000');
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.json<ErrorBody>().error.code, 'ResourceNotFound');
    });

    it('answers getAuditCategories() and getAuditActivityTypes(category=…)', async () => {
      const categories = await get('/v1.0/deviceManagement/auditEvents/getAuditCategories()');
      assert.equal(categories.statusCode, 200, categories.body);
      assert.deepEqual(categories.json(), { '@odata.context': 'https://mdm.example.test/v1.0/$metadata#Collection(Edm.String)', value: [...auditCategories] });
      for (const url of ["/v1.0/deviceManagement/auditEvents/getAuditActivityTypes(category='Device')", '/v1.0/deviceManagement/auditEvents/getAuditActivityTypes(category=%27Device%27)']) {
        const res = await get(url);
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json<Collection>().value, ['Action ManagedDevice']);
      }
      assert.deepEqual((await get("/v1.0/deviceManagement/auditEvents/getAuditActivityTypes(category='It''s')")).json<Collection>().value, []);
      assert.equal((await get('/v1.0/deviceManagement/auditEvents/getAuditActivityTypes()')).statusCode, 400);
    });

    it('exports matching events as CSV, across pages, with formulas defused', async () => {
      const res = await get(`/v1.0/deviceManagement/auditEvents/export?$filter=${q("category eq 'Device'")}`);
      assert.equal(res.statusCode, 200, res.body.slice(0, 500));
      assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
      assert.equal(res.headers['content-disposition'], 'attachment; filename="audit-events.csv"');
      const rows = parse<Record<string, string>>(res.body, { columns: true });
      assert.equal(rows.length, COUNT / 2);
      assert.equal(new Set(rows.map((r) => r.id)).size, COUNT / 2);
      assert.ok(rows.every((r) => r.category === 'Device'));
      const hostile = rows.find((r) => r.correlationId?.endsWith('000000000004'))!;
      assert.equal((JSON.parse(hostile.resources!) as { displayName: string }[])[0]!.displayName, '=1+1'); // inside JSON text, not at a cell start
      const bad = await get(`/v1.0/deviceManagement/auditEvents/export?$top=5`);
      assert.equal(bad.statusCode, 400);
    });

    it("filters by resource with Graph's resources/any lambda, in the list and the CSV export", async () => {
      const byId = await get(`/beta/deviceManagement/auditEvents?$filter=${q("resources/any(r:r/resourceId eq 'd4')")}`);
      assert.equal(byId.statusCode, 200, byId.body);
      assert.deepEqual((byId.json<Collection>().value as unknown as Event[]).map((e) => e.resources[0]!.resourceId), ['d4']);
      // d4 must not match d40, d400…: the value is matched whole.
      const byName = await get(`/beta/deviceManagement/auditEvents?$count=true&$filter=${q("category eq 'Device' and (resources/any(r:r/displayName eq 'device 6') or resources/any(r:r/resourceId eq 'd8'))")}`);
      assert.equal(byName.statusCode, 200, byName.body);
      assert.deepEqual((byName.json<Collection>().value as unknown as Event[]).map((e) => e.resources[0]!.resourceId), ['d8', 'd6']);
      const byType = await get(`/beta/deviceManagement/auditEvents?$count=true&$top=1&$filter=${q("resources/any(r:r/auditResourceType eq 'User')")}`);
      assert.equal(byType.json<Collection>()['@odata.count'], COUNT / 2);
      const csv = await get(`/beta/deviceManagement/auditEvents/export?$filter=${q("resources/any(r:r/resourceId eq 'u5')")}`);
      assert.equal(csv.statusCode, 200, csv.body);
      const rows = parse<Record<string, string>>(csv.body, { columns: true });
      assert.equal(rows.length, 1);
      const bad = await get(`/beta/deviceManagement/auditEvents?$filter=${q("resources/any(r:r/resourceId ne 'd4')")}`);
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json<ErrorBody>().error.message, /resources can be filtered only as resources\/any\(r:r\/resourceId eq/);
    });

    it('answers bad query options with a 400 in the client’s spelling', async () => {
      const res = await get(`/v1.0/deviceManagement/auditEvents?$filter=${q("actor/nosuch eq 'x'")}`);
      assert.equal(res.statusCode, 400);
      assert.match(res.json<ErrorBody>().error.message, /unknown property 'actor\/nosuch'/);
    });

    it('needs Audit data: Read', async () => {
      for (const url of ['/v1.0/deviceManagement/auditEvents', '/v1.0/deviceManagement/auditEvents/export', '/v1.0/deviceManagement/auditEvents/getAuditCategories()', '/beta/deviceManagement/auditEvents/x']) {
        assert.equal((await get(url, {})).statusCode, 401, url);
        assert.equal((await get(url, bearer('Microsoft.Intune_ManagedDevices_Read'))).statusCode, 403, url);
      }
    });
  });
}
