import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredPushCertificate } from '../core/push/ports.js';
import type { Database } from './database.js';
import { pushCertificateStore } from './push-certificates.js';
import { testDialects, type TestDialect } from './testing.js';

const T0 = new Date('2026-03-01T10:00:00.000Z');
const later = (days: number) => new Date(T0.getTime() + days * 24 * 3600_000);

const certificate = (serialNumber: string, extra: Partial<StoredPushCertificate> = {}): StoredPushCertificate => ({
  certificatePem: `-----BEGIN CERTIFICATE-----\n${serialNumber}\n-----END CERTIFICATE-----\n`,
  privateKeyPem: `-----BEGIN PRIVATE KEY-----\nkey-of-${serialNumber}\n-----END PRIVATE KEY-----\n`,
  serialNumber,
  topic: 'com.apple.mgmt.External.0d7e5b0e-5a1f-4d59-9a57-5f0c6c1d9a11',
  appleIdentifier: 'mdm@example.com',
  notBefore: T0,
  notAfter: later(365),
  uploadedAt: T0,
  modifiedAt: T0,
  uploadStatus: 'succeeded',
  uploadFailureReason: null,
  ...extra,
});

async function withStore(dialect: TestDialect, fn: (store: ReturnType<typeof pushCertificateStore>, database: Database) => Promise<void>) {
  const database = await dialect.open();
  try {
    await fn(pushCertificateStore(database.db), database);
  } finally {
    await database.close();
  }
}

for (const dialect of testDialects()) {
  describe(`PushCertificateStore on ${dialect.name}`, () => {
    it('has no certificate at first, stores the first one and reads it back as it was given', async () => {
      await withStore(dialect, async (store) => {
        assert.equal(await store.current(), undefined);
        const first = certificate('0a1b');
        assert.equal(await store.replace(first, null), true);
        assert.deepEqual(await store.current(), first);
        assert.equal(await store.replace(certificate('ffff'), null), false, 'a second "first" upload loses');
        assert.equal((await store.current())?.serialNumber, '0a1b');
      });
    });

    it('replaces only the certificate it was checked against', async () => {
      await withStore(dialect, async (store) => {
        await store.replace(certificate('01'), null);
        const renewed = certificate('02', { notAfter: later(730), uploadedAt: later(300), modifiedAt: later(300), appleIdentifier: null });
        assert.equal(await store.replace(renewed, '01'), true);
        assert.deepEqual(await store.current(), renewed);
        assert.equal(await store.replace(certificate('03'), '01'), false, 'the check was against a certificate no longer there');
        assert.equal((await store.current())?.serialNumber, '02');
      });
    });

    it('notes a refused upload on the current certificate and clears it with the next upload', async () => {
      await withStore(dialect, async (store) => {
        await store.recordUploadFailure('nothing to note it on');
        assert.equal(await store.current(), undefined);
        await store.replace(certificate('01'), null);
        await store.recordUploadFailure('certificate: the push certificate expired');
        const failed = await store.current();
        assert.equal(failed?.uploadStatus, 'failed');
        assert.equal(failed?.uploadFailureReason, 'certificate: the push certificate expired');
        assert.equal(failed?.serialNumber, '01', 'the certificate in use stays');
        await store.replace(certificate('02'), '01');
        assert.equal((await store.current())?.uploadStatus, 'succeeded');
        assert.equal((await store.current())?.uploadFailureReason, null);
      });
    });

    it('keeps the key of the last signing request, and deletes it with the upload that used it', async () => {
      await withStore(dialect, async (store) => {
        assert.equal(await store.pendingRequest(), undefined);
        await store.savePendingRequest({ id: 'r1', privateKeyPem: 'key 1', createdAt: T0 });
        await store.savePendingRequest({ id: 'r2', privateKeyPem: 'key 2', createdAt: later(1) });
        assert.deepEqual(await store.pendingRequest(), { id: 'r2', privateKeyPem: 'key 2', createdAt: later(1) });
        // An upload that used an older request's key does not take the newer request with it.
        assert.equal(await store.replace(certificate('01'), null, 'r1'), true);
        assert.equal((await store.pendingRequest())?.id, 'r2');
        assert.equal(await store.replace(certificate('02'), '01', 'r2'), true);
        assert.equal(await store.pendingRequest(), undefined);
        // A lost race consumes nothing.
        await store.savePendingRequest({ id: 'r3', privateKeyPem: 'key 3', createdAt: later(2) });
        assert.equal(await store.replace(certificate('03'), '01', 'r3'), false);
        assert.equal((await store.pendingRequest())?.id, 'r3');
      });
    });
  });
}
