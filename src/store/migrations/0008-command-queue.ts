import type { StewardMigration } from './types.js';
import { columnTypes } from './types.js';

// The durable command queue shared by Apple MDM and Windows OMA-DM (store/command-queue.ts).
// Sized for a million enrollments with a million queued commands: every query the queue runs
// walks one of these indexes, never the table.
//
// As in audit_events, `seq` is the primary key (SQLite only auto-increments the INTEGER PRIMARY
// KEY) and the wire id, `uuid`, is UNIQUE NOT NULL.
export const migration: StewardMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.createTable('command_queue')
      .addColumn('seq', dialect === 'sqlite' ? 'integer' : 'bigint', (c) => (dialect === 'sqlite'
        ? c.primaryKey().autoIncrement()
        : c.primaryKey().generatedAlwaysAsIdentity()))
      .addColumn('uuid', 'text', (c) => c.notNull().unique())
      // No foreign key: enrollments of every platform point here, and their tables come later.
      .addColumn('enrollment_id', 'text', (c) => c.notNull())
      .addColumn('platform', 'text', (c) => c.notNull())
      .addColumn('request_type', 'text', (c) => c.notNull())
      .addColumn('payload', t.json, (c) => c.notNull())
      .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('not_before', t.timestamp, (c) => c.notNull())
      .addColumn('sent_at', t.timestamp)
      .addColumn('expires_at', t.timestamp)
      .addColumn('finished_at', t.timestamp)
      .addColumn('deliveries', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('not_now_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('response', t.json)
      .addColumn('error_chain', t.json)
      .execute();
    // next(): an enrollment's pending and sent commands in order; also forEnrollment().
    await db.schema.createIndex('command_queue_next').on('command_queue').columns(['enrollment_id', 'state', 'seq']).execute();
    // expire(): pending and sent commands by expiry.
    await db.schema.createIndex('command_queue_expiry').on('command_queue').columns(['state', 'expires_at']).execute();
    // prune(): finished commands by age.
    await db.schema.createIndex('command_queue_finished').on('command_queue').column('finished_at').execute();
  },
  async down(db) {
    await db.schema.dropTable('command_queue').execute();
  },
};
