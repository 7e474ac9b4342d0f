import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';
import type { StewardMigration } from './types.js';
import { columnTypes } from './types.js';

// device_compliance_states is rewritten in bulk by a fleet evaluation: a row per device and
// assigned policy, 360,000 rows for 100,000 devices and 5 policies. Two of 0015's choices cost
// those writes as much as the rows themselves:
// - the (policy_id, device_id) index: every row went to a random place in it, splitting pages.
//   Reads by policy (deviceStatuses, the overviews) read all of a policy's rows and sort them, so
//   an index on policy_id alone serves them; PostgreSQL keeps its few distinct keys as posting
//   lists, 2 MB instead of 62 MB and cheap to maintain;
// - the foreign key to compliance_policies: a check per row. The store now locks the policies it
//   writes states for (FOR KEY SHARE) and deletes a policy's states with the policy, which keeps
//   the same guarantee (no state outlives its policy) at one statement per batch.
// SQLite cannot drop a foreign key, so there the table is copied into one without it.
// On PostgreSQL, managed_devices also gets fillfactor 80: its rows are updated all the time
// (complianceState after every evaluation, check-in times), and an update that finds room on its
// page is a HOT update, which does not touch the table's five indexes. Pages written from now on
// keep the room; existing pages get it as they are rewritten.

async function createStates(db: Kysely<unknown>, dialect: Dialect, table: string, foreignKey: boolean): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema.createTable(table)
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('policy_id', 'text', (c) => (foreignKey ? c.notNull().references('compliance_policies.id').onDelete('cascade') : c.notNull()))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('setting_states', t.json, (c) => c.notNull())
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    .addColumn('noncompliant_since', t.timestamp)
    .addColumn('grace_expires_at', t.timestamp)
    .addColumn('evaluated_at', t.timestamp, (c) => c.notNull())
    .addColumn('device_name', 'text')
    .addColumn('device_model', 'text')
    .addColumn('user_name', 'text')
    .addColumn('user_principal_name', 'text')
    .addPrimaryKeyConstraint('device_compliance_states_pk', ['device_id', 'policy_id'])
    .execute();
}

/** SQLite: the table again, with or without the foreign key, its rows and its indexes kept. */
async function rebuildOnSqlite(db: Kysely<unknown>, foreignKey: boolean, policyIndex: () => Promise<void>): Promise<void> {
  await createStates(db, 'sqlite', 'device_compliance_states_new', foreignKey);
  await sql`insert into device_compliance_states_new select device_id, policy_id, status, setting_states, policy_version, noncompliant_since, grace_expires_at,
    evaluated_at, device_name, device_model, user_name, user_principal_name from device_compliance_states`.execute(db);
  await db.schema.dropTable('device_compliance_states').execute();
  await db.schema.alterTable('device_compliance_states_new').renameTo('device_compliance_states').execute();
  await policyIndex();
  await db.schema.createIndex('device_compliance_states_noncompliant').on('device_compliance_states').columns(['policy_id', 'device_id'])
    .where(sql.ref('status'), '=', 'nonCompliant').execute();
}

export const migration: StewardMigration = {
  async up(db, dialect) {
    const byPolicy = () => db.schema.createIndex('device_compliance_states_by_policy').on('device_compliance_states').column('policy_id').execute();
    if (dialect === 'sqlite') {
      await rebuildOnSqlite(db, false, byPolicy);
      return;
    }
    await db.schema.dropIndex('device_compliance_states_policy').execute();
    await byPolicy();
    const fks = await sql<{ conname: string }>`select conname from pg_constraint where conrelid = 'device_compliance_states'::regclass and contype = 'f'`.execute(db);
    for (const { conname } of fks.rows) await db.schema.alterTable('device_compliance_states').dropConstraint(conname).execute();
    await sql`alter table managed_devices set (fillfactor = 80)`.execute(db);
  },
  async down(db, dialect) {
    const policyPair = () => db.schema.createIndex('device_compliance_states_policy').on('device_compliance_states').columns(['policy_id', 'device_id']).execute();
    if (dialect === 'sqlite') {
      await rebuildOnSqlite(db, true, policyPair);
      return;
    }
    await sql`alter table managed_devices reset (fillfactor)`.execute(db);
    await db.schema.dropIndex('device_compliance_states_by_policy').execute();
    await policyPair();
    await db.schema.alterTable('device_compliance_states').addForeignKeyConstraint('device_compliance_states_policy_id_fkey', ['policy_id'], 'compliance_policies', ['id'])
      .onDelete('cascade').execute();
  },
};
