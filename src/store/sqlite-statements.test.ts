import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { cachingStatements } from './sqlite-statements.js';

/** A database whose prepare() calls are counted. */
function counted() {
  const raw = new SqliteDatabase(':memory:');
  let prepared = 0;
  const prepare = raw.prepare.bind(raw);
  raw.prepare = (text: string) => { prepared++; return prepare(text); };
  return { raw, prepared: () => prepared };
}

interface Db { t: { id: number; v: string } }

describe('cachingStatements', () => {
  it('prepares a statement once and runs it again with new parameters', async () => {
    const { raw, prepared } = counted();
    const db = new Kysely<Db>({ dialect: new SqliteDialect({ database: cachingStatements(raw) }) });
    await sql`create table t (id integer primary key, v text)`.execute(db);
    const before = prepared();
    for (let i = 0; i < 20; i++) await db.insertInto('t').values({ id: i, v: `v${i}` }).execute();
    for (let i = 0; i < 20; i++) assert.equal((await db.selectFrom('t').select('v').where('id', '=', i).executeTakeFirst())?.v, `v${i}`);
    assert.equal(prepared() - before, 2, 'one INSERT and one SELECT, each prepared once');
    await db.destroy();
  });

  it('prepares afresh while the cached statement is still being iterated', () => {
    const { raw } = counted();
    const cached = cachingStatements(raw);
    raw.exec("create table t (id integer primary key, v text); insert into t values (1, 'a'), (2, 'b')");
    const text = 'select v from t order by id';
    const seen: string[] = [];
    // Kysely holds SQLite's one connection while it streams, so this cannot happen through it;
    // prepare() must still never hand out a statement that is busy.
    for (const row of cached.prepare(text).iterate([]) as Iterable<{ v: string }>) {
      seen.push(row.v, (cached.prepare(text).all([]) as { v: string }[]).map((r) => r.v).join(''));
    }
    assert.deepEqual(seen, ['a', 'ab', 'b', 'ab']);
    cached.close();
  });

  it('keeps at most `max` statements, dropping the least recently used', () => {
    const { raw, prepared } = counted();
    const cached = cachingStatements(raw, 2);
    cached.prepare('select 1');
    cached.prepare('select 2');
    cached.prepare('select 1'); // now the most recent
    cached.prepare('select 3'); // evicts 'select 2'
    const before = prepared();
    cached.prepare('select 1');
    cached.prepare('select 3');
    assert.equal(prepared(), before, 'still cached');
    cached.prepare('select 2');
    assert.equal(prepared(), before + 1, 'evicted, prepared again');
    cached.close();
  });
});
