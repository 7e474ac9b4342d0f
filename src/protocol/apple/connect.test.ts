import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { ProtocolError } from './errors.js';
import { commandResponse, COMMAND_SUPPORTED_OS, decodeCommandReport, encodeCommand, REQUEST_TYPES, type RequestType } from './connect.js';
import { encodePlist } from './plist.js';

const sample = (name: string): Uint8Array => readFileSync(new URL(`./testdata/${name}`, import.meta.url));

function python(body: Uint8Array): unknown {
  const r = spawnSync('python3', ['-c', `
import plistlib, sys, json, base64
d = plistlib.loads(sys.stdin.buffer.read())
print(json.dumps(d, default=lambda b: base64.b64encode(b).decode()))
`], { input: body });
  assert.equal(r.status, 0, r.stderr.toString());
  return JSON.parse(r.stdout.toString()) as unknown;
}

describe('decodeCommandReport', () => {
  it('reads Idle, NotNow, Error and Acknowledged reports', () => {
    const idle = decodeCommandReport(sample('report-idle.plist'));
    assert.equal(idle.Status, 'Idle');
    assert.equal(idle.UDID, '00008120-001A2B3C4D5E6F70');

    const notNow = decodeCommandReport(sample('report-notnow.plist'));
    assert.ok(notNow.Status === 'NotNow');
    assert.equal(notNow.CommandUUID, '0001_InstalledApplicationList');

    const err = decodeCommandReport(sample('report-error.plist'));
    assert.ok(err.Status === 'Error');
    assert.deepEqual(err.ErrorChain, [{ ErrorCode: 12021, ErrorDomain: 'MCMDMErrorDomain', LocalizedDescription: 'Invalid unlock token.', USEnglishDescription: 'Invalid unlock token.' }]);

    const ack = decodeCommandReport(sample('report-deviceinformation.plist'));
    assert.ok(ack.Status === 'Acknowledged');
    const info = commandResponse(ack, 'DeviceInformation');
    assert.equal(info.QueryResponses.DeviceName, 'Jane & Co’s iPhone');
    assert.equal(info.QueryResponses.BatteryLevel, 0.82);
    assert.equal(info.QueryResponses.IsSupervised, true);
  });

  it('reads CommandFormatError without an ErrorChain', () => {
    const r = decodeCommandReport(encodePlist({ Status: 'CommandFormatError', CommandUUID: 'u1', UDID: 'd' }));
    assert.ok(r.Status === 'CommandFormatError');
    assert.deepEqual(r.ErrorChain, []);
  });

  it('refuses reports without Status, CommandUUID or identity, and unknown statuses', () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ UDID: 'd' }, 'missing-key', 'Status'],
      [{ Status: 'Acknowledged', UDID: 'd' }, 'missing-key', 'CommandUUID'],
      [{ Status: 'Idle' }, 'missing-key', 'UDID'],
      [{ Status: 'Done', UDID: 'd' }, 'invalid-value', 'Status'],
    ];
    for (const [dict, code, target] of cases) {
      assert.throws(() => decodeCommandReport(encodePlist(dict)), (e: unknown) => e instanceof ProtocolError && e.code === code && e.target === target, JSON.stringify(dict));
    }
  });

  it('checks response keys against the command it answers', () => {
    const ack = decodeCommandReport(encodePlist({ Status: 'Acknowledged', CommandUUID: 'u', UDID: 'd', InstalledApplicationList: 'nope' }));
    assert.throws(() => commandResponse(ack, 'InstalledApplicationList'), (e: unknown) => e instanceof ProtocolError && e.code === 'invalid-value');
  });
});

