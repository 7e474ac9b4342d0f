import type { StewardMigration } from './types.js';
import { columnTypes } from './types.js';

// Configuration profiles (store/configuration-profiles.ts). The type's own settings are one JSON
// document: Graph's types have hundreds of properties, read and written whole.
export const migration: StewardMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.createTable('device_configurations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('odata_type', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('settings', t.json, (c) => c.notNull())
      .addColumn('role_scope_tag_ids', t.json, (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('modified_at', t.timestamp, (c) => c.notNull())
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('device_configurations').execute();
  },
};
