// kill -9 in the middle of a stream of writes: the database still opens, passes its integrity
// check, and holds every write that was acknowledged before the kill.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../src/store/database.js';
import { createTestSchema, postgresTestUrl } from '../../src/store/testing.js';

const WRITER = fileURLToPath(new URL('../support/write-stream.ts', import.meta.url));

async function killMidStream(args: string[], acksBeforeKill: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acked: string[] = [];
  let partial = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line && line !== 'ready') acked.push(line);
      if (acked.length >= acksBeforeKill && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('close', (_code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer ended without SIGKILL: ${stderr}`))));
  });
  return acked;
}

async function assertAllPresent(database: Database, acked: string[]) {
  const present = new Set<string>();
  for (let i = 0; i < acked.length; i += 500) {
    const rows = await database.db.selectFrom('managed_devices').select('id').where('id', 'in', acked.slice(i, i + 500)).execute();
    for (const r of rows) present.add(r.id);
  }
  const missing = acked.filter((id) => !present.has(id));
  assert.deepEqual(missing, [], `${missing.length} acknowledged writes are missing`);
}

describe('a kill -9 during writes', () => {
  it('leaves a SQLite database that opens, passes integrity_check and holds every acknowledged write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steward-crash-'));
    try {
      const acked = await killMidStream([dir], 400);
      assert.ok(acked.length >= 400);
      const database = await openDatabase({ dataDir: dir });
      try {
        const { rows } = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(database.db);
        assert.deepEqual(rows, [{ integrity_check: 'ok' }]);
        await assertAllPresent(database, acked);
      } finally {
        await database.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on PostgreSQL holds every acknowledged write', { skip: postgresTestUrl() ? false : 'STEWARD_TEST_DATABASE_URL is not set' }, async () => {
    const { schema, drop, url } = await createTestSchema(postgresTestUrl()!);
    try {
      const acked = await killMidStream([tmpdir(), url, schema], 400);
      const database = await openDatabase({ dataDir: tmpdir(), databaseUrl: url, pgSchema: schema });
      try {
        await assertAllPresent(database, acked);
        // The table is still usable: its primary key index agrees with the heap.
        const { rows } = await sql<{ n: string }>`select count(distinct id) as n from managed_devices`.execute(database.db);
        assert.ok(Number(rows[0]?.n) >= acked.length);
      } finally {
        await database.close();
      }
    } finally {
      await drop();
    }
  });
});
