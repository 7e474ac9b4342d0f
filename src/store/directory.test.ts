// The directory stores (users, groups, memberships, licenses) on every dialect.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { testDialects } from './testing.js';
import type { Database } from './database.js';
import { userStore } from './users.js';
import { groupStore } from './groups.js';
import { managedDeviceStore } from './managed-devices.js';
import type { GroupStore, UserStore } from '../core/directory/ports.js';
import type { Group } from '../core/directory/group.js';
import type { User } from '../core/directory/user.js';
import { allScope, scopeOf } from '../core/rbac/scope.js';
import { parseListQuery } from '../core/query/list-query.js';
import { userSchema } from '../core/directory/directory-schemas.js';
import { aManagedDevice } from '../../test/support/devices.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');

function aUser(overrides: Partial<User> = {}): Omit<User, 'assignedLicenses'> {
  const nick = `u${randomUUID().slice(0, 8)}`;
  return {
    id: randomUUID(), userPrincipalName: `${nick}@Contoso.example`, displayName: `User ${nick}`, mailNickname: nick,
    mail: null, givenName: null, surname: null, department: null, jobTitle: null, companyName: null, employeeId: null,
    officeLocation: null, mobilePhone: null, city: null, country: null, usageLocation: null, userType: 'Member',
    accountEnabled: true, createdDateTime: NOW.toISOString(), ...overrides,
  };
}

function aGroup(overrides: Partial<Group> = {}): Group {
  const nick = `g${randomUUID().slice(0, 8)}`;
  return {
    id: randomUUID(), displayName: `Group ${nick}`, description: null, mailNickname: nick, mailEnabled: false, securityEnabled: true,
    groupTypes: [], membershipRule: null, membershipRuleProcessingState: null, createdDateTime: NOW.toISOString(), ...overrides,
  };
}

