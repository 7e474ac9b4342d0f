// The admin's end-to-end flow in a real browser (issue 7, item 6): an admin signs in with an
// authenticator code, creates an iOS compliance policy and a Wi-Fi profile and assigns both to all
// devices, makes an enrollment profile whose link a simulated iPhone (sim/apple, Apple's real
// protocol) enrolls with; the iPhone receives the Wi-Fi profile (InstallProfile with the SSID
// entered in the form) and the profile's page and the device's page show it succeeded; the admin
// sees the iPhone fall out of compliance and come back when the policy changes, and locks it from
// the device page; the iPhone receives the DeviceLock command.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulatedDevice } from '../support/apple.js';
import { bearer } from '../support/http.js';
import { assertAccessible, signIn, webSuite } from './harness.js';

describe('admin console: policy, profile, enrollment, compliance and lock', () => {
  const w = webSuite();

  it('an admin assigns a compliance policy and a Wi-Fi profile, a simulated iPhone enrolls, is judged, and is locked', async () => {
    const admin = await w.admin();
    const page = await w.page();
    await signIn(page, admin, '/compliance-policies');

    // A compliance policy for iOS: OS 19 or later and a passcode.
    await page.getByRole('link', { name: 'New policy' }).click();
    await page.getByRole('heading', { name: 'New compliance policy' }).waitFor();
    await page.getByLabel('Platform').selectOption('iosCompliancePolicy');
    await page.getByLabel('Name', { exact: true }).fill('iOS 19 or later');
    await page.getByLabel('Minimum OS version').fill('19.0');
    await page.getByLabel('Require a passcode').check();
    await page.getByRole('button', { name: 'Create policy' }).click();
    await page.getByRole('heading', { name: 'iOS 19 or later', level: 1 }).waitFor();
    const policyUrl = page.url();
    await page.getByLabel('All devices').check();
    await page.getByRole('button', { name: 'Save assignments' }).click();
    await page.getByText('Assignments saved.').waitFor();
    await page.getByTestId('assignment-summary').filter({ hasText: 'All devices' }).waitFor();

    // A Wi-Fi profile for iOS, assigned to all devices.
    await page.goto('/configuration-profiles/new');
    await page.getByLabel('Kind').selectOption('wifi');
    await page.getByLabel('Platform').selectOption('iOS');
    await page.getByLabel('Name', { exact: true }).fill('Office Wi-Fi');
    await page.getByLabel('Network name (SSID)').fill('Contoso');
    await page.getByLabel('Security type').selectOption('wpa2Personal');
    await page.getByLabel('Pre-shared key').fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Create profile' }).click();
    await page.getByRole('heading', { name: 'Office Wi-Fi', level: 1 }).waitFor();
    const profileUrl = page.url();
    const profileId = new URL(profileUrl).pathname.split('/').pop() ?? '';
    await page.getByTestId('assignment-summary').filter({ hasText: 'Not assigned.' }).waitFor();
    await page.getByLabel('All devices').check();
    await page.getByRole('button', { name: 'Save assignments' }).click();
    await page.getByText('Assignments saved.').waitFor();
    await page.getByTestId('assignment-summary').filter({ hasText: 'All devices' }).waitFor();

    // An enrollment profile: the page shows its link once; the iPhone enrolls with it.
    await page.goto('/enrollment-profiles');
    await page.getByRole('button', { name: 'New enrollment profile' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Corporate iPhones');
    await page.getByRole('button', { name: 'Create' }).click();
    const link = page.getByTestId('enrollment-url');
    await link.waitFor();
    const enrollmentUrl = (await link.textContent()) ?? '';
    assert.match(enrollmentUrl, /^https:\/\/mdm\.example\.test\/enroll\/\S+$/);

    const iphone = simulatedDevice(w.t, 'iPhone', { passcodePresent: true });
    await iphone.installEnrollmentProfile(enrollmentUrl);
    // Answers the inventory queued at enrollment (iOS 18.1 < 19.0); the inventory makes the iPhone
    // a target of the profile, whose InstallProfile it fetches in the same session.
    const delivered = await iphone.connect();
    assert.equal(iphone.state.hardware.osVersion, '18.1');
    const enrollment = await w.t.core.appleEnrollments.activeByUdid(iphone.udid);
    assert.ok(enrollment, 'the iPhone is enrolled');

    // The Wi-Fi profile reached the iPhone: a signed InstallProfile with the form's settings.
    assert.ok(delivered.commands.some((c) => c.RequestType === 'InstallProfile' && c.Status === 'Acknowledged'), JSON.stringify(delivered.commands));
    const installed = iphone.state.profiles.find((p) => p.source === 'mdm' && p.profile.PayloadIdentifier === `com.steward.configuration.${profileId}`);
    assert.ok(installed, `the Wi-Fi profile is installed: ${JSON.stringify(iphone.state.profiles.map((p) => p.profile.PayloadIdentifier))}`);
    assert.equal(installed.profile.verified, true, 'signed by Steward and verified by the iPhone');
    const wifi = installed.profile.payloads.find((p) => p.PayloadType === 'com.apple.wifi.managed')?.dict;
    assert.deepEqual([wifi?.SSID_STR, wifi?.EncryptionType, wifi?.Password], ['Contoso', 'WPA2', 'correct-horse-battery']);

    // Its status on the profile's page and on the device's page: succeeded.
    await page.goto(profileUrl);
    await page.getByTestId('count-success').filter({ hasText: '1' }).waitFor();
    await page.getByTestId('device-status').filter({ hasText: 'Succeeded' }).waitFor();
    await page.goto(`/devices/${enrollment.id}`);
    const profiles = page.getByRole('region', { name: 'Configuration profiles' });
    await profiles.getByRole('row').filter({ hasText: 'Office Wi-Fi' }).filter({ hasText: 'Succeeded' }).waitFor();

    // The policy's status: the iPhone fails it.
    await page.goto(policyUrl);
    await page.getByTestId('count-failed').filter({ hasText: '1' }).waitFor();
    await page.getByTestId('device-status').filter({ hasText: 'Not compliant' }).waitFor();
    await page.goto(`/devices/${enrollment.id}`);
    await page.getByText('Not compliant').first().waitFor();

    // The admin lowers the minimum: the iPhone is compliant.
    await page.goto(policyUrl);
    await page.getByLabel('Minimum OS version').fill('18.0');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved.', { exact: true }).waitFor();
    await page.getByTestId('count-success').filter({ hasText: '1' }).waitFor();
    await page.getByTestId('device-status').filter({ hasText: 'Compliant' }).waitFor();
    await assertAccessible(page, 'the compliance policy page');

    // Lock it from the device page, behind the confirmation.
    await page.goto(`/devices/${enrollment.id}`);
    await page.getByRole('group', { name: /Remote actions/ }).getByRole('button', { name: 'Lock' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Lock' }).click();
    await page.getByText(/Lock sent to/).waitFor();
    const session = await iphone.connect();
    assert.ok(session.commands.some((c) => c.RequestType === 'DeviceLock' && c.Status === 'Acknowledged'), JSON.stringify(session.commands));
    const res = await w.t.app.inject({ url: `/beta/deviceManagement/managedDevices/${enrollment.id}`, headers: bearer('Microsoft.Intune_ManagedDevices_Read') });
    const actions = res.json<{ deviceActionResults: { actionName: string; actionState: string }[] }>().deviceActionResults;
    assert.equal(actions.find((a) => a.actionName === 'remoteLock')?.actionState, 'done');
    assert.equal(res.json<{ complianceState: string }>().complianceState, 'compliant');
  });
});
