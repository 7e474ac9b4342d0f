// GET /auth/session tells the pages what the person may do: their roles' resource operations.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testDialects, withTestDatabase } from '../../store/testing.js';
import { aPerson, signInApp, signInThroughApi } from '../../../test/support/sign-in.js';
import { ensureRoleAdminGroup } from '../../core/rbac/role-admins.js';
import { findRoleByName } from '../../core/rbac/roles.js';
import { addGroupMember } from '../../core/directory/group-members.js';

interface SessionAnswer { status: string; csrfToken: string; user: { id: string }; isAdmin: boolean; allowedResourceOperations: string[] }

for (const dialect of testDialects()) {
  describe(`GET /auth/session permissions (${dialect.name})`, () => {
    it('lists an admin\'s operations, a read-only operator\'s reads only, and nothing for a user', () => withTestDatabase(dialect, async (database) => {
      const t = await signInApp(database);
      const session = async (cookieHeader: string) => {
        const res = await t.app.inject({ url: '/auth/session', headers: { cookie: cookieHeader } });
        assert.equal(res.statusCode, 200, res.body);
        return res.json<SessionAnswer>();
      };

      const admin = await aPerson(t.core, { admin: true });
      const a = await session((await signInThroughApi(t, admin)).cookieHeader);
      assert.equal(a.status, 'signedIn');
      assert.equal(a.isAdmin, true);
      assert.ok(a.allowedResourceOperations.includes('Microsoft.Intune_ManagedDevices_Read'));
      assert.ok(a.allowedResourceOperations.includes('Microsoft.Intune_RemoteTasks_RemoteLock'));
      assert.deepEqual(a.allowedResourceOperations, [...a.allowedResourceOperations].sort());

      t.clock.advance(60_000);
      const reader = await aPerson(t.core);
      const { group } = await ensureRoleAdminGroup(t.core, await findRoleByName(t.core, 'Read Only Operator'));
      await addGroupMember(t.core, { groupId: group.id, memberId: reader.id });
      const r = await session((await signInThroughApi(t, reader)).cookieHeader);
      assert.equal(r.isAdmin, true);
      assert.ok(r.allowedResourceOperations.includes('Microsoft.Intune_ManagedDevices_Read'));
      for (const denied of ['Microsoft.Intune_RemoteTasks_RemoteLock', 'Microsoft.Intune_RemoteTasks_Wipe', 'Microsoft.Intune_ManagedDevices_Update']) {
        assert.equal(r.allowedResourceOperations.includes(denied), false, denied);
      }

      const user = await aPerson(t.core);
      const u = await session((await signInThroughApi(t, user)).cookieHeader);
      assert.equal(u.isAdmin, false);
      assert.deepEqual(u.allowedResourceOperations, []);
      await t.app.close();
    }));
  });
}
