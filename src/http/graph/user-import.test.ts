import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../store/testing.js';
import type { Database } from '../../store/database.js';
import { bearer, testApp, type TestApp } from '../../../test/support/http.js';
import { createGroup } from '../../core/directory/save-group.js';
import { allScope } from '../../core/rbac/scope.js';
import { parseListQuery } from '../../core/query/list-query.js';
import { auditEventSchema } from '../../core/audit/audit-schema.js';
import type { ImportReport } from '../../core/directory/import-users.js';

interface ErrorBody { error: { code: string; message: string } }

const create = bearer('Microsoft.Intune_Users_Create');
const createEverything = bearer('Microsoft.Intune_Users_Create', 'Microsoft.Intune_Groups_Update', 'Microsoft.Intune_Licenses_Assign');

for (const dialect of testDialects()) {
  describe(`POST /users/import on ${dialect.name}`, () => {
    let database: Database;
    let t: TestApp;
    before(async () => {
      database = await dialect.open();
      t = await testApp(database);
      await createGroup({ groups: t.core.groups, clock: t.core.clock }, { displayName: 'Sales', mailNickname: 'sales' });
    });
    after(async () => { await t.app.close(); await database.close(); });

    const post = (csv: string | Buffer, options: { query?: string; headers?: Record<string, string> } = {}) => t.app.inject({
      method: 'POST', url: `/v1.0/users/import${options.query ?? ''}`, payload: csv,
      headers: { 'content-type': 'text/csv; charset=utf-8', ...createEverything, ...options.headers },
    });
    const exists = async (upn: string) => (await t.core.users.get(upn, allScope)) !== undefined;
    const importEvents = async () => (await t.core.auditLog.list(parseListQuery({ $filter: "activity eq 'Import user'", $top: '999' }, auditEventSchema))).items;

    it('imports the good rows, reports the bad ones by line, and audits each user created', async () => {
      const res = await post([
        'userPrincipalName,displayName,groups,licenses',
        'http1@contoso.com,"HTTP\nOne",Sales,STEWARD_DEVICE_MANAGEMENT',
        'http2@contoso.com,,,',
        'http3@contoso.com,HTTP Three,,',
      ].join('\r\n'));
      assert.equal(res.statusCode, 200, res.body);
      const report = res.json<ImportReport>();
      assert.deepEqual(report, {
        total: 3, imported: 2, atomic: false,
        failed: [{ line: 4, userPrincipalName: 'http2@contoso.com', reason: 'displayName is required' }],
      });
      assert.equal(await exists('http1@contoso.com'), true);
      assert.equal(await exists('http2@contoso.com'), false);
      const events = await importEvents();
      assert.deepEqual(events.map((e) => e.resources[0]?.displayName).sort(), ['http1@contoso.com', 'http3@contoso.com']);
      const first = events.find((e) => e.resources[0]?.displayName === 'http1@contoso.com');
      assert.equal(first?.category, 'User');
      assert.equal(first?.activityOperationType, 'Create');
      assert.equal(first?.actor.applicationDisplayName, 'test client');
      assert.match(JSON.stringify(first?.resources[0]?.modifiedProperties), /memberOf.*Sales/);
    });

    it('imports nothing with atomic=true when a row is bad', async () => {
      const res = await post('userPrincipalName,displayName\natomic1@contoso.com,A\nnot an upn,B\n', { query: '?atomic=true' });
      assert.equal(res.statusCode, 200, res.body);
      const report = res.json<ImportReport>();
      assert.equal(report.atomic, true);
      assert.equal(report.imported, 0);
      assert.deepEqual(report.failed.map((f) => f.line), [3]);
      assert.equal(await exists('atomic1@contoso.com'), false);
      const bad = await post('userPrincipalName,displayName\nx@contoso.com,X\n', { query: '?atomic=yes' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json<ErrorBody>().error.message, /atomic must be true or false/);
    });

    it('answers 400 with a Graph error when the file as a whole is unusable', async () => {
      const cases: [string | Buffer, RegExp][] = [
        ['userPrincipalName,displayName,shoeSize\nshoe@contoso.com,Shoe,44\n', /Unknown column 'shoeSize'/],
        ['', /empty/],
        [Buffer.from([0x50, 0x4b, 3, 4, 0, 0]), /not a CSV file.*Excel/],
        [Buffer.from([0x61, 0xc3, 0x28, 0x0a]), /not UTF-8/],
      ];
      for (const [body, message] of cases) {
        const res = await post(body);
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.json<ErrorBody>().error.code, 'BadRequest');
        assert.match(res.json<ErrorBody>().error.message, message);
      }
      assert.equal(await exists('shoe@contoso.com'), false);
    });

    it('takes files past the usual body limit, up to 50 MiB', async () => {
      // 5 MiB, past the app's 4 MiB default: refused for its column, not its size.
      const big = `userPrincipalName,displayName,x\n${'a@contoso.com,A,1\n'.repeat(300_000)}`;
      const res = await post(big);
      assert.equal(res.statusCode, 400, res.body.slice(0, 300));
      assert.match(res.json<ErrorBody>().error.message, /Unknown column 'x'/);
      const huge = await post(Buffer.alloc(50 * 1024 * 1024 + 1, 0x61));
      assert.equal(huge.statusCode, 413);
      assert.equal(huge.json<ErrorBody>().error.code, 'RequestEntityTooLarge');
    });

    it('wants text/csv', async () => {
      const json = await t.app.inject({ method: 'POST', url: '/v1.0/users/import', payload: { userPrincipalName: 'j@contoso.com' }, headers: createEverything });
      assert.equal(json.statusCode, 415, json.body);
      const latin1 = await post('userPrincipalName,displayName\n', { headers: { 'content-type': 'text/csv; charset=iso-8859-1' } });
      assert.equal(latin1.statusCode, 415, latin1.body);
      assert.match(latin1.json<ErrorBody>().error.message, /UTF-8/);
    });

    it('needs Users_Create, and Groups_Update or Licenses_Assign for files that fill those columns', async () => {
      const anonymous = await t.app.inject({ method: 'POST', url: '/v1.0/users/import', payload: 'a', headers: { 'content-type': 'text/csv' } });
      assert.equal(anonymous.statusCode, 401);
      const reader = await post('userPrincipalName,displayName\nr@contoso.com,R\n', { headers: bearer('Microsoft.Intune_Users_Read') });
      assert.equal(reader.statusCode, 403);
      const groups = await post('userPrincipalName,displayName,groups\ng@contoso.com,G,Sales\n', { headers: create });
      assert.equal(groups.statusCode, 403, groups.body);
      assert.match(groups.json<ErrorBody>().error.message, /groups column.*Microsoft\.Intune_Groups_Update/);
      const refusals = (await t.core.auditLog.list(parseListQuery({ $filter: "activity eq 'Authorization refused'", $top: '999' }, auditEventSchema))).items;
      assert.ok(refusals.some((e) => JSON.stringify(e.resources).includes('groups column')), 'the refusal is audited');
      const licenses = await post('userPrincipalName,displayName,licenses\nl@contoso.com,L,STEWARD_DEVICE_MANAGEMENT\n', { headers: bearer('Microsoft.Intune_Users_Create', 'Microsoft.Intune_Groups_Update') });
      assert.equal(licenses.statusCode, 403, licenses.body);
      assert.match(licenses.json<ErrorBody>().error.message, /Microsoft\.Intune_Licenses_Assign/);
      for (const upn of ['r@contoso.com', 'g@contoso.com', 'l@contoso.com']) assert.equal(await exists(upn), false, upn);
      // An empty groups column asks for nothing more.
      const plain = await post('userPrincipalName,displayName,groups\np@contoso.com,P,\n', { headers: create });
      assert.equal(plain.statusCode, 200, plain.body);
      assert.equal(plain.json<ImportReport>().imported, 1);
    });
  });
}
