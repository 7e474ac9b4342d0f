import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from './testing.js';
import { windowsInventoryStore } from './windows-inventory.js';
import { deviceInventoryStore } from './device-inventory.js';

for (const dialect of testDialects()) {
  describe(`WindowsInventoryStore on ${dialect.name}`, () => {
    it('merges facts into the device\'s inventory row, and marks inventory answers reported', async () => {
      const database = await dialect.open();
      try {
        const store = windowsInventoryStore(database.db);
        const rows = deviceInventoryStore(database.db);
        const t1 = new Date('2026-04-01T10:00:00.000Z');
        const t2 = new Date('2026-04-01T11:00:00.000Z');
        assert.equal(await store.get('pc-1'), undefined);
        assert.equal(await store.status('pc-1'), undefined);

        // A session start notes the login status: no inventory answer, no reportedAt.
        await store.apply('pc-1', { loginStatus: 'user' }, t1, { inventoryAnswer: false });
        assert.deepEqual(await store.status('pc-1'), { facts: { loginStatus: 'user' }, requestedAt: null, reportedAt: null });

        await rows.markRequested(['pc-1'], 'windows', t1);
        await store.apply('pc-1', { secureBootState: 'enabled', tpmSpecificationVersion: '2.0', firewallStatus: 0 }, t2);
        await store.apply('pc-1', { tpmSpecificationVersion: null, firewallStatus: undefined }, t2);
        assert.deepEqual(await store.get('pc-1'), { loginStatus: 'user', secureBootState: 'enabled', tpmSpecificationVersion: null, firewallStatus: 0, reportedAt: t2.toISOString() });
        const status = await store.status('pc-1');
        assert.deepEqual([status?.requestedAt, status?.reportedAt], [t1.toISOString(), t2.toISOString()]);
        // The row is the device's inventory row: Apple's store reads the same bookkeeping.
        assert.equal((await rows.get('pc-1'))?.reportedAt, t2.toISOString());

        await store.apply('pc-2', { osEdition: '48' }, t2);
        const many = await store.getMany(['pc-1', 'pc-2', 'pc-3']);
        assert.deepEqual([...many.keys()].sort(), ['pc-1', 'pc-2']);
        assert.equal(many.get('pc-2')?.osEdition, '48');
      } finally {
        await database.close();
      }
    });
  });
}
