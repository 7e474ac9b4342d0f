// Apple's inventory answers (testdata/, written as Apple documents them) mapped to Graph's
// managedDevice properties and the device inventory: pure functions, no database.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeCommandReport, encodeCommand } from '../../protocol/apple/connect.js';
import { parsePlistDict } from '../../protocol/apple/plist.js';
import type { CommandReport } from '../commands/answer-connect.js';
import type { JsonValue, QueuedCommand } from '../commands/ports.js';
import { appleCommandOf, commandReportOf, jsonToPlist, plistToJson } from './command-json.js';
import { deviceFieldsFromInformation, hardwareFactsFromInformation, queryResponsesOf } from './device-information.js';
import { isEncryptedFrom, securityFacts, securityInfoOf } from './security-info.js';
import { installedApps, managedApps } from './installed-apps.js';
import { installedProfiles } from './profile-list.js';
import { installedCertificates } from './certificate-list.js';
import { deviceLocation } from './device-location.js';
import { modelOf } from './model-names.js';
import { appleCommand } from './checked-command.js';
import { INVENTORY_COMMANDS, inventoryCommandsFor } from './inventory-commands.js';
import { compareVersions, unsupportedReason } from './command-support.js';

function answer(file: string): CommandReport {
  const r = commandReportOf(decodeCommandReport(readFileSync(new URL(`./testdata/${file}`, import.meta.url))));
  assert.notEqual(r, 'idle');
  return r as CommandReport;
}
const responseOf = (file: string): JsonValue | undefined => {
  const r = answer(file).result;
  return r.status === 'acknowledged' ? r.response : undefined;
};

describe('DeviceInformation', () => {
  it('fills the managedDevice properties of an iPhone, data-preferred SIM first', () => {
    const q = queryResponsesOf(responseOf('deviceinformation-iphone.plist'));
    assert.ok(q);
    assert.deepEqual(deviceFieldsFromInformation(q, 'iOS'), {
      deviceName: 'Jane’s iPhone',
      osVersion: '18.1',
      model: 'iPhone 15 Pro',
      manufacturer: 'Apple',
      serialNumber: 'F2LXK0ABCDEF',
      udid: '00008130-001A2B3C4D5E6F70',
      imei: '35 291611 234567 8',
      meid: '35291611234567',
      phoneNumber: '+49 151 23456789',
      subscriberCarrier: 'Telekom',
      wiFiMacAddress: 'a4:83:e7:12:34:56',
      isSupervised: true,
      // DeviceCapacity and AvailableDeviceCapacity are base-10 gigabytes.
      totalStorageSpaceInBytes: 128_000_000_000,
      freeStorageSpaceInBytes: 73_408_000_000,
    });
    assert.deepEqual(hardwareFactsFromInformation(q), {
      productName: 'iPhone16,1', modelName: 'iPhone', modelNumber: 'MTUW3ZD/A', buildVersion: '22B83', iccid: '8949 0200 0012 3456 789',
      bluetoothMac: 'a4:83:e7:12:34:57', batteryLevel: 0.81, isActivationLockEnabled: true, isDeviceLocatorServiceEnabled: true,
      isMdmLostModeEnabled: false, isMultiUser: false, isCloudBackupEnabled: false, timeZone: 'Europe/Berlin',
    });
  });

  it('fills a Mac\'s, named by its ModelName', () => {
    const q = queryResponsesOf(responseOf('deviceinformation-mac.plist'));
    assert.ok(q);
    const fields = deviceFieldsFromInformation(q, 'macOS');
    assert.equal(fields.model, 'MacBook Air');
    assert.equal(fields.ethernetMacAddress, '3c:22:fb:00:11:22');
    assert.equal(fields.totalStorageSpaceInBytes, 494_380_000_000);
    assert.equal(fields.imei, undefined, 'no cellular keys: nothing changes');
    const facts = hardwareFactsFromInformation(q);
    assert.equal(facts.isAppleSilicon, true);
    assert.equal(facts.pinRequiredForDeviceLock, false);
  });

  it('leaves out what the device left out, and ignores values of the wrong type', () => {
    assert.deepEqual(deviceFieldsFromInformation({ OSVersion: '17.5', IsSupervised: 'yes', DeviceCapacity: -1 }, 'iOS'), { osVersion: '17.5' });
    assert.equal(queryResponsesOf({ Nothing: 1 }), undefined);
  });

  it('names devices as Intune does, and falls back for codes it does not know', () => {
    assert.equal(modelOf({ productName: 'iPad14,1', modelName: 'iPad', isMac: false }), 'iPad mini (6th generation)');
    assert.equal(modelOf({ productName: 'iPhone99,1', modelName: 'iPhone', isMac: false }), 'iPhone99,1');
    assert.equal(modelOf({ modelName: 'iPhone', isMac: false }), 'iPhone');
    assert.equal(modelOf({ productName: 'Mac15,3', modelName: 'MacBook Pro', isMac: true }), 'MacBook Pro');
  });
});

