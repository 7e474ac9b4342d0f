// The membership engine over the real stores: device rules, whole-group recomputes across
// batches, and what a stored rule the parser no longer accepts does.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../store/testing.js';
import type { Database } from '../../store/database.js';
import { testApp, type TestApp } from '../../../test/support/http.js';
import { aManagedDevice } from '../../../test/support/devices.js';
import { directoryClient, type DirectoryClient, type GraphCollection } from '../../../test/support/directory.js';
import { createGroup, updateGroup } from './save-group.js';
import { createUser } from './create-user.js';
import { updateUser } from './update-user.js';
import type { Group } from './group.js';
import type { User } from './user.js';
import { allScope } from '../rbac/scope.js';

for (const dialect of testDialects()) {
  describe(`dynamic membership on ${dialect.name}`, () => {
    let database: Database;
    let t: TestApp;
    let c: DirectoryClient;
    before(async () => {
      database = await dialect.open();
      t = await testApp(database);
      c = directoryClient(t.app);
    });
    after(async () => { await t.app.close(); await database.close(); });

    const groupDeps = () => ({ groups: t.core.groups, clock: t.core.clock, onRuleChanged: async (g: Group) => { await t.core.memberships.recomputeGroup(g); } });
    const userDeps = () => ({ users: t.core.users, clock: t.core.clock, onUserChanged: (u: User) => t.core.memberships.refreshUser(u) });
    const memberIds = async (groupId: string) => (await t.core.groups.memberIds(groupId)).sort();
    const dynamic = (rule: string) => createGroup(groupDeps(), { displayName: rule.slice(0, 40), mailNickname: `dyn${Math.random().toString(36).slice(2, 10)}`, groupTypes: ['DynamicMembership'], membershipRule: rule });

    it('puts managed devices in device-rule groups and follows them', async () => {
      const iphone = aManagedDevice({ operatingSystem: 'iOS', model: 'iPhone 15' });
      const ipad = aManagedDevice({ operatingSystem: 'iOS', model: 'iPad Pro' });
      const windows = aManagedDevice({ operatingSystem: 'Windows', model: 'Surface' });
      for (const d of [iphone, ipad, windows]) await t.core.devices.put(d);
      const ios = await dynamic('device.deviceOSType -eq "iOS"');
      assert.deepEqual(await memberIds(ios.id), [iphone.id]);

      const later = aManagedDevice({ operatingSystem: 'iOS' });
      await t.core.devices.put(later);
      await t.core.memberships.refreshDevice(later);
      assert.deepEqual(await memberIds(ios.id), [iphone.id, later.id].sort());
      const moved = { ...iphone, operatingSystem: 'Android', managedDeviceOwnerType: 'company' as const };
      await t.core.devices.put(moved);
      await t.core.memberships.refreshDevice(moved);
      assert.deepEqual(await memberIds(ios.id), [later.id]);

      // A device rule never selects users, and the members list shows Graph device objects.
      await createUser(userDeps(), { userPrincipalName: 'ios.fan@contoso.example', displayName: 'iOS fan', accountEnabled: true });
      const res = await c.get(`/v1.0/groups/${ios.id}/members`);
      assert.equal(res.statusCode, 200, res.body);
      const members = res.json<GraphCollection>().value;
      assert.deepEqual(members.map((m) => [m.id, m['@odata.type']]), [[later.id, '#microsoft.graph.device']]);

      const owned = await dynamic('device.deviceOwnership -eq "Company" -and device.deviceOSType -eq "AndroidEnterprise"');
      assert.deepEqual(await memberIds(owned.id), [iphone.id]);
    });

    it('recomputes a whole group across batches, adding and removing', async () => {
      const city = `City${Math.random().toString(36).slice(2, 8)}`;
      // One statement: 1,100 users one at a time would test fsync, not the engine.
      const created = Array.from({ length: 1100 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
      await database.db.insertInto('users').values(created.map((id, i) => ({
        id, user_principal_name: `bulk${i}@contoso.example`, upn_lower: `bulk${i}@contoso.example`, display_name: `Bulk ${i}`,
        department: i % 2 === 0 ? 'Even' : 'Odd', city, account_enabled: 1, created_date_time: new Date().toISOString(),
      }))).execute();
      const g = await dynamic(`user.city -eq "${city}" -and user.department -eq "Even"`);
      assert.deepEqual(await memberIds(g.id), created.filter((_, i) => i % 2 === 0).sort());
      const { after: changed } = await updateGroup(groupDeps(), { id: g.id, changes: { membershipRule: `user.city -eq "${city}" -and user.department -eq "Odd"` } });
      assert.equal(changed.membershipRule?.endsWith('"Odd"'), true);
      assert.deepEqual(await memberIds(g.id), created.filter((_, i) => i % 2 === 1).sort());
      assert.deepEqual(await t.core.memberships.recomputeGroup(changed), { added: 0, removed: 0 });
    });

    it('keeps changing users when a stored rule no longer parses', async () => {
      const g = await dynamic('user.department -eq "Broken"');
      // As if a later version of the parser refused a rule that was accepted when saved.
      await t.core.groups.update(g.id, { membershipRule: 'user.department -eq' });
      const u = await createUser(userDeps(), { userPrincipalName: 'still.works@contoso.example', displayName: 'Still works', accountEnabled: true, department: 'Broken' });
      const { after: changed } = await updateUser(userDeps(), { id: u.id, scope: allScope, changes: { department: 'Fine' } });
      assert.equal(changed.department, 'Fine');
      assert.deepEqual(await memberIds(g.id), []);
    });

  });
}
