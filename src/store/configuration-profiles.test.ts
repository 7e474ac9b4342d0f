// DeviceConfigurationStore on SQLite and PostgreSQL: the same tests against both.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from './testing.js';
import type { Database } from './database.js';
import { deviceConfigurationStore } from './configuration-profiles.js';
import type { DeviceConfiguration } from '../core/configuration/ports.js';
import { parsePolicyListQuery } from '../core/assignments/list-query.js';
import { deviceConfigurationSchema } from '../core/configuration/list-device-configurations.js';

const profile = (id: string, created: string): DeviceConfiguration => ({
  id, odataType: 'iosWiFiConfiguration', displayName: `Wi-Fi ${id}`, description: null, version: 1,
  createdDateTime: created, lastModifiedDateTime: created, roleScopeTagIds: ['0', '7'],
  settings: { ssid: 'Contoso', preSharedKey: 'k'.repeat(12), onDemandRules: [{ action: 'connect', ssids: ['a'] }], proxyManualPort: 8080, connectAutomatically: false },
});

for (const dialect of testDialects()) {
  describe(`DeviceConfigurationStore on ${dialect.name}`, () => {
    let database: Database;
    before(async () => { database = await dialect.open(); });
    after(async () => { await database.close(); });

    it('creates, reads, lists in creation order, updates with a version check and deletes', async () => {
      const store = deviceConfigurationStore(database.db, database.dialect);
      const a = profile('a', '2026-01-01T00:00:00.000Z');
      const b = profile('b', '2026-01-02T00:00:00.000Z');
      await store.create(b);
      await store.create(a);
      assert.deepEqual(await store.get('a'), a);
      assert.deepEqual((await store.list()).map((p) => p.id), ['a', 'b']);
      const next = { ...a, version: 2, displayName: 'renamed', settings: { ...a.settings, ssid: 'Other' } };
      assert.deepEqual(await store.update(next, 1), next);
      assert.equal(await store.update({ ...next, version: 3 }, 1), undefined, 'a stale version does not overwrite');
      assert.equal((await store.get('a'))?.displayName, 'renamed');
      assert.equal(await store.delete('a'), true);
      assert.equal(await store.delete('a'), false);
      assert.equal(await store.get('a'), undefined);
      assert.equal(await store.update(next, 2), undefined);
    });

    it('pages by Graph\'s query options, limited to the profiles carrying a held scope tag', async () => {
      const store = deviceConfigurationStore(database.db, database.dialect);
      await store.create({ ...profile('p1', '2026-02-01T00:00:00.000Z'), roleScopeTagIds: ['0'] });
      await store.create({ ...profile('p2', '2026-02-02T00:00:00.000Z'), roleScopeTagIds: ['7', '8'] });
      await store.create({ ...profile('p3', '2026-02-03T00:00:00.000Z'), roleScopeTagIds: [] });
      const query = parsePolicyListQuery({ $filter: "startswith(id,'p')", $count: 'true' }, deviceConfigurationSchema);
      const ids = async (held: 'all' | ReadonlySet<string>) => (await store.page(query, held)).items.map((p) => p.id);
      assert.deepEqual(await ids('all'), ['p1', 'p2', 'p3']);
      assert.deepEqual(await ids(new Set(['8'])), ['p2']);
      assert.deepEqual(await ids(new Set(['0', '7'])), ['p1', 'p2']);
      assert.deepEqual(await ids(new Set(['9'])), []);
      assert.deepEqual(await ids(new Set()), []);
      const first = await store.page({ ...query, top: 2 }, new Set(['0', '8']));
      assert.deepEqual([first.items.map((p) => p.id), first.count, typeof first.nextSkipToken], [['p1', 'p2'], 2, 'undefined']);
      assert.deepEqual((await store.page({ ...query, top: 1 }, 'all')).items[0], { ...profile('p1', '2026-02-01T00:00:00.000Z'), roleScopeTagIds: ['0'] });
    });
  });
}
