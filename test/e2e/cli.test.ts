import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSteward } from '../support/process.js';
import { version } from '../../src/version.js';

describe('the steward command', () => {
  it('prints its version and help', async () => {
    const v = await runSteward(['--version']);
    assert.equal(v.code, 0);
    assert.equal(v.stdout.trim(), version);
    const h = await runSteward(['--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /serve/);
    assert.match(h.stdout, /migrate/);
    const sh = await runSteward(['serve', '--help']);
    assert.equal(sh.code, 0);
    for (const flag of ['--data-dir', '--port', '--public-url', '--database-url', '--tls-cert', '--tls-key', '--http-port', 'STEWARD_DATABASE_URL']) {
      assert.ok(sh.stdout.includes(flag), `serve --help lists ${flag}`);
    }
  });

  it('exits 2 naming an unknown flag, a bad value or a bad variable', async () => {
    const unknown = await runSteward(['serve', '--prot', '8443']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option '--prot'/);
    const badPort = await runSteward(['serve', '--port', 'eighty']);
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr, /--port: must be a whole number \(got 'eighty'\)/);
    const badEnv = await runSteward(['serve'], { STEWARD_PUBLIC_URL: 'ftp://x' });
    assert.equal(badEnv.code, 2);
    assert.match(badEnv.stderr, /STEWARD_PUBLIC_URL: must start with https:\/\//);
    const noCommand = await runSteward(['frobnicate']);
    assert.equal(noCommand.code, 2);
    const missingValue = await runSteward(['serve', '--port']);
    assert.equal(missingValue.code, 2);
    assert.match(missingValue.stderr, /--port/);
  });

  it('migrates a database and says when it is already up to date', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steward-cli-'));
    try {
      const first = await runSteward(['migrate', '--data-dir', dir]);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /applied 0001-/);
      const second = await runSteward(['migrate'], { STEWARD_DATA_DIR: dir });
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /schema is up to date/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports an unreachable database without its password and exits 1', async () => {
    const r = await runSteward(['migrate', '--database-url', 'postgres://steward:hunter2@127.0.0.1:1/steward']);
    assert.equal(r.code, 1);
    assert.ok(!r.stderr.includes('hunter2'), r.stderr);
    assert.match(r.stderr, /steward: /);
  });
});
