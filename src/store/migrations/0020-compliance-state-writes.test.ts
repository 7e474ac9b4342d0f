import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.js';
import { testDialects } from '../testing.js';
import { migrator } from '../migrate.js';

// 0020 on a database that already holds compliance states (migrated to 0019 first): the rows
// stay, the foreign key to compliance_policies goes (SQLite: the table is copied), reads by policy
// get their index, and down puts the foreign key back with the rows still there.
for (const dialect of testDialects()) {
  describe(`migration 0020-compliance-state-writes on ${dialect.name}`, () => {
    let database: Database;
    let db: Kysely<unknown>;
    let to: (name: string) => Promise<void>;
    before(async () => {
      database = await dialect.open({ migrate: false });
      db = database.db as unknown as Kysely<unknown>;
      const schema = database.dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
      const m = migrator(db, database.dialect, schema);
      to = async (name) => { const { error } = await m.migrateTo(name); if (error) throw error instanceof Error ? error : new Error(`migration to ${name} failed`); };
      await to('0019-compliance-actions');
    });
    after(async () => { await database.close(); });

    const aState = (deviceId: string, policyId: string, status: string) => sql`insert into device_compliance_states (device_id, policy_id, status, setting_states,
      policy_version, evaluated_at) values (${deviceId}, ${policyId}, ${status}, '[]', 1, '2026-11-25T00:00:00.000Z')`.execute(db);
    const states = async () => (await sql<{ device_id: string; policy_id: string; status: string }>`select device_id, policy_id, status from device_compliance_states
      order by device_id, policy_id`.execute(db)).rows.map((r) => `${r.device_id}/${r.policy_id}/${r.status}`);
    const indexes = async () => (database.dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'device_compliance_states' and sql is not null`.execute(db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'device_compliance_states' and schemaname = current_schema()`.execute(db)).rows.map((r) => r.name))
      .filter((n) => n !== 'device_compliance_states_pk').sort();

    it('keeps the states, drops the foreign key and the (policy, device) index, and back', async () => {
      await sql`insert into compliance_policies (id, odata_type, display_name, created_date_time, last_modified_date_time, version, role_scope_tag_ids, settings, scheduled_actions)
        values ('p1', 'iosCompliancePolicy', 'iOS', '2026-11-25T00:00:00.000Z', '2026-11-25T00:00:00.000Z', 1, '[]', '{}', '[]')`.execute(db);
      await aState('d1', 'p1', 'compliant');
      await aState('d2', 'p1', 'nonCompliant');
      await assert.rejects(aState('d3', 'nope', 'compliant'), 'before 0020 a state needs its policy');

      await to('0020-compliance-state-writes');
      assert.deepEqual(await states(), ['d1/p1/compliant', 'd2/p1/nonCompliant']);
      assert.deepEqual(await indexes(), ['device_compliance_states_by_policy', 'device_compliance_states_noncompliant']);
      await aState('d3', 'nope', 'compliant');
      await assert.rejects(aState('d1', 'p1', 'error'), 'the primary key stays');
      await sql`delete from device_compliance_states where policy_id = 'nope'`.execute(db);

      await to('0019-compliance-actions');
      assert.deepEqual(await states(), ['d1/p1/compliant', 'd2/p1/nonCompliant']);
      assert.deepEqual(await indexes(), ['device_compliance_states_noncompliant', 'device_compliance_states_policy']);
      await assert.rejects(aState('d3', 'nope', 'compliant'), 'down puts the foreign key back');
    });
  });
}
