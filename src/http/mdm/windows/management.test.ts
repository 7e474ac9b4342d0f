// OMA-DM management of enrolled Windows PCs, end to end: PCs enrolled over MS-MDE2 (sim/windows/
// pc.ts) open sessions over real mutual TLS with their client certificate (or through a trusted
// proxy's header), on SQLite and PostgreSQL.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { testDialects } from '../../../store/testing.js';
import type { Database } from '../../../store/database.js';
import { allScope } from '../../../core/rbac/scope.js';
import { httpsRequest } from '../../../../test/support/https.js';
import { anEnrolledPC, FORWARDED_CERT_HEADER, managementTestApp, type ManagementTestApp } from '../../../../test/support/windows-management.js';
import { selfSignedIdentity, simpleName } from '../../../../sim/apple/x509.js';
import { httpsTransport, injectTransport } from '../../../../sim/windows/transport.js';
import { ManagedWindowsPC, ManagementRefused } from '../../../../sim/windows/management-pc.js';
import { alert, clientMessage, parseServerMessage, replaceDevInfo, status } from '../../../../sim/windows/management-syncml.js';
import { INVENTORY_GETS } from '../../../core/windows/inventory-commands.js';

async function refusedWith(p: Promise<unknown>, code: number, reason?: RegExp): Promise<ManagementRefused> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof ManagementRefused)) throw err;
    assert.equal(err.status, code, err.message);
    assert.ok(!/^\s*(<\?xml|<SyncML[\s>])[\s\S]*<\/SyncML>\s*$/.test(err.body), 'a refusal is plain text, not SyncML');
    if (reason) assert.match(err.body, reason);
    return err;
  }
  assert.fail(`expected HTTP ${code}`);
}

