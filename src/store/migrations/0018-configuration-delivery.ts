import type { StewardMigration } from './types.js';
import { columnTypes } from './types.js';

// Delivering configuration profiles (store/configuration-delivery.ts): each profile's assignments
// as rows, and per device and profile the version sent, the device's answer and how to remove it.
// States outlive their profile (no foreign key): a deleted profile's states say what to remove
// from each device, and go once the removal is queued. Read by device (a reconcile batch, a
// device's deviceConfigurationStates), by profile (deviceStatuses) and by command (an answer).
export const migration: StewardMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.createTable('device_configuration_assignments')
      .addColumn('configuration_id', 'text', (c) => c.notNull().references('device_configurations.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('target', t.json, (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('device_configuration_assignments_pk', ['configuration_id', 'id'])
      .execute();
    await db.schema.createTable('device_configuration_states')
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('configuration_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('error_detail', 'text')
      .addColumn('setting_states', t.json, (c) => c.notNull())
      .addColumn('command_uuid', 'text')
      .addColumn('removal', t.json)
      .addColumn('last_reported_at', t.timestamp, (c) => c.notNull())
      .addColumn('device_name', 'text')
      .addColumn('device_model', 'text')
      .addColumn('user_name', 'text')
      .addColumn('user_principal_name', 'text')
      .addPrimaryKeyConstraint('device_configuration_states_pk', ['device_id', 'configuration_id'])
      .execute();
    await db.schema.createIndex('device_configuration_states_configuration').on('device_configuration_states').columns(['configuration_id', 'device_id']).execute();
    await db.schema.createIndex('device_configuration_states_command').on('device_configuration_states').column('command_uuid').execute();
  },
  async down(db) {
    await db.schema.dropTable('device_configuration_states').execute();
    await db.schema.dropTable('device_configuration_assignments').execute();
  },
};
