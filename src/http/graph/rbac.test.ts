// Intune RBAC through Graph: resource operations, role definitions, role assignments and scope
// tags, with the audit event each change leaves.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../store/testing.js';
import type { Database } from '../../store/database.js';
import { testApp, type TestApp } from '../../../test/support/http.js';
import { aGroup, aUser, addMembers, asMember, asRole, rbacAuthenticator } from '../../../test/support/rbac.js';
import { aManagedDevice } from '../../../test/support/devices.js';
import { builtInRoleByName, builtInRoles } from '../../core/rbac/built-in-roles.js';
import { resourceOperations } from '../../core/rbac/resource-operations.js';
import { parseAuditQuery } from '../../core/audit/list-audit-events.js';
import type { Group } from '../../core/directory/group.js';
import { ensureRoleAdminGroup } from '../../core/rbac/role-admins.js';
import { findRoleByName } from '../../core/rbac/roles.js';
import { assertMayChangeMembers, rolesConferredBy } from '../../core/rbac/role-groups.js';
import { grantsFor } from '../../core/rbac/grants.js';
import { StewardError } from '../../core/errors.js';

interface ErrorBody { error: { code: string; message: string; target?: string } }
interface RoleJson { id: string; displayName: string; isBuiltIn: boolean; rolePermissions: { resourceActions: { allowedResourceActions: string[] }[] }[] }
interface AssignmentJson { id: string; displayName: string; members: string[]; resourceScopes: string[]; scopeType: string }
interface Collection<T> { value: T[] }

const DM = '/v1.0/deviceManagement';
const roleAdmin = asRole(builtInRoleByName('Intune Role Administrator')!.id);
const helpDesk = builtInRoleByName('Help Desk Operator')!;

