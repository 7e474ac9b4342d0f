import type { StewardMigration } from './types.js';
import { columnTypes } from './types.js';

// Users, groups (assigned and dynamic membership) and license assignments.
export const migration: StewardMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_principal_name', 'text', (c) => c.notNull())
      // Entra treats UPNs case-insensitively; uniqueness is on the lower-cased copy.
      .addColumn('upn_lower', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('mail_nickname', 'text')
      .addColumn('mail', 'text')
      .addColumn('given_name', 'text')
      .addColumn('surname', 'text')
      .addColumn('department', 'text')
      .addColumn('job_title', 'text')
      .addColumn('company_name', 'text')
      .addColumn('employee_id', 'text')
      .addColumn('office_location', 'text')
      .addColumn('mobile_phone', 'text')
      .addColumn('city', 'text')
      .addColumn('country', 'text')
      .addColumn('usage_location', 'text')
      .addColumn('user_type', 'text', (c) => c.notNull().defaultTo('Member'))
      .addColumn('account_enabled', t.bool, (c) => c.notNull())
      .addColumn('created_date_time', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('users_display_name').on('users').columns(['display_name', 'id']).execute();
    await db.schema.createIndex('users_department').on('users').column('department').execute();

    await db.schema.createTable('groups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('mail_nickname', 'text', (c) => c.notNull())
      .addColumn('mail_enabled', t.bool, (c) => c.notNull().defaultTo(0))
      .addColumn('security_enabled', t.bool, (c) => c.notNull().defaultTo(1))
      .addColumn('group_types', t.json, (c) => c.notNull().defaultTo('[]'))
      .addColumn('membership_rule', 'text')
      .addColumn('membership_rule_processing_state', 'text')
      .addColumn('created_date_time', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('groups_display_name').on('groups').columns(['display_name', 'id']).execute();

    // Direct members. `source` says whether an admin added the member or a dynamic rule did.
    await db.schema.createTable('group_members')
      .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
      .addColumn('member_id', 'text', (c) => c.notNull())
      .addColumn('member_type', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('added_date_time', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'member_id'])
      .execute();
    await db.schema.createIndex('group_members_member').on('group_members').columns(['member_id', 'group_id']).execute();

    await db.schema.createTable('user_licenses')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('sku_id', 'text', (c) => c.notNull())
      .addColumn('disabled_plans', t.json, (c) => c.notNull().defaultTo('[]'))
      .addColumn('assigned_date_time', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('user_licenses_pk', ['user_id', 'sku_id'])
      .execute();

    // Sign-in credentials of people (not Graph properties: never returned by the API).
    await db.schema.createTable('user_credentials')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('force_change_password', t.bool, (c) => c.notNull().defaultTo(0))
      .addColumn('totp_secret', 'text')
      .addColumn('totp_last_step', t.bigint)
      .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_failure_at', t.timestamp)
      .addColumn('updated_date_time', t.timestamp, (c) => c.notNull())
      .execute();
  },
  async down(db) {
    for (const table of ['user_credentials', 'user_licenses', 'group_members', 'groups', 'users']) await db.schema.dropTable(table).execute();
  },
};
