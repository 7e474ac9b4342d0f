// Scope tags on managed devices, through the API: an admin sees a device only when one of their
// role assignments admits it by both its scope groups and its scope tags (a device with no tag
// carries Default, '0'); PATCH roleScopeTagIds moves devices between admins' views.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../store/testing.js';
import type { Database } from '../store/database.js';
import { testApp, type TestApp } from '../../test/support/http.js';
import { aManagedDevice } from '../../test/support/devices.js';
import { aGroup, aUser, addMembers, asMember, asRole, assign, rbacAuthenticator } from '../../test/support/rbac.js';
import { builtInRoleByName } from '../core/rbac/built-in-roles.js';
import { createRole } from '../core/rbac/roles.js';
import { createScopeTag } from '../core/rbac/scope-tags.js';
import type { RoleScopeTag } from '../core/rbac/model.js';
import type { User } from '../core/directory/user.js';
import type { Group } from '../core/directory/group.js';
import type { ManagedDevice } from '../core/devices/managed-device.js';
import { parseAuditQuery } from '../core/audit/list-audit-events.js';

interface Collection { '@odata.count'?: number; value: { id: string; roleScopeTagIds: string[] }[] }
interface ErrorBody { error: { code: string; message: string } }

const helpDesk = builtInRoleByName('Help Desk Operator')!;
const readOnly = builtInRoleByName('Read Only Operator')!;
const intuneAdmin = builtInRoleByName('Intune Administrator')!;
const DEVICES = '/beta/deviceManagement/managedDevices';

