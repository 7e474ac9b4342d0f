// Remote actions end to end in-process: Graph's POST …/managedDevices/{id}/<action> queues the right
// Apple command (decoded from the queue as the connect route will encode it), a device answering
// through answerConnect + appleResultHandler moves deviceActionResults on, and what a device cannot
// do is refused with nothing queued. Real stores on SQLite and PostgreSQL.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { testDialects } from '../../store/testing.js';
import type { Database } from '../../store/database.js';
import { bearer, testApp, tokenAuthenticator, type TestApp } from '../../../test/support/http.js';
import { aManagedDevice } from '../../../test/support/devices.js';
import { auditEventsFor } from '../../../test/support/directory.js';
import type { Authenticator, ResourceOperation } from '../../core/auth/principal.js';
import { answerConnect, type CommandReport } from '../../core/commands/answer-connect.js';
import type { CommandResult, QueuedCommand } from '../../core/commands/ports.js';
import type { ManagedDevice } from '../../core/devices/managed-device.js';
import type { AppleEnrollment } from '../../core/enrollment/ports.js';
import { appleCommandOf, commandReportOf } from '../../core/apple/command-json.js';
import { appleResultHandler } from '../../core/apple/result-handler.js';
import { createGroup } from '../../core/directory/save-group.js';
import { decodeCommandReport, encodeCommand } from '../../protocol/apple/connect.js';
import { parsePlistDict, type PlistDict } from '../../protocol/apple/plist.js';

const REMOTE_TASKS = ['RemoteLock', 'Wipe', 'Retire', 'ResetPasscode', 'RebootNow', 'ShutDown', 'SyncDevice', 'LocateDevice', 'EnableLostMode', 'DisableLostMode']
  .map((t) => `Microsoft.Intune_RemoteTasks_${t}` as ResourceOperation);
const admin = bearer(...REMOTE_TASKS, 'Microsoft.Intune_ManagedDevices_Read', 'Microsoft.Intune_ManagedDevices_Delete', 'Microsoft.Intune_Audit_Read');

/** `Bearer scoped:<ops>`: those operations on devices carrying scope tag 5 only. */
const scopedAuthenticator: Authenticator = {
  authenticate: async (token) => token.startsWith('scoped:')
    ? { kind: 'apiClient', id: 'scoped', displayName: 'scoped', name: 'scoped', grants: [{ allowed: new Set(token.slice(7).split(',') as ResourceOperation[]), scope: { kind: 'clauses', clauses: [{ groupIds: 'all', tagIds: ['5'] }] } }] }
    : tokenAuthenticator.authenticate(token),
};

const UNLOCK_TOKEN = Buffer.from('unlock-token-secret-bytes').toString('base64');

function answerFile(file: string, uuid: string): CommandReport {
  const r = commandReportOf(decodeCommandReport(readFileSync(new URL(`../../core/apple/testdata/${file}`, import.meta.url))));
  assert.notEqual(r, 'idle');
  return { ...(r as CommandReport), uuid };
}

/** The Command dictionary as the device will receive it. */
const onTheWire = (c: QueuedCommand): PlistDict => parsePlistDict(encodeCommand(appleCommandOf(c))).Command as PlistDict;

const ack: CommandResult = { status: 'acknowledged' };

