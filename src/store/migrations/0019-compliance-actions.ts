import { sql } from 'kysely';
import type { StewardMigration } from './types.js';
import { columnTypes } from './types.js';

// Actions for noncompliance (store/compliance-actions.ts, store/notification-templates.ts): the
// notification message templates with their localized messages, and one row per action carried
// out per device, policy and noncompliance episode. The primary key of the runs is the claim: a
// replica inserts it (ON CONFLICT DO NOTHING) before acting, so that the action happens once.
export const migration: StewardMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.createTable('notification_message_templates')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('default_locale', 'text')
      .addColumn('branding_options', 'text', (c) => c.notNull())
      .addColumn('role_scope_tag_ids', t.json, (c) => c.notNull())
      .addColumn('last_modified_date_time', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createTable('localized_notification_messages')
      .addColumn('template_id', 'text', (c) => c.notNull().references('notification_message_templates.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('locale', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('message_template', 'text', (c) => c.notNull())
      .addColumn('is_default', t.bool, (c) => c.notNull())
      .addColumn('last_modified_date_time', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('localized_notification_messages_pk', ['template_id', 'id'])
      .addUniqueConstraint('localized_notification_messages_locale', ['template_id', 'locale'])
      .execute();
    await db.schema.createTable('compliance_action_runs')
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('policy_id', 'text', (c) => c.notNull().references('compliance_policies.id').onDelete('cascade'))
      .addColumn('action_key', 'text', (c) => c.notNull())
      .addColumn('episode', t.timestamp, (c) => c.notNull())
      .addColumn('action_type', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('claimed_at', t.timestamp, (c) => c.notNull())
      .addColumn('claim_token', 'text', (c) => c.notNull())
      .addColumn('finished_at', t.timestamp)
      .addColumn('detail', 'text')
      .addPrimaryKeyConstraint('compliance_action_runs_pk', ['device_id', 'policy_id', 'action_key', 'episode'])
      .execute();
    // Claims left by a replica that died mid-action are taken over after a while.
    await db.schema.createIndex('compliance_action_runs_claimed').on('compliance_action_runs').columns(['state', 'claimed_at']).execute();
    // Finding the noncompliant states whose actions may be due, per policy. Partial: the sweep's
    // writes of compliant states (most of them) do not maintain it.
    await db.schema.createIndex('device_compliance_states_noncompliant').on('device_compliance_states').columns(['policy_id', 'device_id'])
      .where(sql.ref('status'), '=', 'nonCompliant').execute();
  },
  async down(db) {
    await db.schema.dropIndex('device_compliance_states_noncompliant').execute();
    await db.schema.dropTable('compliance_action_runs').execute();
    await db.schema.dropTable('localized_notification_messages').execute();
    await db.schema.dropTable('notification_message_templates').execute();
  },
};
