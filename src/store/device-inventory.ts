// DeviceInventoryStore (core/apple/inventory-ports.ts) on device_inventory and device_apps
// (migrations/0012-device-inventory.ts), on SQLite and PostgreSQL. Why rows for apps and JSON for
// the rest is said in the migration.
import type { Expression, ExpressionBuilder, Insertable, Kysely, Selectable, SqlBool } from 'kysely';
import type {
  DetectedAppRow, DeviceInventory, DeviceInventoryStore, HardwareFacts, InstalledApp, InventoryPlatform,
} from '../core/apple/inventory-ports.js';
import type { Schema } from './schema.js';
import type { DeviceAppsTable, DeviceInventoryTable } from './schema-inventory.js';
import { chunks } from './batches.js';

type Row = Selectable<DeviceInventoryTable>;

/** Ids (or key pairs) per statement: far below SQLite's 32766 bound parameters. */
const BATCH = 400;

const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

function toInventory(r: Row): DeviceInventory {
  return {
    deviceId: r.device_id,
    platform: r.platform as InventoryPlatform,
    requestedAt: r.requested_at,
    reportedAt: r.reported_at,
    hardwareAt: r.device_info_at,
    securityAt: r.security_info_at,
    appsAt: r.apps_at,
    managedAppsAt: r.managed_apps_at,
    profilesAt: r.profiles_at,
    certificatesAt: r.certificates_at,
    hardware: parse(r.hardware),
    security: parse(r.security),
    managedApps: parse(r.managed_apps),
    profiles: parse(r.profiles),
    certificates: parse(r.certificates),
  };
}

const appKey = (a: { identifier: string; version: string }) => `${a.identifier}\u0000${a.version}`;

/**
 * Adds `delta` devices to each app's fleet-wide count (detected_apps), in one sorted upsert per
 * batch: every transaction takes the rows' locks in the same order, so two devices changing the
 * same apps at once wait for each other instead of deadlocking. Counts that reach zero are removed.
 */
