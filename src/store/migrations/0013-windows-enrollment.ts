import type { StewardMigration } from './types.js';
import { columnTypes } from './types.js';

// Windows enrollment over MS-MDE2 (store/windows-enrollments.ts). A Windows enrollment's id is its
// managed device's id and the CN of the client certificate issued to it.
export const migration: StewardMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.createTable('windows_enrollments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('profile_id', 'text')
      .addColumn('user_id', 'text')
      .addColumn('ownership', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text')
      .addColumn('hw_dev_id', 'text')
      .addColumn('device_name', 'text')
      .addColumn('os_version', 'text')
      .addColumn('os_edition', 'text')
      .addColumn('enrollment_type', 'text', (c) => c.notNull())
      // Serials are random 16-octet values from the CA: unique, and how a client certificate
      // presented to the management endpoint finds its enrollment.
      .addColumn('identity_serial', 'text', (c) => c.notNull().unique())
      .addColumn('identity_not_after', t.timestamp, (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('last_seen_at', t.timestamp)
      .addColumn('unenrolled_at', t.timestamp)
      .execute();
    // Enrollment finds the enrolled enrollment of a DeviceID (re-enrollment replaces it).
    await db.schema.createIndex('windows_enrollments_device').on('windows_enrollments').columns(['device_id', 'state']).execute();
    // The refresh sweep: enrolled PCs by last session.
    await db.schema.createIndex('windows_enrollments_seen').on('windows_enrollments').columns(['state', 'last_seen_at']).execute();

    await db.schema.createTable('windows_sign_in_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('expires_at', t.timestamp, (c) => c.notNull())
      .addColumn('used_at', t.timestamp)
      .execute();
    // Expired tokens are deleted by age.
    await db.schema.createIndex('windows_sign_in_tokens_expiry').on('windows_sign_in_tokens').columns(['expires_at']).execute();
  },
  async down(db) {
    await db.schema.dropTable('windows_sign_in_tokens').execute();
    await db.schema.dropTable('windows_enrollments').execute();
  },
};
