// Every command Apple's schema lists, answered by a simulated iPhone, iPad and Mac without any
// server: the answer is Acknowledged with a response that passes Apple's response table
// (unknown keys and out-of-range values refused), or an Error whose reason the schema gives.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { COMMAND_SUPPORTED_OS, REQUEST_TYPES, type RequestType } from '../../src/protocol/apple/connect.js';
import { COMMAND_REQUEST_KEYS, COMMAND_RESPONSE_KEYS } from '../../src/protocol/apple/generated/commands.generated.js';
import { validateKeys } from '../../src/protocol/apple/key-spec.js';
import { encodePlist, type PlistDict } from '../../src/protocol/apple/plist.js';
import { answerCommand, minimalResponse } from './answer-command.js';
import { DEVICE_QUERIES } from './device-queries.generated.js';
import { initialState, type DeviceState } from './device-state.js';
import { ALL_ACCESS_RIGHTS } from './enrollment-profile.js';
import { makeHardware, type DeviceKind } from './hardware.js';
import { selfSignedIdentity, simpleName } from './x509.js';

async function enrolledState(kind: DeviceKind, o: { supervised?: boolean; accessRights?: number; userEnrollment?: boolean } = {}): Promise<DeviceState> {
  const s = initialState(makeHardware(kind), { supervised: o.supervised ?? true, passcodePresent: true, enrolledViaDEP: true });
  s.enrollment = {
    mdm: {
      ServerURL: 'https://mdm.example/connect', CheckInURL: 'https://mdm.example/checkin', Topic: 'com.apple.mgmt.External.x',
      IdentityCertificateUUID: randomUUID(), SignMessage: true, AccessRights: o.accessRights ?? ALL_ACCESS_RIGHTS, CheckOutWhenRemoved: true,
      ServerCapabilities: [], UseDevelopmentAPNS: false, userEnrollment: o.userEnrollment === true,
      payload: { PayloadType: 'com.apple.mdm', PayloadIdentifier: 'x.mdm', PayloadUUID: randomUUID(), PayloadVersion: 1, dict: {} },
    },
    profileIdentifier: 'x.enrollment',
    identity: await selfSignedIdentity(simpleName([['CN', 'identity']]), 1024),
    pushToken: new Uint8Array(32), pushMagic: 'magic', unlockToken: new Uint8Array([1, 2, 3]),
  };
  return s;
}

/** A valid request for each command: Apple's required keys, plus what a device needs besides. */
function request(rt: RequestType, s: DeviceState): PlistDict {
  const base = minimalResponse(COMMAND_REQUEST_KEYS[rt]);
  const mac = s.hardware.platform === 'macOS';
  switch (rt) {
    case 'DeviceInformation': return { Queries: Object.keys(DEVICE_QUERIES) };
    case 'DeviceLock': case 'EraseDevice': return mac ? { PIN: '123456' } : {};
    case 'ClearPasscode': return { UnlockToken: new Uint8Array([1, 2, 3]) };
    case 'EnableLostMode': return { Message: 'Please return', PhoneNumber: '+1 555 0100' };
    case 'InstallProfile': return { Payload: encodePlist({ PayloadType: 'Configuration', PayloadIdentifier: 'x.profile', PayloadUUID: randomUUID(), PayloadVersion: 1, PayloadContent: [] }) };
    case 'InstallApplication': return { iTunesStoreID: 361309726 };
    case 'ScheduleOSUpdate': return { Updates: [{ ProductKey: 'macOSUpdate15.2', InstallAction: 'Default' }] };
    case 'Settings': return { Settings: [{ Item: 'DeviceName', DeviceName: 'Renamed' }, { Item: 'DataRoaming', Enabled: true }] };
    case 'InstalledApplicationList': return { ManagedAppsOnly: false };
    default: return base;
  }
}

for (const kind of ['iPhone', 'iPad', 'Mac'] as const) {
  describe(`answers on a supervised ${kind}`, () => {
    const platform = kind === 'Mac' ? 'macOS' : 'iOS';
    for (const rt of REQUEST_TYPES) {
      const os = COMMAND_SUPPORTED_OS[rt][platform];
      it(`${rt}: ${os === undefined ? `Error 12021 (not on ${platform})` : 'a response Apple\'s schema accepts'}`, async () => {
        const s = await enrolledState(kind);
        // Lost mode commands need the device lost first; RemoveProfile, RemoveApplication something to remove.
        if (rt === 'DeviceLocation' || rt === 'PlayLostModeSound') await answerCommand(s, { RequestType: 'EnableLostMode', Message: 'lost' }, 'device');
        const req: PlistDict = { RequestType: rt, ...request(rt, s) };
        if (rt === 'RemoveApplication') {
          await answerCommand(s, { RequestType: 'InstallApplication', Identifier: 'com.example.x' }, 'device');
          req.Identifier = 'com.example.x';
        }
        if (rt === 'RemoveProfile') {
          await answerCommand(s, { RequestType: 'InstallProfile', ...request('InstallProfile', s) }, 'device');
          req.Identifier = 'x.profile';
        }
        const channel = os !== undefined && os.deviceChannel === false ? 'user' : 'device';
        const out = await answerCommand(s, req, channel);
        if (os === undefined) {
          assert.equal(out.Status, 'Error');
          assert.equal(out.Status === 'Error' ? out.ErrorChain[0]?.ErrorCode : 0, 12021);
          return;
        }
        assert.equal(out.Status, 'Acknowledged', JSON.stringify(out));
        if (out.Status === 'Acknowledged') validateKeys(out.response, COMMAND_RESPONSE_KEYS[rt], rt, { rejectUnknown: true });
      });
    }
  });
}

