import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../store/testing.js';
import type { Database } from '../../store/database.js';
import { bearer, testApp, type TestApp } from '../../../test/support/http.js';
import {
  aUserBody, auditEventsFor, directoryAdmin, directoryClient, GOOD_PASSWORD,
  type DirectoryClient, type GraphCollection, type GraphErrorBody,
} from '../../../test/support/directory.js';
import { isLicensedForEnrollment, stewardSku } from '../../core/directory/licenses.js';
import { allScope } from '../../core/rbac/scope.js';

const CONTEXT = 'https://mdm.example.test/v1.0/$metadata#users';
const STEWARD_MDM_PLAN = stewardSku.servicePlans[0]!.servicePlanId;

for (const dialect of testDialects()) {
  describe(`users through the Graph API on ${dialect.name}`, () => {
    let database: Database;
    let t: TestApp;
    let c: DirectoryClient;
    before(async () => {
      database = await dialect.open();
      t = await testApp(database);
      c = directoryClient(t.app);
    });
    after(async () => { await t.app.close(); await database.close(); });

    const badRequest = async (res: { statusCode: number; body: string; json<T>(): T }, message: RegExp, target?: string) => {
      assert.equal(res.statusCode, 400, res.body);
      const body = res.json<GraphErrorBody>();
      assert.equal(body.error.code, 'BadRequest');
      assert.match(body.error.message, message);
      if (target !== undefined) assert.equal(body.error.target, target);
    };

    it('creates a user from a Graph body and never shows the password', async () => {
      const body = aUserBody({ userPrincipalName: 'Adele.Vance@Contoso.example', displayName: 'Adele Vance', department: 'Sales', jobTitle: 'Retail Manager', usageLocation: 'US' });
      const res = await c.send('POST', '/v1.0/users', body);
      assert.equal(res.statusCode, 201, res.body);
      assert.ok(!res.body.includes(GOOD_PASSWORD));
      assert.ok(!/password/i.test(res.body), res.body);
      const user = res.json<Record<string, unknown>>();
      assert.equal(user['@odata.context'], `${CONTEXT}/$entity`);
      assert.match(String(user.id), /^[0-9a-f-]{36}$/);
      assert.equal(user.userPrincipalName, 'Adele.Vance@Contoso.example');
      assert.equal(user.displayName, 'Adele Vance');
      assert.equal(user.department, 'Sales');
      assert.equal(user.accountEnabled, true);
      assert.equal(user.userType, 'Member');
      assert.deepEqual(user.assignedLicenses, []);
      assert.deepEqual(user.businessPhones, []);
      assert.equal(user.mail, null);

      const events = await auditEventsFor(t.app, String(user.id));
      const created = events.find((e) => e.activity === 'Create user');
      assert.ok(created, JSON.stringify(events));
      assert.equal(created.category, 'User');
      assert.equal(created.activityOperationType, 'Create');
      assert.equal((created.actor as Record<string, unknown>).applicationId, 'test-client');
      assert.ok(!JSON.stringify(created).includes(GOOD_PASSWORD), 'the audit event must not hold the password');
      // Nothing in the whole audit log holds it either.
      const all = await t.app.inject({ url: '/v1.0/deviceManagement/auditEvents?$top=999', headers: bearer('Microsoft.Intune_Audit_Read') });
      assert.ok(!all.body.includes(GOOD_PASSWORD));
      assert.ok(!t.logs.join('').includes(GOOD_PASSWORD), 'the logs must not hold the password');
    });

    it('reads a user by id and by userPrincipalName in any case', async () => {
      const u = await c.createUser({ userPrincipalName: 'Lee.Gu@Contoso.example' });
      for (const key of [u.id, 'Lee.Gu@Contoso.example', 'lee.gu@contoso.example', 'LEE.GU%40CONTOSO.EXAMPLE']) {
        const res = await c.get(`/v1.0/users/${key}`);
        assert.equal(res.statusCode, 200, `${key}: ${res.body}`);
        const body = res.json<Record<string, unknown>>();
        assert.equal(body.id, u.id);
        assert.equal(body['@odata.context'], `${CONTEXT}/$entity`);
      }
      const beta = await c.get(`/beta/users/${u.id}`);
      assert.equal(beta.json<Record<string, unknown>>()['@odata.context'], 'https://mdm.example.test/beta/$metadata#users/$entity');
      const missing = await c.get('/v1.0/users/nobody@contoso.example');
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.json<GraphErrorBody>().error.code, 'ResourceNotFound');
    });

    it('updates a user with PATCH (204) and the change shows', async () => {
      const u = await c.createUser({ department: 'Sales' });
      const res = await c.send('PATCH', `/v1.0/users/${u.id}`, { department: 'Marketing', jobTitle: 'Lead', officeLocation: null, accountEnabled: false });
      assert.equal(res.statusCode, 204, res.body);
      assert.equal(res.body, '');
      const now = (await c.get(`/v1.0/users/${u.id}`)).json<Record<string, unknown>>();
      assert.equal(now.department, 'Marketing');
      assert.equal(now.jobTitle, 'Lead');
      assert.equal(now.accountEnabled, false);
      // Changing the UPN keeps the user reachable under the new one only.
      const upn = `renamed.${String(u.mailNickname)}@contoso.example`;
      assert.equal((await c.send('PATCH', `/v1.0/users/${u.id}`, { userPrincipalName: upn })).statusCode, 204);
      assert.equal((await c.get(`/v1.0/users/${upn.toUpperCase()}`)).statusCode, 200);
      assert.equal((await c.get(`/v1.0/users/${String(u.userPrincipalName)}`)).statusCode, 404);

      const events = await auditEventsFor(t.app, u.id);
      const update = events.find((e) => e.activity === 'Update user');
      assert.ok(update);
      assert.equal(update.activityOperationType, 'Patch');
      const props = (update.resources as { modifiedProperties: { displayName: string; oldValue: string | null; newValue: string | null }[] }[])[0]!.modifiedProperties;
      assert.deepEqual(props.find((p) => p.displayName === 'department'), { displayName: 'department', oldValue: '"Sales"', newValue: '"Marketing"' });
    });

    it('changes a password with PATCH without recording it', async () => {
      const u = await c.createUser();
      const password = 'Another-Long-Phrase-42';
      const res = await c.send('PATCH', `/v1.0/users/${u.id}`, { passwordProfile: { password, forceChangePasswordNextSignIn: false } });
      assert.equal(res.statusCode, 204, res.body);
      const events = await auditEventsFor(t.app, u.id);
      assert.ok(events.some((e) => e.activity === 'Update user'));
      assert.ok(!JSON.stringify(events).includes(password));
      await badRequest(await c.send('PATCH', `/v1.0/users/${u.id}`, { passwordProfile: { password: 'short' } }), /passwordProfile.*12 characters/, 'passwordProfile');
    });

    it('deletes a user (204), then answers 404', async () => {
      const u = await c.createUser();
      assert.equal((await c.send('DELETE', `/v1.0/users/${u.id}`)).statusCode, 204);
      assert.equal((await c.get(`/v1.0/users/${u.id}`)).statusCode, 404);
      assert.equal((await c.send('DELETE', `/v1.0/users/${u.id}`)).statusCode, 404);
      assert.equal((await c.send('PATCH', `/v1.0/users/${u.id}`, { department: 'x' })).statusCode, 404);
      const events = await auditEventsFor(t.app, u.id);
      const deleted = events.find((e) => e.activity === 'Delete user');
      assert.ok(deleted);
      assert.equal(deleted.category, 'User');
      assert.equal(deleted.activityOperationType, 'Delete');
    });

    it('refuses a second user with the same userPrincipalName in another case', async () => {
      await c.createUser({ userPrincipalName: 'Megan.Bowen@contoso.example' });
      const res = await c.send('POST', '/v1.0/users', aUserBody({ userPrincipalName: 'MEGAN.BOWEN@CONTOSO.EXAMPLE' }));
      await badRequest(res, /^Another object with the same value for property userPrincipalName already exists/, 'userPrincipalName');
      const other = await c.createUser();
      await badRequest(await c.send('PATCH', `/v1.0/users/${other.id}`, { userPrincipalName: 'megan.bowen@CONTOSO.example' }),
        /^Another object with the same value for property userPrincipalName already exists/, 'userPrincipalName');
    });

    it('refuses bad input with a 400 that names the property', async () => {
      const cases: [Record<string, unknown>, RegExp, string][] = [
        [aUserBody({ userPrincipalName: 'no-at-sign' }), /userPrincipalName/, 'userPrincipalName'],
        [aUserBody({ userPrincipalName: 'two@@contoso.example' }), /userPrincipalName/, 'userPrincipalName'],
        [aUserBody({ userPrincipalName: 'space in@contoso.example' }), /userPrincipalName/, 'userPrincipalName'],
        [aUserBody({ displayName: '' }), /displayName/, 'displayName'],
        [aUserBody({ displayName: '   ' }), /displayName/, 'displayName'],
        [aUserBody({ foo: 1 }), /^Property 'foo' does not exist on microsoft\.graph\.user/, 'foo'],
        [aUserBody({ passwordProfile: { password: GOOD_PASSWORD, bar: true } }), /^Property 'passwordProfile\.bar' does not exist/, 'passwordProfile.bar'],
        [aUserBody({ accountEnabled: 'yes' }), /accountEnabled/, 'accountEnabled'],
        [aUserBody({ displayName: 42 }), /displayName/, 'displayName'],
        [aUserBody({ department: ['Sales'] }), /department/, 'department'],
        [aUserBody({ usageLocation: 'USA' }), /usageLocation/, 'usageLocation'],
        [aUserBody({ passwordProfile: { password: 'password' } }), /passwordProfile.*12 characters/, 'passwordProfile'],
        [aUserBody({ passwordProfile: { password: 'Password2024!!' } }), /passwordProfile.*common word/, 'passwordProfile'],
        [aUserBody({ userPrincipalName: 'jordan.miller@contoso.example', passwordProfile: { password: 'jordan.miller-1234' } }), /passwordProfile.*user name/, 'passwordProfile'],
        [aUserBody({ mailNickname: 'has space' }), /mailNickname/, 'mailNickname'],
        [aUserBody({ mail: 'not an address' }), /mail/, 'mail'],
        [aUserBody({ mail: 'two@@contoso.example' }), /mail/, 'mail'],
      ];
      for (const [body, message, target] of cases) {
        await badRequest(await c.send('POST', '/v1.0/users', body), message, target);
      }
      const { accountEnabled: _a, ...noAccountEnabled } = aUserBody();
      await badRequest(await c.send('POST', '/v1.0/users', noAccountEnabled), /accountEnabled/, 'accountEnabled');
      await badRequest(await c.send('POST', '/v1.0/users', []), /JSON object/);
      const u = await c.createUser();
      await badRequest(await c.send('PATCH', `/v1.0/users/${u.id}`, { id: 'x' }), /Property 'id' does not exist/, 'id');
      await badRequest(await c.send('PATCH', `/v1.0/users/${u.id}`, { displayName: '' }), /displayName/, 'displayName');
      await badRequest(await c.send('PATCH', `/v1.0/users/${u.id}`, { displayName: null }), /displayName/, 'displayName');
      await badRequest(await c.send('PATCH', `/v1.0/users/${u.id}`, { userPrincipalName: 'bad' }), /userPrincipalName/, 'userPrincipalName');
      await badRequest(await c.send('PATCH', `/v1.0/users/${u.id}`, { mail: 'nope' }), /mail/, 'mail');
      assert.equal((await c.send('PATCH', `/v1.0/users/${u.id}`, { mail: ' Adele.Vance@contoso.example ' })).statusCode, 204);
      assert.equal((await c.get(`/v1.0/users/${u.id}`)).json<Record<string, unknown>>().mail, 'Adele.Vance@contoso.example');
    });

    it('lists the licenses with how many are used, and assigns and removes them', async () => {
      const skusOf = async () => {
        const res = await c.get('/v1.0/subscribedSkus');
        assert.equal(res.statusCode, 200, res.body);
        return res.json<GraphCollection>();
      };
      const first = await skusOf();
      assert.equal(first['@odata.context'], 'https://mdm.example.test/v1.0/$metadata#subscribedSkus');
      const sku = first.value.find((s) => s.skuPartNumber === 'STEWARD_DEVICE_MANAGEMENT');
      assert.ok(sku);
      assert.equal(sku.skuId, stewardSku.skuId);
      const consumed = sku.consumedUnits as number;

      const u = await c.createUser();
      const assign = async (body: unknown) => c.send('POST', `/v1.0/users/${u.id}/assignLicense`, body);
      const res = await assign({ addLicenses: [{ skuId: stewardSku.skuId.toUpperCase(), disabledPlans: [] }], removeLicenses: [] });
      assert.equal(res.statusCode, 200, res.body);
      const licensed = res.json<Record<string, unknown>>();
      assert.equal(licensed.id, u.id);
      assert.deepEqual(licensed.assignedLicenses, [{ skuId: stewardSku.skuId, disabledPlans: [] }]);
      assert.deepEqual((await c.get(`/v1.0/users/${u.id}`)).json<Record<string, unknown>>().assignedLicenses, [{ skuId: stewardSku.skuId, disabledPlans: [] }]);
      assert.equal((await skusOf()).value[0]!.consumedUnits, consumed + 1);
      const stored = await t.core.users.get(u.id, allScope);
      assert.ok(stored && isLicensedForEnrollment(stored));

      // Disabling the MDM plan (in any case) takes away the right to enroll.
      const disabled = await assign({ addLicenses: [{ skuId: stewardSku.skuId, disabledPlans: [STEWARD_MDM_PLAN.toUpperCase()] }], removeLicenses: [] });
      assert.equal(disabled.statusCode, 200, disabled.body);
      const partly = await t.core.users.get(u.id, allScope);
      assert.ok(partly && !isLicensedForEnrollment(partly), JSON.stringify(partly?.assignedLicenses));
      assert.equal((await skusOf()).value[0]!.consumedUnits, consumed + 1);

      await badRequest(await assign({ addLicenses: [{ skuId: '00000000-0000-0000-0000-000000000000' }], removeLicenses: [] }), /does not correspond to a valid company License/, 'addLicenses');
      await badRequest(await assign({ addLicenses: [], removeLicenses: ['00000000-0000-0000-0000-000000000000'] }), /does not correspond to a valid company License/, 'removeLicenses');
      await badRequest(await assign({ addLicenses: [{ skuId: stewardSku.skuId, disabledPlans: ['00000000-0000-0000-0000-000000000001'] }], removeLicenses: [] }), /disabledPlans/);
      await badRequest(await assign({ addLicenses: [] }), /removeLicenses/);

      const removed = await assign({ addLicenses: [], removeLicenses: [stewardSku.skuId] });
      assert.equal(removed.statusCode, 200, removed.body);
      assert.deepEqual(removed.json<Record<string, unknown>>().assignedLicenses, []);
      assert.equal((await skusOf()).value[0]!.consumedUnits, consumed);
      const events = (await auditEventsFor(t.app, u.id)).filter((e) => e.activity === 'Assign license');
      assert.equal(events.length, 3);
      assert.ok(events.every((e) => e.category === 'User'));

      // A deleted user's license is free again.
      await assign({ addLicenses: [{ skuId: stewardSku.skuId }], removeLicenses: [] });
      assert.equal((await skusOf()).value[0]!.consumedUnits, consumed + 1);
      assert.equal((await c.send('DELETE', `/v1.0/users/${u.id}`)).statusCode, 204);
      assert.equal((await skusOf()).value[0]!.consumedUnits, consumed);
      assert.equal((await assign({ addLicenses: [], removeLicenses: [] })).statusCode, 404);
    });

    it('says who may enroll: enabled users with the Steward plan', () => {
      const plan = { skuId: stewardSku.skuId, disabledPlans: [] };
      assert.equal(isLicensedForEnrollment({ accountEnabled: true, assignedLicenses: [plan] }), true);
      assert.equal(isLicensedForEnrollment({ accountEnabled: false, assignedLicenses: [plan] }), false);
      assert.equal(isLicensedForEnrollment({ accountEnabled: true, assignedLicenses: [] }), false);
      assert.equal(isLicensedForEnrollment({ accountEnabled: true, assignedLicenses: [{ skuId: stewardSku.skuId.toUpperCase(), disabledPlans: [] }] }), true);
      assert.equal(isLicensedForEnrollment({ accountEnabled: true, assignedLicenses: [{ ...plan, disabledPlans: [STEWARD_MDM_PLAN] }] }), false);
      assert.equal(isLicensedForEnrollment({ accountEnabled: true, assignedLicenses: [{ ...plan, disabledPlans: [STEWARD_MDM_PLAN.toUpperCase()] }] }), false);
    });
  });

  describe(`querying users on ${dialect.name}`, () => {
    let database: Database;
    let t: TestApp;
    let c: DirectoryClient;
    const departments = ['Sales', 'Marketing', 'Engineering', null];
    before(async () => {
      database = await dialect.open();
      t = await testApp(database);
      c = directoryClient(t.app);
      // Without passwords: 260 argon2 hashes would only test the CPU.
      for (let i = 0; i < 260; i++) {
        const n = String(i).padStart(3, '0');
        const res = await c.send('POST', '/v1.0/users', {
          accountEnabled: i % 7 !== 0,
          displayName: `${i % 2 === 0 ? 'Alex' : 'Brooke'} ${n}`,
          userPrincipalName: `user${n}@contoso.example`,
          department: departments[i % 4],
          mailNickname: `user${n}`,
        });
        assert.equal(res.statusCode, 201, res.body);
      }
    });
    after(async () => { await t.app.close(); await database.close(); });

    const list = async (query: string) => {
      const res = await c.get(`/v1.0/users?${query}`);
      assert.equal(res.statusCode, 200, `${query}: ${res.body}`);
      return res.json<GraphCollection>();
    };

    it('pages through more than 250 users with @odata.nextLink', async () => {
      const first = await list('');
      assert.equal(first['@odata.context'], CONTEXT);
      assert.equal(first.value.length, 100);
      assert.ok(first['@odata.nextLink']?.startsWith('https://mdm.example.test/v1.0/users?'), first['@odata.nextLink']);
      const ids = await c.allIds('/v1.0/users?$top=120&$orderby=displayName desc');
      assert.equal(ids.length, 260);
      assert.equal(new Set(ids).size, 260);
    });

    it('filters with startswith, eq on text and booleans, and counts', async () => {
      const alex = await list(`$filter=${encodeURIComponent("startswith(displayName,'A')")}&$count=true&$top=999`);
      assert.equal(alex['@odata.count'], 130);
      assert.equal(alex.value.length, 130);
      assert.ok(alex.value.every((u) => String(u.displayName).startsWith('Alex')));
      const sales = await list(`$filter=${encodeURIComponent("department eq 'Sales'")}&$count=true&$top=999`);
      assert.equal(sales['@odata.count'], 65);
      assert.ok(sales.value.every((u) => u.department === 'Sales'));
      const disabled = await list(`$filter=${encodeURIComponent('accountEnabled eq false')}&$count=true`);
      assert.equal(disabled['@odata.count'], Math.ceil(260 / 7));
      assert.ok(disabled.value.every((u) => u.accountEnabled === false));
      const none = await list(`$filter=${encodeURIComponent('department eq null')}&$count=true&$top=1`);
      assert.equal(none['@odata.count'], 65);
      assert.equal(none.value.length, 1);
      const upn = await list(`$filter=${encodeURIComponent("userPrincipalName eq 'user007@contoso.example'")}`);
      assert.deepEqual(upn.value.map((u) => u.mailNickname), ['user007']);
    });

    it('orders, limits and selects', async () => {
      const page = await list('$orderby=displayName desc&$top=3&$select=id,displayName');
      assert.equal(page['@odata.context'], `${CONTEXT}(id,displayName)`);
      assert.deepEqual(page.value.map((u) => u.displayName), ['Brooke 259', 'Brooke 257', 'Brooke 255']);
      assert.deepEqual(Object.keys(page.value[0]!).sort(), ['displayName', 'id']);
    });

    it('searches the way Graph\'s $search does, with and without ConsistencyLevel', async () => {
      const q = (search: string, more = '') => list(`$search=${encodeURIComponent(search)}&$count=true&$top=999${more}`);
      const brooke = await q('"displayName:brooke"');
      assert.equal(brooke['@odata.count'], 130);
      // Tokenized: a word of displayName starts with the text.
      const word = await q('"displayName:25"');
      assert.deepEqual(word.value.map((u) => u.displayName).sort(), ['Alex 250', 'Alex 252', 'Alex 254', 'Alex 256', 'Alex 258', 'Brooke 251', 'Brooke 253', 'Brooke 255', 'Brooke 257', 'Brooke 259']);
      const either = await q('"userPrincipalName:user001" OR "userPrincipalName:user002"');
      assert.deepEqual(either.value.map((u) => u.mailNickname).sort(), ['user001', 'user002']);
      const both = await q('"displayName:alex" AND "mailNickname:user01"', `&$filter=${encodeURIComponent("department eq 'Engineering'")}`);
      assert.deepEqual(both.value.map((u) => u.mailNickname).sort(), ['user010', 'user014', 'user018']);
      const res = await t.app.inject({ url: `/v1.0/users?$search=${encodeURIComponent('"displayName:alex 00"')}`, headers: { ...directoryAdmin, consistencylevel: 'eventual' } });
      assert.deepEqual(res.json<GraphCollection>().value.map((u) => u.displayName).sort(), ['Alex 000', 'Alex 002', 'Alex 004', 'Alex 006', 'Alex 008']);
      // Paging keeps the search.
      assert.equal((await c.allIds(`/v1.0/users?$search=${encodeURIComponent('"displayName:brooke"')}&$top=50`)).length, 130);
      for (const bad of ['adele', '"displayName:x" AND', '"password:x"', '"displayName:x" "mail:y"', '"displayName:"']) {
        const r = await c.get(`/v1.0/users?$search=${encodeURIComponent(bad)}`);
        assert.equal(r.statusCode, 400, `${bad}: ${r.body}`);
        assert.match(r.json<GraphErrorBody>().error.message, /\$search/);
      }
    });

    it('refuses bad query options', async () => {
      for (const q of ['$filter=' + encodeURIComponent("nosuch eq 'x'"), '$top=0', '$orderby=password', '$select=passwordProfile', '$skiptoken=garbage']) {
        const res = await c.get(`/v1.0/users?${q}`);
        assert.equal(res.statusCode, 400, `${q}: ${res.body}`);
      }
    });
  });
}
