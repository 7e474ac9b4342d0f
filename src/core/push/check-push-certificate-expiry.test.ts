import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../store/testing.js';
import { storePorts } from '../../store/ports.js';
import { PushCertificateFactory } from '../../../test/support/push-certificates.js';
import { makeCore } from '../deps.js';
import { runMaintenance } from '../maintenance.js';
import { updatePushCertificate } from './update-push-certificate.js';
import { checkPushCertificateExpiry } from './check-push-certificate-expiry.js';

const DAY = 24 * 3600_000;

for (const dialect of testDialects()) {
  describe(`push certificate expiry on ${dialect.name}`, () => {
    const certs = new PushCertificateFactory();
    after(() => certs.cleanup());

    it('is quiet without a certificate and far from expiry, and maintenance warns within 30 days', async () => {
      const database = await dialect.open();
      try {
        let now = new Date();
        const core = makeCore(storePorts(database), { now: () => now });
        const warned: { details: object; message: string }[] = [];
        const log = { warn: (details: object, message: string) => { warned.push({ details, message }); } };
        assert.deepEqual(await checkPushCertificateExpiry(core), { warnings: [] });
        assert.deepEqual((await runMaintenance(core, log)).pushCertificateWarnings, []);

        const cert = certs.issue({ days: 90 });
        await updatePushCertificate(core, { certificate: cert.certificate, privateKey: cert.privateKey });
        assert.deepEqual((await runMaintenance(core, log)).pushCertificateWarnings, []);
        assert.equal(warned.length, 0);

        now = new Date(now.getTime() + 70 * DAY);
        const report = await runMaintenance(core, log);
        assert.equal(report.pushCertificateWarnings.length, 1);
        assert.match(report.pushCertificateWarnings[0] ?? '', /^expires-soon: .*\(in 2\d days\)/);
        assert.equal(warned.length, 1);
        assert.match(warned[0]?.message ?? '', /^Apple push notification certificate: expires-soon/);
        assert.equal((warned[0]?.details as { topic?: string }).topic, cert.topic);

        now = new Date(now.getTime() + 30 * DAY);
        assert.match((await checkPushCertificateExpiry(core)).warnings[0] ?? '', /^expired: /);
      } finally {
        await database.close();
      }
    });
  });
}
