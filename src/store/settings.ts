// SettingsStore on SQLite and PostgreSQL: key/value rows with JSON text values
// (migrations/0006-sessions.ts).
import { sql, type Kysely } from 'kysely';
import type { SettingsStore } from '../core/settings/ports.js';
import type { Schema } from './schema.js';

export function settingsStore(db: Kysely<Schema>): SettingsStore {
  return {
    async get(keys) {
      const out = new Map<string, unknown>();
      if (keys.length === 0) return out;
      const rows = await db.selectFrom('settings').select(['key', 'value']).where('key', 'in', [...keys]).execute();
      for (const r of rows) {
        try {
          out.set(r.key, JSON.parse(r.value));
        } catch {
          // A value that is not JSON is as good as unset; the reader falls back to its default.
        }
      }
      return out;
    },
    async put(values, at) {
      if (values.size === 0) return;
      const rows = [...values].map(([key, value]) => ({ key, value: JSON.stringify(value), updated_at: at.toISOString() }));
      await db.insertInto('settings').values(rows)
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: sql.ref('excluded.value'), updated_at: sql.ref('excluded.updated_at') }))
        .execute();
    },
  };
}
