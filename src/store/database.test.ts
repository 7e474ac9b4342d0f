import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testDialects } from './testing.js';
import { migrateToLatest } from './migrate.js';
import { migrations } from './migrations/index.js';

for (const dialect of testDialects()) {
  describe(`database on ${dialect.name}`, () => {
    it('applies every migration once, and a second run applies none', async () => {
      const database = await dialect.open({ migrate: false });
      try {
        const first = await migrateToLatest(database.db, database.dialect);
        assert.deepEqual(first.applied, Object.keys(migrations));
        const second = await migrateToLatest(database.db, database.dialect);
        assert.deepEqual(second.applied, []);
      } finally {
        await database.close();
      }
    });

    it('keeps the dialect conventions: booleans as 0/1, BIGINT as numbers, ISO text timestamps', async () => {
      const database = await dialect.open();
      try {
        const now = new Date('2026-01-02T03:04:05.678Z').toISOString();
        await database.db.insertInto('managed_devices').values({
          id: 'd1', device_name: 'iPhone', enrolled_date_time: now, last_sync_date_time: now,
          is_encrypted: 1, total_storage_space_in_bytes: 2 ** 40,
        }).execute();
        const row = await database.db.selectFrom('managed_devices').selectAll().where('id', '=', 'd1').executeTakeFirstOrThrow();
        assert.equal(row.is_encrypted, 1);
        assert.equal(row.is_supervised, 0);
        assert.equal(row.total_storage_space_in_bytes, 2 ** 40);
        assert.equal(row.enrolled_date_time, now);
        assert.equal(row.compliance_state, 'unknown');
        const { rows } = await sql<{ n: number }>`select count(*) as n from managed_devices`.execute(database.db);
        assert.equal(Number(rows[0]?.n), 1);
      } finally {
        await database.close();
      }
    });
  });
}
