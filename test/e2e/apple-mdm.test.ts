// Apple MDM end to end, in process: simulated iPhones and Macs (sim/apple, Apple's wire protocol)
// download the signed enrollment profile, get their identity over SCEP, check in and answer
// commands; forged, unsigned, replayed and cross-device messages are refused without a 401.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { testDialects } from '../../src/store/testing.js';
import type { SimulatedAppleDevice } from '../../sim/apple/device.js';
import { mdmSignature } from '../../sim/apple/mdm-signature.js';
import { encodePlist } from '../../src/protocol/apple/plist.js';
import { appleTestApp, appleTestAppFor, createEnrollmentProfile, enrolledDevice, simulatedDevice, type DeviceKind } from '../support/apple.js';
import { bearer } from '../support/http.js';

const deviceReader = bearer('Microsoft.Intune_ManagedDevices_Read');

for (const dialect of testDialects()) {
  describe(`Apple MDM on ${dialect.name}`, () => {
    const app = appleTestAppFor(dialect);
    const newDevice = (kind: DeviceKind = 'iPhone') => simulatedDevice(app.t, kind);
    const enrolled = async (kind: DeviceKind = 'iPhone') => (await enrolledDevice(app.t, kind)).device;
    const enrollmentOf = async (device: SimulatedAppleDevice) => {
      const found = await app.t.core.appleEnrollments.activeByUdid(device.udid);
      assert.ok(found, `no enrollment for ${device.udid}`);
      return found;
    };

    it('enrolls an iPhone: SCEP identity, Authenticate, TokenUpdate, and a managedDevice in Graph', async () => {
      const created = await createEnrollmentProfile(app.t, { displayName: 'Warehouse phones', ownership: 'company' });
      const phone = newDevice('iPhone');
      const enrollment = await phone.installEnrollmentProfile(created.enrollmentUrl);
      assert.ok(enrollment.identity.certificateDer.length > 0);
      const stored = await enrollmentOf(phone);
      assert.equal(stored.state, 'enrolled');
      assert.equal(stored.topic, app.t.topic);
      assert.equal(stored.pushMagic, enrollment.pushMagic);
      assert.equal(stored.pushToken, Buffer.from(enrollment.pushToken).toString('hex'));
      assert.ok(stored.unlockToken, 'the UnlockToken is kept for resetPasscode');
      const res = await app.t.app.inject({ url: `/v1.0/deviceManagement/managedDevices/${stored.id}`, headers: deviceReader });
      assert.equal(res.statusCode, 200, res.body);
      const device = res.json<Record<string, unknown>>();
      assert.equal(device.udid, phone.udid);
      assert.equal(device.serialNumber, phone.serialNumber);
      assert.equal(device.operatingSystem, 'iOS');
      assert.equal(device.managedDeviceOwnerType, 'company');
      assert.equal(device.enrollmentProfileName, 'Warehouse phones');
      assert.equal(device.managementAgent, 'mdm');
    });

    it('hands out queued commands and records Acknowledged, Error and NotNow (delivered again later)', async () => {
      const phone = await enrolled();
      const { id } = await enrollmentOf(phone);
      await phone.connect(); // whatever enrollment queued
      const [info] = await app.t.core.commands.enqueue([id], { requestType: 'DeviceInformation', platform: 'apple', payload: { Queries: ['DeviceName', 'OSVersion'] } });
      const [lock] = await app.t.core.commands.enqueue([id], { requestType: 'DeviceLock', platform: 'apple', payload: { Message: 'Call IT' } });
      phone.failNext('DeviceLock');
      const first = await phone.connect();
      assert.deepEqual(first.commands.map((c) => [c.RequestType, c.Status]), [['DeviceInformation', 'Acknowledged'], ['DeviceLock', 'Error']]);
      assert.equal(first.end, 'idle');
      assert.equal((await app.t.core.commands.results(info!.uuid))?.state, 'acknowledged');
      const failed = await app.t.core.commands.results(lock!.uuid);
      assert.equal(failed?.state, 'error');
      assert.equal(failed?.result?.status === 'error' && failed.result.errorChain[0]?.domain, 'MCMDMErrorDomain');

      const [later] = await app.t.core.commands.enqueue([id], { requestType: 'DeviceLock', platform: 'apple', payload: {} });
      phone.notNow('DeviceLock');
      const busy = await phone.connect();
      assert.deepEqual(busy.commands.map((c) => c.Status), ['NotNow']);
      assert.equal((await app.t.core.commands.results(later!.uuid))?.state, 'pending', 'NotNow puts it back');
    });

    it('hands a command out again when the device went away without answering, and records it once', async () => {
      const phone = await enrolled();
      const { id } = await enrollmentOf(phone);
      await phone.connect();
      const [cmd] = await app.t.core.commands.enqueue([id], { requestType: 'ProfileList', platform: 'apple', payload: {} });
      phone.dropConnectionAfterCommand();
      const dropped = await phone.connect();
      assert.equal(dropped.end, 'dropped');
      assert.equal((await app.t.core.commands.results(cmd!.uuid))?.state, 'sent');
      // The redelivery timeout (5 minutes) has not passed: nothing yet.
      assert.deepEqual((await phone.connect()).commands, []);
      await app.database.db.updateTable('command_queue').set({ not_before: new Date(0).toISOString() }).where('uuid', '=', cmd!.uuid).execute();
      const again = await phone.connect();
      assert.deepEqual(again.commands.map((c) => [c.CommandUUID, c.Status]), [[cmd!.uuid, 'Acknowledged']]);
      assert.equal((await app.t.core.commands.results(cmd!.uuid))?.deliveries, 2);
    });

    it('refuses unsigned, forged, tampered and replayed messages and other devices\' identities with 400/403, never 401', async () => {
      const phone = await enrolled();
      const other = await enrolled('iPad');
      const before = await enrollmentOf(phone);

      const unsigned = await phone.unsigned().connect();
      assert.deepEqual([unsigned.end, unsigned.httpStatus], ['http-error', 403]);
      const tampered = await phone.tamperSignature().connect();
      assert.deepEqual([tampered.end, tampered.httpStatus], ['http-error', 403]);
      // The iPad's identity with the iPhone's UDID in the body.
      const crossed = await phone.signWith(other).connect();
      assert.deepEqual([crossed.end, crossed.httpStatus], ['http-error', 403]);
      await phone.connect();
      const replayed = await phone.replayLast();
      assert.equal(replayed.status, 403);
      assert.match(Buffer.from(replayed.body).toString(), /replay/);

      // A certificate Steward never issued (a self-made identity) and garbage signatures.
      const stranger = newDevice('iPhone');
      const forged = await app.t.app.inject({ method: 'PUT', url: '/mdm/apple/connect', headers: { 'mdm-signature': 'bm90IGNtcw==' }, payload: Buffer.from(encodePlist({ Status: 'Idle', UDID: stranger.udid })) });
      assert.equal(forged.statusCode, 400);
      const none = await app.t.app.inject({ method: 'PUT', url: '/mdm/apple/checkin', payload: Buffer.from(encodePlist({ MessageType: 'Authenticate', Topic: app.t.topic, UDID: 'x' })) });
      assert.equal(none.statusCode, 403);
      const huge = await app.t.app.inject({ method: 'PUT', url: '/mdm/apple/connect', headers: { 'content-type': 'application/x-apple-aspen-mdm' }, payload: Buffer.alloc(9 * 1024 * 1024) });
      assert.equal(huge.statusCode, 413);

      const after = await enrollmentOf(phone);
      assert.deepEqual(after, { ...before, lastSeenAt: after.lastSeenAt }, 'nothing about the enrollment changed but its last check-in');
      assert.ok(app.t.logs.some((l) => l.includes('device message refused')), 'refusals are logged');
    });

    it('refuses a CheckOut or TokenUpdate signed by one device naming another', async () => {
      const phone = await enrolled();
      const other = await enrolled();
      const res = await phone.signWith(other).checkOut();
      assert.equal(res.status, 403);
      assert.equal((await enrollmentOf(phone)).state, 'enrolled');
    });

    it('ends the enrollment on CheckOut and refuses the device afterwards', async () => {
      const mac = await enrolled('Mac');
      const { id } = await enrollmentOf(mac);
      const identity = mac.identity!;
      const res = await mac.checkOut();
      assert.equal(res.status, 200);
      assert.equal((await app.t.core.appleEnrollments.get(id))?.state, 'unenrolled');
      // The identity still signs correctly, but its enrollment has ended.
      const body = Buffer.from(encodePlist({ Status: 'Idle', UDID: mac.udid }));
      const after = await app.t.app.inject({ method: 'PUT', url: '/mdm/apple/connect', headers: { 'mdm-signature': await mdmSignature(body, identity) }, payload: body });
      assert.equal(after.statusCode, 403);
      assert.match(after.body, /not enrolled/);
    });

    it('answers the other check-in messages: bootstrap token, UserAuthenticate, declarative management', async () => {
      const mac = await enrolled('Mac');
      const udid = mac.udid;
      const token = new Uint8Array([1, 2, 3, 4]);
      assert.equal((await mac.sendCheckin({ MessageType: 'SetBootstrapToken', UDID: udid, BootstrapToken: token })).status, 200);
      const got = await mac.sendCheckin({ MessageType: 'GetBootstrapToken', UDID: udid });
      assert.equal(got.status, 200);
      assert.match(Buffer.from(got.body).toString(), /<data>\s*AQIDBA==\s*<\/data>/);
      assert.equal((await mac.sendCheckin({ MessageType: 'UserAuthenticate', UDID: udid, UserID: 'u1', DigestResponse: '' })).status, 410);
      const tokens = await mac.sendCheckin({ MessageType: 'DeclarativeManagement', UDID: udid, Endpoint: 'tokens' });
      assert.equal(tokens.status, 200);
      assert.ok((JSON.parse(Buffer.from(tokens.body).toString()) as { SyncTokens: { DeclarationsToken: string } }).SyncTokens.DeclarationsToken);
      assert.equal((await mac.sendCheckin({ MessageType: 'Bogus', UDID: udid })).status, 400);
      assert.equal((await mac.sendCheckin({ MessageType: 'TokenUpdate', UDID: udid })).status, 400, 'missing keys are named, not a 500');
    });

    it('refuses a device that names an enrolled device\'s UDID with another serial number, leaving it enrolled', async () => {
      const phone = await enrolled();
      const first = await enrollmentOf(phone);
      const impostor = simulatedDevice(app.t, 'iPhone', { udid: phone.udid });
      const created = await createEnrollmentProfile(app.t);
      await assert.rejects(impostor.installEnrollmentProfile(created.enrollmentUrl), /403|another serial number/);
      assert.equal((await app.t.core.appleEnrollments.activeByUdid(phone.udid))?.id, first.id);
      assert.equal((await phone.connect()).end, 'idle', 'the real device keeps working');
    });

    it('replaces an earlier enrollment of the same device when it enrolls again', async () => {
      const phone = await enrolled();
      const first = await enrollmentOf(phone);
      await phone.removeEnrollmentProfile();
      const created = await createEnrollmentProfile(app.t);
      await phone.installEnrollmentProfile(created.enrollmentUrl);
      const second = await enrollmentOf(phone);
      assert.notEqual(second.id, first.id);
      assert.equal((await app.t.core.appleEnrollments.get(first.id))?.state, 'unenrolled');
    });
  });
}

