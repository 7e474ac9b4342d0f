import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import { StewardError } from '../errors.js';
import { pushCertificateWarnings, readPushCertificate } from './push-certificate.js';

const DAY = 24 * 60 * 60 * 1000;
const fixedAt = (date: Date): Clock => ({ now: () => date });
const now: Clock = { now: () => new Date() };

describe('MDM push certificate upload', () => {
  const dir = mkdtempSync(join(tmpdir(), 'steward-push-cert-'));
  const uuid = randomUUID();
  const topic = `com.apple.mgmt.External.${uuid}`;
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const selfSigned = (name: string, subject: string, days: number) =>
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', String(days), '-subj', subject);

  before(() => {
    selfSigned('push', `/UID=${topic}/CN=APSP:${uuid}/C=US`, 365);
    selfSigned('soon', `/UID=${topic}/CN=APSP:${uuid}/C=US`, 20);
    selfSigned('other', '/CN=not a push certificate', 365);
    selfSigned('app', '/UID=com.example.app/CN=Apple Push Services: com.example.app', 365);
    openssl('pkcs8', '-topk8', '-in', 'push.key', '-out', 'push-encrypted.key', '-passout', 'pass:s3cret', '-v2', 'aes-256-cbc');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const rejects = (fn: () => unknown, target: string, message: RegExp) => {
    assert.throws(fn, (error: unknown) => {
      assert.ok(error instanceof StewardError);
      assert.equal(error.code, 'invalid-input');
      assert.equal(error.target, target);
      assert.match(error.message, message);
      assert.doesNotMatch(error.message, /MII|[A-Za-z0-9+/=]{40}/, 'no key or certificate material in the message');
      return true;
    });
  };

  it('reads the topic from the subject UID, the validity and the serial, and normalises the key', () => {
    const cert = readPushCertificate({ certificatePem: read('push.crt'), privateKeyPem: read('push.key') }, now);
    assert.equal(cert.topic, topic);
    assert.deepEqual(cert.warnings, []);
    assert.ok(cert.notAfter.getTime() - Date.now() > 364 * DAY);
    assert.ok(cert.notBefore.getTime() <= Date.now());
    assert.match(cert.serialNumber, /^[0-9a-f]+$/);
    assert.match(cert.subject, new RegExp(`UID=${topic.replaceAll('.', '\\.')}`));
    assert.match(cert.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
    assert.match(cert.certificatePem, /^-----BEGIN CERTIFICATE-----/);
  });

  it('opens an encrypted key with its passphrase and says which input is wrong otherwise', () => {
    const cert = readPushCertificate({ certificatePem: read('push.crt'), privateKeyPem: read('push-encrypted.key'), passphrase: 's3cret' }, now);
    assert.equal(cert.topic, topic);
    assert.match(cert.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
    rejects(() => readPushCertificate({ certificatePem: read('push.crt'), privateKeyPem: read('push-encrypted.key') }, now), 'passphrase', /encrypted/);
    rejects(() => readPushCertificate({ certificatePem: read('push.crt'), privateKeyPem: read('push-encrypted.key'), passphrase: 'wrong' }, now), 'passphrase', /passphrase/);
  });

  it('warns 30 days ahead of expiry and once expired', () => {
    const soon = readPushCertificate({ certificatePem: read('soon.crt'), privateKeyPem: read('soon.key') }, now);
    assert.equal(soon.warnings.length, 1);
    assert.match(soon.warnings[0] ?? '', /^expires-soon: .* \(in 20 days\)/);
    const later = readPushCertificate({ certificatePem: read('push.crt'), privateKeyPem: read('push.key') }, fixedAt(new Date(Date.now() + 400 * DAY)));
    assert.match(later.warnings[0] ?? '', /^expired: /);
    const validity = { notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z') };
    assert.deepEqual(pushCertificateWarnings(validity, new Date('2026-06-01T00:00:00Z')), []);
    assert.match(pushCertificateWarnings(validity, new Date('2026-12-31T00:00:00Z'))[0] ?? '', /in 1 day\)/);
    assert.match(pushCertificateWarnings(validity, new Date('2025-12-01T00:00:00Z'))[0] ?? '', /^not-yet-valid/);
  });

  it('refuses a key of another certificate, a certificate without an MDM topic, and garbage', () => {
    rejects(() => readPushCertificate({ certificatePem: read('push.crt'), privateKeyPem: read('other.key') }, now), 'privateKey', /does not belong/);
    rejects(() => readPushCertificate({ certificatePem: read('other.crt'), privateKeyPem: read('other.key') }, now), 'certificate', /no UID/);
    rejects(() => readPushCertificate({ certificatePem: read('app.crt'), privateKeyPem: read('app.key') }, now), 'certificate', /not an MDM push topic/);
    rejects(() => readPushCertificate({ certificatePem: 'hello', privateKeyPem: read('push.key') }, now), 'certificate', /PEM certificate/);
    rejects(() => readPushCertificate({ certificatePem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', privateKeyPem: read('push.key') }, now), 'certificate', /could not be decoded/);
    rejects(() => readPushCertificate({ certificatePem: read('push.crt'), privateKeyPem: read('push.crt') }, now), 'privateKey', /PEM private key/);
    rejects(() => readPushCertificate({ certificatePem: read('push.crt'), privateKeyPem: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }, now), 'privateKey', /could not be decoded/);
  });
});
