import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../store/testing.js';
import type { Database } from '../../store/database.js';
import { testApp, tokenAuthenticator, type TestApp } from '../../../test/support/http.js';
import type { Authenticator, ResourceOperation } from '../../core/auth/principal.js';
import { scopeOf } from '../../core/rbac/scope.js';
import {
  auditEventsFor, directoryClient, type DirectoryClient, type GraphCollection, type GraphErrorBody,
} from '../../../test/support/directory.js';

const CONTEXT = 'https://mdm.example.test/v1.0/$metadata#groups';
const OBJECTS = 'https://mdm.example.test/v1.0/$metadata#directoryObjects';
const SCOPED_OPERATIONS: ResourceOperation[] = [
  'Microsoft.Intune_Groups_Create', 'Microsoft.Intune_Groups_Read', 'Microsoft.Intune_Groups_Update', 'Microsoft.Intune_Users_Read',
];

async function expectError(res: { statusCode: number; body: string; json<T>(): T }, status: number, message: RegExp) {
  assert.equal(res.statusCode, status, res.body);
  assert.match(res.json<GraphErrorBody>().error.message, message);
}

for (const dialect of testDialects()) {
  describe(`assigned groups through the Graph API on ${dialect.name}`, () => {
    let database: Database;
    let t: TestApp;
    let c: DirectoryClient;
    before(async () => {
      database = await dialect.open();
      t = await testApp(database);
      c = directoryClient(t.app);
    });
    after(async () => { await t.app.close(); await database.close(); });

    const ids = async (url: string) => {
      const res = await c.get(url);
      assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
      const body = res.json<GraphCollection>();
      assert.equal(body['@odata.context'], OBJECTS);
      return body.value.map((o) => o.id as string).sort();
    };
    const sorted = (...xs: string[]) => [...xs].sort();

    it('creates, reads, updates and deletes a group', async () => {
      const res = await c.send('POST', '/v1.0/groups', { displayName: 'Retail', mailEnabled: false, mailNickname: 'retail', securityEnabled: true, description: 'Shops' });
      assert.equal(res.statusCode, 201, res.body);
      const g = res.json<Record<string, unknown>>();
      assert.equal(g['@odata.context'], `${CONTEXT}/$entity`);
      assert.deepEqual(g.groupTypes, []);
      assert.equal(g.membershipRule, null);
      assert.equal(g.membershipRuleProcessingState, null);
      const id = String(g.id);
      assert.equal((await c.get(`/v1.0/groups/${id}`)).json<Record<string, unknown>>().description, 'Shops');
      assert.equal((await c.send('PATCH', `/v1.0/groups/${id}`, { description: 'All shops', displayName: '  Retail  ' })).statusCode, 204);
      assert.equal((await c.get(`/v1.0/groups/${id}`)).json<Record<string, unknown>>().displayName, 'Retail');
      assert.equal((await c.get(`/v1.0/groups/${id}`)).json<Record<string, unknown>>().description, 'All shops');
      const listed = (await c.get(`/v1.0/groups?$filter=${encodeURIComponent("displayName eq 'Retail'")}`)).json<GraphCollection>();
      assert.equal(listed['@odata.context'], CONTEXT);
      assert.deepEqual(listed.value.map((x) => x.id), [id]);
      const searched = (await c.get(`/v1.0/groups?$search=${encodeURIComponent('"description:all" OR "displayName:ret"')}`)).json<GraphCollection>();
      assert.deepEqual(searched.value.map((x) => x.id), [id]);
      assert.equal((await c.send('DELETE', `/v1.0/groups/${id}`)).statusCode, 204);
      assert.equal((await c.get(`/v1.0/groups/${id}`)).statusCode, 404);
      assert.equal((await c.send('DELETE', `/v1.0/groups/${id}`)).statusCode, 404);

      const events = await auditEventsFor(t.app, id);
      assert.deepEqual(events.map((e) => [e.activity, e.category, e.activityOperationType]), [
        ['Create group', 'Group', 'Create'], ['Update group', 'Group', 'Patch'], ['Delete group', 'Group', 'Delete'],
      ]);
      assert.ok(events.every((e) => (e.actor as Record<string, unknown>).applicationId === 'test-client'));
    });

    it('refuses bad group input', async () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ displayName: 'X', mailEnabled: false, securityEnabled: true }, /mailNickname/],
        [{ displayName: '', mailEnabled: false, mailNickname: 'x', securityEnabled: true }, /displayName/],
        [{ displayName: 'X', mailEnabled: true, mailNickname: 'x', securityEnabled: true }, /mailEnabled/],
        [{ displayName: 'X', mailEnabled: false, mailNickname: 'x', securityEnabled: true, groupTypes: ['Unified'] }, /groupTypes/],
        [{ displayName: 'X', mailEnabled: false, mailNickname: 'x', securityEnabled: true, visibility: 'Private' }, /Property 'visibility' does not exist on microsoft\.graph\.group/],
        [{ displayName: 'X', mailEnabled: false, mailNickname: 'x', securityEnabled: true, membershipRule: 'user.department -eq "Sales"' }, /membershipRule.*DynamicMembership/],
        [{ displayName: 'X', mailEnabled: 'no', mailNickname: 'x', securityEnabled: true }, /mailEnabled/],
      ];
      for (const [body, message] of cases) await expectError(await c.send('POST', '/v1.0/groups', body), 400, message);
    });

    it('adds and removes members by reference, and lists them as directory objects', async () => {
      const g = await c.createGroup();
      const [a, b] = [await c.createUser(), await c.createUser()];
      const add = await c.addMember(g.id, a.id);
      assert.equal(add.statusCode, 204, add.body);
      // Other spellings of the reference Graph clients send.
      const byUsers = await c.send('POST', `/v1.0/groups/${g.id}/members/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/users/${b.id}` });
      assert.equal(byUsers.statusCode, 204, byUsers.body);
      const members = (await c.get(`/v1.0/groups/${g.id}/members`)).json<GraphCollection>();
      assert.equal(members['@odata.context'], OBJECTS);
      assert.deepEqual(members.value.map((m) => m.id).sort(), sorted(a.id, b.id));
      assert.ok(members.value.every((m) => m['@odata.type'] === '#microsoft.graph.user'));
      assert.equal(members.value.find((m) => m.id === a.id)?.userPrincipalName, a.userPrincipalName);

      await expectError(await c.addMember(g.id, a.id), 400, /already exist/);
      await expectError(await c.addMember(g.id, '00000000-0000-0000-0000-000000000000'), 404, /00000000-0000-0000-0000-000000000000/);
      await expectError(await c.addMember('00000000-0000-0000-0000-000000000000', a.id), 404, /group/);
      await expectError(await c.send('POST', `/v1.0/groups/${g.id}/members/$ref`, { '@odata.id': 'https://graph.microsoft.com/v1.0/me' }), 400, /@odata.id/);
      await expectError(await c.send('POST', `/v1.0/groups/${g.id}/members/$ref`, {}), 400, /@odata.id/);
      await expectError(await c.addMember(g.id, g.id), 400, /itself/);

      const removed = await c.send('DELETE', `/v1.0/groups/${g.id}/members/${a.id}/$ref`);
      assert.equal(removed.statusCode, 204, removed.body);
      assert.deepEqual(await ids(`/v1.0/groups/${g.id}/members`), [b.id]);
      await expectError(await c.send('DELETE', `/v1.0/groups/${g.id}/members/${a.id}/$ref`), 404, /not a member/);

      const events = await auditEventsFor(t.app, g.id);
      assert.deepEqual(events.map((e) => e.activity), ['Create group', 'Add member to group', 'Add member to group', 'Remove member from group']);
      assert.ok(events.slice(1).every((e) => e.category === 'Group'));
    });

    it('follows nesting for transitive members and memberOf, and refuses a cycle', async () => {
      const outer = await c.createGroup({ displayName: 'Outer' });
      const inner = await c.createGroup({ displayName: 'Inner' });
      const innermost = await c.createGroup({ displayName: 'Innermost' });
      const [u1, u2, u3] = [await c.createUser(), await c.createUser(), await c.createUser()];
      for (const [group, member] of [[outer, u1], [outer, inner], [inner, u2], [inner, innermost], [innermost, u3], [innermost, u1]] as const) {
        assert.equal((await c.addMember(group.id, member.id)).statusCode, 204);
      }
      assert.deepEqual(await ids(`/v1.0/groups/${outer.id}/members`), sorted(u1.id, inner.id));
      const transitive = (await c.get(`/v1.0/groups/${outer.id}/transitiveMembers`)).json<GraphCollection>();
      assert.deepEqual(transitive.value.map((m) => m.id).sort(), sorted(u1.id, u2.id, u3.id, inner.id, innermost.id));
      assert.equal(transitive.value.find((m) => m.id === inner.id)?.['@odata.type'], '#microsoft.graph.group');

      assert.deepEqual(await ids(`/v1.0/users/${u3.id}/memberOf`), [innermost.id]);
      assert.deepEqual(await ids(`/v1.0/users/${u3.id}/transitiveMemberOf`), sorted(innermost.id, inner.id, outer.id));
      assert.deepEqual(await ids(`/v1.0/users/${String(u1.userPrincipalName)}/memberOf`), sorted(outer.id, innermost.id));
      assert.deepEqual(await ids(`/v1.0/groups/${innermost.id}/memberOf`), [inner.id]);
      assert.deepEqual(await ids(`/v1.0/groups/${innermost.id}/transitiveMemberOf`), sorted(inner.id, outer.id));

      await expectError(await c.addMember(innermost.id, outer.id), 400, /cycle/);
      await expectError(await c.addMember(inner.id, outer.id), 400, /cycle/);
      assert.deepEqual(await ids(`/v1.0/groups/${outer.id}/memberOf`), []);

      // Deleting a group takes its memberships with it, both ways.
      assert.equal((await c.send('DELETE', `/v1.0/groups/${inner.id}`)).statusCode, 204);
      assert.deepEqual(await ids(`/v1.0/groups/${outer.id}/members`), [u1.id]);
      assert.deepEqual(await ids(`/v1.0/groups/${outer.id}/transitiveMembers`), [u1.id]);
      assert.deepEqual(await ids(`/v1.0/users/${u3.id}/transitiveMemberOf`), [innermost.id]);
      assert.deepEqual(await ids(`/v1.0/groups/${innermost.id}/memberOf`), []);
      // Deleting a user takes theirs.
      assert.equal((await c.send('DELETE', `/v1.0/users/${u1.id}`)).statusCode, 204);
      assert.deepEqual(await ids(`/v1.0/groups/${outer.id}/members`), []);
      assert.deepEqual(await ids(`/v1.0/groups/${innermost.id}/members`), [u3.id]);
    });

    it('pages members with $top and @odata.nextLink', async () => {
      const g = await c.createGroup();
      const users: string[] = [];
      for (let i = 0; i < 7; i++) {
        const u = await c.createUser();
        users.push(u.id);
        assert.equal((await c.addMember(g.id, u.id)).statusCode, 204);
      }
      const first = (await c.get(`/v1.0/groups/${g.id}/members?$top=3`)).json<GraphCollection>();
      assert.equal(first.value.length, 3);
      assert.ok(first['@odata.nextLink']?.startsWith(`https://mdm.example.test/v1.0/groups/${g.id}/members?`), first['@odata.nextLink']);
      const all = await c.allIds(`/v1.0/groups/${g.id}/members?$top=3`);
      assert.deepEqual([...all].sort(), [...users].sort());
      assert.equal(all.length, 7);
      assert.equal((await c.get(`/v1.0/groups/${g.id}/members?$top=0`)).statusCode, 400);
      assert.equal((await c.get(`/v1.0/groups/${g.id}/members?$skiptoken=garbage`)).statusCode, 400);
    });
  });

  describe(`dynamic groups through the Graph API on ${dialect.name}`, () => {
    let database: Database;
    let t: TestApp;
    let c: DirectoryClient;
    before(async () => {
      database = await dialect.open();
      t = await testApp(database);
      c = directoryClient(t.app);
    });
    after(async () => { await t.app.close(); await database.close(); });

    const memberIds = async (groupId: string) => (await c.allIds(`/v1.0/groups/${groupId}/members?$top=999`)).sort();
    const dynamicGroup = (rule: string, extra: Record<string, unknown> = {}) =>
      c.createGroup({ groupTypes: ['DynamicMembership'], membershipRule: rule, ...extra });
    const patch = async (url: string, body: Record<string, unknown>) => {
      const res = await c.send('PATCH', url, body);
      assert.equal(res.statusCode, 204, res.body);
    };

    it('computes members from the rule and follows users as they change', async () => {
      const department = `Sales-${Math.random().toString(36).slice(2, 8)}`;
      const s1 = await c.createUser({ department });
      const s2 = await c.createUser({ department: department.toUpperCase() });
      await c.createUser({ department: 'Engineering' });
      const g = await dynamicGroup(`user.department -eq "${department}"`);
      assert.equal(g.membershipRuleProcessingState, 'On');
      assert.deepEqual(await memberIds(g.id), [s1.id, s2.id].sort());

      const s3 = await c.createUser({ department });
      assert.deepEqual(await memberIds(g.id), [s1.id, s2.id, s3.id].sort());
      await patch(`/v1.0/users/${s1.id}`, { department: 'Engineering' });
      assert.deepEqual(await memberIds(g.id), [s2.id, s3.id].sort());
      await patch(`/v1.0/users/${s1.id}`, { department });
      assert.deepEqual(await memberIds(g.id), [s1.id, s2.id, s3.id].sort());
      assert.deepEqual((await c.allIds(`/v1.0/users/${s3.id}/memberOf`)), [g.id]);

      // A new rule recomputes the whole group.
      await patch(`/v1.0/groups/${g.id}`, { membershipRule: `user.department -eq "${department}" -and user.objectId -ne "${s2.id}"` });
      assert.deepEqual(await memberIds(g.id), [s1.id, s3.id].sort());

      // Paused keeps the members it has and stops following changes; On catches up.
      await patch(`/v1.0/groups/${g.id}`, { membershipRuleProcessingState: 'Paused' });
      assert.equal((await c.get(`/v1.0/groups/${g.id}`)).json<Record<string, unknown>>().membershipRuleProcessingState, 'Paused');
      await patch(`/v1.0/users/${s1.id}`, { department: 'Engineering' });
      const s4 = await c.createUser({ department });
      assert.deepEqual(await memberIds(g.id), [s1.id, s3.id].sort());
      await patch(`/v1.0/groups/${g.id}`, { membershipRuleProcessingState: 'On' });
      assert.deepEqual(await memberIds(g.id), [s3.id, s4.id].sort());

      const events = await auditEventsFor(t.app, g.id);
      assert.deepEqual(events.map((e) => e.activity), ['Create group', 'Update group', 'Update group', 'Update group']);
      const ruleChange = (events[1]!.resources as { modifiedProperties: { displayName: string }[] }[])[0]!.modifiedProperties;
      assert.deepEqual(ruleChange.map((p) => p.displayName), ['membershipRule']);
    });

    it('follows the Graph spellings a rule may use for user properties', async () => {
      const office = `Office-${Math.random().toString(36).slice(2, 8)}`;
      const u = await c.createUser({ officeLocation: office, mobilePhone: '+1 555 0100' });
      const byOffice = await dynamicGroup(`user.physicalDeliveryOfficeName -eq "${office}"`);
      const byMobile = await dynamicGroup('user.mobile -eq "+1 555 0100"');
      for (const g of [byOffice, byMobile]) assert.deepEqual(await memberIds(g.id), [u.id], String(g.membershipRule));
    });

    it('follows licenses through user.assignedPlans', async () => {
      const plan = 'a6a630e3-4587-47ad-861e-e50f97fb60fa';
      const g = await dynamicGroup(`user.assignedPlans -any (assignedPlan.servicePlanId -eq "${plan}" -and assignedPlan.capabilityStatus -eq "Enabled")`);
      const u = await c.createUser();
      assert.deepEqual(await memberIds(g.id), []);
      const assign = await c.send('POST', `/v1.0/users/${u.id}/assignLicense`, { addLicenses: [{ skuId: '1d120cbe-e608-4462-95fe-00e718c51c4f' }], removeLicenses: [] });
      assert.equal(assign.statusCode, 200, assign.body);
      assert.deepEqual(await memberIds(g.id), [u.id]);
      await c.send('POST', `/v1.0/users/${u.id}/assignLicense`, { addLicenses: [{ skuId: '1d120cbe-e608-4462-95fe-00e718c51c4f', disabledPlans: [plan] }], removeLicenses: [] });
      assert.deepEqual(await memberIds(g.id), []);
    });

    it('refuses manual members, bad rules and rules on assigned groups', async () => {
      const g = await dynamicGroup('user.accountEnabled -eq true');
      const u = await c.createUser({ accountEnabled: false });
      await expectError(await c.addMember(g.id, u.id), 400, /dynamic/);
      const member = await c.createUser();
      assert.ok((await memberIds(g.id)).includes(member.id));
      await expectError(await c.send('DELETE', `/v1.0/groups/${g.id}/members/${member.id}/$ref`), 400, /dynamic/);

      const bad = await c.send('POST', '/v1.0/groups', { displayName: 'Bad', mailEnabled: false, mailNickname: 'bad', securityEnabled: true, groupTypes: ['DynamicMembership'], membershipRule: 'user.department -eq "Sales" -and' });
      await expectError(bad, 400, /membershipRule.*position \d+/);
      assert.equal(bad.json<GraphErrorBody>().error.target, 'membershipRule');
      await expectError(await c.send('POST', '/v1.0/groups', { displayName: 'Bad', mailEnabled: false, mailNickname: 'bad', securityEnabled: true, groupTypes: ['DynamicMembership'], membershipRule: 'user.departmnt -eq "Sales"' }), 400, /department/);
      await expectError(await c.send('POST', '/v1.0/groups', { displayName: 'Bad', mailEnabled: false, mailNickname: 'bad', securityEnabled: true, groupTypes: ['DynamicMembership'] }), 400, /membershipRule/);
      await expectError(await c.send('PATCH', `/v1.0/groups/${g.id}`, { membershipRule: '(user.city -eq "Paris"' }), 400, /membershipRule.*position/);
      assert.equal((await c.get(`/v1.0/groups/${g.id}`)).json<Record<string, unknown>>().membershipRule, 'user.accountEnabled -eq true');

      const assigned = await c.createGroup();
      await expectError(await c.send('PATCH', `/v1.0/groups/${assigned.id}`, { membershipRule: 'user.city -eq "Paris"' }), 400, /DynamicMembership/);
    });

    it('replaces assigned members when a group becomes dynamic, and keeps members when it stops', async () => {
      const city = `City-${Math.random().toString(36).slice(2, 8)}`;
      const g = await c.createGroup();
      const [manual, resident] = [await c.createUser(), await c.createUser({ city })];
      assert.equal((await c.addMember(g.id, manual.id)).statusCode, 204);
      await patch(`/v1.0/groups/${g.id}`, { groupTypes: ['DynamicMembership'], membershipRule: `user.city -eq "${city}"` });
      assert.deepEqual(await memberIds(g.id), [resident.id]);
      // Microsoft's PowerShell sample turns a dynamic group static this way: the rule is left as it is.
      await patch(`/v1.0/groups/${g.id}`, { groupTypes: [], membershipRuleProcessingState: 'Paused' });
      const now = (await c.get(`/v1.0/groups/${g.id}`)).json<Record<string, unknown>>();
      assert.deepEqual([now.groupTypes, now.membershipRule, now.membershipRuleProcessingState], [[], null, null]);
      assert.deepEqual(await memberIds(g.id), [resident.id]);
      // Now an assigned group: its members are the admin's to change, and rules no longer touch them.
      await patch(`/v1.0/users/${resident.id}`, { city: 'Elsewhere' });
      assert.deepEqual(await memberIds(g.id), [resident.id]);
      assert.equal((await c.send('DELETE', `/v1.0/groups/${g.id}/members/${resident.id}/$ref`)).statusCode, 204);
    });
  });

  describe(`group members changed by an admin scoped to groups on ${dialect.name}`, () => {
    let database: Database;
    let t: TestApp;
    let c: DirectoryClient;
    // Tokens 'scoped:<group id>' sign in an API client whose role is scoped to that group.
    const authenticator: Authenticator = {
      authenticate: async (token) => {
        if (token.startsWith('scoped:')) {
          return { kind: 'apiClient', id: 'scoped', displayName: 'scoped', name: 'scoped-client', grants: [{ allowed: new Set(SCOPED_OPERATIONS), scope: scopeOf([token.slice(7)], 'all') }] };
        }
        return tokenAuthenticator.authenticate(token);
      },
    };
    before(async () => {
      database = await dialect.open();
      t = await testApp(database, { authenticator });
      c = directoryClient(t.app);
    });
    after(async () => { await t.app.close(); await database.close(); });

    it('may not widen its scope by nesting groups or by changing a scope group\'s rule', async () => {
      const scopeGroup = await c.createGroup({ displayName: 'School A' });
      const [pupil, outsider] = [await c.createUser(), await c.createUser()];
      assert.equal((await c.addMember(scopeGroup.id, pupil.id)).statusCode, 204);
      const scoped = directoryClient(t.app, { authorization: `Bearer scoped:${scopeGroup.id}` });
      const classGroup = await scoped.createGroup({ displayName: 'Class 5b' });

      assert.equal((await scoped.addMember(classGroup.id, pupil.id)).statusCode, 204);
      await expectError(await scoped.addMember(classGroup.id, outsider.id), 404, /not found/);
      // A group of in-scope users may be nested; one with an outsider, or a dynamic one, may not.
      assert.equal((await scoped.addMember(scopeGroup.id, classGroup.id)).statusCode, 204);
      const mixed = await c.createGroup({ displayName: 'Mixed' });
      assert.equal((await c.addMember(mixed.id, outsider.id)).statusCode, 204);
      await expectError(await scoped.addMember(scopeGroup.id, mixed.id), 403, /outside your scope/);
      const everyone = await c.createGroup({ groupTypes: ['DynamicMembership'], membershipRule: 'user.accountEnabled -eq true' });
      await expectError(await scoped.addMember(scopeGroup.id, everyone.id), 403, /dynamic group/);
      assert.deepEqual((await scoped.allIds('/v1.0/users')).sort(), [pupil.id]);

      // Rules of groups that are, or are nested in, the scope group are out of bounds; others are fine.
      await expectError(await scoped.send('PATCH', `/v1.0/groups/${classGroup.id}`, { groupTypes: ['DynamicMembership'], membershipRule: 'user.accountEnabled -eq true' }), 403, /scope/);
      await expectError(await scoped.send('PATCH', `/v1.0/groups/${scopeGroup.id}`, { groupTypes: ['DynamicMembership'], membershipRule: 'user.accountEnabled -eq true' }), 403, /scope/);
      assert.equal((await scoped.send('PATCH', `/v1.0/groups/${classGroup.id}`, { description: 'still fine' })).statusCode, 204);
      const own = await scoped.createGroup({ groupTypes: ['DynamicMembership'], membershipRule: 'user.city -eq "Paris"' });
      assert.equal((await scoped.send('PATCH', `/v1.0/groups/${own.id}`, { membershipRule: 'user.city -eq "Lyon"' })).statusCode, 204);

      await expectError(await scoped.send('DELETE', `/v1.0/groups/${mixed.id}/members/${outsider.id}/$ref`), 404, /not found/);
      assert.equal((await scoped.send('DELETE', `/v1.0/groups/${classGroup.id}/members/${pupil.id}/$ref`)).statusCode, 204);
    });
  });
}
