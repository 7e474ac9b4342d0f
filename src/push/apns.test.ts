import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createSecureServer, type Http2SecureServer, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { Clock } from '../core/clock.js';
import type { PushTarget } from '../core/push/ports.js';
import { createApnsSender, type ApnsSenderOptions } from './apns.js';

interface Recorded {
  headers: IncomingHttpHeaders;
  body: string;
  clientUid: string | undefined;
}

type Behaviour = (stream: ServerHttp2Stream, attempt: number) => void;

/** Apple's place: an HTTP/2 TLS server that records requests and answers by device token. */
class FakeApns {
  readonly requests: Recorded[] = [];
  readonly behaviours = new Map<string, Behaviour>();
  readonly attempts = new Map<string, number>();
  sessions = 0;
  active = 0;
  maxActive = 0;
  private server: Http2SecureServer | undefined;

  async start(tls: { key: string; cert: string; ca: string; requireClientCertificate: boolean }): Promise<string> {
    const server = createSecureServer({
      key: tls.key, cert: tls.cert, ca: tls.ca,
      requestCert: tls.requireClientCertificate, rejectUnauthorized: tls.requireClientCertificate,
    });
    server.on('session', () => { this.sessions++; });
    server.on('stream', (stream, headers) => this.handle(stream, headers));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `https://localhost:${(server.address() as AddressInfo).port}`;
  }

