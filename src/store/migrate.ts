import { inspect } from 'node:util';
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Dialect } from './database.js';
import { migrations } from './migrations/index.js';

/** Versioned migrations, in code so that they ship with the build and need no file lookups. */
export function migrator(db: Kysely<unknown>, dialect: Dialect, schema?: string): Migrator {
  const provider: MigrationProvider = {
    getMigrations: () => Promise.resolve(
      Object.fromEntries(Object.entries(migrations).map(([name, m]): [string, Migration] => [name, {
        up: (d) => m.up(d, dialect),
        down: m.down ? (d) => m.down!(d, dialect) : undefined,
      }])),
    ),
  };
  return new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
}

/**
 * PostgreSQL: the schema Steward's tables go to (the first of the search_path). Kysely's Migrator
 * looks for its bookkeeping tables in every schema unless told which one, so another schema in
 * the same database holding a kysely_migration table would make it skip creating its own.
 */
async function currentSchema(db: Kysely<unknown>, dialect: Dialect): Promise<string | undefined> {
  if (dialect !== 'postgres') return undefined;
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema ?? undefined;
}

export interface MigrationReport {
  applied: string[];
}

export async function migrateToLatest<DB>(db: Kysely<DB>, dialect: Dialect): Promise<MigrationReport> {
  const raw = db as Kysely<unknown>;
  const { error, results } = await migrator(raw, dialect, await currentSchema(raw, dialect)).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const message = error instanceof Error ? error.message : inspect(error);
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${message}`, { cause: error });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
