// Role assignments scoped to groups, through the API: admins whose grants come from the real role
// assignments (grantsFor) see and change only the users and devices in their scope groups, and
// everything else answers as if it did not exist.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../store/testing.js';
import type { Database } from '../store/database.js';
import { testApp, type TestApp } from '../../test/support/http.js';
import { aManagedDevice } from '../../test/support/devices.js';
import { aGroup, aUser, addMembers, asMember, assign, rbacAuthenticator } from '../../test/support/rbac.js';
import { builtInRoleByName } from '../core/rbac/built-in-roles.js';
import { createRole } from '../core/rbac/roles.js';
import { grantsFor } from '../core/rbac/grants.js';
import { scopeFor, type Principal } from '../core/auth/principal.js';
import type { User } from '../core/directory/user.js';
import type { Group } from '../core/directory/group.js';
import type { ManagedDevice } from '../core/devices/managed-device.js';
import { stewardSku } from '../core/directory/licenses.js';

interface Collection { '@odata.count'?: number; value: { id: string }[] }

const helpDesk = builtInRoleByName('Help Desk Operator')!;
const readOnly = builtInRoleByName('Read Only Operator')!;

for (const dialect of testDialects()) {
  describe(`scoped role assignments on ${dialect.name}`, () => {
    let database: Database;
    let t: TestApp;
    // In scope: alice (direct member of the scope group), bob (member of a group nested in it).
    let alice: User, bob: User, carol: User;
    let scopeGroup: Group, nested: Group, other: Group, mixed: Group;
    // memberDevice is in the scope group; aliceDevice and bobDevice belong to users in scope.
    let memberDevice: ManagedDevice, aliceDevice: ManagedDevice, bobDevice: ManagedDevice, carolDevice: ManagedDevice, orphan: ManagedDevice;
    let helpDeskAdmin: User, editor: User, twoHats: User;

    before(async () => {
      database = await dialect.open();
      t = await testApp(database, { authenticator: rbacAuthenticator(() => t.core) });
      const core = t.core;
      [alice, bob, carol] = [await aUser(core, 'alice'), await aUser(core, 'bob'), await aUser(core, 'carol')];
      const device = async (name: string, user?: User) => {
        const d = aManagedDevice({ deviceName: name, ...(user ? { userId: user.id, userPrincipalName: user.userPrincipalName } : {}) });
        await core.devices.put(d);
        return d;
      };
      memberDevice = await device('member-device');
      aliceDevice = await device('alice-device', alice);
      bobDevice = await device('bob-device', bob);
      carolDevice = await device('carol-device', carol);
      orphan = await device('orphan-device');

      scopeGroup = await aGroup(core, 'scope');
      nested = await aGroup(core, 'nested');
      other = await aGroup(core, 'other');
      mixed = await aGroup(core, 'mixed');
      await addMembers(core, scopeGroup, alice.id, memberDevice.id, nested.id);
      await addMembers(core, nested, bob.id);
      await addMembers(core, other, carol.id);
      await addMembers(core, mixed, alice.id, carol.id, carolDevice.id, memberDevice.id);

      // A help desk operator over the scope group.
      helpDeskAdmin = await aUser(core, 'helpdesk');
      const helpDeskAdmins = await aGroup(core, 'help desk admins');
      await addMembers(core, helpDeskAdmins, helpDeskAdmin.id);
      await assign(core, { roleId: helpDesk.id, admins: helpDeskAdmins, scopes: [scopeGroup] });

      // A custom role that changes users, over the scope group.
      editor = await aUser(core, 'editor');
      const editors = await aGroup(core, 'editors');
      await addMembers(core, editors, editor.id);
      const userEditor = await createRole(core, { displayName: 'User editor', allowed: ['Microsoft.Intune_Users_Read', 'Microsoft.Intune_Users_Update', 'Microsoft.Intune_Users_Delete', 'Microsoft.Intune_Licenses_Assign'] });
      await assign(core, { roleId: userEditor.id, admins: editors, scopes: [scopeGroup] });

      // Two assignments: help desk over the scope group, read-only over the other group.
      twoHats = await aUser(core, 'two-hats');
      const hatsA = await aGroup(core, 'hats a');
      const hatsB = await aGroup(core, 'hats b');
      await addMembers(core, hatsA, twoHats.id);
      // Membership of the second admin group through nesting.
      await addMembers(core, hatsB, hatsA.id);
      await assign(core, { roleId: helpDesk.id, admins: hatsA, scopes: [scopeGroup] });
      await assign(core, { roleId: readOnly.id, admins: hatsB, scopes: [other] });
    });
    after(async () => { await t.app.close(); await database.close(); });

    const get = (url: string, as: User) => t.app.inject({ url, headers: asMember(as.id) });
    const ids = (body: Collection) => body.value.map((v) => v.id).sort();
    const sorted = (...xs: { id: string }[]) => xs.map((x) => x.id).sort();

    it('lists and counts only the users in scope, nested scope groups included', async () => {
      const res = await get('/v1.0/users?$count=true&$top=999', helpDeskAdmin);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json<Collection>();
      assert.deepEqual(ids(body), sorted(alice, bob));
      assert.equal(body['@odata.count'], 2);
      const filtered = (await get(`/v1.0/users?$count=true&$filter=${encodeURIComponent("startswith(displayName,'c')")}`, helpDeskAdmin)).json<Collection>();
      assert.deepEqual(filtered.value, []);
      assert.equal(filtered['@odata.count'], 0);
    });

    it('answers 404 for a user out of scope, by id or userPrincipalName, and for what hangs under it', async () => {
      assert.equal((await get(`/v1.0/users/${alice.id}`, helpDeskAdmin)).statusCode, 200);
      assert.equal((await get(`/v1.0/users/${bob.userPrincipalName}`, helpDeskAdmin)).statusCode, 200);
      for (const url of [`/v1.0/users/${carol.id}`, `/v1.0/users/${carol.userPrincipalName}`, `/beta/users/${carol.id}/memberOf`, `/v1.0/users/${carol.id}/transitiveMemberOf`, `/v1.0/users/${carol.id}/managedDevices`]) {
        const res = await get(url, helpDeskAdmin);
        assert.equal(res.statusCode, 404, `${url}: ${res.body}`);
        assert.equal(res.json<{ error: { code: string } }>().error.code, 'ResourceNotFound');
      }
    });

    it('lists, counts and reads only the devices in scope: scope-group members and devices of users in scope', async () => {
      const body = (await get('/v1.0/deviceManagement/managedDevices?$count=true', helpDeskAdmin)).json<Collection>();
      assert.deepEqual(ids(body), sorted(memberDevice, aliceDevice, bobDevice));
      assert.equal(body['@odata.count'], 3);
      for (const d of [memberDevice, aliceDevice, bobDevice]) assert.equal((await get(`/beta/deviceManagement/managedDevices/${d.id}`, helpDeskAdmin)).statusCode, 200);
      for (const d of [carolDevice, orphan]) assert.equal((await get(`/v1.0/deviceManagement/managedDevices/${d.id}`, helpDeskAdmin)).statusCode, 404);
      const byName = (await get(`/v1.0/deviceManagement/managedDevices?$count=true&$filter=${encodeURIComponent("deviceName eq 'carol-device'")}`, helpDeskAdmin)).json<Collection>();
      assert.deepEqual(byName.value, []);
      assert.equal(byName['@odata.count'], 0);
      const ofAlice = (await get(`/v1.0/users/${alice.id}/managedDevices?$count=true`, helpDeskAdmin)).json<Collection>();
      assert.deepEqual(ids(ofAlice), [aliceDevice.id]);
      assert.equal(ofAlice['@odata.count'], 1);
    });

    it('shows only in-scope users and devices among a group\'s members', async () => {
      const res = await get(`/v1.0/groups/${mixed.id}/members`, helpDeskAdmin);
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(ids(res.json<Collection>()), sorted(alice, memberDevice));
      const transitive = (await get(`/v1.0/groups/${scopeGroup.id}/transitiveMembers`, helpDeskAdmin)).json<Collection>();
      assert.deepEqual(ids(transitive), sorted(alice, bob, memberDevice, nested));
    });

    it('changes only users in scope: PATCH, assignLicense and DELETE of others answer 404 and change nothing', async () => {
      const patch = (u: User) => t.app.inject({ method: 'PATCH', url: `/v1.0/users/${u.id}`, headers: asMember(editor.id), payload: { jobTitle: 'Changed' } });
      assert.equal((await patch(alice)).statusCode, 204);
      const refused = await patch(carol);
      assert.equal(refused.statusCode, 404, refused.body);
      const license = (u: User) => t.app.inject({ method: 'POST', url: `/v1.0/users/${u.id}/assignLicense`, headers: asMember(editor.id), payload: { addLicenses: [{ skuId: stewardSku.skuId }], removeLicenses: [] } });
      assert.equal((await license(bob)).statusCode, 200);
      assert.equal((await license(carol)).statusCode, 404);
      assert.equal((await t.app.inject({ method: 'DELETE', url: `/v1.0/users/${carol.id}`, headers: asMember(editor.id) })).statusCode, 404);
      const untouched = await t.core.users.get(carol.id, { kind: 'all' });
      assert.equal(untouched?.jobTitle, null);
      assert.deepEqual(untouched?.assignedLicenses, []);
      // The help desk operator may read alice but not change her.
      const denied = await t.app.inject({ method: 'PATCH', url: `/v1.0/users/${alice.id}`, headers: asMember(helpDeskAdmin.id), payload: { jobTitle: 'x' } });
      assert.equal(denied.statusCode, 403);
    });

    it('gives an admin with two assignments the union of their scopes for an operation both grant', async () => {
      const devices = (await get('/v1.0/deviceManagement/managedDevices', twoHats)).json<Collection>();
      assert.deepEqual(ids(devices), sorted(memberDevice, aliceDevice, bobDevice, carolDevice));
      const users = (await get('/v1.0/users?$count=true', twoHats)).json<Collection>();
      assert.deepEqual(ids(users), sorted(alice, bob, carol));
      assert.equal(users['@odata.count'], 3);
      // An operation only the help desk role grants reaches only the help desk scope.
      const principal: Principal = { kind: 'user', id: twoHats.id, displayName: '', name: '', grants: await grantsFor(t.core, twoHats.id) };
      assert.deepEqual(scopeFor(principal, 'Microsoft.Intune_RemoteTasks_Wipe'), { kind: 'clauses', clauses: [{ groupIds: [scopeGroup.id], tagIds: ['0'] }] });
      assert.deepEqual(scopeFor(principal, 'Microsoft.Intune_ApiClients_Read'), { kind: 'clauses', clauses: [{ groupIds: [other.id], tagIds: ['0'] }] });
      assert.deepEqual(scopeFor(principal, 'Microsoft.Intune_Roles_Delete'), { kind: 'clauses', clauses: [] });
      // Both grant device reads, with the same (Default) tag: one clause over both groups.
      const read = scopeFor(principal, 'Microsoft.Intune_ManagedDevices_Read');
      assert.ok(read.kind === 'clauses' && read.clauses.length === 1 && read.clauses[0]!.groupIds !== 'all', JSON.stringify(read));
      assert.deepEqual([[...read.clauses[0]!.groupIds].sort(), read.clauses[0]!.tagIds], [[scopeGroup.id, other.id].sort(), ['0']]);
    });

    it('widens to everything when one of the assignments is over all users and devices', async () => {
      const admin = await aUser(t.core, 'widened');
      const scoped = await aGroup(t.core, 'widened scoped');
      const everywhere = await aGroup(t.core, 'widened everywhere');
      await addMembers(t.core, scoped, admin.id);
      await addMembers(t.core, everywhere, admin.id);
      await assign(t.core, { roleId: helpDesk.id, admins: scoped, scopes: [scopeGroup] });
      await assign(t.core, { roleId: readOnly.id, admins: everywhere, scopeType: 'allDevices' });
      const devices = (await get('/v1.0/deviceManagement/managedDevices?$count=true', admin)).json<Collection>();
      assert.equal(devices['@odata.count'], 5);
    });

    it('gives nothing to someone in no admin group, and stops at once when removed from one', async () => {
      const nobody = await aUser(t.core, 'nobody');
      assert.equal((await get('/v1.0/deviceManagement/managedDevices', nobody)).statusCode, 403);
      const temp = await aGroup(t.core, 'temporary admins');
      await addMembers(t.core, temp, nobody.id);
      await assign(t.core, { roleId: readOnly.id, admins: temp, scopes: [other] });
      assert.deepEqual(ids((await get('/v1.0/deviceManagement/managedDevices', nobody)).json<Collection>()), [carolDevice.id]);
      await t.core.groups.removeMembers(temp.id, [nobody.id]);
      assert.equal((await get('/v1.0/deviceManagement/managedDevices', nobody)).statusCode, 403);
    });
  });
}
