import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../store/testing.js';
import type { Database } from '../store/database.js';
import { bearer, testApp, type TestApp } from '../../test/support/http.js';

const [sqlite] = testDialects();

describe('the HTTP frame', () => {
  let database: Database;
  let t: TestApp;
  before(async () => {
    database = await sqlite!.open();
    t = await testApp(database);
    // Routes that exist only in this test, to exercise the frame itself.
    t.app.post('/test/echo', { config: { permission: 'Microsoft.Intune_ManagedDevices_Read' } }, async (req) => ({ got: req.body }));
    t.app.get('/test/device-unchecked', { config: { permission: 'device' } }, async () => ({ leaked: true }));
    t.app.get('/test/device-checked', { config: { permission: 'device' } }, async (req) => { req.markAuthorized(); return { ok: true }; });
    t.app.get('/test/boom', { config: { permission: 'public' } }, async () => { throw new Error('secret internals: password=hunter2'); });
  });
  after(async () => { await t.app.close(); await database.close(); });

  it('answers liveness and readiness', async () => {
    assert.deepEqual((await t.app.inject('/healthz')).json(), { status: 'ok' });
    const ready = await t.app.inject('/readyz');
    assert.equal(ready.statusCode, 200);
  });

  it('serves Prometheus metrics labelled by route pattern', async () => {
    await t.app.inject('/v1.0/deviceManagement/managedDevices/abc');
    const res = await t.app.inject('/metrics');
    assert.match(String(res.headers['content-type']), /text\/plain/);
    assert.match(res.body, /steward_http_requests_total\{method="GET",route="\/v1.0\/deviceManagement\/managedDevices\/:id",status="401"\} 1/);
    assert.match(res.body, /steward_process_cpu_seconds_total/);
  });

  it('serves the OpenAPI document and browsable docs', async () => {
    const doc = (await t.app.inject('/docs/json')).json<{ openapi: string; paths: Record<string, unknown> }>();
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.paths['/v1.0/deviceManagement/managedDevices']);
    assert.ok(doc.paths['/beta/deviceManagement/managedDevices/{id}']);
    const html = await t.app.inject('/docs/');
    assert.equal(html.statusCode, 200);
    assert.match(html.body, /swagger/i);
  });

  it('echoes client-request-id and puts it in Graph errors', async () => {
    const res = await t.app.inject({ url: '/v1.0/nowhere', headers: { 'client-request-id': 'abc-123' } });
    assert.equal(res.statusCode, 404);
    assert.equal(res.headers['request-id'], 'abc-123');
    const body = res.json<{ error: { code: string; message: string; innerError: Record<string, string> } }>();
    assert.equal(body.error.code, 'ResourceNotFound');
    assert.equal(body.error.innerError['request-id'], 'abc-123');
    assert.match(body.error.innerError.date ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('refuses a missing or unknown token with 401 and a missing grant with 403', async () => {
    const none = await t.app.inject('/v1.0/deviceManagement/managedDevices');
    assert.equal(none.statusCode, 401);
    assert.equal(none.json<{ error: { code: string } }>().error.code, 'InvalidAuthenticationToken');
    const bad = await t.app.inject({ url: '/v1.0/deviceManagement/managedDevices', headers: { authorization: 'Bearer nope' } });
    assert.equal(bad.statusCode, 401);
    const wrong = await t.app.inject({ url: '/v1.0/deviceManagement/managedDevices', headers: bearer('Microsoft.Intune_Audit_Read') });
    assert.equal(wrong.statusCode, 403);
    assert.match(wrong.json<{ error: { message: string } }>().error.message, /Microsoft.Intune_ManagedDevices_Read/);
  });

  it('fails a successful answer whose handler never authorized the request (the backstop)', async () => {
    const res = await t.app.inject('/test/device-unchecked');
    assert.equal(res.statusCode, 500);
    assert.ok(!res.body.includes('leaked'));
    assert.ok(t.logs.some((l) => l.includes('backstop')));
    assert.equal((await t.app.inject('/test/device-checked')).statusCode, 200);
  });

  it('refuses to start with a route that declares no permission', async () => {
    const other = await testApp(database);
    assert.throws(() => other.app.get('/test/undeclared', async () => 'x'), /declares no permission/);
    await other.app.close();
  });

  it('refuses an unauthenticated body before reading it, and a 50 MB body with 413', async () => {
    const big = Buffer.alloc(50 * 1024 * 1024, 0x20);
    const anon = await t.app.inject({ method: 'POST', url: '/test/echo', payload: big, headers: { 'content-type': 'application/json' } });
    assert.equal(anon.statusCode, 401);
    const res = await t.app.inject({ method: 'POST', url: '/test/echo', payload: big, headers: { 'content-type': 'application/json', ...bearer('Microsoft.Intune_ManagedDevices_Read') } });
    assert.equal(res.statusCode, 413);
    assert.equal(res.json<{ error: { code: string } }>().error.code, 'RequestEntityTooLarge');
  });

  it('answers malformed JSON and a wrong media type with a Graph 400/415', async () => {
    const auth = bearer('Microsoft.Intune_ManagedDevices_Read');
    const bad = await t.app.inject({ method: 'POST', url: '/test/echo', payload: '{"a":', headers: { 'content-type': 'application/json', ...auth } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json<{ error: { code: string } }>().error.code, 'BadRequest');
    const proto = await t.app.inject({ method: 'POST', url: '/test/echo', payload: '{"__proto__":{"x":1}}', headers: { 'content-type': 'application/json', ...auth } });
    assert.equal(proto.statusCode, 400);
    const xml = await t.app.inject({ method: 'POST', url: '/test/echo', payload: '<a/>', headers: { 'content-type': 'application/xml', ...auth } });
    assert.equal(xml.statusCode, 415);
  });

  it('turns an unexpected error into a 500 that leaks nothing and logs the stack', async () => {
    const res = await t.app.inject('/test/boom');
    assert.equal(res.statusCode, 500);
    assert.ok(!res.body.includes('hunter2') && !res.body.includes('internals'));
    assert.match(res.body, new RegExp(String(res.headers['request-id'])));
    const logged = t.logs.find((l) => l.includes('unhandled error')) ?? '';
    assert.match(logged, /"stack"/);
  });
});
