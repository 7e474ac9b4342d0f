import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.js';
import { testDialects } from '../testing.js';
import { migration } from './0004-audit.js';

// The migration on its own, on an empty database (no other migration needed: the table stands
// alone), up and down.
for (const dialect of testDialects()) {
  describe(`migration 0004-audit on ${dialect.name}`, () => {
    let database: Database;
    let db: Kysely<unknown>;
    before(async () => {
      database = await dialect.open({ migrate: false });
      db = database.db as unknown as Kysely<unknown>;
      await migration.up(db, database.dialect);
    });
    after(async () => { await database.close(); });

    const insert = (id: string) => sql`insert into audit_events (id, activity_date_time, correlation_id, actor_json)
      values (${id}, '2026-01-01T00:00:00.000Z', 'c', '{}')`.execute(db);

    it('numbers rows in insertion order and keeps ids unique', async () => {
      await insert('b');
      await insert('a');
      const rows = await sql<{ id: string; seq: number; resources_json: string }>`select id, seq, resources_json from audit_events order by seq`.execute(db);
      assert.deepEqual(rows.rows.map((r) => r.id), ['b', 'a']);
      assert.ok(Number(rows.rows[0]!.seq) < Number(rows.rows[1]!.seq));
      assert.equal(rows.rows[0]!.resources_json, '[]');
      await assert.rejects(insert('a'));
    });

    it('aborts every UPDATE and DELETE, whoever sends it', async () => {
      await assert.rejects(sql`update audit_events set id = 'c' where id = 'a'`.execute(db), /audit_events is append-only: update is not allowed/);
      await assert.rejects(sql`update audit_events set activity = 'x'`.execute(db), /append-only/);
      await assert.rejects(sql`delete from audit_events where id = 'b'`.execute(db), /audit_events is append-only: delete is not allowed/);
      await assert.rejects(sql`delete from audit_events`.execute(db), /append-only/);
      if (database.dialect === 'postgres') await assert.rejects(sql`truncate audit_events`.execute(db), /append-only: truncate/);
      const rows = await sql<{ id: string; activity: string | null }>`select id, activity from audit_events order by seq`.execute(db);
      assert.deepEqual(rows.rows, [{ id: 'b', activity: null }, { id: 'a', activity: null }]);
    });

    it('goes down and up again', async () => {
      await migration.down!(db, database.dialect);
      await migration.up(db, database.dialect);
      await insert('again');
      await assert.rejects(sql`delete from audit_events`.execute(db), /append-only/);
    });
  });
}
