// Serving the built web pages: the console at /, the portal at /portal, client-side routes falling
// back to their index.html without shadowing API or device routes, caching, security headers, and
// words when the pages are not built.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildHttp } from '../app.js';
import { declaredRoutes } from '../authz.js';
import { createMetrics } from '../metrics.js';
import { createLogger } from '../../log/logger.js';
import { makeCore } from '../../core/deps.js';
import { systemClock } from '../../core/clock.js';
import { storePorts } from '../../store/ports.js';
import { ping, type Database } from '../../store/database.js';
import { testDialects } from '../../store/testing.js';
import { PUBLIC_URL, bearer, tokenAuthenticator } from '../../../test/support/http.js';
import { testCa } from '../../../test/support/apple.js';

async function appServing(database: Database, webRoot: string): Promise<FastifyInstance> {
  const sink = new Writable({ write(_c, _e, cb) { cb(); } });
  return buildHttp({
    log: createLogger('info', sink), publicUrl: PUBLIC_URL, version: '0.0.0-test', ready: () => ping(database.db),
    metrics: createMetrics(), authenticator: tokenAuthenticator, core: makeCore(storePorts(database), systemClock),
    ca: (await testCa()).ca, webRoot,
  });
}

describe('web pages', () => {
  let database: Database;
  let root: string;
  let app: FastifyInstance;
  let unbuilt: FastifyInstance;
  before(async () => {
    database = await testDialects()[0]!.open();
    root = mkdtempSync(join(tmpdir(), 'steward-web-'));
    mkdirSync(join(root, 'portal'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(root, 'portal', 'index.html'), '<!doctype html><title>portal</title>');
    writeFileSync(join(root, 'assets', 'console-AbC123.js'), 'console.log(1)');
    app = await appServing(database, root);
    unbuilt = await appServing(database, join(root, 'missing'));
  });
  after(async () => {
    await app.close();
    await unbuilt.close();
    await database.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves the console at / with no-cache and the security headers', async () => {
    const res = await app.inject({ url: '/' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/html/);
    assert.equal(res.body, '<!doctype html><title>console</title>');
    assert.equal(res.headers['cache-control'], 'no-cache');
    const csp = res.headers['content-security-policy'] as string;
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });

  it('falls back to each app\'s index.html for client-side routes', async () => {
    for (const url of ['/devices', '/devices/4f1c2b9e-1d2a-4f7b-9c1e-2a3b4c5d6e7f', '/helpdesk?user=x']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.body, '<!doctype html><title>console</title>', url);
    }
    for (const url of ['/portal', '/portal/', '/portal/devices/123']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.body, '<!doctype html><title>portal</title>', url);
      assert.equal(res.headers['cache-control'], 'no-cache');
    }
  });

  it('caches hashed assets for a year and refuses paths outside assets/', async () => {
    const res = await app.inject({ url: '/assets/console-AbC123.js' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /javascript/);
    assert.match(res.headers['cache-control'] as string, /max-age=31536000/);
    assert.match(res.headers['cache-control'] as string, /immutable/);
    assert.ok(res.headers['content-security-policy']);
    for (const url of ['/assets/nope.js', '/assets/../index.html', '/assets/%2e%2e/index.html', '/favicon.ico']) {
      const r = await app.inject({ url });
      assert.equal(r.statusCode, 404, url);
      assert.equal(r.json<{ error: { code: string } }>().error.code, 'ResourceNotFound', url);
    }
  });

  it('never shadows API or device routes, even unknown paths under them', async () => {
    const graph404 = async (url: string) => {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 404, url);
      assert.match(res.headers['content-type'] as string, /json/, url);
    };
    await graph404('/v1.0/nothingHere');
    await graph404('/beta/deviceManagement/nothing/here');
    await graph404('/auth/signin'); // POST only
    await graph404('/EnrollmentServer/Nope.svc');
    await graph404('/mdm/apple/nothing');
    await graph404('/enroll');
    await graph404('/scep/x');
    assert.equal((await app.inject({ url: '/v1.0/deviceManagement/managedDevices' })).statusCode, 401);
    assert.equal((await app.inject({ url: '/v1.0/deviceManagement/managedDevices', headers: bearer('Microsoft.Intune_ManagedDevices_Read') })).statusCode, 200);
    assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
    assert.equal((await app.inject({ url: '/auth/session' })).statusCode, 401);
  });

  it('declares every page route public', () => {
    const web = declaredRoutes(app).filter((r) => ['/', '/*', '/portal', '/portal/*', '/assets/*'].includes(r.url));
    assert.ok(web.length >= 5);
    assert.ok(web.every((r) => r.permission === 'public'));
  });

  it('says in words how to build the pages when they are missing', async () => {
    const res = await unbuilt.inject({ url: '/' });
    assert.equal(res.statusCode, 503);
    assert.match(res.headers['content-type'] as string, /^text\/plain/);
    assert.match(res.body, /npm run build:web/);
    assert.equal((await unbuilt.inject({ url: '/portal' })).statusCode, 503);
  });
});
