import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeWns, localhostCertificate } from '../../test/support/wns.js';
import { createWnsSender, type WnsSenderOptions } from './wns.js';

const SID = 'ms-app://s-1-15-2-1111-2222-3333';
const SECRET = 'Sup3r/S3cret+value=';

describe('WNS sender', () => {
  const wns = new FakeWns();
  let tls: { key: string; cert: string };

  before(async () => {
    tls = localhostCertificate();
    await wns.start(tls);
  });
  after(() => wns.stop());

  const sender = (over: Partial<WnsSenderOptions> = {}) => createWnsSender({
    packageSid: SID, clientSecret: SECRET, tokenUrl: `${wns.url}/accesstoken.srf`, channelHosts: ['localhost'], ca: tls.cert,
    retryDelayMs: 5, requestTimeoutMs: 2000, ...over,
  });

  it('gets a token with the client-credentials grant and posts a raw notification with it; the token is reused', async () => {
    const s = sender();
    const tokensBefore = wns.tokenRequests.length;
    const outcomes = await s.send([{ enrollmentId: 'pc-1', channelUri: wns.channel('one?token=AbC%2B') }, { enrollmentId: 'pc-2', channelUri: wns.channel('two') }]);
    assert.deepEqual(outcomes, [{ enrollmentId: 'pc-1', status: 'sent' }, { enrollmentId: 'pc-2', status: 'sent' }]);
    assert.equal(wns.tokenRequests.length, tokensBefore + 1, 'one token request for both notifications');
    const tokenRequest = wns.tokenRequests.at(-1);
    assert.ok(tokenRequest);
    assert.equal(tokenRequest.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(Object.fromEntries(new URLSearchParams(tokenRequest.body)), { grant_type: 'client_credentials', client_id: SID, client_secret: SECRET, scope: 'notify.windows.com' });

    const n = wns.notifications.find((r) => r.path === '/ch/one?token=AbC%2B');
    assert.ok(n, 'posted to the channel URI as given, query included');
    assert.match(String(n.headers.authorization), /^Bearer token-\d+$/);
    assert.equal(n.headers['x-wns-type'], 'wns/raw');
    assert.equal(n.headers['content-type'], 'application/octet-stream');
    assert.equal(n.headers['x-wns-cache-policy'], 'cache');
    assert.ok(n.body.length > 0);

    await s.send([{ enrollmentId: 'pc-1', channelUri: wns.channel('one-again') }]);
    assert.equal(wns.tokenRequests.length, tokensBefore + 1, 'the cached token serves later sends');
    await s.close();
  });

  it('on 401 gets a new token once and retries; refused again, fails', async () => {
    const s = sender();
    await s.send([{ enrollmentId: 'warm', channelUri: wns.channel('warm') }]);
    const tokensBefore = wns.tokenRequests.length;
    wns.validTokens.clear(); // WNS no longer takes the cached token
    assert.deepEqual(await s.send([{ enrollmentId: 'pc-1', channelUri: wns.channel('after-expiry') }]), [{ enrollmentId: 'pc-1', status: 'sent' }]);
    assert.equal(wns.tokenRequests.length, tokensBefore + 1);
    assert.equal(wns.notifications.filter((r) => r.path === '/ch/after-expiry').length, 2);

    wns.answers.set('/ch/always-401', (res) => res.writeHead(401).end());
    const [refused] = await s.send([{ enrollmentId: 'pc-2', channelUri: wns.channel('always-401') }]);
    assert.equal(refused?.status, 'failed');
    assert.equal(wns.notifications.filter((r) => r.path === '/ch/always-401').length, 2, 'one retry with a new token, no more');
    await s.close();
  });

  it('404 and 410: the channel is unregistered', async () => {
    wns.answers.set('/ch/gone', (res) => res.writeHead(410, { 'x-wns-error-description': 'Channel expired' }).end());
    wns.answers.set('/ch/unknown', (res) => res.writeHead(404).end());
    const s = sender();
    const outcomes = await s.send([{ enrollmentId: 'a', channelUri: wns.channel('gone') }, { enrollmentId: 'b', channelUri: wns.channel('unknown') }]);
    assert.deepEqual(outcomes.map((o) => [o.enrollmentId, o.status]), [['a', 'unregistered'], ['b', 'unregistered']]);
    assert.match(outcomes[0]?.reason ?? '', /410: Channel expired/);
    assert.equal(wns.notifications.filter((r) => r.path === '/ch/gone').length, 1, 'not retried');
    await s.close();
  });

  it('429 and 406 honour Retry-After; 503 is retried with backoff; a Retry-After beyond the limit fails at once', async () => {
    wns.answers.set('/ch/throttled', (res, attempt) => {
      if (attempt === 1) res.writeHead(429, { 'retry-after': '1' }).end();
      else res.writeHead(200).end();
    });
    wns.answers.set('/ch/busy', (res) => res.writeHead(503).end());
    wns.answers.set('/ch/much-later', (res) => res.writeHead(406, { 'retry-after': '3600' }).end());
    const s = sender({ maxAttempts: 3 });
    const started = Date.now();
    const [throttled] = await s.send([{ enrollmentId: 't', channelUri: wns.channel('throttled') }]);
    assert.equal(throttled?.status, 'sent');
    assert.ok(Date.now() - started >= 950, 'waited as Retry-After said');

    const [busy] = await s.send([{ enrollmentId: 'b', channelUri: wns.channel('busy') }]);
    assert.equal(busy?.status, 'failed');
    assert.match(busy?.reason ?? '', /HTTP 503 \(after 3 attempts\)/);
    assert.equal(wns.notifications.filter((r) => r.path === '/ch/busy').length, 3);

    const t0 = Date.now();
    const [later] = await s.send([{ enrollmentId: 'l', channelUri: wns.channel('much-later') }]);
    assert.equal(later?.status, 'failed');
    assert.match(later?.reason ?? '', /retry after 3600 s/);
    assert.ok(Date.now() - t0 < 1000);
    await s.close();
  });

  it('a channel that never answers fails with `timeout`', async () => {
    wns.answers.set('/ch/silent', () => { /* never answers */ });
    const s = sender({ requestTimeoutMs: 200 });
    const t0 = Date.now();
    assert.deepEqual(await s.send([{ enrollmentId: 's', channelUri: wns.channel('silent') }]), [{ enrollmentId: 's', status: 'failed', reason: 'timeout' }]);
    assert.ok(Date.now() - t0 < 1500);
    await s.close();
  });

  it('posts once for a channel given twice, and never to a host outside the allow-list or over http', async () => {
    const s = sender();
    const before = wns.notifications.length;
    const outcomes = await s.send([
      { enrollmentId: 'x', channelUri: wns.channel('dup') }, { enrollmentId: 'x', channelUri: wns.channel('dup') },
      { enrollmentId: 'evil', channelUri: 'https://attacker.example/ch' },
      { enrollmentId: 'suffix', channelUri: 'https://evilnotify.windows.com.example/ch' },
      { enrollmentId: 'plain', channelUri: wns.channel('p').replace('https:', 'http:') },
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), ['sent', 'sent', 'failed', 'failed', 'failed']);
    assert.match(outcomes[2]?.reason ?? '', /not a WNS host/);
    assert.equal(wns.notifications.length - before, 1);
    await s.close();

    const production = createWnsSender({ packageSid: SID, clientSecret: SECRET, tokenUrl: `${wns.url}/accesstoken.srf`, ca: tls.cert });
    const [refused] = await production.send([{ enrollmentId: 'local', channelUri: wns.channel('x') }]);
    assert.match(refused?.reason ?? '', /not a WNS host/, 'by default only *.notify.windows.com');
    await production.close();
  });

  it('a refused client secret fails every push without echoing the secret, and is not hammered', async () => {
    wns.tokenAnswer = (res) => res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_client', error_description: `bad secret ${SECRET}` }));
    try {
      const s = sender();
      const before = wns.tokenRequests.length;
      const outcomes = await s.send([{ enrollmentId: 'a', channelUri: wns.channel('a') }, { enrollmentId: 'b', channelUri: wns.channel('b') }]);
      assert.deepEqual(outcomes.map((o) => o.status), ['failed', 'failed']);
      assert.equal(outcomes[0]?.reason, 'access token: invalid_client');
      assert.ok(!JSON.stringify(outcomes).includes(SECRET));
      assert.equal(wns.tokenRequests.length - before, 1, 'one token request shared by both');
      await s.close();
    } finally {
      wns.tokenAnswer = undefined;
    }
  });
});
