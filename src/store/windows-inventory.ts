// WindowsInventoryStore (core/windows/inventory-ports.ts) on device_inventory.windows
// (migrations/0014-windows-inventory.ts), on SQLite and PostgreSQL.
import type { Kysely } from 'kysely';
import type { WindowsFacts, WindowsInventoryStore } from '../core/windows/inventory-ports.js';
import type { Schema } from './schema.js';

/** Ids per statement: far below SQLite's bound-parameter limit. */
const BATCH = 400;

function parse(text: string | null | undefined): WindowsFacts | undefined {
  if (text == null) return undefined;
  const v: unknown = JSON.parse(text);
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v) : undefined;
}

export function windowsInventoryStore(db: Kysely<Schema>): WindowsInventoryStore {
  return {
    async get(deviceId) {
      const row = await db.selectFrom('device_inventory').select('windows').where('device_id', '=', deviceId).executeTakeFirst();
      return parse(row?.windows);
    },

    async status(deviceId) {
      const row = await db.selectFrom('device_inventory').select(['windows', 'requested_at', 'reported_at']).where('device_id', '=', deviceId).executeTakeFirst();
      return row ? { facts: parse(row.windows), requestedAt: row.requested_at, reportedAt: row.reported_at } : undefined;
    },

    async getMany(deviceIds) {
      const out = new Map<string, WindowsFacts>();
      const ids = [...new Set(deviceIds)];
      for (let i = 0; i < ids.length; i += BATCH) {
        const rows = await db.selectFrom('device_inventory').select(['device_id', 'windows']).where('device_id', 'in', ids.slice(i, i + BATCH)).execute();
        for (const r of rows) {
          const facts = parse(r.windows);
          if (facts) out.set(r.device_id, facts);
        }
      }
      return out;
    },

    async apply(deviceId, facts, at, options = {}) {
      const when = at.toISOString();
      const answer = options.inventoryAnswer !== false;
      await db.transaction().execute(async (tx) => {
        const row = await tx.selectFrom('device_inventory').select('windows').where('device_id', '=', deviceId).executeTakeFirst();
        const merged: Record<string, unknown> = { ...(parse(row?.windows) ?? {}) };
        for (const [k, v] of Object.entries(facts)) if (v !== undefined) merged[k] = v;
        if (answer) merged.reportedAt = when;
        const windows = JSON.stringify(merged);
        const stamps = answer ? { reported_at: when, device_info_at: when } : {};
        await tx.insertInto('device_inventory').values({ device_id: deviceId, platform: 'windows', windows, ...stamps })
          .onConflict((oc) => oc.column('device_id').doUpdateSet({ windows, ...stamps }))
          .execute();
      });
    },
  };
}
