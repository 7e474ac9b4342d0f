import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { redactSecrets, redactUrl } from './redact.js';
import { createLogger } from './logger.js';

describe('redactSecrets', () => {
  it('replaces secret-named fields at any depth and keeps the rest', () => {
    const out = redactSecrets({
      user: 'ada', password: 'hunter2',
      nested: { headers: { authorization: 'Bearer abc', 'content-type': 'json' }, list: [{ clientSecret: 's3' }] },
      challengePassword: 'c', access_token: 't', empty: { token: '' },
    });
    assert.deepEqual(out, {
      user: 'ada', password: '[redacted]',
      nested: { headers: { authorization: '[redacted]', 'content-type': 'json' }, list: [{ clientSecret: '[redacted]' }] },
      challengePassword: '[redacted]', access_token: '[redacted]', empty: { token: '' },
    });
  });

  it('redacts secret query parameters in URLs', () => {
    assert.equal(redactUrl('/scep?operation=PKIOperation&challenge=abc'), '/scep?operation=PKIOperation&challenge=%5Bredacted%5D');
    assert.equal(redactUrl('/v1.0/users?$top=5'), '/v1.0/users?$top=5');
    assert.deepEqual(redactSecrets({ req: { url: '/x?client_secret=zzz' } }), { req: { url: '/x?client_secret=%5Bredacted%5D' } });
  });

  it('survives cycles and deep nesting', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 10_000; i++) { const next = {}; deep.next = next; deep = next; }
    assert.doesNotThrow(() => redactSecrets(a));
    assert.doesNotThrow(() => redactSecrets(root));
  });
});

describe('createLogger', () => {
  it('writes JSON lines in which no secret survives, errors included', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, cb) { lines.push(chunk.toString()); cb(); } });
    const log = createLogger('info', sink);
    const err = Object.assign(new Error('sign-in failed'), { password: 'hunter2' });
    log.info({ body: { userPrincipalName: 'a@b', passwordProfile: { password: 'P@ss-w0rd!' } } }, 'created user');
    log.error({ err }, 'boom');
    await new Promise((r) => setImmediate(r));
    const text = lines.join('');
    assert.ok(!text.includes('P@ss-w0rd!') && !text.includes('hunter2'), text);
    const first = JSON.parse(lines[0] ?? '{}') as { level: string; msg: string; body: { userPrincipalName: string } };
    assert.equal(first.level, 'info');
    assert.equal(first.msg, 'created user');
    assert.equal(first.body.userPrincipalName, 'a@b');
    assert.match(lines[1] ?? '', /sign-in failed/);
  });
});