for (const dialect of testDialects()) {
  describe(`scope tags on managed devices on ${dialect.name}`, () => {
    let database: Database;
    let t: TestApp;
    let berlin: RoleScopeTag, paris: RoleScopeTag, rome: RoleScopeTag;
    let alice: User;
    let scopeGroup: Group;
    // In the scope group: plain (Default), berlinDevice, parisDevice, both (Berlin and Paris), and
    // alice's devices (alice is in the scope group). Outside it: berlinAway, parisAway.
    let plain: ManagedDevice, berlinDevice: ManagedDevice, parisDevice: ManagedDevice, both: ManagedDevice;
    let aliceBerlin: ManagedDevice, alicePlain: ManagedDevice, berlinAway: ManagedDevice, parisAway: ManagedDevice;
    let berlinDesk: User, defaultDesk: User, twoHats: User, mover: User, topAdmin: User;

    before(async () => {
      database = await dialect.open();
      t = await testApp(database, { authenticator: rbacAuthenticator(() => t.core) });
      const core = t.core;
      [berlin, paris, rome] = [await createScopeTag(core, { displayName: 'Berlin' }), await createScopeTag(core, { displayName: 'Paris' }), await createScopeTag(core, { displayName: 'Rome' })];
      alice = await aUser(core, 'alice');
      scopeGroup = await aGroup(core, 'tagged scope');
      const device = async (name: string, tags: string[], user?: User) => {
        const d = aManagedDevice({ deviceName: name, ...(user ? { userId: user.id, userPrincipalName: user.userPrincipalName } : {}) });
        await core.devices.put(d);
        await core.rbac.setObjectScopeTags('managedDevice', d.id, tags);
        return { ...d, roleScopeTagIds: tags.length > 0 ? tags : ['0'] };
      };
      plain = await device('plain', []);
      berlinDevice = await device('berlin', [berlin.id]);
      parisDevice = await device('paris', [paris.id]);
      both = await device('both', [berlin.id, paris.id]);
      aliceBerlin = await device('alice-berlin', [berlin.id], alice);
      alicePlain = await device('alice-plain', ['0'], alice);
      berlinAway = await device('berlin-away', [berlin.id]);
      parisAway = await device('paris-away', [paris.id]);
      await addMembers(core, scopeGroup, alice.id, plain.id, berlinDevice.id, parisDevice.id, both.id);

      const admin = async (name: string, ...assignments: { roleId: string; scopes?: Group[]; scopeType?: 'allDevices'; tags?: string[] }[]) => {
        const user = await aUser(core, name);
        for (const a of assignments) {
          const admins = await aGroup(core, `${name} admins ${a.roleId.slice(0, 4)}`);
          await addMembers(core, admins, user.id);
          await assign(core, { ...a, admins });
        }
        return user;
      };
      berlinDesk = await admin('berlin-desk', { roleId: helpDesk.id, scopes: [scopeGroup], tags: [berlin.id] });
      defaultDesk = await admin('default-desk', { roleId: helpDesk.id, scopes: [scopeGroup] });
      // Help desk over the scope group for Berlin, read-only over all devices for Paris.
      twoHats = await admin('two-hats', { roleId: helpDesk.id, scopes: [scopeGroup], tags: [berlin.id] }, { roleId: readOnly.id, scopeType: 'allDevices', tags: [paris.id] });
      const deviceEditor = await createRole(core, { displayName: 'Device tagger', allowed: ['Microsoft.Intune_ManagedDevices_Read', 'Microsoft.Intune_ManagedDevices_Update'] });
      mover = await admin('mover', { roleId: deviceEditor.id, scopes: [scopeGroup], tags: [berlin.id, paris.id] });
      // The built-in Intune Administrator with the Default tag: tags do not limit it.
      topAdmin = await admin('top', { roleId: intuneAdmin.id, scopeType: 'allDevices' });
    });
    after(async () => { await t.app.close(); await database.close(); });

    const get = (url: string, as: User) => t.app.inject({ url, headers: asMember(as.id) });
    const patch = (id: string, payload: object, headers: Record<string, string>) => t.app.inject({ method: 'PATCH', url: `${DEVICES}/${id}`, headers, payload });
    const ids = (body: Collection) => body.value.map((v) => v.id).sort();
    const sorted = (...xs: { id: string }[]) => xs.map((x) => x.id).sort();
    const visible = async (as: User) => ids((await get(`${DEVICES}?$top=999`, as)).json<Collection>());

    it('shows an admin whose assignment has a tag only the devices in scope that carry it: list, count, get and a user\'s devices', async () => {
      const res = await get(`/v1.0/deviceManagement/managedDevices?$count=true`, berlinDesk);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json<Collection>();
      assert.deepEqual(ids(body), sorted(berlinDevice, both, aliceBerlin));
      assert.equal(body['@odata.count'], 3);
      for (const d of [berlinDevice, both, aliceBerlin]) assert.equal((await get(`${DEVICES}/${d.id}`, berlinDesk)).statusCode, 200);
      for (const d of [plain, parisDevice, alicePlain, berlinAway, parisAway]) {
        const refused = await get(`/v1.0/deviceManagement/managedDevices/${d.id}`, berlinDesk);
        assert.equal(refused.statusCode, 404, `${d.deviceName ?? ''}: ${refused.body}`);
      }
      const filtered = (await get(`${DEVICES}?$count=true&$filter=${encodeURIComponent("deviceName eq 'plain'")}`, berlinDesk)).json<Collection>();
      assert.deepEqual([filtered.value, filtered['@odata.count']], [[], 0]);
      const ofAlice = (await get(`/v1.0/users/${alice.id}/managedDevices?$count=true`, berlinDesk)).json<Collection>();
      assert.deepEqual(ids(ofAlice), [aliceBerlin.id]);
      assert.equal(ofAlice['@odata.count'], 1);
    });

    it('shows an admin with the Default tag only the devices without another tag', async () => {
      const body = (await get(`${DEVICES}?$count=true`, defaultDesk)).json<Collection>();
      assert.deepEqual(ids(body), sorted(plain, alicePlain));
      assert.equal(body['@odata.count'], 2);
      assert.equal((await get(`${DEVICES}/${berlinDevice.id}`, defaultDesk)).statusCode, 404);
      const ofAlice = (await get(`/beta/users/${alice.id}/managedDevices`, defaultDesk)).json<Collection>();
      assert.deepEqual(ids(ofAlice), [alicePlain.id]);
      // Users carry no scope tags: the scope groups alone decide.
      assert.equal((await get(`/v1.0/users/${alice.id}`, berlinDesk)).statusCode, 200);
    });

    it('unites two assignments each with its own groups and tags, never one\'s groups with the other\'s tags', async () => {
      // Berlin in the scope group (help desk), Paris anywhere (read-only); not Berlin outside the group.
      assert.deepEqual(await visible(twoHats), sorted(berlinDevice, parisDevice, both, aliceBerlin, parisAway));
      assert.equal((await get(`${DEVICES}/${berlinAway.id}`, twoHats)).statusCode, 404);
      // Only the help desk assignment grants updates: the Paris devices are read-only to them.
      assert.equal((await patch(parisAway.id, { roleScopeTagIds: [paris.id] }, asMember(twoHats.id))).statusCode, 404);
    });

    it('lets the Intune Administrator see every device whatever its tags', async () => {
      assert.deepEqual(await visible(topAdmin), sorted(plain, berlinDevice, parisDevice, both, aliceBerlin, alicePlain, berlinAway, parisAway));
    });

    it('gives roleScopeTagIds in the device JSON, under /beta and /v1.0', async () => {
      const one = (await get(`${DEVICES}/${both.id}`, topAdmin)).json<{ roleScopeTagIds: string[] }>();
      assert.deepEqual(one.roleScopeTagIds, [berlin.id, paris.id].sort());
      const v1 = (await get(`/v1.0/deviceManagement/managedDevices/${plain.id}`, topAdmin)).json<{ roleScopeTagIds: string[] }>();
      assert.deepEqual(v1.roleScopeTagIds, ['0']);
    });

    it('moves a device between admins\' views with PATCH roleScopeTagIds, and audits it', async () => {
      const d = aManagedDevice({ deviceName: 'moving' });
      await t.core.devices.put(d);
      await addMembers(t.core, scopeGroup, d.id);
      assert.ok((await visible(defaultDesk)).includes(d.id));
      assert.ok(!(await visible(berlinDesk)).includes(d.id));

      const res = await patch(d.id, { '@odata.type': '#microsoft.graph.managedDevice', roleScopeTagIds: [berlin.id] }, asMember(topAdmin.id));
      assert.equal(res.statusCode, 204, res.body);
      assert.ok(!(await visible(defaultDesk)).includes(d.id));
      assert.ok((await visible(berlinDesk)).includes(d.id));
      assert.deepEqual((await get(`${DEVICES}/${d.id}`, berlinDesk)).json<{ roleScopeTagIds: string[] }>().roleScopeTagIds, [berlin.id]);
      const events = (await t.core.auditLog.list(parseAuditQuery({ $top: '999' }))).items;
      const event = events.find((e) => e.activity === 'Update managed device scope tags' && e.resources.some((r) => r.resourceId === d.id));
      assert.ok(event, 'audit event');
      assert.equal(event.category, 'Device');
      assert.deepEqual(event.resources[0]?.modifiedProperties, [{ displayName: 'roleScopeTagIds', oldValue: '["0"]', newValue: JSON.stringify([berlin.id]) }]);

      // An empty list is the Default tag again; the device goes back.
      assert.equal((await patch(d.id, { roleScopeTagIds: [] }, asRole(intuneAdmin.id))).statusCode, 204);
      assert.ok((await visible(defaultDesk)).includes(d.id));
      assert.ok(!(await visible(berlinDesk)).includes(d.id));
    });

    it('lets a scoped admin add or remove only the tags of their own assignments, on devices they may update', async () => {
      const d = aManagedDevice({ deviceName: 'between offices' });
      await t.core.devices.put(d);
      await t.core.rbac.setObjectScopeTags('managedDevice', d.id, [berlin.id]);
      await addMembers(t.core, scopeGroup, d.id);
      // Berlin to Paris: both are the mover's tags. The Berlin help desk loses sight of it.
      assert.equal((await patch(d.id, { roleScopeTagIds: [paris.id] }, asMember(mover.id))).statusCode, 204);
      assert.ok(!(await visible(berlinDesk)).includes(d.id));
      assert.ok((await visible(twoHats)).includes(d.id));
      // Rome is not the mover's; nor is Default, which the mover cannot see either.
      const rome1 = await patch(d.id, { roleScopeTagIds: [paris.id, rome.id] }, asMember(mover.id));
      assert.equal(rome1.statusCode, 403, rome1.body);
      assert.match(rome1.json<ErrorBody>().error.message, new RegExp(rome.id));
      assert.equal((await patch(d.id, { roleScopeTagIds: ['0'] }, asMember(mover.id))).statusCode, 403);
      assert.equal((await patch(plain.id, { roleScopeTagIds: [berlin.id] }, asMember(mover.id))).statusCode, 404);
      // The Berlin help desk may not take a device it sees to Paris.
      assert.equal((await patch(berlinDevice.id, { roleScopeTagIds: [berlin.id, paris.id] }, asMember(berlinDesk.id))).statusCode, 403);
      assert.deepEqual((await get(`${DEVICES}/${berlinDevice.id}`, topAdmin)).json<{ roleScopeTagIds: string[] }>().roleScopeTagIds, [berlin.id]);
      // The Read Only Operator has no ManagedDevices_Update at all.
      assert.equal((await patch(d.id, { roleScopeTagIds: [paris.id] }, asRole(readOnly.id))).statusCode, 403);
    });

    it('refuses unknown tags, other properties and unknown devices', async () => {
      const unknown = await patch(plain.id, { roleScopeTagIds: ['no-such-tag'] }, asMember(topAdmin.id));
      assert.equal(unknown.statusCode, 400, unknown.body);
      assert.match(unknown.json<ErrorBody>().error.message, /no-such-tag/);
      const other = await patch(plain.id, { deviceName: 'renamed' }, asMember(topAdmin.id));
      assert.equal(other.statusCode, 400, other.body);
      assert.match(other.json<ErrorBody>().error.message, /deviceName/);
      assert.equal((await patch('00000000-0000-4000-8000-000000000000', { roleScopeTagIds: ['0'] }, asMember(topAdmin.id))).statusCode, 404);
    });

    it('refuses to delete a scope tag a device still carries', async () => {
      const tag = await createScopeTag(t.core, { displayName: 'Lisbon' });
      const d = aManagedDevice({ deviceName: 'lisbon' });
      await t.core.devices.put(d);
      const roleAdmin = asRole(builtInRoleByName('Intune Role Administrator')!.id);
      assert.equal((await patch(d.id, { roleScopeTagIds: [tag.id] }, asMember(topAdmin.id))).statusCode, 204);
      const refused = await t.app.inject({ method: 'DELETE', url: `/beta/deviceManagement/roleScopeTags/${tag.id}`, headers: roleAdmin });
      assert.equal(refused.statusCode, 400, refused.body);
      assert.match(refused.json<ErrorBody>().error.message, /in use by 1 managed device/);
      // An inventory write does not undo the tag.
      await t.core.devices.put({ ...d, osVersion: '18.2' });
      assert.deepEqual((await t.core.devices.get(d.id, { kind: 'all' }))?.roleScopeTagIds, [tag.id]);
      assert.equal((await patch(d.id, { roleScopeTagIds: ['0'] }, asMember(topAdmin.id))).statusCode, 204);
      assert.equal((await t.app.inject({ method: 'DELETE', url: `/beta/deviceManagement/roleScopeTags/${tag.id}`, headers: roleAdmin })).statusCode, 204);
    });
  });
}