describe('Apple identity forwarded by a TLS-terminating proxy', () => {
  it('accepts the client certificate in the configured header, and only when one is configured', async () => {
    const [dialect] = testDialects();
    const database = await dialect!.open();
    const t = await appleTestApp(database, { devices: { forwardedCertificateHeader: 'X-SSL-Client-Cert' } });
    const plain = await appleTestApp(database);
    try {
      const created = await createEnrollmentProfile(t);
      const phone = simulatedDevice(t);
      await phone.installEnrollmentProfile(created.enrollmentUrl);
      const pem = new X509Certificate(phone.identity!.certificateDer).toString();
      const body = Buffer.from(encodePlist({ Status: 'Idle', UDID: phone.udid }));
      const forwarded = { 'x-ssl-client-cert': encodeURIComponent(pem) };
      const ok = await t.app.inject({ method: 'PUT', url: '/mdm/apple/connect', headers: forwarded, payload: body });
      assert.equal(ok.statusCode, 200, ok.body);
      const notConfigured = await plain.app.inject({ method: 'PUT', url: '/mdm/apple/connect', headers: forwarded, payload: body });
      assert.equal(notConfigured.statusCode, 403);
      // A certificate Steward did not issue, forwarded, is refused like a signed message would be.
      const stranger = new X509Certificate(t.ca.certificatePem).toString();
      const foreign = await t.app.inject({ method: 'PUT', url: '/mdm/apple/connect', headers: { 'x-ssl-client-cert': encodeURIComponent(stranger) }, payload: body });
      assert.equal(foreign.statusCode, 403);
    } finally {
      await t.app.close();
      await plain.app.close();
      await database.close();
    }
  });
});
