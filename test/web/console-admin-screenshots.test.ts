// Screenshots of the console's management pages for docs/screenshots/console-*.png (shown in the
// README and the admin guide). Runs only with STEWARD_SCREENSHOTS=1, so that ordinary test runs
// do not rewrite the pictures:
//
//     STEWARD_SCREENSHOTS=1 node scripts/run-tests.mjs test/web/console-admin-screenshots
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { simulatedDevice } from '../support/apple.js';
import { bearer } from '../support/http.js';
import { signIn, webSuite } from './harness.js';

const OUT = 'docs/screenshots';
const skip = process.env.STEWARD_SCREENSHOTS ? false : 'set STEWARD_SCREENSHOTS=1 to write docs/screenshots/console-*.png';

const admin = bearer(
  'Microsoft.Intune_Users_Create', 'Microsoft.Intune_Groups_Create', 'Microsoft.Intune_Groups_Update', 'Microsoft.Intune_Licenses_Assign',
  'Microsoft.Intune_DeviceCompliancePolices_Create', 'Microsoft.Intune_DeviceCompliancePolices_Assign', 'Microsoft.Intune_DeviceConfigurations_Create',
  'Microsoft.Intune_AppleEnrollmentProfiles_Create', 'Microsoft.Intune_Roles_Create',
);

describe('console screenshots', { skip }, () => {
  const w = webSuite();

  async function post(url: string, payload: unknown): Promise<{ id: string; enrollmentUrl?: string }> {
    const res = await w.t.app.inject({ method: 'POST', url, headers: admin, payload: payload as Record<string, unknown> });
    assert.ok(res.statusCode < 300, `${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  }
  async function shot(page: Page, name: string) {
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: `${OUT}/console-${name}.png`, fullPage: true });
  }

  it('takes the pictures', async () => {
    await mkdir(OUT, { recursive: true });
    const people = [['Adele Vance', 'Sales'], ['Alex Wilber', 'Marketing'], ['Diego Siciliani', 'Sales'], ['Isaiah Langer', 'Sales'], ['Megan Bowen', 'Marketing'], ['Nestor Wilke', 'Operations']];
    for (const [name, department] of people) {
      const upn = `${name!.split(' ')[0]!.toLowerCase()}@contoso.example`;
      const u = await post('/v1.0/users', { displayName: name, userPrincipalName: upn, mailNickname: upn.split('@')[0], accountEnabled: true, department, passwordProfile: { password: 'Long-Enough-Passphrase-7' } });
      if (department === 'Sales') await post(`/v1.0/users/${u.id}/assignLicense`, { addLicenses: [{ skuId: '1d120cbe-e608-4462-95fe-00e718c51c4f', disabledPlans: [] }], removeLicenses: [] });
    }
    const sales = await post('/v1.0/groups', { displayName: 'Sales', mailNickname: 'sales', mailEnabled: false, securityEnabled: true, groupTypes: ['DynamicMembership'], membershipRule: 'user.department -eq "Sales"', membershipRuleProcessingState: 'On' });
    await post('/v1.0/groups', { displayName: 'Help desk', mailNickname: 'helpdesk', mailEnabled: false, securityEnabled: true, groupTypes: [] });
    const policy = await post('/beta/deviceManagement/deviceCompliancePolicies', {
      '@odata.type': '#microsoft.graph.iosCompliancePolicy', displayName: 'iOS baseline', osMinimumVersion: '18.0', passcodeRequired: true,
      scheduledActionsForRule: [{ ruleName: 'PasswordRequired', scheduledActionConfigurations: [{ actionType: 'block', gracePeriodHours: 24, notificationTemplateId: '' }] }],
    });
    await post(`/beta/deviceManagement/deviceCompliancePolicies/${policy.id}/assign`, { assignments: [{ target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' } }, { target: { '@odata.type': '#microsoft.graph.exclusionGroupAssignmentTarget', groupId: sales.id } }] });
    await post('/beta/deviceManagement/deviceCompliancePolicies', { '@odata.type': '#microsoft.graph.windows10CompliancePolicy', displayName: 'Windows: BitLocker and Secure Boot', bitLockerEnabled: true, secureBootEnabled: true });
    await post('/beta/deviceManagement/deviceConfigurations', { '@odata.type': '#microsoft.graph.iosWiFiConfiguration', displayName: 'Office Wi-Fi', ssid: 'Contoso', wiFiSecurityType: 'wpa2Personal', preSharedKey: 'correct-horse-battery', connectAutomatically: true });
    await post('/beta/deviceManagement/deviceConfigurations', { '@odata.type': '#microsoft.graph.iosGeneralDeviceConfiguration', displayName: 'iOS restrictions', passcodeRequired: true, passcodeMinimumLength: 6, cameraBlocked: false, screenCaptureBlocked: true });
    const profile = await post('/v1.0/deviceManagement/enrollmentProfiles', { displayName: 'Corporate iPhones', platform: 'iOS', ownership: 'company' });
    for (const os of ['18.1', '17.6']) {
      const iphone = simulatedDevice(w.t, 'iPhone', { passcodePresent: os === '18.1' });
      iphone.state.hardware.osVersion = os;
      await iphone.installEnrollmentProfile(profile.enrollmentUrl!);
      await iphone.connect();
    }
    await post('/beta/deviceManagement/roleScopeTags', { displayName: 'Oslo office', description: 'Devices in Oslo' });

    const page = await w.page({ width: 1280, height: 800 });
    await signIn(page, await w.admin(), '/users');
    await page.getByRole('cell', { name: 'Adele Vance' }).waitFor();
    await shot(page, 'users');
    await page.goto(`/groups/${sales.id}`);
    await page.getByTestId('group-members').getByRole('link').first().waitFor();
    await shot(page, 'group-dynamic');
    await page.goto(`/compliance-policies/${policy.id}`);
    await page.getByTestId('count-failed').waitFor();
    await shot(page, 'compliance-policy');
    await page.goto('/configuration-profiles/new');
    await page.getByLabel('Name', { exact: true }).fill('Guest Wi-Fi');
    await page.getByLabel('Network name (SSID)').fill('Guests');
    await page.getByLabel('Pre-shared key').fill('short');
    await page.getByRole('button', { name: 'Create profile' }).click();
    await page.locator('[data-field="preSharedKey"]').getByRole('alert').waitFor();
    await shot(page, 'wifi-profile-validation');
    await page.goto('/enrollment-profiles');
    await page.getByRole('button', { name: 'New enrollment profile' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Field Macs');
    await page.getByLabel('Platform').selectOption('macOS');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByTestId('enrollment-qr').waitFor();
    await shot(page, 'enrollment-token');
    await page.goto('/roles');
    await page.getByRole('heading', { name: 'Role assignments' }).waitFor();
    await shot(page, 'roles');
    await page.goto('/audit-log');
    await page.getByTestId('audit-table').waitFor();
    await shot(page, 'audit-log');

    const phone = await w.page({ width: 375, height: 780 });
    await signIn(phone, await w.admin(), `/compliance-policies/${policy.id}`);
    await phone.getByTestId('count-failed').waitFor();
    await phone.screenshot({ path: `${OUT}/console-compliance-policy-phone.png` });
  });
});
