import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureServer, type Http2SecureServer, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { testDialects } from '../../store/testing.js';
import { storePorts } from '../../store/ports.js';
import type { Database } from '../../store/database.js';
import { createApnsSender } from '../../push/apns.js';
import { PushCertificateFactory, type TestPushCertificate } from '../../../test/support/push-certificates.js';
import { systemClock } from '../clock.js';
import { makeCore, type Core } from '../deps.js';
import type { AppleEnrollment } from '../enrollment/ports.js';
import { updatePushCertificate } from './update-push-certificate.js';
import { createDeviceWaker, type ClosablePushSender, type WakeLog } from './wake-devices.js';
import type { StoredPushCertificate } from './ports.js';

interface Pushed { path: string; headers: IncomingHttpHeaders; body: string; clientUid: string | undefined }

/** Apple's place: HTTP/2 over TLS, a client certificate required, answers chosen per device token. */
class FakeApns {
  readonly pushes: Pushed[] = [];
  readonly answers = new Map<string, { status: number; reason?: string }>();
  private server: Http2SecureServer | undefined;

  async start(tls: { key: string; cert: string; trustedClients: string[] }): Promise<string> {
    const server = createSecureServer({ key: tls.key, cert: tls.cert, ca: tls.trustedClients, requestCert: true, rejectUnauthorized: true });
    server.on('stream', (stream, headers) => this.handle(stream, headers));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `https://localhost:${(server.address() as AddressInfo).port}`;
  }

  private handle(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const peer = (stream.session?.socket as TLSSocket | undefined)?.getPeerCertificate();
      const clientUid = (peer?.subject as unknown as Record<string, string> | undefined)?.UID;
      const path = String(headers[':path']);
      this.pushes.push({ path, headers, body: Buffer.concat(chunks).toString('utf8'), clientUid });
      const answer = this.answers.get(path.replace('/3/device/', '')) ?? { status: 200 };
      stream.respond({ ':status': answer.status, 'apns-id': randomUUID().toUpperCase(), ...(answer.reason ? { 'content-type': 'application/json' } : {}) });
      stream.end(answer.reason ? JSON.stringify({ reason: answer.reason }) : undefined);
    });
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

interface Logged { level: 'debug' | 'warn' | 'error'; details: object; message: string }
function captureLog(): WakeLog & { lines: Logged[]; text(): string } {
  const lines: Logged[] = [];
  const at = (level: Logged['level']) => (details: object, message: string) => { lines.push({ level, details, message }); };
  return {
    lines, debug: at('debug'), warn: at('warn'), error: at('error'),
    text: () => lines.map((l) => `${l.level} ${l.message} ${JSON.stringify(l.details, (_k, v: unknown) => (v instanceof Error ? v.message : v))}`).join('\n'),
  };
}

const hexToken = () => randomBytes(32).toString('hex');

function enrollment(id: string, fields: Partial<AppleEnrollment>): AppleEnrollment {
  return {
    id, profileId: null, userId: null, ownership: 'company', platform: 'iOS', state: 'enrolled',
    udid: randomUUID().toUpperCase(), serialNumber: null, enrollmentType: 'Device', identitySerial: null,
    topic: null, pushToken: null, pushMagic: null, unlockToken: null, bootstrapToken: null, awaitingConfiguration: false,
    createdAt: new Date().toISOString(), authenticatedAt: null, enrolledAt: null, lastSeenAt: null, unenrolledAt: null,
    ...fields,
  };
}