describe('SecurityInfo', () => {
  it('says an iPhone is encrypted when Data Protection is on: both encryption capabilities and a passcode', () => {
    const s = securityInfoOf(responseOf('securityinfo-iphone.plist'));
    assert.ok(s);
    const facts = securityFacts(s);
    assert.equal(facts.dataProtectionEnabled, true);
    assert.equal(facts.passcodePresent, true);
    assert.equal(facts.passcodeCompliant, true);
    assert.equal(facts.enrolledViaDep, true);
    assert.equal(facts.fileVaultEnabled, null, 'unknown, not false');
    assert.equal(isEncryptedFrom(facts, 'iOS'), true);
    assert.equal(isEncryptedFrom(securityFacts({ ...s, PasscodePresent: false }), 'iOS'), false, 'no passcode: no Data Protection');
    assert.equal(isEncryptedFrom(securityFacts({ ...s, HardwareEncryptionCaps: 1 }), 'iPadOS'), false);
    assert.equal(isEncryptedFrom(securityFacts({}), 'iOS'), undefined, 'nothing said: isEncrypted keeps its value');
  });

  it('says a Mac is encrypted when FileVault is on, and keeps firewall and SIP for compliance', () => {
    const s = securityInfoOf(responseOf('securityinfo-mac.plist'));
    assert.ok(s);
    const facts = securityFacts(s);
    assert.equal(isEncryptedFrom(facts, 'macOS'), true);
    assert.equal(facts.firewallEnabled, true);
    assert.equal(facts.firewallStealthMode, true);
    assert.equal(facts.firewallBlockAllIncoming, false);
    assert.equal(facts.systemIntegrityProtectionEnabled, true);
    assert.equal(facts.secureBootLevel, 'full');
    assert.equal(facts.fileVaultHasPersonalRecoveryKey, true);
    assert.equal(isEncryptedFrom({ ...facts, fileVaultEnabled: false }, 'macOS'), false);
  });
});

describe('app, profile and certificate lists', () => {
  it('lists installed apps with the version people see, the build and bundle plus data size', () => {
    assert.deepEqual(installedApps(responseOf('installedapplicationlist.plist')), [
      { identifier: 'com.microsoft.Office.Outlook', displayName: 'Outlook', version: '4.2445.0', buildVersion: '4.2445.0.100', sizeInBytes: 254410752 + 81920000 },
      { identifier: 'com.example.expenses', displayName: 'Expenses', version: '2.1', buildVersion: '57', sizeInBytes: 45056000 },
      { identifier: 'com.example.notes', displayName: 'Notes Plus', version: '8', buildVersion: '8', sizeInBytes: 12000000 },
    ]);
    assert.equal(installedApps({}), undefined);
  });

  it('lists managed apps with their state', () => {
    assert.deepEqual(managedApps(responseOf('managedapplicationlist.plist')), [
      { identifier: 'com.example.expenses', status: 'Managed', managementFlags: 1 },
      { identifier: 'com.example.gone', status: 'ManagedButUninstalled', managementFlags: 1 },
    ]);
  });

  it('lists profiles, which this server manages and what they carry', () => {
    const profiles = installedProfiles(responseOf('profilelist.plist'));
    assert.deepEqual(profiles?.map((p) => [p.identifier, p.isManaged, p.payloadTypes]), [
      ['com.steward.mdm.enrollment', true, ['com.apple.mdm', 'com.apple.security.scep']],
      ['com.steward.wifi.corp', true, ['com.apple.wifi.managed']],
      ['org.example.home.vpn', false, []],
    ]);
    assert.equal(profiles?.[0]?.organization, 'Contoso');
  });

  it('describes certificates without keeping them, and keeps what the device said of one it cannot read', () => {
    const certs = installedCertificates(responseOf('certificatelist.plist'));
    assert.deepEqual(certs, [
      {
        commonName: 'Steward Device Identity', isIdentity: true, subject: 'CN=Steward Device Identity, O=Contoso', issuer: 'CN=Steward Device Identity, O=Contoso',
        serialNumber: '1a2b3c', notBefore: '2026-11-24T23:24:05.000Z', notAfter: '2036-11-21T23:24:05.000Z',
        sha256Fingerprint: '43:51:4D:47:89:15:C5:D1:5B:EF:4E:8F:D5:31:4C:05:35:A5:E7:1F:46:AD:F4:3C:5D:4A:2C:EF:CE:41:D7:9A',
      },
      { commonName: 'Unreadable', isIdentity: false, subject: null, issuer: null, serialNumber: null, notBefore: null, notAfter: null, sha256Fingerprint: null },
    ]);
  });

  it('reads a location, unknown accuracy, speed and course as null', () => {
    assert.deepEqual(deviceLocation(responseOf('devicelocation.plist'), new Date(0)), {
      latitude: 52.520008, longitude: 13.404954, altitude: 38.5, horizontalAccuracy: 12, verticalAccuracy: null, heading: null, speed: null,
      lastCollectedDateTime: '2026-05-02T10:15:30.000Z',
    });
  });
});

