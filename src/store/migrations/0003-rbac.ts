import type { StewardMigration } from './types.js';
import { columnTypes } from './types.js';

// Custom role definitions (built-in ones are code: core/rbac/built-in-roles.ts), role
// assignments, scope tags, and API clients (service principals that sign in with a secret).
export const migration: StewardMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.createTable('role_definitions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('display_name', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text')
      .addColumn('allowed', t.json, (c) => c.notNull())
      .addColumn('role_scope_tag_ids', t.json, (c) => c.notNull().defaultTo('["0"]'))
      .execute();
    await db.schema.createTable('role_assignments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('role_definition_id', 'text', (c) => c.notNull())
      // JSON arrays of group ids: the admins (members) and the users and devices they manage.
      .addColumn('members', t.json, (c) => c.notNull())
      .addColumn('resource_scopes', t.json, (c) => c.notNull())
      .addColumn('scope_type', 'text', (c) => c.notNull())
      .addColumn('role_scope_tag_ids', t.json, (c) => c.notNull().defaultTo('["0"]'))
      .execute();
    await db.schema.createIndex('role_assignments_role').on('role_assignments').column('role_definition_id').execute();
    await db.schema.createTable('role_scope_tags')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('display_name', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text')
      .execute();
    await db.schema.createTable('api_clients')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('client_id', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('secret_hint', 'text', (c) => c.notNull())
      .addColumn('account_enabled', t.bool, (c) => c.notNull().defaultTo(1))
      .addColumn('created_date_time', t.timestamp, (c) => c.notNull())
      .execute();
  },
  async down(db) {
    for (const table of ['api_clients', 'role_scope_tags', 'role_assignments', 'role_definitions']) await db.schema.dropTable(table).execute();
  },
};