for (const dialect of testDialects()) {
  describe(`Windows management (OMA-DM) on ${dialect.name}`, () => {
    let database: Database;
    let t: ManagementTestApp;
    /** The same database behind a TLS-terminating proxy that forwards the certificate. */
    let proxied: ManagementTestApp;

    before(async () => {
      database = await dialect.open();
      t = await managementTestApp(database);
      proxied = await managementTestApp(database, { listen: false, devices: { forwardedCertificateHeader: FORWARDED_CERT_HEADER } });
    });
    after(async () => {
      await t.close();
      await proxied.close();
      await database.close();
    });

    it('first session after enrollment: the inventory Gets, whose answers fill the managed device and its facts', async () => {
      const { pc, enrollmentId } = await anEnrolledPC(t, { hardware: { serialNumber: 'PF3ABCDE', model: 'ThinkPad X1', manufacturer: 'LENOVO', osVersion: '10.0.19045.5011', tpmVersion: null, battery: null } });
      const report = await pc.sync();

      // Package 1's answer: the SyncHdr status first, a Status per command in order, then the Gets.
      const [first, last] = report.replies;
      assert.deepEqual(first?.statuses.map((s) => [s.cmdRef, s.cmd, s.data]), [['0', 'SyncHdr', '200'], ['1', 'Alert', '200'], ['2', 'Alert', '200'], ['3', 'Replace', '200']]);
      assert.equal(first?.final, true);
      assert.deepEqual(report.handled.map((h) => h.targets), INVENTORY_GETS.map((g) => [...g]));
      // The last answer: statuses only, Final: the session is over.
      assert.equal(report.replies.length, 2);
      assert.equal(last?.commands.length, 0);
      assert.equal(last?.final, true);

      const device = await t.core.devices.get(enrollmentId, allScope);
      assert.deepEqual(
        { osVersion: device?.osVersion, model: device?.model, manufacturer: device?.manufacturer, serialNumber: device?.serialNumber, isEncrypted: device?.isEncrypted, physicalMemoryInBytes: device?.physicalMemoryInBytes, deviceName: device?.deviceName },
        { osVersion: '10.0.19045.5011', model: 'ThinkPad X1', manufacturer: 'LENOVO', serialNumber: 'PF3ABCDE', isEncrypted: true, physicalMemoryInBytes: 16_384 * 1024 * 1024, deviceName: 'DESKTOP-SIM' },
      );
      const facts = await t.core.windowsInventory.get(enrollmentId);
      assert.equal(facts?.secureBootState, 'enabled');
      assert.equal(facts?.firewallStatus, 0);
      assert.equal(facts?.antivirusSignatureStatus, 1);
      assert.equal(facts?.osPlatform, 'Windows 11 Pro');
      assert.equal(facts?.loginStatus, 'user');
      assert.equal(facts?.tpmSpecificationVersion, null, 'no TPM: the PC said 404');
      assert.equal(facts?.batteryStatus, null, 'a desktop without battery: every item of that Get 404, one Status');
      const commands = await t.core.commands.forEnrollment(enrollmentId);
      assert.equal(facts?.devicePasswordEnabled, true, 'Policy/Result/DeviceLock/DevicePasswordEnabled 0: a password is required');
      assert.deepEqual(commands.map((c) => c.state), INVENTORY_GETS.map(() => 'acknowledged'));
      const enrollment = await t.core.windowsEnrollments.get(enrollmentId);
      assert.ok(enrollment?.lastSeenAt, 'the session touched the enrollment');

      // The next session: inventory is not due, nothing queued: one exchange.
      const again = await pc.sync();
      assert.equal(again.replies.length, 1);
      assert.deepEqual(again.handled, []);
      // Eight hours later it is due again, and goes out in that session.
      t.clock.advance(8 * 3600_000 + 1000);
      assert.equal((await pc.sync()).handled.length, INVENTORY_GETS.length);
    });

    it('refuses with 403 in plain text, never 401: no certificate, a stranger\'s, one that is no enrollment\'s, an unenrolled one, an expired one', async () => {
      const { pc, identity, enrollmentId } = await anEnrolledPC(t);
      const ca = t.ca.ca.caCertificatePem();
      const as = (transport: ReturnType<typeof httpsTransport>) => new ManagedWindowsPC({ ...pc.options, transport });

      await refusedWith(as(httpsTransport({ ca })).sync(), 403, /no client certificate/);
      // Self-signed with the enrollment's own CN: not issued by Steward's CA.
      const stranger = await selfSignedIdentity(simpleName([['CN', enrollmentId]]), 2048);
      const strangerPem = new X509Certificate(stranger.certificateDer).toString();
      await refusedWith(as(httpsTransport({ ca, clientCertificate: { certPem: strangerPem, keyPem: stranger.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string } })).sync(), 403, /not issued by this server's CA/);
      // Issued by Steward's CA, but to no Windows enrollment.
      const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const orphan = await t.ca.ca.issue({ subject: `CN=${enrollmentId}`, publicKey: keys.publicKey, usage: 'device-identity', validityDays: 1 });
      await refusedWith(as(httpsTransport({ ca, clientCertificate: { certPem: orphan.pem, keyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string } })).sync(), 403, /belongs to no Windows enrollment/);

      // The PC itself works…
      await pc.sync();
      // …until its certificate expires,
      t.clock.set(new Date(Date.parse(new X509Certificate(identity.certificatePem).validTo) + 1000));
      await refusedWith(pc.sync(), 403, /not valid now/);
      t.clock.set(new Date());
      // …or its enrollment ends (retired, wiped, deleted, re-enrolled).
      await t.core.windowsEnrollments.update(enrollmentId, { state: 'unenrolled', unenrolledAt: new Date().toISOString() });
      await refusedWith(pc.sync(), 403, /has ended/);
    });

    it('refuses a message that names another PC than the one the certificate was issued to', async () => {
      const { pc } = await anEnrolledPC(t);
      const other = new ManagedWindowsPC({ ...pc.options, deviceId: 'ANOTHER-PC-0000' });
      await refusedWith(other.sync(), 403, /issued to device/);
      assert.equal((await pc.sync()).replies.length >= 1, true, 'the rightful PC is not affected');
    });

    it('asks browsers for a certificate without requiring one: the admin API answers over TLS without one', async () => {
      const res = await httpsRequest(`${t.url ?? ''}/healthz`, t.ca.ca.caCertificatePem());
      assert.equal(res.status, 200);
    });

    it('takes the certificate a trusted proxy forwards, and only when that header is configured', async () => {
      const { pc, enrollmentId } = await anEnrolledPC(proxied, { over: 'header' });
      const report = await pc.sync();
      assert.equal(report.handled.length, INVENTORY_GETS.length);
      assert.equal((await proxied.core.devices.get(enrollmentId, allScope))?.serialNumber, 'CC14-0042-7731');
      // The TLS app trusts no header: the same request in process there is refused.
      const unproxied = new ManagedWindowsPC({ ...pc.options, transport: injectTransport(t.app) });
      await refusedWith(unproxied.sync(), 403, /no client certificate/);
      // A forwarded value that is not a certificate is a bad request.
      const garbled = new ManagedWindowsPC({ ...pc.options, headers: { [FORWARDED_CERT_HEADER]: '%E0%A4%A' } });
      await refusedWith(garbled.sync(), 400);
    });

    it('answers a repeated message with the same answer, and ignores statuses for commands it never sent', async () => {
      const { pc } = await anEnrolledPC(proxied, { over: 'header' });
      await pc.sync(); // inventory done
      const header = (msgId: number) => pc.header('77', msgId);
      const opening = clientMessage(header(1), [alert(1, '1201'), replaceDevInfo(2, pc.devInfo())]);
      const a = await pc.post(opening);
      const b = await pc.post(opening);
      assert.equal(a.status, 200);
      assert.equal(b.body, a.body, 'the same answer again');
      const stray = await pc.post(clientMessage(header(2), [status(1, { msgRef: '1', cmdRef: '0', cmd: 'SyncHdr', data: '200' }), status(2, { msgRef: '1', cmdRef: '9', cmd: 'Exec', data: '200' })]));
      assert.equal(stray.status, 200);
      assert.ok(proxied.logs.some((l) => l.includes('did not send')), 'the stray status is logged');
    });

    it('a client package over several messages: statuses and Alert 1222 until its Final, answers recorded once it ends', async () => {
      const { pc, enrollmentId } = await anEnrolledPC(proxied, { over: 'header' });
      await pc.sync(); // inventory done
      const [reboot] = await proxied.core.commands.enqueue([enrollmentId], { requestType: 'Exec ./Device/Vendor/MSFT/Reboot/RebootNow', payload: { verb: 'Exec', items: [{ target: './Device/Vendor/MSFT/Reboot/RebootNow' }] }, platform: 'windows' });
      const h = (msgId: number) => pc.header('88', msgId);
      const parse = async (xml: string) => {
        const res = await pc.post(xml);
        assert.equal(res.status, 200, res.body);
        return parseServerMessage(res.body);
      };
      // Package 1 in two messages: the first without Final.
      const m1 = await parse(clientMessage(h(1), [alert(1, '1201')], false));
      assert.equal(m1.final, false);
      assert.deepEqual(m1.commands, [{ kind: 'Alert', cmdId: '3', data: '1222' }], 'asks for the rest, sends nothing new');
      const m2 = await parse(clientMessage(h(2), [status(1, { msgRef: '1', cmdRef: '0', cmd: 'SyncHdr', data: '200' }), status(2, { msgRef: '1', cmdRef: '3', cmd: 'Alert', data: '200' }), replaceDevInfo(3, pc.devInfo())]));
      assert.equal(m2.final, true);
      const exec = m2.commands[0];
      assert.equal(exec?.kind, 'Exec');
      // The PC's answer, itself in two messages: nothing is recorded until its package ends.
      await parse(clientMessage(h(3), [status(1, { msgRef: '2', cmdRef: '0', cmd: 'SyncHdr', data: '200' })], false));
      assert.equal((await proxied.core.commands.results(reboot?.uuid ?? ''))?.state, 'sent');
      const end = await parse(clientMessage(h(4), [status(1, { msgRef: '2', cmdRef: exec?.cmdId ?? '', cmd: 'Exec', data: '202' })]));
      assert.deepEqual([end.final, end.commands.length], [true, 0]);
      assert.equal((await proxied.core.commands.results(reboot?.uuid ?? ''))?.state, 'acknowledged', '202 accepted for processing is acknowledged');
    });

    it('Alert 1226: the PC unenrolled itself; the enrollment ends, the device record goes, and the PC is refused afterwards', async () => {
      const { pc, enrollmentId } = await anEnrolledPC(t);
      await pc.sync();
      const reply = await pc.unenroll();
      assert.deepEqual(reply.statuses.map((s) => [s.cmd, s.data]), [['SyncHdr', '200'], ['Alert', '200'], ['Replace', '200']]);
      assert.equal(reply.commands.length, 0);
      assert.equal((await t.core.windowsEnrollments.get(enrollmentId))?.state, 'unenrolled');
      assert.equal(await t.core.devices.get(enrollmentId, allScope), undefined);
      pc.enrolled = true; // the PC tries again anyway
      await refusedWith(pc.sync(), 403, /has ended/);
    });
  });
}