describe('commands as the queue stores them', () => {
  it('turns an Error report into an ErrorChain in English', () => {
    assert.deepEqual(answer('error-lostmode.plist').result, {
      status: 'error',
      errorChain: [{ domain: 'MCMDMErrorDomain', code: 12067, description: 'The device is not in lost mode.' }],
      response: {},
    });
  });

  it('round-trips data, dates and big integers through JSON', () => {
    const plist = { UnlockToken: new Uint8Array([1, 2, 3]), When: new Date('2026-01-01T00:00:00.000Z'), Big: 2n ** 60n, List: ['a', 1, true] };
    const json = plistToJson(plist);
    assert.deepEqual(JSON.parse(JSON.stringify(json)), { UnlockToken: { $data: 'AQID' }, When: { $date: '2026-01-01T00:00:00.000Z' }, Big: { $int: '1152921504606846976' }, List: ['a', 1, true] });
    assert.deepEqual(jsonToPlist(json), plist);
  });

  it('encodes a queued command as Apple\'s plist, data as <data>', () => {
    const queued = { uuid: 'u-1', platform: 'apple', requestType: 'ClearPasscode', payload: { UnlockToken: { $data: 'AQID' } } } as unknown as QueuedCommand;
    const plist = parsePlistDict(encodeCommand(appleCommandOf(queued)));
    assert.deepEqual(plist, { CommandUUID: 'u-1', Command: { RequestType: 'ClearPasscode', UnlockToken: new Uint8Array([1, 2, 3]) } });
  });

  it('refuses to build a command Apple\'s tables refuse', () => {
    assert.throws(() => appleCommand('DeviceLock', { Pin: '123456' }), /DeviceLock.*Pin/);
    assert.throws(() => appleCommand('DeviceInformation', { Queries: ['OSVersion', 'FavouriteColour'] }), /FavouriteColour/);
    assert.throws(() => appleCommand('EraseDevice', { ObliterationBehavior: 'Sometimes' }), /ObliterationBehavior/);
  });

  it('queues six inventory commands that encode, fewer for a device that cannot run them all', () => {
    assert.deepEqual(INVENTORY_COMMANDS.map((c) => c.requestType), ['DeviceInformation', 'SecurityInfo', 'InstalledApplicationList', 'ManagedApplicationList', 'ProfileList', 'CertificateList']);
    const mac = { operatingSystem: 'macOS', osVersion: '15.1', isSupervised: false };
    assert.equal(inventoryCommandsFor(mac, { enrollmentType: 'Device' }, 'syncDevice', new Date()).length, 6);
    assert.deepEqual(inventoryCommandsFor(mac, { enrollmentType: 'User' }, 'syncDevice', new Date()).map((c) => c.requestType),
      ['DeviceInformation', 'SecurityInfo', 'ManagedApplicationList', 'ProfileList', 'CertificateList'], 'a Mac User Enrollment cannot list every app');
  });

  it('says why a device cannot run a command, from Apple\'s support table', () => {
    const iphone = { operatingSystem: 'iOS', osVersion: '18.1', isSupervised: false };
    assert.match(unsupportedReason('ShutDownDevice', iphone, { enrollmentType: 'Device' }) ?? '', /supervised/);
    assert.equal(unsupportedReason('ShutDownDevice', { ...iphone, isSupervised: true }, { enrollmentType: 'Device' }), undefined);
    assert.match(unsupportedReason('ClearPasscode', { operatingSystem: 'macOS', osVersion: '15.0', isSupervised: true }, { enrollmentType: 'Device' }) ?? '', /not available on macOS/);
    assert.match(unsupportedReason('EraseDevice', iphone, { enrollmentType: 'User' }) ?? '', /User Enrollment/);
    assert.match(unsupportedReason('RestartDevice', { ...iphone, osVersion: '10.2', isSupervised: true }, { enrollmentType: 'Device' }) ?? '', /10\.3 or later/);
    assert.ok(compareVersions('17.10', '17.4') > 0);
    assert.equal(compareVersions('18', '18.0.0'), 0);
  });
});
