import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatedIosSettings } from '../compliance/evaluate-ios.js';
import { evaluatedMacOSSettings } from '../compliance/evaluate-macos.js';
import { evaluatedWindowsSettings } from '../compliance/evaluate-windows.js';
import { checkInFix, howToFix, WORDED_SETTINGS, type FixContext } from './how-to-fix.js';

const failing = (settingName: string, currentValue: string | null = null) => ({ settingName, state: 'nonCompliant' as const, currentValue });
const ios = (settings: Record<string, unknown> = {}, operatingSystem = 'iOS'): FixContext => ({ policyType: 'iosCompliancePolicy', policySettings: settings, operatingSystem });
const mac = (settings: Record<string, unknown> = {}): FixContext => ({ policyType: 'macOSCompliancePolicy', policySettings: settings, operatingSystem: 'macOS' });
const windows = (settings: Record<string, unknown> = {}): FixContext => ({ policyType: 'windows10CompliancePolicy', policySettings: settings, operatingSystem: 'Windows' });

describe('what to fix, in plain words', () => {
  it('names the required version and where to update, per platform and OS name', () => {
    assert.equal(howToFix(ios({ osMinimumVersion: '17.0' }), failing('osMinimumVersion', '16.7')), 'Update iOS to 17.0 or later: Settings > General > Software Update.');
    assert.equal(howToFix(ios({ osMinimumVersion: '17.0' }, 'iPadOS'), failing('osMinimumVersion')), 'Update iPadOS to 17.0 or later: Settings > General > Software Update.');
    assert.equal(howToFix(mac({ osMinimumVersion: '15.0' }), failing('osMinimumVersion')), 'Update macOS to 15.0 or later: System Settings > General > Software Update.');
    assert.equal(howToFix(windows({ osMinimumVersion: '10.0.22631' }), failing('osMinimumVersion')), 'Update Windows to 10.0.22631 or later: Settings > Windows Update.');
    assert.match(howToFix(ios({ osMaximumVersion: '17.9' }), failing('osMaximumVersion', '18.1'))!, /^iOS 18\.1 is newer than your organization allows \(at most 17\.9\)/);
  });

  it('names the passcode length and where passcodes are set', () => {
    assert.equal(howToFix(ios({ passcodeMinimumLength: 6 }), failing('passcodeMinimumLength')), 'Set a passcode of at least 6 characters: Settings > Face ID & Passcode (or Touch ID & Passcode).');
    assert.equal(howToFix(ios({ passcodeRequired: true }), failing('passcodeRequired', 'false')), 'Set a passcode: Settings > Face ID & Passcode (or Touch ID & Passcode).');
  });

  it('tells a Mac to turn on FileVault and a PC BitLocker for the same storageRequireEncryption setting', () => {
    assert.match(howToFix(mac({ storageRequireEncryption: true }), failing('storageRequireEncryption', 'false'))!, /FileVault/);
    assert.match(howToFix(windows({ storageRequireEncryption: true }), failing('storageRequireEncryption', 'false'))!, /BitLocker/);
  });

  it('has its own words for every setting Steward evaluates', () => {
    for (const name of [...evaluatedIosSettings, ...evaluatedMacOSSettings, ...evaluatedWindowsSettings]) {
      assert.ok(WORDED_SETTINGS.includes(name), `${name} has no wording`);
    }
  });

  it('says nothing for compliant and not applicable settings, waits for unknown ones, and falls back to the setting in words', () => {
    assert.equal(howToFix(ios(), { settingName: 'passcodeRequired', state: 'compliant', currentValue: 'true' }), undefined);
    assert.equal(howToFix(ios(), { settingName: 'passcodeMinimumLength', state: 'notApplicable', currentValue: null }), undefined);
    assert.match(howToFix(ios(), { settingName: 'passcodeRequired', state: 'unknown', currentValue: null })!, /Waiting for the device to report/);
    assert.equal(howToFix(ios(), failing('someFutureSetting')), 'Your device does not meet your organization\'s requirement "some future setting". Contact your IT department.');
  });

  it('explains a device that has not checked in', () => {
    assert.equal(checkInFix(30), 'This device has not checked in for more than 30 days: turn it on, unlock it and connect it to the internet.');
    assert.match(checkInFix(1), /more than 1 day:/);
  });
});