export async function adjustDetectedApps(tx: Kysely<Schema>, changes: readonly { identifier: string; version: string; delta: number }[]): Promise<void> {
  const sorted = changes.filter((c) => c.delta !== 0)
    .sort((a, b) => (a.identifier < b.identifier ? -1 : a.identifier > b.identifier ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
  if (sorted.length === 0) return;
  for (const part of chunks(sorted, BATCH)) {
    await tx.insertInto('detected_apps')
      .values(part.map((c) => ({ identifier: c.identifier, version: c.version, device_count: c.delta })))
      .onConflict((oc) => oc.columns(['identifier', 'version']).doUpdateSet((eb) => ({
        device_count: eb('detected_apps.device_count', '+', eb.ref('excluded.device_count')),
      })))
      .execute();
    const dropped = part.filter((c) => c.delta < 0);
    if (dropped.length > 0) {
      await tx.deleteFrom('detected_apps')
        .where('identifier', 'in', [...new Set(dropped.map((c) => c.identifier))])
        .where('device_count', '<=', 0)
        .execute();
    }
  }
}

/** Never asked; or asked before requestedBefore and answered since, or asked so long ago that those commands expired. */
function due(eb: ExpressionBuilder<Schema, 'device_inventory'>, requestedBefore: string, unansweredBefore: string): Expression<SqlBool> {
  const requested = eb.ref('device_inventory.requested_at');
  return eb.or([
    eb(requested, 'is', null),
    eb.and([
      eb(requested, '<', requestedBefore),
      eb.or([eb(eb.ref('device_inventory.reported_at'), '>=', requested), eb(requested, '<', unansweredBefore)]),
    ]),
  ]);
}

export function deviceInventoryStore(db: Kysely<Schema>): DeviceInventoryStore {
  async function upsert(tx: Kysely<Schema>, deviceId: string, platform: InventoryPlatform, fields: Partial<Insertable<DeviceInventoryTable>>): Promise<void> {
    await tx.insertInto('device_inventory').values({ device_id: deviceId, platform, ...fields })
      .onConflict((oc) => oc.column('device_id').doUpdateSet(fields))
      .execute();
  }

  async function replaceApps(tx: Kysely<Schema>, deviceId: string, apps: InstalledApp[]): Promise<void> {
    const wanted = new Map<string, InstalledApp>();
    for (const a of apps) if (!wanted.has(appKey(a))) wanted.set(appKey(a), a);
    const existing = await tx.selectFrom('device_apps').selectAll().where('device_id', '=', deviceId).execute();
    const have = new Map(existing.map((r) => [appKey(r), r]));
    const removed = existing.filter((r) => !wanted.has(appKey(r)));
    const changed = [...wanted.values()].filter((a) => {
      const r = have.get(appKey(a));
      return !r || r.display_name !== a.displayName || r.build_version !== a.buildVersion || Number(r.size_in_bytes) !== a.sizeInBytes;
    });
    await adjustDetectedApps(tx, [
      ...removed.map((r) => ({ identifier: r.identifier, version: r.version, delta: -1 })),
      ...changed.filter((a) => !have.has(appKey(a))).map((a) => ({ identifier: a.identifier, version: a.version, delta: 1 })),
    ]);
    for (const part of chunks(removed, BATCH)) {
      await tx.deleteFrom('device_apps').where('device_id', '=', deviceId)
        .where((eb) => eb.or(part.map((r) => eb.and([eb('identifier', '=', r.identifier), eb('version', '=', r.version)]))))
        .execute();
    }
    for (const part of chunks(changed, BATCH)) {
      const rows: Insertable<DeviceAppsTable>[] = part.map((a) => ({
        device_id: deviceId, identifier: a.identifier, version: a.version, display_name: a.displayName, build_version: a.buildVersion, size_in_bytes: a.sizeInBytes,
      }));
      await tx.insertInto('device_apps').values(rows)
        .onConflict((oc) => oc.columns(['device_id', 'identifier', 'version']).doUpdateSet((eb) => ({
          display_name: eb.ref('excluded.display_name'),
          build_version: eb.ref('excluded.build_version'),
          size_in_bytes: eb.ref('excluded.size_in_bytes'),
        })))
        .execute();
    }
  }

  return {
    async get(deviceId) {
      const row = await db.selectFrom('device_inventory').selectAll().where('device_id', '=', deviceId).executeTakeFirst();
      return row ? toInventory(row) : undefined;
    },

    async getMany(deviceIds) {
      const out = new Map<string, DeviceInventory>();
      for (const part of chunks([...new Set(deviceIds)], BATCH)) {
        for (const r of await db.selectFrom('device_inventory').selectAll().where('device_id', 'in', part).execute()) out.set(r.device_id, toInventory(r));
      }
      return out;
    },

    async apply(deviceId, platform, update, at) {
      const when = at.toISOString();
      await db.transaction().execute(async (tx) => {
        switch (update.kind) {
          case 'hardware': {
            const row = await tx.selectFrom('device_inventory').select('hardware').where('device_id', '=', deviceId).executeTakeFirst();
            const before = parse<HardwareFacts>(row?.hardware ?? null) ?? {};
            const merged: HardwareFacts = { ...before };
            for (const [k, v] of Object.entries(update.facts)) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
            await upsert(tx, deviceId, platform, { hardware: JSON.stringify(merged), device_info_at: when, reported_at: when });
            return;
          }
          case 'security':
            return upsert(tx, deviceId, platform, { security: JSON.stringify(update.facts), security_info_at: when, reported_at: when });
          case 'apps':
            await replaceApps(tx, deviceId, update.apps);
            return upsert(tx, deviceId, platform, { apps_at: when, reported_at: when });
          case 'managedApps':
            return upsert(tx, deviceId, platform, { managed_apps: JSON.stringify(update.apps), managed_apps_at: when, reported_at: when });
          case 'profiles':
            return upsert(tx, deviceId, platform, { profiles: JSON.stringify(update.profiles), profiles_at: when, reported_at: when });
          case 'certificates':
            return upsert(tx, deviceId, platform, { certificates: JSON.stringify(update.certificates), certificates_at: when, reported_at: when });
        }
      });
    },

    async apps(deviceId, options) {
      let q = db.selectFrom('device_apps').selectAll().where('device_id', '=', deviceId);
      const after = options.after;
      if (after) {
        q = q.where((eb) => eb.or([
          eb('identifier', '>', after.identifier),
          eb.and([eb('identifier', '=', after.identifier), eb('version', '>', after.version)]),
        ]));
      }
      const rows = await q.orderBy('identifier').orderBy('version').limit(options.limit).execute();
      if (rows.length === 0) return [];
      // Fleet-wide counts for the page's apps, kept by adjustDetectedApps.
      const counts = new Map<string, number>();
      const counted = await db.selectFrom('detected_apps').selectAll()
        .where('identifier', 'in', [...new Set(rows.map((r) => r.identifier))])
        .execute();
      for (const c of counted) counts.set(appKey(c), Number(c.device_count));
      return rows.map((r): DetectedAppRow => ({
        identifier: r.identifier,
        version: r.version,
        displayName: r.display_name,
        buildVersion: r.build_version,
        sizeInBytes: Number(r.size_in_bytes),
        deviceCount: counts.get(appKey(r)) ?? 1,
      }));
    },

    async markRequested(deviceIds, platform, at) {
      const when = at.toISOString();
      for (const part of chunks([...new Set(deviceIds)], BATCH)) {
        await db.insertInto('device_inventory').values(part.map((id) => ({ device_id: id, platform, requested_at: when })))
          .onConflict((oc) => oc.column('device_id').doUpdateSet({ requested_at: when }))
          .execute();
      }
    },

    async appleRefreshCandidates({ requestedBefore, unansweredBefore, afterId, limit }) {
      const rows = await db.selectFrom('apple_enrollments')
        .leftJoin('device_inventory', 'device_inventory.device_id', 'apple_enrollments.id')
        .select('apple_enrollments.id')
        .where('apple_enrollments.state', '=', 'enrolled')
        .where('apple_enrollments.id', '>', afterId)
        .where((eb) => due(eb as unknown as ExpressionBuilder<Schema, 'device_inventory'>, requestedBefore.toISOString(), unansweredBefore.toISOString()))
        .orderBy('apple_enrollments.id')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },

    async claimRefresh(deviceIds, platform, { requestedBefore, unansweredBefore, now }) {
      const when = now.toISOString();
      const claimed: string[] = [];
      for (const part of chunks([...new Set(deviceIds)], BATCH)) {
        // INSERT … ON CONFLICT DO UPDATE … WHERE … RETURNING: a row comes back only where this
        // statement inserted or updated it, so a device another replica claimed first is skipped.
        const rows = await db.insertInto('device_inventory').values(part.map((id) => ({ device_id: id, platform, requested_at: when })))
          .onConflict((oc) => oc.column('device_id').doUpdateSet({ requested_at: when })
            .where((eb) => due(eb as unknown as ExpressionBuilder<Schema, 'device_inventory'>, requestedBefore.toISOString(), unansweredBefore.toISOString())))
          .returning('device_id')
          .execute();
        claimed.push(...rows.map((r) => r.device_id));
      }
      return claimed;
    },
  };
}