for (const dialect of testDialects()) {
  describe(`waking Apple devices through APNs on ${dialect.name}`, () => {
    const certs = new PushCertificateFactory();
    const apple = new FakeApns();
    let database: Database;
    let core: Core;
    let url = '';
    let serverCert = '';
    let push: TestPushCertificate;
    let renewed: TestPushCertificate;

    before(async () => {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.crt', '-days', '2',
        '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { cwd: certs.dir, stdio: 'ignore' });
      serverCert = readFileSync(join(certs.dir, 'server.crt'), 'utf8');
      push = certs.issueFromApple();
      renewed = certs.issueFromApple({ topic: push.topic });
      url = await apple.start({ key: readFileSync(join(certs.dir, 'server.key'), 'utf8'), cert: serverCert, trustedClients: [certs.appleCa()] });
      database = await dialect.open();
      core = makeCore(storePorts(database), systemClock);
    });
    after(async () => { await apple.stop(); await database.close(); certs.cleanup(); });

    /** The waker as main.ts builds it, with a sender that trusts the fake server and counts itself. */
    function waker(options: { maxAttempts?: number } = {}) {
      const log = captureLog();
      const senders: { serial: string; closed: boolean }[] = [];
      const w = createDeviceWaker({
        enrollments: core.appleEnrollments,
        certificates: core.pushCertificates,
        senderFor: (certificate: StoredPushCertificate): ClosablePushSender => {
          const record = { serial: certificate.serialNumber, closed: false };
          senders.push(record);
          const sender = createApnsSender({
            auth: { type: 'certificate', certificatePem: certificate.certificatePem, privateKeyPem: certificate.privateKeyPem },
            baseUrl: url, ca: serverCert, maxAttempts: options.maxAttempts ?? 2, retryDelayMs: 5, requestTimeoutMs: 2000,
          });
          return { send: (targets) => sender.send(targets), close: async () => { record.closed = true; await sender.close(); } };
        },
        clock: systemClock,
        log,
      });
      return { w, log, senders };
    }

    const tokens = { a: hexToken(), b: hexToken(), gone: hexToken(), other: hexToken(), pending: hexToken() };

    it('does nothing, and says so once at debug, while no certificate is uploaded', async () => {
      const { w, log, senders } = waker();
      await w.wake(['whoever']);
      await w.wake(['whoever', 'else']);
      assert.equal(apple.pushes.length, 0);
      assert.equal(senders.length, 0);
      assert.deepEqual(log.lines.map((l) => l.level), ['debug']);
      assert.match(log.lines[0]?.message ?? '', /no Apple push notification certificate/);
      await w.close();
    });

    it('pushes once to each enrolled device with its PushMagic on the certificate\'s topic, and skips the rest', async () => {
      await updatePushCertificate(core, { certificate: push.certificate, privateKey: push.privateKey, appleIdentifier: 'mdm@example.com' });
      const topic = push.topic;
      await core.appleEnrollments.create(enrollment('dev-a', { topic, pushToken: tokens.a, pushMagic: 'magic-a' }));
      await core.appleEnrollments.create(enrollment('dev-b', { topic, pushToken: tokens.b, pushMagic: 'magic-b', platform: 'macOS' }));
      await core.appleEnrollments.create(enrollment('dev-pending', { state: 'authenticated', topic, pushToken: null, pushMagic: null }));
      await core.appleEnrollments.create(enrollment('dev-left', { state: 'unenrolled', topic, pushToken: tokens.pending, pushMagic: 'magic-left' }));
      await core.appleEnrollments.create(enrollment('dev-other', { topic: 'com.apple.mgmt.External.retired', pushToken: tokens.other, pushMagic: 'magic-o' }));

      const { w, log, senders } = waker();
      await w.wake(['dev-a', 'dev-b', 'dev-pending', 'dev-left', 'no-such-device', 'dev-a', 'dev-other']);
      const byPath = new Map(apple.pushes.map((p) => [p.path, p]));
      assert.equal(apple.pushes.length, 2, apple.pushes.map((p) => p.path).join(', '));
      for (const [token, magic] of [[tokens.a, 'magic-a'], [tokens.b, 'magic-b']] as const) {
        const p = byPath.get(`/3/device/${token}`);
        assert.ok(p, `pushed to ${magic}`);
        assert.equal(p.headers['apns-topic'], topic);
        assert.equal(p.headers['apns-push-type'], 'mdm');
        assert.deepEqual(JSON.parse(p.body), { mdm: magic });
        assert.equal(p.clientUid, topic, 'authenticated with the uploaded push certificate');
      }
      assert.equal(senders.length, 1);
      const otherTopic = log.lines.find((l) => /another push certificate topic/.test(l.message));
      assert.ok(otherTopic, log.text());
      assert.deepEqual((otherTopic.details as { enrollmentIds: string[] }).enrollmentIds, ['dev-other']);

      apple.pushes.length = 0;
      await w.wake(['dev-b']);
      assert.equal(apple.pushes.length, 1);
      assert.equal(senders.length, 1, 'the same certificate, the same sender');
      await w.close();
      assert.equal(senders[0]?.closed, true);
      apple.pushes.length = 0;
      await w.wake(['dev-a']);
      assert.equal(apple.pushes.length, 0, 'a closed waker pushes nothing');
    });

    it('logs a device APNs no longer knows at warn, with its enrollment id and never its token', async () => {
      await core.appleEnrollments.create(enrollment('dev-gone', { topic: push.topic, pushToken: tokens.gone, pushMagic: 'magic-g' }));
      apple.answers.set(tokens.gone, { status: 410, reason: 'Unregistered' });
      apple.answers.set(tokens.b, { status: 400, reason: 'BadTopic' });
      const { w, log } = waker();
      await w.wake(['dev-a', 'dev-b', 'dev-gone']);
      const gone = log.lines.find((l) => (l.details as { enrollmentId?: string }).enrollmentId === 'dev-gone');
      assert.equal(gone?.level, 'warn');
      assert.equal((gone?.details as { reason?: string }).reason, 'Unregistered');
      const failed = log.lines.find((l) => (l.details as { enrollmentId?: string }).enrollmentId === 'dev-b');
      assert.equal(failed?.level, 'warn');
      assert.equal((failed?.details as { reason?: string }).reason, 'BadTopic');
      assert.ok(log.lines.some((l) => l.message === 'devices woken, with failures' && (l.details as { sent: number }).sent === 1), log.text());
      const text = log.text();
      for (const token of Object.values(tokens)) assert.ok(!text.includes(token), 'no device token in the logs');
      assert.ok(!text.includes('magic-'), 'no PushMagic in the logs');
      apple.answers.clear();
      await w.close();
    });

    it('moves to a new sender when the certificate is renewed, and closes the old one', async () => {
      const { w, senders } = waker();
      await w.wake(['dev-a']);
      await updatePushCertificate(core, { certificate: renewed.certificate, privateKey: renewed.privateKey });
      apple.pushes.length = 0;
      await w.wake(['dev-a']);
      assert.equal(senders.length, 2);
      assert.equal(senders[0]?.closed, true);
      assert.equal(senders[1]?.serial.replace(/^0+/, ''), renewed.serialNumber.replace(/^0+/, ''));
      assert.equal(apple.pushes.length, 1);
      await w.close();
    });

    it('never rejects: not when APNs is unreachable, nor when the lookup fails', async () => {
      const { w, log } = waker({ maxAttempts: 2 });
      await apple.stop();
      await assert.doesNotReject(w.wake(['dev-a', 'dev-b']));
      assert.ok(log.lines.some((l) => l.level === 'warn' && (l.details as { enrollmentId?: string }).enrollmentId === 'dev-a' && /after 2 attempts/.test(String((l.details as { reason?: string }).reason))), log.text());
      await w.close();

      const broken = createDeviceWaker({
        enrollments: { pushTargets: () => Promise.reject(new Error('database is down')) },
        certificates: core.pushCertificates,
        senderFor: () => { throw new Error('not reached'); },
        clock: systemClock,
        log: captureLog(),
      });
      await assert.doesNotReject(broken.wake(['dev-a']));
      const unreadable = captureLog();
      const noStore = createDeviceWaker({
        enrollments: core.appleEnrollments,
        certificates: { current: () => Promise.reject(new Error('no connection')) },
        senderFor: () => { throw new Error('not reached'); },
        clock: systemClock,
        log: unreadable,
      });
      await assert.doesNotReject(noStore.wake(['dev-a']));
      assert.deepEqual(unreadable.lines.map((l) => [l.level, l.message]), [['error', 'waking devices failed']]);
    });
  });
}