describe('encodeCommand', () => {
  it('writes Apple’s command plist, which Python plistlib reads', () => {
    const lock = encodeCommand({ commandUUID: 'c-1', requestType: 'DeviceLock', payload: { Message: 'Return to IT & call', PhoneNumber: '+1 555 0100', PIN: '123456' } });
    assert.deepEqual(python(lock), { CommandUUID: 'c-1', Command: { RequestType: 'DeviceLock', Message: 'Return to IT & call', PhoneNumber: '+1 555 0100', PIN: '123456' } });
    const profile = encodeCommand({ commandUUID: 'c-2', requestType: 'InstallProfile', payload: { Payload: new TextEncoder().encode('<plist/>') } });
    assert.deepEqual(python(profile), { CommandUUID: 'c-2', Command: { RequestType: 'InstallProfile', Payload: 'PHBsaXN0Lz4=' } });
    const info = encodeCommand({ commandUUID: 'c-3', requestType: 'DeviceInformation', payload: { Queries: ['UDID', 'DeviceName', 'OSVersion'] } });
    assert.deepEqual(python(info), { CommandUUID: 'c-3', Command: { RequestType: 'DeviceInformation', Queries: ['UDID', 'DeviceName', 'OSVersion'] } });
  });

  it('encodes the commands the issue needs', () => {
    const needed: RequestType[] = ['DeviceInformation', 'SecurityInfo', 'InstalledApplicationList', 'ProfileList', 'CertificateList', 'DeviceLock',
      'EraseDevice', 'ClearPasscode', 'RestartDevice', 'ShutDownDevice', 'InstallProfile', 'RemoveProfile', 'EnableLostMode', 'DisableLostMode', 'DeviceLocation'];
    for (const t of needed) assert.ok(REQUEST_TYPES.includes(t), t);
    assert.ok(encodeCommand({ commandUUID: 'u', requestType: 'RestartDevice', payload: {} }).length > 0);
    assert.ok(encodeCommand({ commandUUID: 'u', requestType: 'RemoveProfile', payload: { Identifier: 'com.example.wifi' } }).length > 0);
    assert.ok(encodeCommand({ commandUUID: 'u', requestType: 'ClearPasscode', payload: { UnlockToken: new Uint8Array([1, 2]) } }).length > 0);
  });

  it('refuses missing, unknown and wrongly typed payload keys', () => {
    const fails = (f: () => unknown, code: string, target: string): void => {
      assert.throws(f, (e: unknown) => e instanceof ProtocolError && e.code === code && e.target === target);
    };
    fails(() => encodeCommand({ commandUUID: 'u', requestType: 'RemoveProfile', payload: {} as never }), 'missing-key', 'RemoveProfile.Identifier');
    fails(() => encodeCommand({ commandUUID: 'u', requestType: 'DeviceLock', payload: { Mesage: 'typo' } as never }), 'unknown-key', 'DeviceLock.Mesage');
    fails(() => encodeCommand({ commandUUID: 'u', requestType: 'DeviceLock', payload: { Message: 5 } as never }), 'invalid-value', 'DeviceLock.Message');
    fails(() => encodeCommand({ commandUUID: 'u', requestType: 'Reboot' as RequestType, payload: {} }), 'unknown-request-type', 'RequestType');
    fails(() => encodeCommand({ commandUUID: 'u', requestType: 'DeviceInformation', payload: { Queries: [7] } as never }), 'invalid-value', 'DeviceInformation.Queries[0]');
    fails(() => encodeCommand({ commandUUID: 'u', requestType: 'EraseDevice', payload: { ObliterationBehavior: 'Sometimes' } }), 'invalid-value', 'EraseDevice.ObliterationBehavior');
  });

  it('knows where each command runs', () => {
    assert.equal(COMMAND_SUPPORTED_OS.DeviceLock.iOS?.accessRights, 'AllowPasscodeRemovalAndLock');
    assert.equal(COMMAND_SUPPORTED_OS.DeviceLock.tvOS, undefined);
    assert.equal(COMMAND_SUPPORTED_OS.EnableLostMode.iOS?.supervised, true);
    assert.equal(COMMAND_SUPPORTED_OS.EnableLostMode.macOS, undefined);
  });
});

describe('Settings items', () => {
  it('are each checked against the alternative their Item names', () => {
    const ok = encodeCommand({ commandUUID: 'u', requestType: 'Settings', payload: { Settings: [{ Item: 'DeviceName', DeviceName: 'Front desk' }, { Item: 'DataRoaming', Enabled: false }] } as never });
    assert.ok(ok.length > 0);
    assert.throws(() => encodeCommand({ commandUUID: 'u', requestType: 'Settings', payload: { Settings: [{ Item: 'DeviceName' }] } as never }), /DeviceName/);
    assert.throws(() => encodeCommand({ commandUUID: 'u', requestType: 'Settings', payload: { Settings: [{ Item: 'NoSuchSetting' }] } as never }));
  });
});
