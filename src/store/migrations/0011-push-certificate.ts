import type { StewardMigration } from './types.js';
import { columnTypes } from './types.js';

// The MDM push certificate (store/push-certificates.ts): the one in use with its key, and the key
// of a certificate signing request waiting for Apple's certificate. One row each (id 'mdm'); the
// primary key makes two replicas' uploads race on one row, not add two.
export const migration: StewardMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.createTable('push_certificates')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('certificate_pem', 'text', (c) => c.notNull())
      .addColumn('private_key_pem', 'text', (c) => c.notNull())
      .addColumn('serial_number', 'text', (c) => c.notNull())
      .addColumn('topic', 'text', (c) => c.notNull())
      .addColumn('apple_identifier', 'text')
      .addColumn('not_before', t.timestamp, (c) => c.notNull())
      .addColumn('not_after', t.timestamp, (c) => c.notNull())
      .addColumn('uploaded_at', t.timestamp, (c) => c.notNull())
      .addColumn('modified_at', t.timestamp, (c) => c.notNull())
      .addColumn('upload_status', 'text', (c) => c.notNull())
      .addColumn('upload_failure_reason', 'text')
      .execute();
    await db.schema.createTable('push_certificate_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('private_key_pem', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('push_certificate_requests').execute();
    await db.schema.dropTable('push_certificates').execute();
  },
};
