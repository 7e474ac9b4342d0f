import type { StewardMigration } from './types.js';
import { columnTypes } from './types.js';

// WNS push for Windows PCs (core/push/wake-windows.ts): on the enrollment, the package family name
// last accepted by the PC (DMClient Provider/…/Push/PFN), and the channel URI and status it
// reported (…/Push/ChannelURI, …/Push/Status), refreshed with each inventory. No index: the
// waker reads them by enrollment id (the primary key).
export const migration: StewardMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.alterTable('windows_enrollments').addColumn('wns_pfn', 'text').execute();
    await db.schema.alterTable('windows_enrollments').addColumn('wns_channel_uri', 'text').execute();
    await db.schema.alterTable('windows_enrollments').addColumn('wns_channel_status', 'text').execute();
    await db.schema.alterTable('windows_enrollments').addColumn('wns_channel_at', t.timestamp).execute();
  },
  async down(db) {
    for (const column of ['wns_channel_at', 'wns_channel_status', 'wns_channel_uri', 'wns_pfn']) {
      await db.schema.alterTable('windows_enrollments').dropColumn(column).execute();
    }
  },
};
