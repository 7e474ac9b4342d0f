import { sql } from 'kysely';
import type { StewardMigration } from './types.js';
import { columnTypes } from './types.js';

// The audit log (core/audit): append-only, and the database itself enforces it, so that neither a
// bug nor someone with Steward's database credentials and a SQL prompt can quietly rewrite
// history: UPDATE and DELETE (and, on PostgreSQL, TRUNCATE) of audit_events abort.
//
// SQLite cannot make a column AUTOINCREMENT unless it is the INTEGER PRIMARY KEY, so `seq` is the
// primary key (the rowid itself, on SQLite) and `id`, Graph's key, is UNIQUE NOT NULL.
export const migration: StewardMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.createTable('audit_events')
      .addColumn('seq', dialect === 'sqlite' ? 'integer' : 'bigint', (c) => (dialect === 'sqlite'
        ? c.primaryKey().autoIncrement()
        : c.primaryKey().generatedAlwaysAsIdentity()))
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('activity_date_time', t.timestamp, (c) => c.notNull())
      .addColumn('display_name', 'text')
      .addColumn('component_name', 'text')
      .addColumn('activity', 'text')
      .addColumn('activity_type', 'text')
      .addColumn('activity_operation_type', 'text')
      .addColumn('activity_result', 'text')
      .addColumn('category', 'text')
      .addColumn('correlation_id', 'text', (c) => c.notNull())
      .addColumn('actor_json', t.json, (c) => c.notNull())
      .addColumn('resources_json', t.json, (c) => c.notNull().defaultTo('[]'))
      .addColumn('actor_user_principal_name', 'text')
      .addColumn('actor_type', 'text')
      .addColumn('actor_user_id', 'text')
      .addColumn('actor_application_id', 'text')
      .addColumn('actor_ip_address', 'text')
      .execute();
    // The default order (newest first) and date-range filters.
    await db.schema.createIndex('audit_events_time').on('audit_events').columns(['activity_date_time', 'seq']).execute();
    // category filters and getAuditActivityTypes(category=…).
    await db.schema.createIndex('audit_events_category').on('audit_events').columns(['category', 'activity_type']).execute();
    // "What did this person do": actor/userPrincipalName eq '…', newest first.
    await db.schema.createIndex('audit_events_actor_upn').on('audit_events').columns(['actor_user_principal_name', 'activity_date_time']).execute();
    // Everything one request did.
    await db.schema.createIndex('audit_events_correlation').on('audit_events').column('correlation_id').execute();

    if (dialect === 'sqlite') {
      for (const op of ['update', 'delete']) {
        await sql.raw(`create trigger audit_events_no_${op} before ${op} on audit_events
          begin select raise(abort, 'audit_events is append-only: ${op} is not allowed'); end`).execute(db);
      }
    } else {
      await sql`create function audit_events_append_only() returns trigger language plpgsql as $$
        begin
          raise exception 'audit_events is append-only: % is not allowed', lower(tg_op) using errcode = 'insufficient_privilege';
        end $$`.execute(db);
      await sql`create trigger audit_events_no_change before update or delete on audit_events
        for each row execute function audit_events_append_only()`.execute(db);
      await sql`create trigger audit_events_no_truncate before truncate on audit_events
        for each statement execute function audit_events_append_only()`.execute(db);
    }
  },
  async down(db, dialect) {
    await db.schema.dropTable('audit_events').execute();
    if (dialect === 'postgres') await sql`drop function if exists audit_events_append_only()`.execute(db);
  },
};
