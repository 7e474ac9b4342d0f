import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

export interface StewardMigration {
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
  down?(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}

/** Column types that differ between the dialects (see the conventions in database.ts). */
export function columnTypes(dialect: Dialect) {
  return {
    /** 0/1 in both dialects. */
    bool: 'integer',
    bigint: dialect === 'sqlite' ? 'integer' : 'bigint',
    /** ISO-8601 UTC text with milliseconds. */
    timestamp: 'text',
    json: 'text',
    blob: dialect === 'sqlite' ? 'blob' : 'bytea',
  } as const;
}
