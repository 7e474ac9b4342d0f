import type { StewardMigration } from './types.js';
import { columnTypes } from './types.js';

// Windows inventory (store/windows-inventory.ts): the facts DevDetail and DeviceStatus give beyond
// Graph's managedDevice properties (Secure Boot, TPM, BitLocker, firewall, antivirus, Device
// Guard…), as one JSON object in the device's device_inventory row (migration 0012), beside Apple's
// hardware and security facts: one row per device whatever its platform, read per device or per
// page by compliance, written when a PC answers its inventory Gets. requested_at and reported_at
// of the same row drive the Windows refresh as they drive Apple's.
export const migration: StewardMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.alterTable('device_inventory').addColumn('windows', t.json).execute();
  },
  async down(db) {
    await db.schema.alterTable('device_inventory').dropColumn('windows').execute();
  },
};
