import type { StewardMigration } from './types.js';
import { columnTypes } from './types.js';

// Keys that sign and verify access tokens (core/auth/access-tokens.ts). A handful of rows: the
// current key and the superseded ones whose tokens may still be alive. No index beyond the key.
export const migration: StewardMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.createTable('signing_keys')
      .addColumn('kid', 'text', (c) => c.primaryKey())
      .addColumn('private_jwk', t.json, (c) => c.notNull())
      .addColumn('public_jwk', t.json, (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('retired_at', t.timestamp)
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('signing_keys').execute();
  },
};