for (const dialect of testDialects()) {
  describe(`RBAC through Graph on ${dialect.name}`, () => {
    let database: Database;
    let t: TestApp;
    let admins: Group;
    let scope: Group;
    before(async () => {
      database = await dialect.open();
      t = await testApp(database, { authenticator: rbacAuthenticator(() => t.core) });
      admins = await aGroup(t.core, 'rbac admins');
      scope = await aGroup(t.core, 'rbac scope');
    });
    after(async () => { await t.app.close(); await database.close(); });

    const send = (method: 'POST' | 'PATCH' | 'DELETE' | 'GET', url: string, payload?: object, headers = roleAdmin) =>
      t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    const bind = (roleId: string) => ({ 'roleDefinition@odata.bind': `https://graph.microsoft.com/v1.0/deviceManagement/roleDefinitions('${roleId}')` });
    const permissions = (...ops: string[]) => [{ resourceActions: [{ allowedResourceActions: ops }] }];
    function expectError(res: { statusCode: number; body: string }, status: number, code: string, message?: RegExp) {
      assert.equal(res.statusCode, status, res.body);
      const body = JSON.parse(res.body) as ErrorBody;
      assert.equal(body.error.code, code);
      if (message) assert.match(body.error.message, message);
    }
    async function audited(activity: string, resourceId: string) {
      const events = (await t.core.auditLog.list(parseAuditQuery({ $top: '999' }))).items;
      const e = events.find((x) => x.activity === activity && x.resources.some((r) => r.resourceId === resourceId));
      assert.ok(e, `no audit event '${activity}' for ${resourceId}`);
      assert.equal(e.category, 'Role');
      assert.equal(e.activityResult, 'Success');
      return e;
    }

    it('lists the resource operations', async () => {
      const res = await send('GET', `${DM}/resourceOperations`);
      assert.equal(res.statusCode, 200, res.body);
      const ops = res.json<Collection<Record<string, unknown>>>().value;
      assert.equal(ops.length, resourceOperations.length);
      const read = ops.find((o) => o.id === 'Microsoft.Intune_ManagedDevices_Read');
      assert.deepEqual(read, {
        '@odata.type': '#microsoft.graph.resourceOperation', id: 'Microsoft.Intune_ManagedDevices_Read', resourceName: 'Managed devices',
        actionName: 'Read', description: read?.description, enabledForScopeValidation: true,
      });
    });

    it('lists the built-in roles with their operations', async () => {
      const res = await send('GET', `/beta/deviceManagement/roleDefinitions`);
      assert.equal(res.statusCode, 200, res.body);
      const roles = res.json<Collection<RoleJson>>().value;
      for (const builtIn of builtInRoles) {
        const r = roles.find((x) => x.id === builtIn.id);
        assert.ok(r, builtIn.displayName);
        assert.equal(r.isBuiltIn, true);
        assert.equal(r.displayName, builtIn.displayName);
        assert.deepEqual(r.rolePermissions[0]?.resourceActions[0]?.allowedResourceActions, [...builtIn.allowed]);
      }
      const one = await send('GET', `${DM}/roleDefinitions/${helpDesk.id}`);
      assert.equal(one.json<RoleJson>().displayName, 'Help Desk Operator');
    });

    it('creates, changes and deletes a custom role, refusing unknown operations and name clashes', async () => {
      const created = await send('POST', `${DM}/roleDefinitions`, {
        '@odata.type': '#microsoft.graph.deviceAndAppManagementRoleDefinition',
        displayName: 'Device readers', description: 'Read devices', rolePermissions: permissions('Microsoft.Intune_ManagedDevices_Read'),
      });
      assert.equal(created.statusCode, 201, created.body);
      const role = created.json<RoleJson>();
      assert.equal(role.isBuiltIn, false);
      await audited('Create role definition', role.id);

      expectError(await send('POST', `${DM}/roleDefinitions`, { displayName: 'Bad', rolePermissions: permissions('Microsoft.Intune_ManagedDevices_Read', 'Microsoft.Intune_Nothing_Frobnicate') }), 400, 'BadRequest', /Microsoft\.Intune_Nothing_Frobnicate/);
      expectError(await send('POST', `${DM}/roleDefinitions`, { displayName: 'help desk OPERATOR', rolePermissions: permissions() }), 400, 'BadRequest', /already exists/);
      expectError(await send('POST', `${DM}/roleDefinitions`, { displayName: 'Device Readers', rolePermissions: permissions() }), 400, 'BadRequest', /already exists/);
      expectError(await send('POST', `${DM}/roleDefinitions`, { displayName: 'Tagged', rolePermissions: permissions(), roleScopeTagIds: ['no-such-tag'] }), 400, 'BadRequest', /no-such-tag/);

      const patched = await send('PATCH', `${DM}/roleDefinitions/${role.id}`, { displayName: 'Device auditors', rolePermissions: permissions('Microsoft.Intune_ManagedDevices_Read', 'Microsoft.Intune_Audit_Read') });
      assert.equal(patched.statusCode, 204, patched.body);
      const after = (await send('GET', `${DM}/roleDefinitions/${role.id}`)).json<RoleJson>();
      assert.equal(after.displayName, 'Device auditors');
      assert.deepEqual(after.rolePermissions[0]?.resourceActions[0]?.allowedResourceActions, ['Microsoft.Intune_ManagedDevices_Read', 'Microsoft.Intune_Audit_Read']);
      await audited('Update role definition', role.id);
      expectError(await send('PATCH', `${DM}/roleDefinitions/${role.id}`, { displayName: 'Read Only Operator' }), 400, 'BadRequest', /already exists/);
      expectError(await send('PATCH', `${DM}/roleDefinitions/${role.id}`, { rolePermissions: permissions('Microsoft.Intune_Bogus_Read') }), 400, 'BadRequest', /Microsoft\.Intune_Bogus_Read/);

      const deleted = await send('DELETE', `${DM}/roleDefinitions/${role.id}`);
      assert.equal(deleted.statusCode, 204, deleted.body);
      await audited('Delete role definition', role.id);
      expectError(await send('GET', `${DM}/roleDefinitions/${role.id}`), 404, 'ResourceNotFound');
    });

    it('never changes or deletes a built-in role', async () => {
      expectError(await send('PATCH', `${DM}/roleDefinitions/${helpDesk.id}`, { description: 'mine now' }), 403, 'Forbidden', /Built-in/);
      expectError(await send('DELETE', `${DM}/roleDefinitions/${helpDesk.id}`), 403, 'Forbidden', /Built-in/);
      const still = (await send('GET', `${DM}/roleDefinitions/${helpDesk.id}`)).json<{ description: string }>();
      assert.equal(still.description, helpDesk.description);
    });

    it('assigns a role with roleDefinition@odata.bind, changes and deletes the assignment', async () => {
      const created = await send('POST', `${DM}/roleAssignments`, { displayName: 'Help desk for scope', description: null, members: [admins.id], resourceScopes: [scope.id], ...bind(helpDesk.id) });
      assert.equal(created.statusCode, 201, created.body);
      const a = created.json<AssignmentJson>();
      assert.deepEqual([a.members, a.resourceScopes, a.scopeType], [[admins.id], [scope.id], 'resourceScope']);
      await audited('Create role assignment', a.id);
      assert.equal((await send('GET', `${DM}/roleAssignments/${a.id}/roleDefinition`)).json<RoleJson>().id, helpDesk.id);
      assert.deepEqual((await send('GET', `${DM}/roleDefinitions/${helpDesk.id}/roleAssignments`)).json<Collection<AssignmentJson>>().value.map((x) => x.id), [a.id]);

      const other = await aGroup(t.core, 'second scope');
      assert.equal((await send('PATCH', `${DM}/roleAssignments/${a.id}`, { resourceScopes: [scope.id, other.id] })).statusCode, 204);
      assert.deepEqual((await send('GET', `${DM}/roleAssignments/${a.id}`)).json<AssignmentJson>().resourceScopes, [scope.id, other.id]);
      await audited('Update role assignment', a.id);
      // A scope group deleted since does not block other changes.
      await t.core.groups.delete(other.id);
      assert.equal((await send('PATCH', `${DM}/roleAssignments/${a.id}`, { displayName: 'Renamed' })).statusCode, 204);

      assert.equal((await send('DELETE', `${DM}/roleAssignments/${a.id}`)).statusCode, 204);
      await audited('Delete role assignment', a.id);
      expectError(await send('GET', `${DM}/roleAssignments/${a.id}`), 404, 'ResourceNotFound');
    });

    it('refuses assignments to groups or roles that do not exist, and a missing or malformed bind', async () => {
      const missing = '11111111-1111-4111-8111-111111111111';
      expectError(await send('POST', `${DM}/roleAssignments`, { displayName: 'x', members: [missing], resourceScopes: [scope.id], ...bind(helpDesk.id) }), 400, 'BadRequest', new RegExp(`members.*${missing}`));
      expectError(await send('POST', `${DM}/roleAssignments`, { displayName: 'x', members: [admins.id], resourceScopes: [missing], ...bind(helpDesk.id) }), 400, 'BadRequest', new RegExp(`resourceScopes.*${missing}`));
      expectError(await send('POST', `${DM}/roleAssignments`, { displayName: 'x', members: [admins.id], resourceScopes: [scope.id], ...bind(missing) }), 400, 'BadRequest', /roleDefinition/);
      expectError(await send('POST', `${DM}/roleAssignments`, { displayName: 'x', members: [admins.id], resourceScopes: [scope.id] }), 400, 'BadRequest', /roleDefinition@odata\.bind/);
      expectError(await send('POST', `${DM}/roleAssignments`, { displayName: 'x', members: [admins.id], 'roleDefinition@odata.bind': 'https://example.test/somewhere' }), 400, 'BadRequest', /roleDefinition@odata\.bind/);
      expectError(await send('POST', `${DM}/roleAssignments`, { displayName: 'x', members: [admins.id], resourceScopes: [scope.id], scopeType: 'allDevices', ...bind(helpDesk.id) }), 400, 'BadRequest', /resourceScopes/);
    });

    it('refuses to delete a role that is still assigned', async () => {
      const role = (await send('POST', `${DM}/roleDefinitions`, { displayName: 'Assigned role', rolePermissions: permissions('Microsoft.Intune_ManagedDevices_Read') })).json<RoleJson>();
      const a = (await send('POST', `/beta/deviceManagement/roleAssignments`, { displayName: 'uses it', members: [admins.id], scopeMembers: [scope.id], ...bind(role.id) })).json<AssignmentJson>();
      expectError(await send('DELETE', `${DM}/roleDefinitions/${role.id}`), 400, 'BadRequest', /assigned/);
      assert.equal((await send('DELETE', `${DM}/roleAssignments/${a.id}`)).statusCode, 204);
      assert.equal((await send('DELETE', `${DM}/roleDefinitions/${role.id}`)).statusCode, 204);
    });

    it('narrows an assignment over everything when PATCH gives it scope groups (v1.0 has no scopeType)', async () => {
      const admin = await aUser(t.core, 'narrowed');
      const group = await aGroup(t.core, 'narrowed admins');
      await addMembers(t.core, group, admin.id);
      const inScope = aManagedDevice({ deviceName: 'in-scope' });
      await t.core.devices.put(inScope);
      await t.core.devices.put(aManagedDevice({ deviceName: 'elsewhere' }));
      await addMembers(t.core, scope, inScope.id);
      const created = await send('POST', `${DM}/roleAssignments`, { displayName: 'everything at first', members: [group.id], ...bind(helpDesk.id) });
      assert.equal(created.statusCode, 201, created.body);
      const a = created.json<AssignmentJson>();
      assert.equal(a.scopeType, 'allDevicesAndLicensedUsers');
      const visible = async () => (await t.app.inject({ url: `${DM}/managedDevices`, headers: asMember(admin.id) })).json<Collection<{ deviceName: string }>>().value.map((d) => d.deviceName).sort();
      assert.deepEqual(await visible(), ['elsewhere', 'in-scope']);

      assert.equal((await send('PATCH', `${DM}/roleAssignments/${a.id}`, { resourceScopes: [scope.id] })).statusCode, 204);
      const narrowed = (await send('GET', `/beta/deviceManagement/roleAssignments/${a.id}`)).json<AssignmentJson>();
      assert.deepEqual([narrowed.scopeType, narrowed.resourceScopes], ['resourceScope', [scope.id]]);
      assert.deepEqual(await visible(), ['in-scope']);

      // And back: an all* scope type drops the scope groups.
      assert.equal((await send('PATCH', `/beta/deviceManagement/roleAssignments/${a.id}`, { scopeType: 'allDevices' })).statusCode, 204);
      const widened = (await send('GET', `/beta/deviceManagement/roleAssignments/${a.id}`)).json<AssignmentJson>();
      assert.deepEqual([widened.scopeType, widened.resourceScopes], ['allDevices', []]);
      // Emptying the scope groups of a scoped assignment is refused, never read as "everything".
      assert.equal((await send('PATCH', `${DM}/roleAssignments/${a.id}`, { resourceScopes: [scope.id] })).statusCode, 204);
      expectError(await send('PATCH', `${DM}/roleAssignments/${a.id}`, { resourceScopes: [] }), 400, 'BadRequest', /resourceScopes/);
      assert.equal((await send('DELETE', `${DM}/roleAssignments/${a.id}`)).statusCode, 204);
    });

    it('lists the Default scope tag, creates and deletes others', async () => {
      const list = async () => (await send('GET', '/beta/deviceManagement/roleScopeTags')).json<Collection<{ id: string; displayName: string; isBuiltIn: boolean }>>().value;
      assert.deepEqual((await list()).find((x) => x.id === '0'), { '@odata.type': '#microsoft.graph.roleScopeTag', id: '0', displayName: 'Default', description: 'Built-in scope tag', isBuiltIn: true });
      const created = await send('POST', '/beta/deviceManagement/roleScopeTags', { displayName: 'Berlin', description: 'Berlin office' });
      assert.equal(created.statusCode, 201, created.body);
      const tag = created.json<{ id: string }>();
      await audited('Create scope tag', tag.id);
      assert.ok((await list()).some((x) => x.id === tag.id && x.displayName === 'Berlin'));
      expectError(await send('POST', '/beta/deviceManagement/roleScopeTags', { displayName: 'berlin' }), 400, 'BadRequest', /already exists/);
      expectError(await send('POST', '/beta/deviceManagement/roleScopeTags', { displayName: 'Default' }), 400, 'BadRequest', /already exists/);
      expectError(await send('DELETE', '/beta/deviceManagement/roleScopeTags/0'), 403, 'Forbidden');

      // A tag in use stays until nothing carries it.
      const role = (await send('POST', `${DM}/roleDefinitions`, { displayName: 'Berlin readers', rolePermissions: permissions('Microsoft.Intune_ManagedDevices_Read'), roleScopeTagIds: [tag.id] })).json<RoleJson>();
      expectError(await send('DELETE', `/beta/deviceManagement/roleScopeTags/${tag.id}`), 400, 'BadRequest', /Berlin readers/);
      assert.equal((await send('DELETE', `${DM}/roleDefinitions/${role.id}`)).statusCode, 204);
      assert.equal((await send('DELETE', `/beta/deviceManagement/roleScopeTags/${tag.id}`)).statusCode, 204);
      await audited('Delete scope tag', tag.id);
      expectError(await send('DELETE', `/beta/deviceManagement/roleScopeTags/${tag.id}`), 404, 'ResourceNotFound');
    });

    it('knows which groups confer roles, and lets only a role administrator change their members', async () => {
      const schoolGroup = (await ensureRoleAdminGroup(t.core, await findRoleByName(t.core, 'School Administrator'))).group;
      const top = await ensureRoleAdminGroup(t.core, await findRoleByName(t.core, 'Intune Administrator'));
      const inner = await aGroup(t.core, 'nested in the top admins');
      await addMembers(t.core, top.group, inner.id);
      const plain = await aGroup(t.core, 'class 5b');
      const teacher = await aUser(t.core, 'teacher');
      await addMembers(t.core, schoolGroup, teacher.id);
      assert.deepEqual(await rolesConferredBy(t.core, top.group.id), { assignmentIds: [top.assignment.id] });
      assert.deepEqual(await rolesConferredBy(t.core, inner.id), { assignmentIds: [top.assignment.id] });
      assert.deepEqual(await rolesConferredBy(t.core, plain.id), { assignmentIds: [] });

      const asTeacher = { kind: 'user' as const, id: teacher.id, displayName: '', name: '', grants: await grantsFor(t.core, teacher.id) };
      for (const g of [top.group, inner, schoolGroup]) {
        await assert.rejects(assertMayChangeMembers(t.core, asTeacher, g.id), (e) => e instanceof StewardError && e.code === 'forbidden');
      }
      await assertMayChangeMembers(t.core, asTeacher, plain.id);
      const roleAdministrator = { ...asTeacher, grants: [{ allowed: new Set(builtInRoleByName('Intune Role Administrator')!.allowed), scope: { kind: 'all' as const } }] };
      await assertMayChangeMembers(t.core, roleAdministrator, top.group.id);
    });

    it('gives the CLI\'s per-role admin group only to a group that already holds the role', async () => {
      const role = await findRoleByName(t.core, 'Intune Role Administrator');
      // Made ahead, under the name the CLI uses, by someone allowed to create groups.
      const squatted = await aGroup(t.core, 'Steward role: Intune Role Administrator');
      const squatter = await aUser(t.core, 'squatter');
      await addMembers(t.core, squatted, squatter.id);
      const first = await ensureRoleAdminGroup(t.core, role);
      assert.deepEqual([first.createdGroup, first.createdAssignment], [true, true]);
      assert.notEqual(first.group.id, squatted.id);
      assert.deepEqual(first.assignment.members, [first.group.id]);
      assert.deepEqual(await grantsFor(t.core, squatter.id), []);
      const second = await ensureRoleAdminGroup(t.core, role);
      assert.deepEqual([second.group.id, second.assignment.id, second.createdGroup, second.createdAssignment], [first.group.id, first.assignment.id, false, false]);
    });

    // The privilege escalation role-groups.ts guards against, through the real routes.
    it('refuses a School Administrator adding themselves to the Intune Administrator group', async () => {
      const schoolGroup = (await ensureRoleAdminGroup(t.core, await findRoleByName(t.core, 'School Administrator'))).group;
      const top = (await ensureRoleAdminGroup(t.core, await findRoleByName(t.core, 'Intune Administrator'))).group;
      const climber = await aUser(t.core, 'climber');
      await addMembers(t.core, schoolGroup, climber.id);
      const res = await send('POST', `/v1.0/groups/${top.id}/members/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${climber.id}` }, asMember(climber.id));
      assert.equal(res.statusCode, 403, res.body);
      // Nor through a group of their own nested in it, nor by giving it a rule that picks them.
      const own = await aGroup(t.core, 'climber\'s own');
      await addMembers(t.core, own, climber.id);
      const nest = await send('POST', `/v1.0/groups/${top.id}/members/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/groups/${own.id}` }, asMember(climber.id));
      assert.equal(nest.statusCode, 403, nest.body);
      const rule = await send('PATCH', `/v1.0/groups/${top.id}`, { groupTypes: ['DynamicMembership'], membershipRule: `user.userPrincipalName -eq "${climber.userPrincipalName}"` }, asMember(climber.id));
      assert.equal(rule.statusCode, 403, rule.body);
      assert.equal((await send('GET', `${DM}/roleAssignments`, undefined, asMember(climber.id))).statusCode, 403);
    });

    it('lets only a role with Roles_* change roles, and audits the refusal', async () => {
      const res = await send('POST', `${DM}/roleDefinitions`, { displayName: 'Sneaky', rolePermissions: permissions('Microsoft.Intune_Roles_Assign') }, asRole(helpDesk.id));
      expectError(res, 403, 'Forbidden', /Microsoft\.Intune_Roles_Create/);
      const events = (await t.core.auditLog.list(parseAuditQuery({ $top: '999' }))).items;
      assert.ok(events.some((e) => e.activity === 'Authorization refused' && e.activityResult === 'Failure'));
    });
  });
}