  private handle(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    const chunks: Buffer[] = [];
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    stream.on('close', () => { this.active--; });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const socket = stream.session?.socket as TLSSocket | undefined;
      const peer = socket?.getPeerCertificate();
      const uid = peer === undefined ? undefined : (peer.subject as unknown as Record<string, string> | undefined)?.UID;
      this.requests.push({ headers, body: Buffer.concat(chunks).toString('utf8'), clientUid: uid });
      const token = String(headers[':path']).replace('/3/device/', '');
      const attempt = (this.attempts.get(token) ?? 0) + 1;
      this.attempts.set(token, attempt);
      const behaviour = this.behaviours.get(token) ?? ok;
      behaviour(stream, attempt);
    });
  }

  reset(): void {
    this.requests.length = 0;
    this.behaviours.clear();
    this.attempts.clear();
    this.sessions = 0;
    this.maxActive = 0;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const answer = (stream: ServerHttp2Stream, status: number, reason?: string) => {
  if (stream.destroyed || stream.closed) return;
  stream.respond({ ':status': status, 'apns-id': randomUUID().toUpperCase(), ...(reason === undefined ? {} : { 'content-type': 'application/json' }) });
  stream.end(reason === undefined ? undefined : JSON.stringify({ reason }));
};
const ok: Behaviour = (stream) => answer(stream, 200);
const token = (n: number) => n.toString(16).padStart(64, '0');
const fixedClock: Clock = { now: () => new Date('2026-11-24T12:00:00Z') };

describe('APNs sender', () => {
  const dir = mkdtempSync(join(tmpdir(), 'steward-apns-'));
  const uuid = randomUUID();
  const topic = `com.apple.mgmt.External.${uuid}`;
  const apple = new FakeApns();
  const tokenApple = new FakeApns();
  let url = '';
  let tokenUrl = '';
  let pem: (name: string) => string = () => '';
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

  before(async () => {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Test APNs CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
    writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
    const issue = (name: string, subject: string, ext: string) => {
      openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
      openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', String(Date.now()),
        '-days', '2', '-extfile', ext, '-out', `${name}.crt`);
    };
    issue('server', '/CN=localhost', 'server.ext');
    // Apple's MDM push certificate: the topic is the subject's UID.
    issue('push', `/UID=${topic}/CN=APSP:${uuid}/C=US`, 'client.ext');
    // Signed by nobody the server trusts.
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'stranger.key', '-out', 'stranger.crt', '-days', '2', '-subj', '/UID=com.apple.mgmt.External.stranger');
    pem = (name) => readFileSync(join(dir, name), 'utf8');
    url = await apple.start({ key: pem('server.key'), cert: pem('server.crt'), ca: pem('ca.crt'), requireClientCertificate: true });
    tokenUrl = await tokenApple.start({ key: pem('server.key'), cert: pem('server.crt'), ca: pem('ca.crt'), requireClientCertificate: false });
  });

  after(async () => {
    await apple.stop();
    await tokenApple.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const sender = (options: Partial<ApnsSenderOptions> = {}) => createApnsSender({
    auth: { type: 'certificate', certificatePem: pem('push.crt'), privateKeyPem: pem('push.key') },
    baseUrl: url,
    ca: pem('ca.crt'),
    retryDelayMs: 5,
    requestTimeoutMs: 2000,
    clock: fixedClock,
    ...options,
  });
  const target = (n: number, enrollmentId = `enrollment-${n}`): PushTarget => ({ enrollmentId, token: token(n), pushMagic: `magic-${n}`, topic });

  it('POSTs the MDM payload to /3/device/<token> with the push certificate as client certificate', async () => {
    apple.reset();
    const apns = sender();
    try {
      const outcomes = await apns.send([target(1)]);
      assert.equal(outcomes.length, 1);
      assert.equal(outcomes[0]?.enrollmentId, 'enrollment-1');
      assert.equal(outcomes[0]?.status, 'sent');
      assert.match(outcomes[0]?.apnsId ?? '', /^[0-9A-F-]{36}$/);
      assert.equal(apple.requests.length, 1);
      const request = apple.requests[0];
      assert.ok(request);
      assert.equal(request.headers[':method'], 'POST');
      assert.equal(request.headers[':path'], `/3/device/${token(1)}`);
      assert.equal(request.headers['apns-topic'], topic);
      assert.equal(request.headers['apns-push-type'], 'mdm');
      assert.equal(request.headers['apns-priority'], '10');
      assert.equal(request.headers['apns-expiration'], String(Date.parse('2026-11-24T12:00:00Z') / 1000 + 7 * 24 * 3600));
      assert.equal(request.headers['content-type'], 'application/json');
      assert.equal(request.headers.authorization, undefined);
      assert.deepEqual(JSON.parse(request.body), { mdm: 'magic-1' });
      assert.equal(request.clientUid, topic);
    } finally {
      await apns.close();
    }
  });

  it('maps 410 and 400 BadDeviceToken to unregistered and other refusals to failed, without throwing', async () => {
    apple.reset();
    apple.behaviours.set(token(2), (s) => answer(s, 410, 'Unregistered'));
    apple.behaviours.set(token(3), (s) => answer(s, 400, 'BadDeviceToken'));
    apple.behaviours.set(token(4), (s) => answer(s, 400, 'DeviceTokenNotForTopic'));
    apple.behaviours.set(token(5), (s) => answer(s, 403, 'BadCertificateEnvironment'));
    const apns = sender();
    try {
      const outcomes = await apns.send([target(1), target(2), target(3), target(4), target(5), { ...target(6), token: 'not-hex' }]);
      assert.deepEqual(outcomes.map((o) => [o.enrollmentId, o.status, o.reason]), [
        ['enrollment-1', 'sent', undefined],
        ['enrollment-2', 'unregistered', 'Unregistered'],
        ['enrollment-3', 'unregistered', 'BadDeviceToken'],
        ['enrollment-4', 'failed', 'DeviceTokenNotForTopic'],
        ['enrollment-5', 'failed', 'BadCertificateEnvironment'],
        ['enrollment-6', 'failed', 'malformed device token (expected hex)'],
      ]);
      assert.equal(apple.requests.length, 5, 'a malformed token is never sent');
    } finally {
      await apns.close();
    }
  });

  it('retries 429 and 5xx with backoff a bounded number of times', async () => {
    apple.reset();
    apple.behaviours.set(token(7), (s, attempt) => (attempt === 1 ? answer(s, 429, 'TooManyRequests') : answer(s, 200)));
    apple.behaviours.set(token(8), (s) => answer(s, 500, 'InternalServerError'));
    apple.behaviours.set(token(9), (s, attempt) => (attempt < 3 ? answer(s, 503, 'ServiceUnavailable') : answer(s, 200)));
    const apns = sender({ maxAttempts: 3 });
    try {
      const outcomes = await apns.send([target(7), target(8), target(9)]);
      assert.equal(outcomes[0]?.status, 'sent');
      assert.equal(outcomes[1]?.status, 'failed');
      assert.equal(outcomes[1]?.reason, 'InternalServerError (after 3 attempts)');
      assert.equal(outcomes[2]?.status, 'sent');
      assert.equal(apple.attempts.get(token(7)), 2);
      assert.equal(apple.attempts.get(token(8)), 3);
      assert.equal(apple.attempts.get(token(9)), 3);
    } finally {
      await apns.close();
    }
  });

  it('pushes duplicate targets once and gives each its outcome, in order', async () => {
    apple.reset();
    const apns = sender();
    try {
      const upper = { ...target(10, 'enrollment-10-again'), token: token(10).toUpperCase() };
      const outcomes = await apns.send([target(10), target(11), target(10), upper]);
      assert.deepEqual(outcomes.map((o) => [o.enrollmentId, o.status]), [
        ['enrollment-10', 'sent'], ['enrollment-11', 'sent'], ['enrollment-10', 'sent'], ['enrollment-10-again', 'sent'],
      ]);
      assert.equal(outcomes[0]?.apnsId, outcomes[3]?.apnsId);
      assert.equal(apple.requests.length, 2);
      // Concurrent calls share a push in flight too.
      apple.behaviours.set(token(12), (s) => setTimeout(() => answer(s, 200), 50));
      const [a, b] = await Promise.all([apns.send([target(12)]), apns.send([target(12)])]);
      assert.equal(a[0]?.apnsId, b[0]?.apnsId);
      assert.equal(apple.attempts.get(token(12)), 1);
    } finally {
      await apns.close();
    }
  });

  it('times out a slow request and reports it as failed', async () => {
    apple.reset();
    apple.behaviours.set(token(13), () => { /* never answers */ });
    const apns = sender({ requestTimeoutMs: 150 });
    try {
      const started = Date.now();
      const outcomes = await apns.send([target(13), target(14)]);
      const took = Date.now() - started;
      assert.deepEqual(outcomes.map((o) => [o.status, o.reason]), [['failed', 'timeout'], ['sent', undefined]]);
      assert.ok(took >= 140 && took < 1500, `took ${took} ms`);
    } finally {
      await apns.close();
    }
  });

  it('reuses one connection for many pushes and keeps to the concurrency limit', async () => {
    apple.reset();
    for (let n = 100; n < 400; n++) apple.behaviours.set(token(n), (s) => setTimeout(() => answer(s, 200), 2));
    const apns = sender({ maxConcurrentStreams: 20 });
    try {
      const first = await apns.send(Array.from({ length: 150 }, (_, i) => target(100 + i)));
      const second = await apns.send(Array.from({ length: 150 }, (_, i) => target(250 + i)));
      assert.ok([...first, ...second].every((o) => o.status === 'sent'));
      assert.equal(apple.requests.length, 300);
      assert.equal(apple.sessions, 1, 'one HTTP/2 connection');
      assert.ok(apple.maxActive <= 20, `at most 20 streams at once, saw ${apple.maxActive}`);
      assert.ok(apple.maxActive > 1, 'requests run concurrently');
    } finally {
      await apns.close();
    }
  });

  it('opens a new connection after the server sends GOAWAY', async () => {
    apple.reset();
    apple.behaviours.set(token(20), (s) => {
      answer(s, 200);
      s.session?.close(); // graceful shutdown: GOAWAY, then close
    });
    const apns = sender();
    try {
      assert.equal((await apns.send([target(20)]))[0]?.status, 'sent');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal((await apns.send([target(21)]))[0]?.status, 'sent');
      assert.equal(apple.sessions, 2);
    } finally {
      await apns.close();
    }
  });

  it('reports connection failures as failed outcomes, never as exceptions', async () => {
    apple.reset();
    const stranger = sender({ auth: { type: 'certificate', certificatePem: pem('stranger.crt'), privateKeyPem: pem('stranger.key') }, maxAttempts: 2 });
    const nowhere = sender({ baseUrl: 'https://127.0.0.1:1', maxAttempts: 2 });
    try {
      const [refusedCert] = await stranger.send([target(30)]);
      assert.equal(refusedCert?.status, 'failed');
      assert.match(refusedCert?.reason ?? '', /^connection closed before an answer \(after 2 attempts\)$/);
      const [refusedPort] = await nowhere.send([target(31)]);
      assert.equal(refusedPort?.status, 'failed');
      assert.match(refusedPort?.reason ?? '', /ECONNREFUSED/);
      assert.equal(apple.requests.length, 0);
    } finally {
      await stranger.close();
      await nowhere.close();
    }
    const closed = sender();
    await closed.close();
    assert.deepEqual(await closed.send([target(32)]), [{ enrollmentId: 'enrollment-32', status: 'failed', reason: 'closed' }]);
  });

  it('authenticates with a provider token (ES256 JWT) when configured', async () => {
    tokenApple.reset();
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const apns = sender({
      baseUrl: tokenUrl,
      auth: { type: 'token', keyId: 'ABC123DEFG', teamId: 'DEF123GHIJ', privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string },
    });
    try {
      const outcomes = await apns.send([target(40), target(41)]);
      assert.ok(outcomes.every((o) => o.status === 'sent'));
      const authorization = String(tokenApple.requests[0]?.headers.authorization);
      assert.match(authorization, /^bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      const [header, claims, signature] = authorization.slice('bearer '.length).split('.') as [string, string, string];
      assert.deepEqual(JSON.parse(Buffer.from(header, 'base64url').toString()), { alg: 'ES256', kid: 'ABC123DEFG' });
      assert.deepEqual(JSON.parse(Buffer.from(claims, 'base64url').toString()), { iss: 'DEF123GHIJ', iat: Date.parse('2026-11-24T12:00:00Z') / 1000 });
      assert.ok(verify('sha256', Buffer.from(`${header}.${claims}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url')));
      assert.equal(tokenApple.requests[1]?.headers.authorization, authorization, 'the token is reused');
    } finally {
      await apns.close();
    }
  });
});
