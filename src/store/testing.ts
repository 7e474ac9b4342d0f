// Real databases for tests: SQLite in a temporary directory always, and PostgreSQL when
// STEWARD_TEST_DATABASE_URL is set (.ci/run sets it to the local server). Each opened store gets a
// fresh PostgreSQL schema, so test files run in parallel without seeing each other's rows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database, type Dialect } from './database.js';

export interface TestDialect {
  name: Dialect;
  /** A new, migrated, empty database. Close it with `close()`; temporary files go with it. */
  open(options?: { migrate?: boolean }): Promise<Database>;
}

export function postgresTestUrl(): string | undefined {
  return process.env.STEWARD_TEST_DATABASE_URL || undefined;
}

export function testDialects(): TestDialect[] {
  const dialects: TestDialect[] = [{ name: 'sqlite', open: openTestSqlite }];
  const url = postgresTestUrl();
  if (url) dialects.push({ name: 'postgres', open: (o) => openTestPostgres(url, o) });
  return dialects;
}

async function openTestSqlite(options?: { migrate?: boolean }): Promise<Database> {
  const dir = mkdtempSync(join(tmpdir(), 'steward-test-'));
  const database = await openDatabase({ dataDir: dir, migrate: options?.migrate });
  return { ...database, close: async () => { await database.close(); rmSync(dir, { recursive: true, force: true }); } };
}

/**
 * Creates a throwaway PostgreSQL database (named t_<hex>) and returns its URL, the schema to use
 * in it and a function that drops it. A database per test file, not a schema per file in one
 * shared database: Kysely's migrator introspects every schema of its database, and another test
 * file creating or dropping its schema at that moment made the introspection fail.
 */
export async function createTestSchema(url: string): Promise<{ url: string; schema: string; drop: () => Promise<void> }> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try { await admin.query(`create database ${name}`); } finally { await admin.end(); }
  const own = new URL(url);
  own.pathname = `/${name}`;
  return {
    url: own.toString(),
    schema: 'public',
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try { await c.query(`drop database if exists ${name} with (force)`); } finally { await c.end(); }
    },
  };
}

async function openTestPostgres(url: string, options?: { migrate?: boolean }): Promise<Database> {
  const { schema, drop, url: own } = await createTestSchema(url);
  let database: Database;
  try {
    database = await openDatabase({ databaseUrl: own, dataDir: tmpdir(), pgSchema: schema, poolSize: 4, migrate: options?.migrate });
  } catch (err) {
    await drop();
    throw err;
  }
  return { ...database, close: async () => { await database.close(); await drop(); } };
}

/** Runs `fn` on a new, migrated, empty database of the dialect, and closes it after. */
export async function withTestDatabase(dialect: TestDialect, fn: (database: Database) => Promise<void>): Promise<void> {
  const database = await dialect.open();
  try { await fn(database); } finally { await database.close(); }
}
