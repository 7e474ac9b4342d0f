// Opens Steward's database: embedded SQLite (better-sqlite3, WAL) by default, PostgreSQL when a
// postgres:// URL is given. Everything else in store/ works on the Kysely instance returned here.
//
// Conventions shared by both dialects, so that one query builder serves both:
// - timestamps are ISO-8601 text in UTC with milliseconds (Date#toISOString), which sorts and
//   compares correctly as text;
// - booleans are integers 0/1;
// - 64-bit integers are BIGINT, read back as JS numbers (safe up to 2^53);
// - JSON is text.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { Schema } from './schema.js';
import { migrateToLatest } from './migrate.js';
import { cachingStatements } from './sqlite-statements.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  readonly db: Kysely<Schema>;
  readonly dialect: Dialect;
  /** Where the data lives, for logs: a file path or the PostgreSQL URL without its password. */
  readonly location: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres:// or postgresql:// URL; absent means SQLite in dataDir. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** PostgreSQL schema to use (tests give each suite its own). */
  pgSchema?: string;
  /** Run migrations before returning (the default). */
  migrate?: boolean;
  poolSize?: number;
}

// int8 (BIGINT) and numeric come back from pg as strings; Steward's BIGINT columns hold byte counts
// and sequence numbers that fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const database = opts.databaseUrl ? openPostgres(opts.databaseUrl, opts) : openSqlite(opts.dataDir);
  try {
    if (opts.migrate !== false) await migrateToLatest(database.db, database.dialect);
  } catch (err) {
    await database.close();
    throw err;
  }
  return database;
}

function openSqlite(dataDir: string): Database {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'steward.db');
  const raw = new SqliteDatabase(file);
  raw.pragma('journal_mode = WAL');
  // NORMAL under WAL: a write acknowledged to a client survives a crash or kill -9 of the process
  // (test/e2e/crash.test.ts), and the database stays consistent whatever happens; a power loss or
  // an OS crash may undo the last few seconds of writes. FULL would fsync on every commit, which
  // blocks the event loop (4 ms a commit on the benchmark machine) and caps the whole server near
  // 250 writes a second. docs/admin-guide.md says so; production runs PostgreSQL.
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  // A server's cache, not a library's: 64 MiB instead of SQLite's default 2 MiB, and the WAL
  // checkpointed every 10,000 pages (40 MiB) instead of 1,000, so a page written by several
  // transactions in a row (a sweep's batches updating devices all over managed_devices) is
  // copied back to the database file once rather than after each. A fleet's first compliance
  // evaluation, 100,000 devices in enrollment order: 7.5 s → 5.9 s (docs/performance.md).
  raw.pragma('cache_size = -65536');
  raw.pragma('wal_autocheckpoint = 10000');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: cachingStatements(raw) }) });
  return {
    db,
    dialect: 'sqlite',
    location: file,
    close: () => db.destroy(),
  };
}

function openPostgres(url: string, opts: OpenOptions): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    ...(opts.pgSchema ? { options: `-c search_path=${opts.pgSchema}` } : {}),
  });
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    location: redactUrl(url),
    close: () => db.destroy(),
  };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

/** True when the database answers a trivial query. */
export async function ping(db: Kysely<Schema>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
