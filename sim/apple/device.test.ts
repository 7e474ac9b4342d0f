// The simulator on its own, against sim/apple/testing/fake-mdm-server.ts (a recorder, not
// Steward): enrollment, the check-in bodies (read back by Python's plistlib), the Mdm-Signature
// (verified by `openssl cms`), the command loop and every knob.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { decodeCheckin } from '../../src/protocol/apple/checkin.js';
import { commandResponse, decodeCommandReport } from '../../src/protocol/apple/connect.js';
import { encodePlist } from '../../src/protocol/apple/plist.js';
import { SimulatedAppleDevice, type SimulatedAppleDeviceOptions } from './device.js';
import { EnrollmentProfileError } from './enrollment-profile.js';
import { ProfileError } from './mobileconfig.js';
import { FakeMdmServer, type ProfileOptions } from './testing/fake-mdm-server.js';
import { httpsTransport, injectTransport } from './transport.js';
import { createTestCa } from './x509.js';

const hasPython = spawnSync('python3', ['-c', 'import plistlib'], { encoding: 'utf8' }).status === 0;
const hasOpenssl = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;
const ENROLL = 'https://localhost/enroll';

describe('SimulatedAppleDevice', () => {
  let server: FakeMdmServer;
  let dir: string;
  before(async () => {
    server = await FakeMdmServer.create();
    dir = mkdtempSync(join(tmpdir(), 'sim-apple-'));
  });
  after(async () => {
    await server.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const device = (o: Partial<SimulatedAppleDeviceOptions> = {}) => new SimulatedAppleDevice({
    kind: 'iPhone', transport: injectTransport(server.app), trust: server.ca.certificatePem, ...o,
  });
  const fresh = () => { server.profile = {}; server.checkinStatus = 200; server.connectStatus = 200; server.connectBody = undefined; };
  const checkinsOf = (udidOrId: string) => server.checkins.filter((c) => c.dict.UDID === udidOrId || c.dict.EnrollmentID === udidOrId);

  describe('enrollment', () => {
    it('enrolls an iPhone: SCEP identity, signed Authenticate then TokenUpdate with the keys iOS sends', async () => {
      fresh();
      const d = device();
      const e = await d.installEnrollmentProfile(ENROLL);
      assert.equal(d.enrolled, true);
      const [auth, token, ...rest] = checkinsOf(d.udid);
      assert.equal(rest.length, 0);
      assert.ok(auth !== undefined && token !== undefined);
      assert.equal(auth.headers['content-type'], 'application/x-apple-aspen-mdm-checkin');
      assert.deepEqual(Object.keys(auth.dict).sort(), ['BuildVersion', 'IMEI', 'MEID', 'MessageType', 'OSVersion', 'ProductName', 'SerialNumber', 'Topic', 'UDID']);
      assert.equal(auth.dict.Topic, 'com.apple.mgmt.External.fake-topic');
      assert.equal(decodeCheckin(auth.body).MessageType, 'Authenticate');
      const t = decodeCheckin(token.body);
      assert.equal(t.MessageType, 'TokenUpdate');
      assert.deepEqual(Object.keys(token.dict).sort(), ['AwaitingConfiguration', 'MessageType', 'PushMagic', 'Token', 'Topic', 'UDID', 'UnlockToken']);
      assert.equal((token.dict.Token as Uint8Array).length, 32);
      assert.equal(token.dict.AwaitingConfiguration, false);
      for (const c of [auth, token]) {
        assert.ok(c.signature?.ok, JSON.stringify(c.signature));
        assert.deepEqual(c.signature.signer, e.identity.certificateDer);
      }
      const identity = new X509Certificate(e.identity.certificateDer);
      assert.ok(identity.verify(new X509Certificate(server.ca.certificateDer).publicKey));
      assert.match(identity.subject, /CN=device identity/);
      assert.equal(d.state.profiles[0]?.source, 'enrollment');
      assert.equal(d.state.certificates.filter((c) => c.IsIdentity).length, 1);
    });

    it('enrolls a Mac: DeviceName, Model and ModelName, no IMEI or UnlockToken; a user channel TokenUpdate', async () => {
      fresh();
      const d = device({ kind: 'Mac', user: { guid: 'A1B2C3D4-1111-2222-3333-444455556666', shortName: 'jane', longName: 'Jane Appleseed' } });
      await d.installEnrollmentProfile(ENROLL);
      const [auth, token, user] = checkinsOf(d.udid);
      assert.deepEqual(Object.keys(auth?.dict ?? {}).sort(), ['BuildVersion', 'DeviceName', 'MessageType', 'Model', 'ModelName', 'OSVersion', 'ProductName', 'SerialNumber', 'Topic', 'UDID']);
      assert.equal(token?.dict.UnlockToken, undefined);
      assert.equal(user?.dict.UserID, 'A1B2C3D4-1111-2222-3333-444455556666');
      assert.equal(user?.dict.UserShortName, 'jane');
      assert.equal(user?.dict.NotOnConsole, false);
      assert.equal(decodeCheckin(user?.body ?? new Uint8Array()).MessageType, 'TokenUpdate');
      const r = await d.connect({ channel: 'user' });
      assert.equal(r.end, 'idle');
      assert.equal(server.reports.at(-1)?.dict.UserID, 'A1B2C3D4-1111-2222-3333-444455556666');
    });

    it('enrolls as a user enrollment: EnrollmentID instead of UDID, no hardware identifiers', async () => {
      fresh();
      const d = device({ userEnrollment: true });
      const e = await d.installEnrollmentProfile(ENROLL);
      const [auth, token] = checkinsOf(e.enrollmentId ?? '');
      assert.equal(auth?.dict.UDID, undefined);
      assert.equal(auth?.dict.SerialNumber, undefined);
      assert.equal(auth?.dict.IMEI, undefined);
      assert.equal(token?.dict.UnlockToken, undefined);
      assert.equal(decodeCheckin(auth?.body ?? new Uint8Array()).EnrollmentID, e.enrollmentId);
    });

    it('leaves device information and the unlock token out when AccessRights do not grant them', async () => {
      fresh();
      server.profile = { accessRights: 1 | 2 | 8 };
      const d = device();
      await d.installEnrollmentProfile(ENROLL);
      const [auth, token] = checkinsOf(d.udid);
      assert.deepEqual(Object.keys(auth?.dict ?? {}).sort(), ['MessageType', 'Topic', 'UDID']);
      assert.equal(token?.dict.UnlockToken, undefined);
    });

    it('sends no Mdm-Signature when the profile does not ask for it', async () => {
      fresh();
      server.profile = { signMessage: false };
      const d = device();
      await d.installEnrollmentProfile(ENROLL);
      assert.ok(checkinsOf(d.udid).every((c) => c.headers['mdm-signature'] === undefined));
    });

    it('refuses a profile without a Topic, with a Topic outside com.apple.mgmt., or whose identity UUID names nothing', async () => {
      const refused: ProfileOptions[] = [{ omitMdmKeys: ['Topic'] }, { mdm: { Topic: 'com.example.topic' } }, { mdm: { IdentityCertificateUUID: 'C0FFEE00-0000-0000-0000-000000000000' } }, { accessRights: 2 }];
      for (const profile of refused) {
        fresh();
        server.profile = profile;
        const d = device();
        await assert.rejects(d.installEnrollmentProfile(ENROLL), EnrollmentProfileError, JSON.stringify(profile));
        assert.equal(d.enrolled, false);
      }
    });

    it('refuses an unsigned profile and one signed by a CA the user does not trust', async () => {
      fresh();
      server.profile = { unsigned: true };
      await assert.rejects(device().installEnrollmentProfile(ENROLL), ProfileError);
      server.profile = { signer: await createTestCa('Stranger') };
      await assert.rejects(device().installEnrollmentProfile(ENROLL), /not trusted/);
      server.profile = { unsigned: true };
      await device({ allowUnsignedProfile: true }).installEnrollmentProfile(ENROLL);
    });

    it('trusts a root carried by the profile when the user trusts nothing else', async () => {
      fresh();
      await assert.rejects(device({ trust: [] }).installEnrollmentProfile(ENROLL), /not trusted/);
      server.profile = { payloads: [{ PayloadType: 'com.apple.security.root', PayloadIdentifier: 'test.fake.root', PayloadUUID: 'A0000000-0000-4000-8000-000000000001', PayloadVersion: 1, PayloadContent: server.ca.certificateDer }] };
      const d = device({ trust: [] });
      await d.installEnrollmentProfile(ENROLL);
      assert.equal(d.state.certificates.filter((c) => !c.IsIdentity).length, 1);
    });

    it('fails enrollment, and stays unenrolled, when Authenticate is refused', async () => {
      fresh();
      server.checkinStatus = 403;
      const d = device();
      await assert.rejects(d.installEnrollmentProfile(ENROLL), (err: Error & { status?: number }) => err.status === 403 && /Authenticate/.test(err.message));
      assert.equal(d.enrolled, false);
    });
  });

  describe('wire format checked by other implementations', () => {
    it('writes check-in bodies that Python\'s plistlib reads', { skip: hasPython ? false : 'python3 is not installed' }, async () => {
      fresh();
      const d = device();
      await d.installEnrollmentProfile(ENROLL);
      const files = checkinsOf(d.udid).map((c, i) => {
        const f = join(dir, `checkin-${i}.plist`);
        writeFileSync(f, c.body);
        return f;
      });
      const script = 'import plistlib, sys, json, base64\n'
        + 'out = [plistlib.load(open(f, "rb")) for f in sys.argv[1:]]\n'
        + 'print(json.dumps(out, default=lambda b: base64.b64encode(b).decode()))';
      const parsed = JSON.parse(execFileSync('python3', ['-c', script, ...files], { encoding: 'utf8' })) as Record<string, unknown>[];
      assert.equal(parsed[0]?.MessageType, 'Authenticate');
      assert.equal(parsed[0]?.UDID, d.udid);
      assert.equal(parsed[1]?.MessageType, 'TokenUpdate');
      assert.equal(parsed[1]?.Token, Buffer.from(d.enrollment?.pushToken ?? []).toString('base64'));
    });

    it('writes an Mdm-Signature that openssl cms verifies against the CA, with a signingTime', { skip: hasOpenssl ? false : 'openssl is not installed' }, async () => {
      fresh();
      const d = device();
      await d.installEnrollmentProfile(ENROLL);
      await d.connect();
      const report = server.reports.at(-1);
      assert.ok(report !== undefined);
      writeFileSync(join(dir, 'body'), report.body);
      writeFileSync(join(dir, 'sig.der'), Buffer.from(report.headers['mdm-signature'] ?? '', 'base64'));
      writeFileSync(join(dir, 'ca.pem'), server.ca.certificatePem);
      const verify = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'sig.der'), '-content', join(dir, 'body'),
        '-CAfile', join(dir, 'ca.pem'), '-purpose', 'any', '-out', '/dev/null'], { encoding: 'utf8' });
      assert.equal(verify.status, 0, verify.stderr);
      assert.match(verify.stderr, /Verification successful/);
      const printed = execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', join(dir, 'sig.der')], { encoding: 'utf8' });
      assert.match(printed, /signingTime/);
      assert.match(printed, /eContent: <ABSENT>/);
    });
  });

  describe('command channel', () => {
    it('answers queued commands in order and ends on an empty body; reports decode against Apple\'s schema', async () => {
      fresh();
      const d = device();
      await d.installEnrollmentProfile(ENROLL);
      const info = server.queue(d.udid, 'DeviceInformation', { Queries: ['UDID', 'SerialNumber', 'OSVersion', 'IMEI', 'WiFiMAC', 'IsSupervised', 'NoSuchQuery'] });
      const sec = server.queue(d.udid, 'SecurityInfo', {});
      const profiles = server.queue(d.udid, 'ProfileList', {});
      const r = await d.connect();
      assert.equal(r.end, 'idle');
      assert.deepEqual(r.commands.map((c) => [c.CommandUUID, c.Status]), [[info, 'Acknowledged'], [sec, 'Acknowledged'], [profiles, 'Acknowledged']]);
      assert.equal(r.latenciesMs.length, 4);
      const infoReport = decodeCommandReport(encodePlist(server.results.get(info) ?? {}));
      const q = commandResponse(infoReport, 'DeviceInformation').QueryResponses;
      assert.equal(q.UDID, d.udid);
      assert.equal(q.SerialNumber, d.serialNumber);
      assert.equal(q.IsSupervised, false);
      assert.equal(Object.keys(q).length, 6);
      const secInfo = commandResponse(decodeCommandReport(encodePlist(server.results.get(sec) ?? {})), 'SecurityInfo').SecurityInfo;
      assert.equal(secInfo.PasscodePresent, true);
      const list = commandResponse(decodeCommandReport(encodePlist(server.results.get(profiles) ?? {})), 'ProfileList').ProfileList;
      assert.deepEqual(list.map((p) => p.PayloadIdentifier), ['test.fake.enrollment']);
      assert.ok(server.reports.slice(-4).every((x) => x.signature?.ok === true && x.headers['content-type'] === 'application/x-apple-aspen-mdm'));
    });

    it('answers NotNow as told, and the command again on the next connect', async () => {
      fresh();
      const d = device().notNow('DeviceLock');
      await d.installEnrollmentProfile(ENROLL);
      const uuid = server.queue(d.udid, 'DeviceLock', { Message: 'Call IT' });
      assert.deepEqual((await d.connect()).commands.map((c) => c.Status), ['NotNow']);
      assert.equal(d.state.locked, false);
      assert.deepEqual((await d.connect()).commands.map((c) => [c.CommandUUID, c.Status]), [[uuid, 'Acknowledged']]);
      assert.equal(d.state.locked, true);
      assert.equal(d.state.lastLock?.Message, 'Call IT');
    });

    it('drops the connection after a command without answering, and answers it when it comes back', async () => {
      fresh();
      const d = device();
      await d.installEnrollmentProfile(ENROLL);
      const uuid = server.queue(d.udid, 'SecurityInfo', {});
      const first = await d.dropConnectionAfterCommand().connect();
      assert.equal(first.end, 'dropped');
      assert.equal(server.pending(d.udid), 1);
      const second = await d.connect();
      assert.deepEqual(second.commands.map((c) => [c.CommandUUID, c.Status]), [[uuid, 'Acknowledged']]);
      assert.equal(server.pending(d.udid), 0);
    });

    it('fails the next command of a type with the ErrorChain given', async () => {
      fresh();
      const d = device().failNext('ProfileList', [{ ErrorCode: 42, ErrorDomain: 'TestDomain', LocalizedDescription: 'no', USEnglishDescription: 'no' }]);
      await d.installEnrollmentProfile(ENROLL);
      const uuid = server.queue(d.udid, 'ProfileList', {});
      await d.connect();
      const report = decodeCommandReport(encodePlist(server.results.get(uuid) ?? {}));
      assert.equal(report.Status, 'Error');
      assert.deepEqual(report.Status === 'Error' ? report.ErrorChain.map((i) => i.ErrorCode) : [], [42]);
    });

    it('refuses unknown, unsupported, supervised-only and malformed commands as a device does', async () => {
      fresh();
      const d = device();
      await d.installEnrollmentProfile(ENROLL);
      const bogus = server.queueRaw(d.udid, encodePlist({ CommandUUID: 'BOGUS-1', Command: { RequestType: 'MakeCoffee' } }), 'BOGUS-1');
      const mac = server.queue(d.udid, 'SetFirmwarePassword', { NewPassword: 'x' });
      const lost = server.queue(d.udid, 'EnableLostMode', { Message: 'lost' });
      const format = server.queueRaw(d.udid, encodePlist({ CommandUUID: 'FORMAT-1', Command: { RequestType: 'RemoveProfile' } }), 'FORMAT-1');
      const r = await d.connect();
      assert.deepEqual(r.commands.map((c) => c.Status), ['Error', 'Error', 'Error', 'CommandFormatError']);
      for (const uuid of [bogus, mac, lost]) {
        const chain = server.results.get(uuid)?.ErrorChain as { ErrorCode: number; ErrorDomain: string }[];
        assert.equal(chain[0]?.ErrorDomain, 'MCMDMErrorDomain');
        assert.equal(chain[0]?.ErrorCode, 12021);
      }
      assert.equal(server.results.get(format)?.Status, 'CommandFormatError');
    });

    it('erases a Mac only with a six-digit PIN, acknowledges, then stops answering', async () => {
      fresh();
      const d = device({ kind: 'Mac' });
      await d.installEnrollmentProfile(ENROLL);
      server.queue(d.udid, 'EraseDevice', {});
      assert.deepEqual((await d.connect()).commands.map((c) => c.Status), ['CommandFormatError']);
      const uuid = server.queue(d.udid, 'EraseDevice', { PIN: '123456' });
      const r = await d.connect();
      assert.equal(r.end, 'erased');
      assert.equal(server.results.get(uuid)?.Status, 'Acknowledged');
      assert.equal(d.enrolled, false);
      assert.equal(d.state.erased, true);
      const before = server.reports.length;
      assert.equal((await d.connect()).end, 'erased');
      assert.equal(server.reports.length, before);
    });

    it('unenrolls on RemoveProfile of the MDM profile: CheckOut, managed profiles and apps gone', async () => {
      fresh();
      const d = device();
      await d.installEnrollmentProfile(ENROLL);
      server.queue(d.udid, 'InstallApplication', { iTunesStoreID: 361309726, ManagementFlags: 1 });
      server.queue(d.udid, 'InstallApplication', { Identifier: 'com.example.keeper', ManagementFlags: 4 });
      server.queue(d.udid, 'InstallProfile', { Payload: encodePlist({ PayloadType: 'Configuration', PayloadIdentifier: 'test.wifi', PayloadUUID: 'B0000000-0000-4000-8000-000000000001', PayloadVersion: 1, PayloadContent: [] }) });
      await d.connect();
      assert.equal(d.state.profiles.length, 2);
      server.queue(d.udid, 'RemoveProfile', { Identifier: 'test.fake.enrollment' });
      const r = await d.connect();
      assert.equal(r.end, 'unenrolled');
      assert.equal(d.enrolled, false);
      assert.equal(checkinsOf(d.udid).at(-1)?.dict.MessageType, 'CheckOut');
      assert.equal(d.state.profiles.length, 0);
      assert.ok(!d.state.apps.some((a) => a.Identifier === 'com.example.app361309726'));
      assert.ok(d.state.apps.some((a) => a.Identifier === 'com.example.keeper' && !a.managed));
    });

    it('unenrolls when the server answers 401, or 403 com.apple.unrecognized.device', async () => {
      for (const [status, body] of [[401, undefined], [403, encodePlist({ code: 'com.apple.unrecognized.device' })]] as const) {
        fresh();
        const d = device();
        await d.installEnrollmentProfile(ENROLL);
        server.connectStatus = status;
        server.connectBody = body;
        assert.equal((await d.connect()).end, 'unenrolled');
        assert.equal(d.enrolled, false);
      }
      fresh();
      const d = device();
      await d.installEnrollmentProfile(ENROLL);
      server.connectStatus = 403;
      assert.equal((await d.connect()).end, 'http-error');
      assert.equal(d.enrolled, true);
    });
  });

  describe('attacks', () => {
    it('sends unsigned, tampered, foreign-signed and replayed messages on request', async () => {
      fresh();
      const [a, b] = [device(), device()];
      await a.installEnrollmentProfile(ENROLL);
      await b.installEnrollmentProfile(ENROLL);
      await a.unsigned().connect();
      assert.equal(server.reports.at(-1)?.headers['mdm-signature'], undefined);
      await a.tamperSignature().connect();
      assert.equal(server.reports.at(-1)?.signature?.ok, false);
      await a.signWith(b).connect();
      const forged = server.reports.at(-1);
      assert.ok(forged?.signature?.ok === true);
      assert.deepEqual(forged.signature.signer, b.identity?.certificateDer);
      assert.equal(forged.dict.UDID, a.udid);
      await a.connect();
      const original = server.reports.at(-1);
      await a.replayLast();
      const replay = server.reports.at(-1);
      assert.deepEqual(replay?.body, original?.body);
      assert.equal(replay?.headers['mdm-signature'], original?.headers['mdm-signature']);
      const raw = await a.sendCheckin({ MessageType: 'Authenticate', Topic: 'com.apple.mgmt.other', UDID: b.udid });
      assert.equal(raw.status, 200);
      assert.equal(server.checkins.at(-1)?.dict.UDID, b.udid);
      await a.checkOut();
      assert.equal(server.checkins.at(-1)?.dict.MessageType, 'CheckOut');
      assert.equal(a.enrolled, false);
    });
  });

  describe('over real HTTPS', () => {
    let httpsServer: FakeMdmServer;
    let base: string;
    before(async () => {
      httpsServer = await FakeMdmServer.create({ https: true });
      const address = await httpsServer.app.listen({ host: '127.0.0.1', port: 0 });
      base = address.replace('https://127.0.0.1', 'https://localhost');
    });
    after(async () => { await httpsServer.app.close(); });

    it('enrolls and connects through node:https trusting only the given CA', async () => {
      const transport = httpsTransport({ ca: httpsServer.ca.certificatePem, maxSockets: 2 });
      try {
        const d = new SimulatedAppleDevice({ kind: 'iPad', transport, trust: httpsServer.ca.certificatePem });
        await d.installEnrollmentProfile(`${base}/enroll`);
        httpsServer.queue(d.udid, 'DeviceInformation', { Queries: ['UDID'] });
        const r = await d.connect();
        assert.deepEqual(r.commands.map((c) => c.Status), ['Acknowledged']);
        await assert.rejects(httpsTransport({ ca: (await createTestCa('Other')).certificatePem }).request('GET', `${base}/enroll`, {}), /self[- ]signed|unable to verify|certificate/i);
      } finally {
        transport.close?.();
      }
    });
  });
});
