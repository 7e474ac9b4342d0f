import { inspect } from 'node:util';
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Dialect } from './database.js';
import { migrations } from './migrations/index.js';

/** Versioned migrations, in code so that they ship with the build and need no file lookups. */
export function migrator(db: Kysely<unknown>, dialect: Dialect): Migrator {
  const provider: MigrationProvider = {
    getMigrations: () => Promise.resolve(
      Object.fromEntries(Object.entries(migrations).map(([name, m]): [string, Migration] => [name, {
        up: (d) => m.up(d, dialect),
        down: m.down ? (d) => m.down!(d, dialect) : undefined,
      }])),
    ),
  };
  return new Migrator({ db, provider });
}

export interface MigrationReport {
  applied: string[];
}

export async function migrateToLatest<DB>(db: Kysely<DB>, dialect: Dialect): Promise<MigrationReport> {
  const { error, results } = await migrator(db as Kysely<unknown>, dialect).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const message = error instanceof Error ? error.message : inspect(error);
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${message}`, { cause: error });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