for (const dialect of testDialects()) {
  describe(`directory stores on ${dialect.name}`, () => {
    let database: Database;
    let users: UserStore;
    let groups: GroupStore;
    before(async () => {
      database = await dialect.open();
      users = userStore(database.db, database.dialect);
      groups = groupStore(database.db, database.dialect);
    });
    after(async () => { await database.close(); });

    const newUser = async (overrides: Partial<User> = {}) => {
      const u = aUser(overrides);
      assert.equal(await users.create(u, undefined), 'created');
      return u;
    };
    const newGroup = async (overrides: Partial<Group> = {}) => {
      const g = aGroup(overrides);
      await groups.create(g);
      return g;
    };
    const member = (id: string, type: 'user' | 'group' | 'device' = 'user') => ({ id, type });

    it('keeps userPrincipalName unique without regard to case, on create and on update', async () => {
      const u = await newUser({ userPrincipalName: 'Pat.Lee@Contoso.example' });
      assert.equal(await users.create(aUser({ userPrincipalName: 'pat.lee@contoso.EXAMPLE' }), undefined), 'duplicate');
      const other = await newUser();
      assert.equal(await users.update(other.id, { userPrincipalName: 'PAT.LEE@contoso.example' }), 'duplicate');
      assert.equal(await users.update(u.id, { userPrincipalName: 'pat.lee@contoso.example' }), 'updated');
      assert.equal((await users.get('PAT.LEE@CONTOSO.EXAMPLE', allScope))?.id, u.id);
      assert.equal(await users.update(randomUUID(), { department: 'x' }), 'missing');
      assert.equal(await users.update(randomUUID(), {}), 'missing');
    });

    it('round-trips every user property, and null clears one', async () => {
      const u = await newUser({ department: 'Sales', officeLocation: 'B1', accountEnabled: false, usageLocation: 'FR', city: 'Paris' });
      const read = await users.get(u.id, allScope);
      assert.deepEqual(read, { ...u, assignedLicenses: [] });
      assert.equal(await users.update(u.id, { department: null, accountEnabled: true }), 'updated');
      const now = await users.get(u.id, allScope);
      assert.equal(now?.department, null);
      assert.equal(now?.accountEnabled, true);
      assert.equal(now?.city, 'Paris');
    });

    it('assigns licenses, counts them and frees them with the user', async () => {
      const sku = randomUUID();
      const [a, b] = [await newUser(), await newUser()];
      await users.changeLicenses(a.id, [{ skuId: sku, disabledPlans: [] }], [], NOW);
      await users.changeLicenses(b.id, [{ skuId: sku, disabledPlans: ['p1'] }], [], NOW);
      await users.changeLicenses(b.id, [{ skuId: sku, disabledPlans: ['p2'] }], [], NOW);
      assert.equal(await users.countLicensed(sku), 2);
      assert.deepEqual((await users.get(b.id, allScope))?.assignedLicenses, [{ skuId: sku, disabledPlans: ['p2'] }]);
      await users.changeLicenses(a.id, [], [sku], NOW);
      assert.equal(await users.countLicensed(sku), 1);
      await users.setPassword(b.id, { passwordHash: '$argon2id$x', forceChangePasswordNextSignIn: true });
      assert.equal(await users.delete(b.id), true);
      assert.equal(await users.delete(b.id), false);
      assert.equal(await users.countLicensed(sku), 0);
      const left = await database.db.selectFrom('user_credentials').select('user_id').where('user_id', '=', b.id).execute();
      assert.deepEqual(left, []);
    });

    it('walks every user in batches', async () => {
      for (let i = 0; i < 23; i++) await newUser();
      const all = (await users.list(parseListQuery({ $top: '999' }, userSchema), allScope)).items.map((u) => u.id).sort();
      const seen: string[] = [];
      for await (const batch of users.batches(5)) {
        assert.ok(batch.length <= 5);
        seen.push(...batch.map((u) => u.id));
      }
      assert.deepEqual(seen, all);
    });

    it('adds members idempotently, pages them and tells object types apart', async () => {
      const g = await newGroup();
      const ids = [];
      for (let i = 0; i < 9; i++) ids.push((await newUser()).id);
      await groups.addMembers(g.id, ids.map((id) => member(id)), 'assigned', NOW);
      await groups.addMembers(g.id, ids.slice(0, 3).map((id) => member(id)), 'assigned', NOW);
      const seen: string[] = [];
      let skipToken: string | undefined;
      do {
        const page = await groups.members(g.id, { top: 4, ...(skipToken ? { skipToken } : {}) });
        seen.push(...page.items.map((m) => m.id));
        skipToken = page.nextSkipToken;
      } while (skipToken);
      assert.deepEqual(seen, [...ids].sort());
      assert.deepEqual((await groups.memberIds(g.id)).sort(), [...ids].sort());
      assert.equal(await groups.isDirectMember(g.id, ids[0]!), true);

      const device = aManagedDevice();
      await managedDeviceStore(database.db, database.dialect).put(device);
      assert.equal(await groups.objectType(ids[0]!), 'user');
      assert.equal(await groups.objectType(g.id), 'group');
      assert.equal(await groups.objectType(device.id), 'device');
      assert.equal(await groups.objectType(randomUUID()), undefined);

      await groups.removeMembers(g.id, ids.slice(0, 5));
      assert.deepEqual((await groups.memberIds(g.id)).sort(), ids.slice(5).sort());
    });

    it('follows nesting up and down, and ends on a cycle', async () => {
      const [top, mid, low] = [await newGroup({ displayName: 'A top' }), await newGroup({ displayName: 'B mid' }), await newGroup({ displayName: 'C low' })];
      const [u1, u2] = [await newUser(), await newUser()];
      await groups.addMembers(top.id, [member(mid.id, 'group'), member(u1.id)], 'assigned', NOW);
      await groups.addMembers(mid.id, [member(low.id, 'group')], 'assigned', NOW);
      await groups.addMembers(low.id, [member(u2.id), member(u1.id)], 'assigned', NOW);
      const down = await groups.transitiveMembers(top.id);
      assert.deepEqual(down.map((m) => m.id).sort(), [mid.id, low.id, u1.id, u2.id].sort());
      assert.equal(new Set(down.map((m) => m.id)).size, down.length);
      assert.deepEqual((await groups.transitiveMemberOf(u2.id)).map((g) => g.displayName), ['A top', 'B mid', 'C low']);
      assert.deepEqual((await groups.memberOf(u1.id)).map((g) => g.displayName), ['A top', 'C low']);
      // The core refuses cycles; the store must still terminate if one gets in.
      await groups.addMembers(low.id, [member(top.id, 'group')], 'assigned', NOW);
      assert.deepEqual((await groups.transitiveMembers(top.id)).map((m) => m.id).sort(), [top.id, mid.id, low.id, u1.id, u2.id].sort());
      assert.equal((await groups.transitiveMemberOf(u2.id)).length, 3);
      await groups.removeMembers(low.id, [top.id]);
      // Deleting a group removes its rows on both sides.
      assert.equal(await groups.delete(mid.id), true);
      assert.deepEqual((await groups.transitiveMembers(top.id)).map((m) => m.id), [u1.id]);
      assert.deepEqual((await groups.memberOf(low.id)), []);
    });

    it('lists dynamic groups with processing on, and marks where members came from', async () => {
      const on = await newGroup({ groupTypes: ['DynamicMembership'], membershipRule: 'user.city -eq "Oslo"', membershipRuleProcessingState: 'On' });
      await newGroup({ groupTypes: ['DynamicMembership'], membershipRule: 'user.city -eq "Rome"', membershipRuleProcessingState: 'Paused' });
      assert.deepEqual((await groups.dynamicGroups()).map((g) => g.id), [on.id]);
      const u = await newUser();
      await groups.addMembers(on.id, [member(u.id)], 'dynamic', NOW);
      await groups.setMemberSource(on.id, 'assigned');
      const rows = await database.db.selectFrom('group_members').select('source').where('group_id', '=', on.id).execute();
      assert.deepEqual(rows, [{ source: 'assigned' }]);
      assert.equal(await groups.update(on.id, { membershipRuleProcessingState: 'Paused' }), true);
      assert.deepEqual(await groups.dynamicGroups(), []);
      assert.equal(await groups.update(randomUUID(), { description: 'x' }), false);
    });

    it('shows a scoped reader only the users in its scope groups, through nesting', async () => {
      const [scopeGroup, nested] = [await newGroup(), await newGroup()];
      const [inside, deep, outside] = [await newUser(), await newUser(), await newUser()];
      await groups.addMembers(scopeGroup.id, [member(inside.id), member(nested.id, 'group')], 'assigned', NOW);
      await groups.addMembers(nested.id, [member(deep.id)], 'assigned', NOW);
      const scope = scopeOf([scopeGroup.id], 'all');
      const listed = await users.list(parseListQuery({ $top: '999' }, userSchema), scope);
      assert.deepEqual(listed.items.map((u) => u.id).sort(), [inside.id, deep.id].sort());
      assert.equal(await users.get(outside.id, scope), undefined);
      assert.equal((await users.get(deep.userPrincipalName, scope))?.id, deep.id);
      assert.deepEqual((await users.getMany([inside.id, outside.id], scope)).map((u) => u.id), [inside.id]);
      assert.deepEqual((await users.list(parseListQuery({}, userSchema), scopeOf([], 'all'))).items, []);
    });
  });
}
