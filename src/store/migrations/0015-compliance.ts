import type { StewardMigration } from './types.js';
import { columnTypes } from './types.js';

// Compliance policies (store/compliance.ts): the policies with their settings as JSON (each Graph
// subtype has its own properties, and evaluation reads them whole), their assignments as rows,
// and per device and policy the last evaluation's result. States are read by device (a batch of
// the sweep, a device's deviceCompliancePolicyStates) and by policy (deviceStatuses), hence the
// primary key and the policy index.
export const migration: StewardMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.createTable('compliance_policies')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('odata_type', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('created_date_time', t.timestamp, (c) => c.notNull())
      .addColumn('last_modified_date_time', t.timestamp, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('role_scope_tag_ids', t.json, (c) => c.notNull())
      .addColumn('settings', t.json, (c) => c.notNull())
      .addColumn('scheduled_actions', t.json, (c) => c.notNull())
      .execute();
    await db.schema.createTable('compliance_policy_assignments')
      .addColumn('policy_id', 'text', (c) => c.notNull().references('compliance_policies.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('target', t.json, (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('compliance_policy_assignments_pk', ['policy_id', 'id'])
      .execute();
    await db.schema.createTable('device_compliance_states')
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('policy_id', 'text', (c) => c.notNull().references('compliance_policies.id').onDelete('cascade'))
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
    await db.schema.createIndex('device_compliance_states_policy').on('device_compliance_states').columns(['policy_id', 'device_id']).execute();
  },
  async down(db) {
    await db.schema.dropTable('device_compliance_states').execute();
    await db.schema.dropTable('compliance_policy_assignments').execute();
    await db.schema.dropTable('compliance_policies').execute();
  },
};
