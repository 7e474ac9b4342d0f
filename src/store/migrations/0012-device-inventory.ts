import type { StewardMigration } from './types.js';
import { columnTypes } from './types.js';

// Device inventory (store/device-inventory.ts) and what remote actions produce (device_actions.details).
//
// Sized for 100k devices, written at every inventory answer and read per device or per page:
// - device_inventory: one row per device. What Graph's managedDevice has no property for but
//   compliance needs (passcode, FileVault, firewall, SIP, lost mode, PIN requirements…) as JSON
//   objects, and the profile and certificate lists as JSON arrays: a device has a handful to a few
//   dozen of each, they are read and replaced whole with the device, and nothing asks "which
//   devices hold profile X" across the fleet yet. requested_at/reported_at drive the refresh sweep.
// - device_apps: one row per installed app per device. Apps are the large list (hundreds on a
//   Mac) and the one Graph aggregates across the fleet (deviceManagement/detectedApps: deviceCount
//   per app and version), which rows answer with an index instead of parsing every device's JSON.
//   An answer is applied as a difference (apps rarely change between two inventories), so a
//   refresh of an unchanged device writes no app rows at all.
// - detected_apps: how many devices have each app and version, kept up to date by the same
//   difference (+1 / -1), because counting a popular app's rows at read time walks one index
//   entry per device (100k devices: most of a second for one page of apps).
export const migration: StewardMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.alterTable('device_actions').addColumn('details', t.json).execute();
    // Maintenance prunes finished actions by age.
    await db.schema.createIndex('device_actions_state').on('device_actions').columns(['action_state', 'updated_at']).execute();

    await db.schema.createTable('device_inventory')
      .addColumn('device_id', 'text', (c) => c.primaryKey())
      .addColumn('platform', 'text', (c) => c.notNull())
      // When inventory commands were last queued, and when the device last answered one.
      .addColumn('requested_at', t.timestamp)
      .addColumn('reported_at', t.timestamp)
      .addColumn('device_info_at', t.timestamp)
      .addColumn('security_info_at', t.timestamp)
      .addColumn('apps_at', t.timestamp)
      .addColumn('managed_apps_at', t.timestamp)
      .addColumn('profiles_at', t.timestamp)
      .addColumn('certificates_at', t.timestamp)
      .addColumn('hardware', t.json)
      .addColumn('security', t.json)
      .addColumn('managed_apps', t.json)
      .addColumn('profiles', t.json)
      .addColumn('certificates', t.json)
      .execute();

    await db.schema.createTable('device_apps')
      .addColumn('device_id', 'text', (c) => c.notNull())
      // The bundle identifier (the name when a device gives none); version '' when unknown.
      .addColumn('identifier', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text')
      // Apple's Version (CFBundleVersion, the build); `version` holds ShortVersion when there is one.
      .addColumn('build_version', 'text')
      .addColumn('size_in_bytes', t.bigint, (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('device_apps_pk', ['device_id', 'identifier', 'version'])
      .execute();
    // Fleet-wide: which devices have an app (detectedApp's managedDevices).
    await db.schema.createIndex('device_apps_app').on('device_apps').columns(['identifier', 'version']).execute();

    await db.schema.createTable('detected_apps')
      .addColumn('identifier', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('device_count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('detected_apps_pk', ['identifier', 'version'])
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('detected_apps').execute();
    await db.schema.dropTable('device_apps').execute();
    await db.schema.dropTable('device_inventory').execute();
    await db.schema.dropIndex('device_actions_state').execute();
    await db.schema.alterTable('device_actions').dropColumn('details').execute();
  },
};
