import type { StewardMigration } from './types.js';
import { columnTypes } from './types.js';

// Managed devices, with the Graph managedDevice properties that enrollment and inventory fill in.
export const migration: StewardMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.createTable('managed_devices')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('device_name', 'text')
      .addColumn('managed_device_name', 'text')
      .addColumn('operating_system', 'text')
      .addColumn('os_version', 'text')
      .addColumn('model', 'text')
      .addColumn('manufacturer', 'text')
      .addColumn('serial_number', 'text')
      .addColumn('udid', 'text')
      .addColumn('imei', 'text')
      .addColumn('meid', 'text')
      .addColumn('wi_fi_mac_address', 'text')
      .addColumn('ethernet_mac_address', 'text')
      .addColumn('phone_number', 'text')
      .addColumn('subscriber_carrier', 'text')
      .addColumn('user_id', 'text')
      .addColumn('user_principal_name', 'text')
      .addColumn('user_display_name', 'text')
      .addColumn('email_address', 'text')
      .addColumn('managed_device_owner_type', 'text', (c) => c.notNull().defaultTo('unknown'))
      .addColumn('management_agent', 'text', (c) => c.notNull().defaultTo('mdm'))
      .addColumn('management_state', 'text', (c) => c.notNull().defaultTo('managed'))
      .addColumn('compliance_state', 'text', (c) => c.notNull().defaultTo('unknown'))
      .addColumn('device_enrollment_type', 'text', (c) => c.notNull().defaultTo('unknown'))
      .addColumn('device_registration_state', 'text', (c) => c.notNull().defaultTo('registered'))
      .addColumn('enrollment_profile_name', 'text')
      .addColumn('jail_broken', 'text', (c) => c.notNull().defaultTo('Unknown'))
      .addColumn('is_encrypted', t.bool, (c) => c.notNull().defaultTo(0))
      .addColumn('is_supervised', t.bool, (c) => c.notNull().defaultTo(0))
      .addColumn('total_storage_space_in_bytes', t.bigint, (c) => c.notNull().defaultTo(0))
      .addColumn('free_storage_space_in_bytes', t.bigint, (c) => c.notNull().defaultTo(0))
      .addColumn('physical_memory_in_bytes', t.bigint, (c) => c.notNull().defaultTo(0))
      .addColumn('enrolled_date_time', t.timestamp, (c) => c.notNull())
      .addColumn('last_sync_date_time', t.timestamp, (c) => c.notNull())
      .addColumn('notes', 'text')
      .execute();
    await db.schema.createIndex('managed_devices_user_id').on('managed_devices').column('user_id').execute();
    await db.schema.createIndex('managed_devices_serial_number').on('managed_devices').column('serial_number').execute();
    await db.schema.createIndex('managed_devices_last_sync').on('managed_devices').columns(['last_sync_date_time', 'id']).execute();
    await db.schema.createIndex('managed_devices_device_name').on('managed_devices').columns(['device_name', 'id']).execute();
  },
  async down(db) {
    await db.schema.dropTable('managed_devices').execute();
  },
};