describe('answers that depend on the device', () => {
  it('DeviceInformation leaves out what AccessRights, the OS or a user enrollment withhold', async () => {
    const queries = ['UDID', 'SerialNumber', 'WiFiMAC', 'IMEI', 'OSVersion', 'SystemIntegrityProtectionEnabled', 'NoSuchQuery'];
    const ask = async (s: DeviceState) => {
      const out = await answerCommand(s, { RequestType: 'DeviceInformation', Queries: queries }, 'device');
      assert.equal(out.Status, 'Acknowledged');
      return Object.keys((out.Status === 'Acknowledged' ? out.response.QueryResponses : {}) as PlistDict).sort();
    };
    assert.deepEqual(await ask(await enrolledState('iPhone')), ['IMEI', 'OSVersion', 'SerialNumber', 'UDID', 'WiFiMAC']);
    assert.deepEqual(await ask(await enrolledState('iPhone', { accessRights: 1 })), ['UDID']);
    assert.deepEqual(await ask(await enrolledState('Mac')), ['OSVersion', 'SerialNumber', 'SystemIntegrityProtectionEnabled', 'UDID', 'WiFiMAC']);
    assert.deepEqual(await ask(await enrolledState('iPhone', { userEnrollment: true })), ['OSVersion']);
  });

  it('refuses supervised-only commands on an unsupervised iPhone and commands the AccessRights do not grant', async () => {
    for (const [s, rt] of [
      [await enrolledState('iPhone', { supervised: false }), 'EnableLostMode'],
      [await enrolledState('iPhone', { supervised: false }), 'RestartDevice'],
      [await enrolledState('iPhone', { accessRights: 1 }), 'EraseDevice'],
      [await enrolledState('iPhone', { userEnrollment: true }), 'EraseDevice'],
    ] as const) {
      const out = await answerCommand(s, { RequestType: rt, Message: 'x' }, 'device');
      assert.equal(out.Status, 'Error', rt);
    }
  });

  it('clears the passcode only with the unlock token the device sent', async () => {
    const s = await enrolledState('iPhone');
    assert.equal((await answerCommand(s, { RequestType: 'ClearPasscode', UnlockToken: new Uint8Array([9]) }, 'device')).Status, 'Error');
    assert.equal(s.passcodePresent, true);
    assert.equal((await answerCommand(s, { RequestType: 'ClearPasscode', UnlockToken: new Uint8Array([1, 2, 3]) }, 'device')).Status, 'Acknowledged');
    assert.equal(s.passcodePresent, false);
  });

  it('locks a Mac only with a six-digit PIN, and keeps the lock screen message', async () => {
    const s = await enrolledState('Mac');
    assert.equal((await answerCommand(s, { RequestType: 'DeviceLock' }, 'device')).Status, 'CommandFormatError');
    assert.equal((await answerCommand(s, { RequestType: 'DeviceLock', PIN: '12345' }, 'device')).Status, 'CommandFormatError');
    assert.equal((await answerCommand(s, { RequestType: 'DeviceLock', PIN: '123456', Message: 'Locked by IT' }, 'device')).Status, 'Acknowledged');
    assert.deepEqual([s.locked, s.lastLock?.Message, s.lastLock?.PIN], [true, 'Locked by IT', '123456']);
  });

  it('needs Lost Mode for DeviceLocation and a message or phone number to enable it', async () => {
    const s = await enrolledState('iPhone');
    assert.equal((await answerCommand(s, { RequestType: 'DeviceLocation' }, 'device')).Status, 'Error');
    assert.equal((await answerCommand(s, { RequestType: 'EnableLostMode' }, 'device')).Status, 'CommandFormatError');
    assert.equal((await answerCommand(s, { RequestType: 'EnableLostMode', PhoneNumber: '+1 555 0100' }, 'device')).Status, 'Acknowledged');
    assert.equal((await answerCommand(s, { RequestType: 'DeviceLocation' }, 'device')).Status, 'Acknowledged');
    assert.equal((await answerCommand(s, { RequestType: 'DisableLostMode' }, 'device')).Status, 'Acknowledged');
    assert.equal(s.lostMode, undefined);
  });

  it('refuses to remove a profile MDM did not install, and a second MDM payload', async () => {
    const s = await enrolledState('iPhone');
    const profile = { PayloadType: 'Configuration', PayloadIdentifier: 'user.own', PayloadUUID: randomUUID(), PayloadVersion: 1, PayloadContent: [] };
    s.profiles.push({ profile: { ...profile, PayloadRemovalDisallowed: false, HasRemovalPasscode: false, IsEncrypted: false, payloads: [], signerCertificates: [], verified: false }, source: 'user', installedAt: new Date() });
    const removal = await answerCommand(s, { RequestType: 'RemoveProfile', Identifier: 'user.own' }, 'device');
    assert.equal(removal.Status === 'Error' ? removal.ErrorChain[0]?.ErrorDomain : '', 'MCProfileErrorDomain');
    const second = encodePlist({ ...profile, PayloadIdentifier: 'second', PayloadContent: [{ PayloadType: 'com.apple.mdm', PayloadIdentifier: 'm', PayloadUUID: randomUUID(), PayloadVersion: 1 }] });
    assert.equal((await answerCommand(s, { RequestType: 'InstallProfile', Payload: second }, 'device')).Status, 'Error');
    assert.equal((await answerCommand(s, { RequestType: 'InstallProfile', Payload: new TextEncoder().encode('not a plist') }, 'device')).Status, 'Error');
  });
});
