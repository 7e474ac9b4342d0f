// `steward serve` as a user runs it: first start, restart on the same data, graceful stop.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exited, freePort, steward, waitForOutput } from '../support/process.js';
import { httpsRequest } from '../support/https.js';
import { postgresTestUrl, createTestSchema } from '../../src/store/testing.js';

const LISTENING = /listening on https:\/\/localhost:(\d+)/;

describe('steward serve', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'steward-serve-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('starts on SQLite with its own CA and TLS certificate, prints what to do next, and reuses its data on restart', async () => {
    const first = steward(['serve', '--data-dir', dir, '--port', '0', '--host', '127.0.0.1']);
    const done = exited(first);
    const port = (await waitForOutput(first, LISTENING))[1]!;
    const ca = readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8');
    const health = await httpsRequest(`https://localhost:${port}/healthz`, ca);
    assert.equal(health.status, 200);
    const ready = await httpsRequest(`https://127.0.0.1:${port}/readyz`, ca);
    assert.equal(ready.status, 200);
    first.kill('SIGTERM');
    const r1 = await done;
    assert.equal(r1.code, 0, r1.stderr);
    assert.match(r1.stdout, /Steward .* is running at https:\/\/localhost:8443/);
    assert.match(r1.stdout, /API docs/);
    assert.match(r1.stdout, /created Steward's certificate authority/);

    const plainPort = await freePort();
    const second = steward(['serve', '--port', '0', '--host', '127.0.0.1', '--http-port', String(plainPort)], { STEWARD_DATA_DIR: dir });
    const done2 = exited(second);
    const port2 = (await waitForOutput(second, LISTENING))[1]!;
    assert.equal(readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8'), ca, 'the CA is kept');
    assert.equal((await httpsRequest(`https://localhost:${port2}/healthz`, ca)).status, 200);
    const plain = await fetch(`http://127.0.0.1:${plainPort}/healthz`);
    assert.equal(plain.status, 200, 'the plain-HTTP listener for a TLS-terminating proxy answers');
    second.kill('SIGTERM');
    const r2 = await done2;
    assert.equal(r2.code, 0);
    assert.doesNotMatch(r2.stdout, /created Steward's certificate authority/);
  });

  it('on SIGTERM refuses new connections, finishes the request in flight and exits 0', async () => {
    const child = steward(['serve', '--data-dir', dir, '--port', '0', '--host', '127.0.0.1']);
    const done = exited(child);
    const port = (await waitForOutput(child, LISTENING))[1]!;
    const ca = readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8');
    // A request whose body is still arriving when the signal comes.
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`https://localhost:${port}/v1.0/nothing-here`, { method: 'POST', ca, headers: { 'content-type': 'application/json', 'content-length': '13' } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => { body += d.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write('{"half":');
      setTimeout(() => {
        child.kill('SIGTERM');
        setTimeout(() => {
          // New connections are no longer accepted while the old request is still open.
          httpsRequest(`https://localhost:${port}/healthz`, ca).then(
            (late) => reject(new Error(`a new request was answered after SIGTERM: ${late.status}`)),
            () => req.end('true}'),
          );
        }, 500);
      }, 300);
    });
    const res = await answer;
    assert.equal(res.status, 404);
    assert.match(res.body, /ResourceNotFound/);
    const r = await done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /stopping: finishing requests in flight/);
  });

  it('starts on PostgreSQL with --database-url', { skip: postgresTestUrl() ? false : 'STEWARD_TEST_DATABASE_URL is not set' }, async () => {
    const { schema, drop, url } = await createTestSchema(postgresTestUrl()!);
    try {
      const withSchema = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
      const child = steward(['serve', '--data-dir', dir, '--port', '0', '--host', '127.0.0.1'], { STEWARD_DATABASE_URL: withSchema });
      const done = exited(child);
      const port = (await waitForOutput(child, LISTENING))[1]!;
      const ca = readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8');
      assert.equal((await httpsRequest(`https://localhost:${port}/readyz`, ca)).status, 200);
      child.kill('SIGTERM');
      const r = await done;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /database +postgres:\/\//);
    } finally {
      await drop();
    }
  });
});
