// DeviceConfigurationStore on SQLite and PostgreSQL: the same tests against both.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from './testing.js';
import type { Database } from './database.js';
import { deviceConfigurationStore } from './configuration-profiles.js';
import type { DeviceConfiguration } from '../core/configuration/ports.js';

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
      const store = deviceConfigurationStore(database.db);
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
  });
}
