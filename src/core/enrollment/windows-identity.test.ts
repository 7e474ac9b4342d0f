import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { testDialects } from '../../store/testing.js';
import type { Database } from '../../store/database.js';
import { windowsEnrollmentStore } from '../../store/windows-enrollments.js';
import { testCa } from '../../../test/support/apple.js';
import type { WindowsEnrollment } from './ports.js';
import { normalizeSerial, windowsEnrollmentForCertificate } from './windows-identity.js';

describe('normalizeSerial', () => {
  it('gives lowercase, even-length hex without the DER sign octet', () => {
    assert.equal(normalizeSerial('00A1B2'), 'a1b2');
    assert.equal(normalizeSerial('0071'), '0071');
    assert.equal(normalizeSerial('ABC'), '0abc');
    assert.equal(normalizeSerial('5e:0f'), '5e0f');
  });
});

for (const dialect of testDialects()) {
  describe(`windowsEnrollmentForCertificate on ${dialect.name}`, () => {
    let database: Database;
    before(async () => { database = await dialect.open(); });
    after(async () => { await database.close(); });

    it('finds the enrolled enrollment of a certificate Steward issued it, and says why not otherwise', async () => {
      const { ca } = await testCa();
      const store = windowsEnrollmentStore(database.db);
      const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const spki = new Uint8Array(key.publicKey.export({ type: 'spki', format: 'der' }));
      const issue = (cn: string) => ca.issue({ subject: `CN=${cn}`, publicKey: spki, usage: 'device-identity', validityDays: 30 });
      const mine = await issue('e-1');
      const enrollment: WindowsEnrollment = {
        id: 'e-1', profileId: null, userId: null, ownership: 'company', state: 'enrolled', deviceId: 'D', hwDevId: null, deviceName: null,
        osVersion: null, osEdition: null, enrollmentType: 'Full', identitySerial: mine.serialNumber, identityNotAfter: mine.notAfter.toISOString(),
        createdAt: new Date().toISOString(), lastSeenAt: null, unenrolledAt: null,
      };
      await store.create(enrollment);
      const now = { now: () => new Date() };
      const deps = { windowsEnrollments: store, clock: now };
      assert.deepEqual(await windowsEnrollmentForCertificate(deps, mine.der), { outcome: 'enrolled', enrollment });
      assert.equal((await windowsEnrollmentForCertificate(deps, new X509Certificate(mine.pem))).outcome, 'enrolled');
      assert.equal((await windowsEnrollmentForCertificate(deps, (await issue('e-2')).der)).outcome, 'unknown');
      assert.equal((await windowsEnrollmentForCertificate(deps, new Uint8Array([1, 2, 3]))).outcome, 'unknown');
      assert.equal((await windowsEnrollmentForCertificate({ ...deps, clock: { now: () => new Date(Date.now() + 40 * 86_400_000) } }, mine.der)).outcome, 'expired');
      await store.update('e-1', { state: 'unenrolled' });
      assert.equal((await windowsEnrollmentForCertificate(deps, mine.der)).outcome, 'unenrolled');
    });
  });
}