for (const dialect of testDialects()) {
  describe(`remote actions through the Graph frame on ${dialect.name}`, () => {
    let database: Database;
    let t: TestApp;
    before(async () => {
      database = await dialect.open();
      t = await testApp(database, { authenticator: scopedAuthenticator });
    });
    after(async () => { await t.app.close(); await database.close(); });

    async function enrolledDevice(over: Partial<ManagedDevice> = {}, enrollment: Partial<AppleEnrollment> = {}): Promise<ManagedDevice> {
      const device = aManagedDevice({ osVersion: '18.1', ...over });
      await t.core.devices.put(device);
      await t.core.appleEnrollments.create({
        id: device.id, profileId: null, userId: null, ownership: 'company', platform: device.operatingSystem === 'macOS' ? 'macOS' : 'iOS',
        state: 'enrolled', udid: `udid-${device.id}`, serialNumber: null, enrollmentType: 'Device', identitySerial: null, topic: 'com.apple.mgmt.External.test',
        pushToken: 'ab', pushMagic: 'magic', unlockToken: null, bootstrapToken: null, awaitingConfiguration: false, createdAt: new Date().toISOString(),
        authenticatedAt: null, enrolledAt: new Date().toISOString(), lastSeenAt: null, unenrolledAt: null, ...enrollment,
      });
      return device;
    }

    const post = (id: string, action: string, payload?: object, headers = admin) =>
      t.app.inject({ method: 'POST', url: `/v1.0/deviceManagement/managedDevices/${id}/${action}`, headers, ...(payload ? { payload } : {}) });
    const pending = async (id: string) => (await t.core.commands.forEnrollment(id, { states: ['pending'] })).reverse();
    const getDevice = async (id: string, version = 'v1.0') => {
      const res = await t.app.inject({ url: `/${version}/deviceManagement/managedDevices/${id}`, headers: admin });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<Record<string, unknown> & { deviceActionResults: Record<string, unknown>[] }>();
    };
    const resultOf = async (id: string, actionName: string, version = 'v1.0') => (await getDevice(id, version)).deviceActionResults.find((r) => r.actionName === actionName);

    /** The device checks in and answers every command it is handed, as `answer` says, until none is left. */
    async function deviceRuns(id: string, answer: (c: QueuedCommand) => CommandReport | CommandResult = () => ack): Promise<QueuedCommand[]> {
      const deps = { queue: t.core.commands, clock: t.core.clock, results: appleResultHandler(t.core) };
      const ran: QueuedCommand[] = [];
      let next = (await answerConnect(deps, { enrollmentId: id, report: 'idle' })).next;
      while (next) {
        ran.push(next);
        const a = answer(next);
        const report: CommandReport = 'uuid' in a ? a : { uuid: next.uuid, result: a };
        const out = await answerConnect(deps, { enrollmentId: id, report });
        assert.equal(out.recorded, 'recorded');
        next = out.next;
      }
      return ran;
    }

    async function refused(id: string, action: string, payload: object | undefined, status: number, message: RegExp) {
      const before = (await t.core.commands.forEnrollment(id)).length;
      const res = await post(id, action, payload);
      assert.equal(res.statusCode, status, res.body);
      assert.match(res.json<{ error: { message: string } }>().error.message, message);
      assert.equal((await t.core.commands.forEnrollment(id)).length, before, `${action}: nothing queued`);
    }

    it('remoteLock queues DeviceLock with the lock screen message, and the answer marks it done', async () => {
      const phone = await enrolledDevice();
      const res = await post(phone.id, 'remoteLock', { message: 'Call IT', phoneNumber: '+1 555 0100' });
      assert.equal(res.statusCode, 204, res.body);
      const [lock, ...rest] = await pending(phone.id);
      assert.equal(rest.length, 0);
      assert.deepEqual(onTheWire(lock!), { RequestType: 'DeviceLock', Message: 'Call IT', PhoneNumber: '+1 555 0100' });
      const result = await resultOf(phone.id, 'remoteLock');
      assert.equal(result?.actionState, 'pending');
      assert.equal(result?.failureReason, null);
      assert.equal(result?.['@odata.type'], undefined, 'no PIN on iOS: a plain deviceActionResult');

      await deviceRuns(phone.id);
      const done = await resultOf(phone.id, 'remoteLock');
      assert.equal(done?.actionState, 'done');
      assert.ok(Date.parse(done?.lastUpdatedDateTime as string) >= Date.parse(done?.startDateTime as string));
      const events = await auditEventsFor(t.app, phone.id);
      assert.equal(events.at(-1)?.activity, 'remoteLock ManagedDevice');
      assert.equal(events.at(-1)?.category, 'Device');
      assert.equal(events.at(-1)?.activityOperationType, 'Action');
    });

    it('remoteLock on a Mac sends a 6-digit PIN and shows it as remoteLockActionResult.unlockPin, never in logs or the audit log', async () => {
      const mac = await enrolledDevice({ operatingSystem: 'macOS', osVersion: '15.1', model: 'MacBook Air' });
      assert.equal((await post(mac.id, 'remoteLock')).statusCode, 204);
      const [lock] = await pending(mac.id);
      const pin = onTheWire(lock!).PIN;
      assert.ok(typeof pin === 'string' && /^\d{6}$/.test(pin), 'a 6-digit PIN');
      const result = await resultOf(mac.id, 'remoteLock', 'beta');
      assert.equal(result?.['@odata.type'], '#microsoft.graph.remoteLockActionResult');
      assert.equal(result?.unlockPin, pin);
      assert.ok(!t.logs.join('').includes(`"${pin}"`), 'the PIN is not logged');
      assert.ok(!JSON.stringify(await auditEventsFor(t.app, mac.id)).includes(pin), 'the PIN is not audited');
    });

    it('wipe erases an iPhone keeping its eSIM plan; the answer marks it wipeIssued and ends the enrollment', async () => {
      const phone = await enrolledDevice();
      assert.equal((await post(phone.id, 'wipe', { keepEnrollmentData: false, keepUserData: false, persistEsimDataPlan: true, macOsUnlockCode: null })).statusCode, 204);
      const [erase] = await pending(phone.id);
      assert.deepEqual(onTheWire(erase!), { RequestType: 'EraseDevice', PreserveDataPlan: true });
      assert.equal((await getDevice(phone.id)).managementState, 'wipePending');
      await deviceRuns(phone.id);
      const device = await getDevice(phone.id);
      assert.equal(device.managementState, 'wipeIssued');
      assert.equal(device.deviceActionResults.find((r) => r.actionName === 'wipe')?.actionState, 'done');
      assert.equal((await t.core.appleEnrollments.get(phone.id))?.state, 'unenrolled');
      await refused(phone.id, 'remoteLock', undefined, 409, /not enrolled \(its enrollment is unenrolled\)/);
    });

    it('wipe on a Mac needs a 6-digit macOsUnlockCode, sent as the PIN; impossible options are refused', async () => {
      const mac = await enrolledDevice({ operatingSystem: 'macOS', osVersion: '15.1' });
      await refused(mac.id, 'wipe', {}, 400, /macOsUnlockCode is required/);
      await refused(mac.id, 'wipe', { macOsUnlockCode: '12ab56' }, 400, /6 digits/);
      await refused(mac.id, 'wipe', { macOsUnlockCode: '123456', keepUserData: true }, 400, /cannot keep user data/);
      await refused(mac.id, 'wipe', { macOsUnlockCode: '123456', keepEnrollmentData: true }, 400, /Return to Service/);
      await refused(mac.id, 'wipe', { macOsUnlockCode: '123456', colour: 'red' }, 400, /colour/);
      assert.equal((await post(mac.id, 'wipe', { macOsUnlockCode: '123456' })).statusCode, 204);
      const [erase] = await pending(mac.id);
      assert.deepEqual(onTheWire(erase!), { RequestType: 'EraseDevice', PIN: '123456' });
      assert.ok(!JSON.stringify(await auditEventsFor(t.app, mac.id)).includes('123456'), 'the unlock code is not audited');
      const phone = await enrolledDevice();
      await refused(phone.id, 'wipe', { macOsUnlockCode: '123456' }, 400, /Macs only/);
      const byod = await enrolledDevice({}, { enrollmentType: 'User' });
      await refused(byod.id, 'wipe', {}, 409, /User Enrollment/);
    });

    it('syncDevice queues the inventory commands; the answers fill the Graph properties, detectedApps and dynamic groups', async () => {
      const phone = await enrolledDevice({ deviceName: 'enrolling', model: null, isEncrypted: false, isSupervised: false, imei: null, lastSyncDateTime: '2026-01-01T00:00:00.000Z' });
      const group = await createGroup(t.core, {
        displayName: 'iPhone 15 Pro', mailNickname: 'iphone15pro', groupTypes: ['DynamicMembership'],
        membershipRule: '(device.deviceModel -eq "iPhone 15 Pro")', membershipRuleProcessingState: 'On',
      });
      assert.equal((await post(phone.id, 'syncDevice', {})).statusCode, 204);
      const queued = await pending(phone.id);
      assert.deepEqual(queued.map((c) => c.requestType), ['DeviceInformation', 'SecurityInfo', 'InstalledApplicationList', 'ManagedApplicationList', 'ProfileList', 'CertificateList']);
      assert.ok((onTheWire(queued[0]!).Queries as string[]).includes('IsMDMLostModeEnabled'));
      assert.equal(onTheWire(queued[2]!).ManagedAppsOnly, false);
      assert.ok(queued.every((c) => c.expiresAt !== undefined));
      assert.ok((await t.core.deviceInventory.get(phone.id))?.requestedAt, 'the inventory request is recorded');

      const files: Record<string, string> = {
        DeviceInformation: 'deviceinformation-iphone.plist', SecurityInfo: 'securityinfo-iphone.plist', InstalledApplicationList: 'installedapplicationlist.plist',
        ManagedApplicationList: 'managedapplicationlist.plist', ProfileList: 'profilelist.plist', CertificateList: 'certificatelist.plist',
      };
      const ran = await deviceRuns(phone.id, (c) => answerFile(files[c.requestType]!, c.uuid));
      assert.equal(ran.length, 6);
      const device = await getDevice(phone.id);
      assert.equal(device.deviceName, 'Jane’s iPhone');
      assert.equal(device.model, 'iPhone 15 Pro');
      assert.equal(device.manufacturer, 'Apple');
      assert.equal(device.osVersion, '18.1');
      assert.equal(device.imei, '35 291611 234567 8');
      assert.equal(device.phoneNumber, '+49 151 23456789');
      assert.equal(device.subscriberCarrier, 'Telekom');
      assert.equal(device.wiFiMacAddress, 'a4:83:e7:12:34:56');
      assert.equal(device.isSupervised, true);
      assert.equal(device.isEncrypted, true);
      assert.equal(device.jailBroken, phone.jailBroken, 'MDM cannot tell: jailBroken is left alone');
      assert.equal(device.totalStorageSpaceInBytes, 128e9);
      assert.equal(device.freeStorageSpaceInBytes, 73.408e9);
      assert.deepEqual(device.roleScopeTagIds, ['0']);
      assert.ok(Date.parse(device.lastSyncDateTime as string) > Date.parse('2026-01-02T00:00:00Z'));
      assert.equal(device.deviceActionResults.find((r) => r.actionName === 'syncDevice')?.actionState, 'done');
      assert.deepEqual(await t.core.groups.memberIds(group.id), [phone.id], 'the new model put the device in the dynamic group');

      const inventory = await t.core.deviceInventory.get(phone.id);
      assert.equal(inventory?.security?.passcodePresent, true);
      assert.equal(inventory?.hardware?.isMdmLostModeEnabled, false);
      assert.equal(inventory?.profiles?.length, 3);
      assert.equal(inventory?.certificates?.[0]?.commonName, 'Steward Device Identity');

      const apps = await t.app.inject({ url: `/beta/deviceManagement/managedDevices/${phone.id}/detectedApps?$top=2`, headers: admin });
      assert.equal(apps.statusCode, 200, apps.body);
      const page = apps.json<{ '@odata.context': string; '@odata.nextLink'?: string; value: Record<string, unknown>[] }>();
      assert.equal(page['@odata.context'], `https://mdm.example.test/beta/$metadata#deviceManagement/managedDevices('${phone.id}')/detectedApps`);
      assert.deepEqual(page.value.map((a) => [a.displayName, a.version, a.platform, a.deviceCount]), [['Expenses', '2.1', 'ios', 1], ['Notes Plus', '8', 'ios', 1]]);
      assert.match(String(page.value[0]?.id), /^[0-9a-f]{64}$/);
      assert.ok(page['@odata.nextLink']);
      const rest = await t.app.inject({ url: page['@odata.nextLink'].replace('https://mdm.example.test', ''), headers: admin });
      assert.deepEqual(rest.json<{ value: Record<string, unknown>[] }>().value.map((a) => [a.displayName, a.sizeInByte]), [['Outlook', 254410752 + 81920000]]);
    });

    it('retire removes the managed apps and profiles, then the enrollment profile; personal ones stay', async () => {
      const phone = await enrolledDevice();
      const now = new Date();
      const profiles = [
        { identifier: 'com.steward.mdm.enrollment', uuid: 'a', displayName: null, organization: null, isManaged: true, isEncrypted: false, removalDisallowed: false, payloadTypes: ['com.apple.mdm'] },
        { identifier: 'com.steward.wifi.corp', uuid: 'b', displayName: null, organization: null, isManaged: true, isEncrypted: false, removalDisallowed: false, payloadTypes: [] },
        { identifier: 'org.example.home.vpn', uuid: 'c', displayName: null, organization: null, isManaged: false, isEncrypted: false, removalDisallowed: false, payloadTypes: [] },
      ];
      await t.core.deviceInventory.apply(phone.id, 'apple', { kind: 'profiles', profiles }, now);
      await t.core.deviceInventory.apply(phone.id, 'apple', { kind: 'managedApps', apps: [{ identifier: 'com.example.expenses', status: 'Managed', managementFlags: 1 }, { identifier: 'com.example.gone', status: 'ManagedButUninstalled', managementFlags: 1 }] }, now);
      assert.equal((await post(phone.id, 'retire')).statusCode, 204);
      assert.deepEqual((await pending(phone.id)).map(onTheWire), [
        { RequestType: 'RemoveApplication', Identifier: 'com.example.expenses' },
        { RequestType: 'RemoveProfile', Identifier: 'com.steward.wifi.corp' },
        { RequestType: 'RemoveProfile', Identifier: 'com.steward.mdm.enrollment' },
      ]);
      assert.equal((await getDevice(phone.id)).managementState, 'retirePending');
      await deviceRuns(phone.id);
      const device = await getDevice(phone.id);
      assert.equal(device.managementState, 'retireIssued');
      assert.equal(device.deviceActionResults.find((r) => r.actionName === 'retire')?.actionState, 'done');
      assert.equal((await t.core.appleEnrollments.get(phone.id))?.state, 'unenrolled');
    });

    it('a failed command fails the action with the device\'s reason in words', async () => {
      const phone = await enrolledDevice({ isSupervised: true });
      assert.equal((await post(phone.id, 'locateDevice')).statusCode, 204, 'lost mode unknown yet: asked');
      await deviceRuns(phone.id, (c) => answerFile('error-lostmode.plist', c.uuid));
      const result = await resultOf(phone.id, 'locateDevice');
      assert.equal(result?.actionState, 'failed');
      assert.equal(result?.failureReason, 'DeviceLocation failed on the device: The device is not in lost mode. (MCMDMErrorDomain 12067).');
    });

    it('lost mode: enable, locate (the location is shown), disable; locating outside lost mode is refused', async () => {
      const phone = await enrolledDevice({ isSupervised: true });
      await t.core.deviceInventory.apply(phone.id, 'apple', { kind: 'hardware', facts: { isMdmLostModeEnabled: false } }, new Date());
      await refused(phone.id, 'locateDevice', undefined, 409, /not in lost mode/);
      await refused(phone.id, 'disableLostMode', undefined, 409, /not in lost mode/);
      await refused(phone.id, 'enableLostMode', {}, 400, /message or a phoneNumber/);
      assert.equal((await post(phone.id, 'enableLostMode', { message: 'Lost: please call', phoneNumber: '+1 555 0100', footer: 'Contoso IT' })).statusCode, 204);
      assert.deepEqual(onTheWire((await pending(phone.id))[0]!), { RequestType: 'EnableLostMode', Message: 'Lost: please call', PhoneNumber: '+1 555 0100', Footnote: 'Contoso IT' });
      await deviceRuns(phone.id);
      assert.equal((await t.core.deviceInventory.get(phone.id))?.hardware?.isMdmLostModeEnabled, true);

      assert.equal((await post(phone.id, 'locateDevice')).statusCode, 204);
      assert.deepEqual(onTheWire((await pending(phone.id))[0]!), { RequestType: 'DeviceLocation' });
      await deviceRuns(phone.id, (c) => answerFile('devicelocation.plist', c.uuid));
      const located = await resultOf(phone.id, 'locateDevice', 'beta');
      assert.equal(located?.actionState, 'done');
      assert.equal(located?.['@odata.type'], '#microsoft.graph.locateDeviceActionResult');
      assert.deepEqual(located?.deviceLocation, {
        latitude: 52.520008, longitude: 13.404954, altitude: 38.5, horizontalAccuracy: 12, verticalAccuracy: null, heading: null, speed: null,
        lastCollectedDateTime: '2026-05-02T10:15:30.000Z',
      });

      assert.equal((await post(phone.id, 'disableLostMode')).statusCode, 204);
      assert.deepEqual(onTheWire((await pending(phone.id))[0]!), { RequestType: 'DisableLostMode' });
      await deviceRuns(phone.id);
      assert.equal((await t.core.deviceInventory.get(phone.id))?.hardware?.isMdmLostModeEnabled, false);
    });

    it('resetPasscode sends ClearPasscode with the escrowed UnlockToken, and is refused without one or on a Mac', async () => {
      const phone = await enrolledDevice({}, { unlockToken: UNLOCK_TOKEN });
      assert.equal((await post(phone.id, 'resetPasscode')).statusCode, 204);
      const wire = onTheWire((await pending(phone.id))[0]!);
      assert.equal(wire.RequestType, 'ClearPasscode');
      assert.deepEqual(wire.UnlockToken, new Uint8Array(Buffer.from(UNLOCK_TOKEN, 'base64')));
      assert.ok(!t.logs.join('').includes(UNLOCK_TOKEN), 'the UnlockToken is not logged');
      assert.ok(!JSON.stringify(await auditEventsFor(t.app, phone.id)).includes(UNLOCK_TOKEN), 'nor audited');
      const noToken = await enrolledDevice();
      await refused(noToken.id, 'resetPasscode', undefined, 409, /no UnlockToken/);
      const mac = await enrolledDevice({ operatingSystem: 'macOS', osVersion: '15.1' }, { unlockToken: UNLOCK_TOKEN });
      await refused(mac.id, 'resetPasscode', undefined, 409, /not available on macOS/);
    });

    it('rebootNow and shutDown need a supervised iPhone; a Mac needs no supervision', async () => {
      const unsupervised = await enrolledDevice({ isSupervised: false });
      await refused(unsupervised.id, 'rebootNow', undefined, 409, /RestartDevice needs a supervised device/);
      await refused(unsupervised.id, 'shutDown', undefined, 409, /ShutDownDevice needs a supervised device/);
      await refused(unsupervised.id, 'locateDevice', undefined, 409, /supervised/);
      await refused(unsupervised.id, 'disableLostMode', undefined, 409, /supervised/);
      const supervised = await enrolledDevice({ isSupervised: true });
      assert.equal((await post(supervised.id, 'rebootNow')).statusCode, 204);
      assert.equal((await post(supervised.id, 'shutDown', {})).statusCode, 204);
      assert.deepEqual((await pending(supervised.id)).map(onTheWire), [{ RequestType: 'RestartDevice' }, { RequestType: 'ShutDownDevice' }]);
      assert.ok((await pending(supervised.id)).every((c) => c.expiresAt !== undefined && c.expiresAt.getTime() - Date.now() <= 24 * 3600_000), 'a restart not fetched within a day expires');
      const mac = await enrolledDevice({ operatingSystem: 'macOS', osVersion: '15.1', isSupervised: false });
      assert.equal((await post(mac.id, 'rebootNow')).statusCode, 204);
      await refused(mac.id, 'locateDevice', undefined, 409, /not available on macOS/);
    });

    it('refuses devices that cannot take commands, unknown parameters, missing rights and devices out of scope', async () => {
      const pendingEnrollment = await enrolledDevice({}, { state: 'authenticated' });
      await refused(pendingEnrollment.id, 'syncDevice', undefined, 409, /not enrolled \(its enrollment is authenticated\)/);
      const windows = aManagedDevice({ operatingSystem: 'Windows', osVersion: '10.0.22631' });
      await t.core.devices.put(windows);
      await refused(windows.id, 'remoteLock', undefined, 409, /no Windows MDM enrollment/);
      const orphan = aManagedDevice();
      await t.core.devices.put(orphan);
      await refused(orphan.id, 'rebootNow', undefined, 409, /no Apple MDM enrollment/);
      const phone = await enrolledDevice({ isSupervised: true });
      await refused(phone.id, 'rebootNow', { force: true }, 400, /force/);
      await refused(phone.id, 'remoteLock', { message: 42 }, 400, /message/);
      assert.equal((await post(randomUUID(), 'remoteLock')).statusCode, 404);

      const readOnly = await post(phone.id, 'remoteLock', undefined, bearer('Microsoft.Intune_ManagedDevices_Read'));
      assert.equal(readOnly.statusCode, 403);
      const scoped = { authorization: `Bearer scoped:Microsoft.Intune_RemoteTasks_RebootNow,Microsoft.Intune_ManagedDevices_Delete` };
      const outside = await post(phone.id, 'rebootNow', undefined, scoped);
      assert.equal(outside.statusCode, 404, 'out of scope answers as missing');
      assert.equal((await t.app.inject({ method: 'DELETE', url: `/v1.0/deviceManagement/managedDevices/${phone.id}`, headers: scoped })).statusCode, 404);
      assert.deepEqual(await pending(phone.id), []);
      await t.core.rbac.setObjectScopeTags('managedDevice', phone.id, ['5']);
      assert.equal((await post(phone.id, 'rebootNow', undefined, scoped)).statusCode, 204, 'in scope (tag 5): allowed');
      assert.equal((await pending(phone.id)).length, 1);
    });

    it('lists devices with their deviceActionResults, the latest of each action', async () => {
      const phone = await enrolledDevice({ deviceName: `listed-${randomUUID()}`, isSupervised: true });
      await post(phone.id, 'rebootNow');
      await deviceRuns(phone.id, () => ({ status: 'error', errorChain: [{ domain: 'MCMDMErrorDomain', code: 12000, description: 'Busy' }] }));
      await post(phone.id, 'rebootNow');
      await post(phone.id, 'remoteLock');
      const res = await t.app.inject({ url: `/v1.0/deviceManagement/managedDevices?$filter=${encodeURIComponent(`deviceName eq '${phone.deviceName}'`)}`, headers: admin });
      assert.equal(res.statusCode, 200, res.body);
      const [listed] = res.json<{ value: { deviceActionResults: Record<string, unknown>[] }[] }>().value;
      assert.deepEqual(listed?.deviceActionResults.map((r) => [r.actionName, r.actionState]), [['remoteLock', 'pending'], ['rebootNow', 'pending']]);
      const selected = await t.app.inject({ url: `/v1.0/deviceManagement/managedDevices?$select=id&$filter=${encodeURIComponent(`deviceName eq '${phone.deviceName}'`)}`, headers: admin });
      assert.deepEqual(Object.keys(selected.json<{ value: object[] }>().value[0] ?? {}), ['id']);
    });

    it('DELETE forgets the device, drops its queued commands and ends its enrollment', async () => {
      const phone = await enrolledDevice({ isSupervised: true });
      await post(phone.id, 'rebootNow');
      const [queued] = await pending(phone.id);
      const res = await t.app.inject({ method: 'DELETE', url: `/v1.0/deviceManagement/managedDevices/${phone.id}`, headers: admin });
      assert.equal(res.statusCode, 204, res.body);
      assert.equal((await t.app.inject({ url: `/v1.0/deviceManagement/managedDevices/${phone.id}`, headers: admin })).statusCode, 404);
      assert.equal((await t.core.commands.results(queued!.uuid))?.state, 'expired');
      assert.equal((await t.core.appleEnrollments.get(phone.id))?.state, 'unenrolled');
      assert.deepEqual(await t.core.deviceActions.forDevice(phone.id), []);
      const events = await auditEventsFor(t.app, phone.id);
      assert.equal(events.at(-1)?.activity, 'Delete ManagedDevice');
      assert.equal((await t.app.inject({ method: 'DELETE', url: `/v1.0/deviceManagement/managedDevices/${phone.id}`, headers: admin })).statusCode, 404);
    });
  });
}
