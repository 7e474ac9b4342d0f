import type { StewardMigration } from './types.js';

// Scope tags on objects (Graph's roleScopeTagIds on managedDevice, and later on policies and
// apps): one row per object and tag. An object with no row carries the built-in Default tag '0'.
// tag_id has no foreign key: '0' is built in (code, not a role_scope_tags row), and deleting a tag
// still in use is refused by core/rbac/scope-tags.ts.
export const migration: StewardMigration = {
  async up(db) {
    await db.schema.createTable('object_scope_tags')
      .addColumn('object_type', 'text', (c) => c.notNull())
      .addColumn('object_id', 'text', (c) => c.notNull())
      .addColumn('tag_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('object_scope_tags_pk', ['object_type', 'object_id', 'tag_id'])
      .execute();
    // The primary key serves "the tags of these objects" and the scope filter; this serves
    // "is the tag in use" before a tag is deleted.
    await db.schema.createIndex('object_scope_tags_tag').on('object_scope_tags').columns(['tag_id', 'object_type']).execute();
  },
  async down(db) {
    await db.schema.dropTable('object_scope_tags').execute();
  },
};
