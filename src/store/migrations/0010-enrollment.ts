import type { StewardMigration } from './types.js';
import { columnTypes } from './types.js';

// Enrollment (store/enrollment-profiles.ts, store/apple-enrollments.ts) and remote actions
// (store/device-actions.ts). An Apple enrollment's id is its managed device's id.
export const migration: StewardMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.createTable('enrollment_profiles')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('platform', 'text', (c) => c.notNull())
      .addColumn('ownership', 'text', (c) => c.notNull())
      // SHA-256 hex of the token; the token is shown once.
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('token_expires_at', t.timestamp)
      .addColumn('maximum_uses', 'integer')
      .addColumn('usage_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('revoked_at', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('modified_at', t.timestamp, (c) => c.notNull())
      .execute();

    await db.schema.createTable('apple_enrollments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('profile_id', 'text')
      .addColumn('user_id', 'text')
      .addColumn('ownership', 'text', (c) => c.notNull())
      .addColumn('platform', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('udid', 'text')
      .addColumn('serial_number', 'text')
      .addColumn('enrollment_type', 'text')
      .addColumn('identity_serial', 'text')
      .addColumn('topic', 'text')
      .addColumn('push_token', 'text')
      .addColumn('push_magic', 'text')
      .addColumn('unlock_token', 'text')
      .addColumn('bootstrap_token', 'text')
      .addColumn('awaiting_configuration', t.bool, (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('authenticated_at', t.timestamp)
      .addColumn('enrolled_at', t.timestamp)
      .addColumn('last_seen_at', t.timestamp)
      .addColumn('unenrolled_at', t.timestamp)
      .execute();
    // Authenticate finds the active enrollment of a UDID (re-enrollment replaces it).
    await db.schema.createIndex('apple_enrollments_udid').on('apple_enrollments').columns(['udid', 'state']).execute();
    // The refresh sweep: enrolled devices by last check-in.
    await db.schema.createIndex('apple_enrollments_seen').on('apple_enrollments').columns(['state', 'last_seen_at']).execute();

    await db.schema.createTable('device_actions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('action_name', 'text', (c) => c.notNull())
      .addColumn('action_state', 'text', (c) => c.notNull())
      .addColumn('start_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addColumn('failure_reason', 'text')
      .addColumn('command_uuids', t.json, (c) => c.notNull())
      .addColumn('initiated_by', 'text')
      .execute();
    await db.schema.createIndex('device_actions_device').on('device_actions').columns(['device_id', 'start_at']).execute();
    // Command answers find their action by command uuid.
    await db.schema.createTable('device_action_commands')
      .addColumn('command_uuid', 'text', (c) => c.primaryKey())
      .addColumn('action_id', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('device_action_commands').execute();
    await db.schema.dropTable('device_actions').execute();
    await db.schema.dropTable('apple_enrollments').execute();
    await db.schema.dropTable('enrollment_profiles').execute();
  },
};
