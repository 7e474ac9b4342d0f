// Kysely's SQLite driver asks better-sqlite3 to prepare every statement anew (compiling the SQL
// each time: about a tenth of an idle Apple check-in's server time). This hands Kysely the same
// database with prepare() remembering statements by their SQL text, so that the statements the
// server runs over and over are compiled once.
//
// Safe because Kysely runs a statement to completion (all() or run()) before the next one, on
// SQLite's one connection; a statement still being iterated (a streamed query) is busy, and then a
// fresh one is prepared instead. SQLite re-prepares a cached statement itself after a schema
// change (sqlite3_prepare_v2), so migrations need no care either.
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct SQL texts kept: `in (?, ?, …)` lists of every length make many. */
export const CACHED_STATEMENTS = 500;

export function cachingStatements(database: SqliteDatabase, max = CACHED_STATEMENTS): SqliteDatabase {
  const cache = new Map<string, SqliteStatement & { busy?: boolean }>();
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      if (cached !== undefined) {
        if (cached.busy === true) return database.prepare(sql);
        // Most recently used last: a Map iterates in insertion order, so the first key is the oldest.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      cache.set(sql, statement);
      return statement;
    },
  };
}
