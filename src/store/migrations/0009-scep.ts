import type { StewardMigration } from './types.js';
import { columnTypes } from './types.js';

// SCEP (store/scep.ts): one-time challenges, stored hashed, and the device identities issued.
export const migration: StewardMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.createTable('scep_challenges')
      .addColumn('hash', 'text', (c) => c.primaryKey())
      // No foreign key: enrollments of each platform live in their own tables.
      .addColumn('enrollment_id', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('expires_at', t.timestamp, (c) => c.notNull())
      .addColumn('used_at', t.timestamp)
      .execute();
    // Pruning expired challenges.
    await db.schema.createIndex('scep_challenges_expiry').on('scep_challenges').column('expires_at').execute();
    await db.schema.createTable('scep_certificates')
      .addColumn('serial_number', 'text', (c) => c.primaryKey())
      .addColumn('enrollment_id', 'text', (c) => c.notNull())
      .addColumn('challenge_hash', 'text')
      .addColumn('issued_at', t.timestamp, (c) => c.notNull())
      .addColumn('not_after', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('scep_certificates_enrollment').on('scep_certificates').column('enrollment_id').execute();
  },
  async down(db) {
    await db.schema.dropTable('scep_certificates').execute();
    await db.schema.dropTable('scep_challenges').execute();
  },
};
