// The console's device pages in a real browser, over a Steward with simulated Apple devices that
// enrolled over the wire and records for a larger fleet: dashboard counts and checklist, the device
// list (search, filter, paging, bulk action with per-device failures), device detail (compliance
// per setting, a remote lock through the dialog reaching the simulated iPhone), the help desk, a
// read-only operator without action buttons, axe-core on every page, and a 375 px phone viewport.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { allScope } from '../../src/core/rbac/scope.js';
import type { SimulatedAppleDevice } from '../../sim/apple/device.js';
import { enrolledDevice } from '../support/apple.js';
import { aManagedDevice } from '../support/devices.js';
import { bearer } from '../support/http.js';
import { aPerson, assertAccessible, assertNoBrowserErrors, screenshot, signIn, webSuite } from './harness.js';

const policyAdmin = bearer('Microsoft.Intune_DeviceCompliancePolices_Read', 'Microsoft.Intune_DeviceCompliancePolices_Create', 'Microsoft.Intune_DeviceCompliancePolices_Assign');
const FLEET = 28;

describe('console device pages', () => {
  const w = webSuite();
  let iphone: { device: SimulatedAppleDevice; id: string };
  let mac: { device: SimulatedAppleDevice; id: string };
  let admin: Page;

  /** Enrolls an iPhone and a Mac, makes the iPhone non-compliant, adds a fleet of records. */
  async function seed() {
    iphone = await enrolledDevice(w.t, 'iPhone', { deviceName: 'Adele iPhone', passcodePresent: true });
    await iphone.device.connect();
    mac = await enrolledDevice(w.t, 'Mac', { deviceName: 'Design Mac' });
    await mac.device.connect();
    const created = await w.t.app.inject({ method: 'POST', url: '/beta/deviceManagement/deviceCompliancePolicies', headers: policyAdmin, payload: {
      '@odata.type': '#microsoft.graph.iosCompliancePolicy', displayName: 'iOS 19 or later', osMinimumVersion: '19.0',
      scheduledActionsForRule: [{ ruleName: 'PasswordRequired', scheduledActionConfigurations: [{ actionType: 'block', gracePeriodHours: 0, notificationTemplateId: '' }] }],
    } });
    assert.equal(created.statusCode, 201, created.body);
    const assigned = await w.t.app.inject({ method: 'POST', url: `/beta/deviceManagement/deviceCompliancePolicies/${created.json<{ id: string }>().id}/assign`, headers: policyAdmin, payload: {
      assignments: [{ target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' } }],
    } });
    assert.equal(assigned.statusCode, 200, assigned.body);
    for (let n = 0; n < FLEET; n++) {
      await w.t.core.devices.put(aManagedDevice({
        deviceName: `Fleet ${n}`, serialNumber: `FLEET${String(n).padStart(4, '0')}`,
        operatingSystem: n % 2 === 0 ? 'Windows' : 'iOS', managedDeviceOwnerType: n % 4 === 0 ? 'personal' : 'company',
        ...(n % 2 === 0 ? { osVersion: '10.0.22631.4460', model: 'Surface Laptop 5', manufacturer: 'Microsoft' } : {}),
        complianceState: n % 3 === 0 ? 'compliant' : 'unknown',
      }));
    }
    // Adele is the iPhone's primary user (the help desk finds her).
    const adele = await aPerson(w.t.core, null, 'Adele Vance');
    const record = await w.t.core.devices.get(iphone.id, allScope);
    assert.ok(record);
    await w.t.core.devices.put({ ...record, userId: adele.id, userPrincipalName: adele.userPrincipalName, userDisplayName: adele.displayName });
  }

  const status = (page: Page, text: string | RegExp) => page.getByRole('status').filter({ hasText: text }).first().waitFor();
  const cell = (page: Page, table: string, row: string) => page.getByRole('table', { name: table }).getByRole('row').filter({ has: page.getByRole('cell', { name: row, exact: true }) }).getByRole('cell').nth(1);

  it('the dashboard shows the real device counts and the set-up checklist', async () => {
    await seed();
    admin = await w.page();
    await signIn(admin, await w.admin(), '/');
    await admin.getByTestId('device-total').filter({ hasText: String(FLEET + 2) }).waitFor();
    assert.equal(await cell(admin, 'Devices by platform', 'iOS').textContent(), String(FLEET / 2 + 1));
    assert.equal(await cell(admin, 'Devices by platform', 'Windows').textContent(), String(FLEET / 2));
    assert.equal(await cell(admin, 'Devices by platform', 'macOS').textContent(), '1');
    assert.equal(await cell(admin, 'Devices by ownership', 'Personal').textContent(), String(FLEET / 4));
    assert.equal(await cell(admin, 'Devices by compliance', 'Not compliant').textContent(), '1');
    const check = (key: string) => admin.locator(`[data-check="${key}"] .badge`);
    await check('apns').filter({ hasText: 'Done' }).waitFor();
    await check('enrollment').filter({ hasText: 'Done' }).waitFor();
    await check('compliance').filter({ hasText: 'Done' }).waitFor();
    await check('configuration').filter({ hasText: 'To do' }).waitFor();
    await check('roles').filter({ hasText: 'To do' }).waitFor();
    assert.ok(await admin.locator('.recharts-surface').count() >= 3, 'three charts are drawn');
    await assertAccessible(admin, 'the dashboard');
    await screenshot(admin, 'dashboard');
  });

  it('the device list searches, filters, sorts and pages', async () => {
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices', exact: true }).click();
    await status(admin, `${FLEET + 2} devices.`);
    await admin.getByText('Page 1 of 2').waitFor();
    await assertAccessible(admin, 'the device list');
    await screenshot(admin, 'devices');
    await admin.getByRole('button', { name: 'Next page' }).click();
    await admin.getByText('Page 2 of 2').waitFor();
    assert.equal(await admin.getByRole('table').getByRole('row').count(), 1 + (FLEET + 2 - 25));
    await admin.getByRole('button', { name: 'Previous page' }).click();
    await admin.getByText('Page 1 of 2').waitFor();

    await admin.getByLabel('Search', { exact: true }).fill('Fleet 1');
    await admin.getByRole('button', { name: 'Search', exact: true }).click();
    await status(admin, '11 devices match.'); // Fleet 1 and Fleet 10–19
    await admin.getByLabel('Platform').selectOption('Windows');
    await status(admin, '5 devices match.'); // 10, 12, 14, 16, 18
    await admin.getByRole('button', { name: /^Device/ }).click(); // sorted by name: now descending
    await admin.getByRole('columnheader', { name: /Device/ }).and(admin.locator('[aria-sort="descending"]')).waitFor();
    assert.equal(await admin.getByRole('table').getByRole('link').first().textContent(), 'Fleet 18');

    await admin.goto('/devices?platform=macOS');
    await status(admin, '1 device match.');
    await admin.getByRole('link', { name: 'Design Mac' }).waitFor();
    await admin.goto('/devices?compliance=noncompliant');
    await status(admin, '1 device match.');
    await admin.getByRole('link', { name: 'Adele iPhone' }).waitFor();
  });

  it('a bulk action shows its progress and each device\'s failure in words', async () => {
    await admin.goto('/devices?q=Adele');
    await status(admin, '1 device match.');
    await admin.getByLabel('Select Adele iPhone').check();
    await admin.goto('/devices?q=Fleet%200');
    await status(admin, '1 device match.');
    await admin.getByLabel('Select all devices on this page').check();
    await admin.getByRole('group', { name: 'Actions on the selected devices' }).getByRole('button', { name: 'Sync' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Sync 1 device?' });
    await dialog.getByText('Fleet 0').waitFor();
    await dialog.getByRole('button', { name: 'Sync 1' }).click();
    await status(admin, /Finished: 0 of 1 succeeded, 1 failed\./);
    const failure = await admin.getByRole('list', { name: 'Failures' }).getByRole('listitem').textContent();
    assert.match(failure ?? '', /^Fleet 0: \S.{10,}/, 'the failure names the device and says why');

    await admin.goto('/devices?q=Adele');
    await admin.getByLabel('Select all devices on this page').check();
    await admin.getByRole('button', { name: 'Sync' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Sync 1' }).click();
    await status(admin, 'Finished: 1 of 1 succeeded.');
    assert.equal(await admin.locator('progress').getAttribute('value'), '1');
  });

  it('device detail shows compliance per setting, and a lock through the dialog reaches the iPhone', async () => {
    await admin.goto(`/devices/${iphone.id}`);
    await admin.getByRole('heading', { name: 'Adele iPhone', level: 1 }).waitFor();
    await admin.getByRole('heading', { name: /iOS 19 or later/ }).waitFor();
    const settings = admin.getByRole('table', { name: 'Settings of iOS 19 or later' });
    const os = settings.getByRole('row').filter({ hasText: 'osMinimumVersion' });
    await os.getByText('Not compliant').waitFor();
    await os.getByText(iphone.device.state.hardware.osVersion).waitFor();
    await admin.getByRole('link', { name: 'Open in the help desk' }).waitFor();
    await assertAccessible(admin, 'device detail');
    await screenshot(admin, 'device-detail');

    await iphone.device.connect(); // answer the sync from the bulk action first
    await admin.getByRole('group', { name: 'Remote actions for Adele iPhone' }).getByRole('button', { name: 'Lock' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Lock Adele iPhone?' });
    await dialog.getByLabel('Message on the lock screen (optional)').fill('Found it? Call IT');
    await assertAccessible(admin, 'the confirmation dialog');
    await dialog.getByRole('button', { name: 'Lock' }).click();
    await admin.getByRole('status').filter({ hasText: 'Lock sent to Adele iPhone' }).waitFor();

    const session = await iphone.device.connect();
    assert.deepEqual(session.commands.map((c) => c.RequestType), ['DeviceLock']);
    assert.equal(iphone.device.state.locked, true);
    assert.equal(iphone.device.state.lastLock?.Message, 'Found it? Call IT');
    await admin.reload();
    const history = admin.getByRole('table', { name: 'Remote actions, newest first' });
    await history.getByRole('row').filter({ hasText: 'Lock' }).getByText('Done').waitFor();
  });

  it('a refused action is shown in words', async () => {
    await admin.goto(`/devices/${mac.id}`);
    await admin.getByRole('heading', { name: 'Design Mac', level: 1 }).waitFor();
    assert.equal(await admin.getByRole('button', { name: 'Reset passcode' }).count(), 0, 'resetPasscode is not offered for a Mac');
    // Delete the Mac's record behind the page's back: the action is refused and the page says why.
    await w.t.core.deviceRecords.removeDevice(mac.id, new Date());
    await admin.getByRole('button', { name: 'Sync' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Sync' }).click();
    await admin.getByRole('alert').filter({ hasText: /^Sync was refused: \S/ }).waitFor();
  });

  it('the help desk finds a person, shows what to fix on their device, and syncs it', async () => {
    await admin.goto('/helpdesk');
    await admin.getByLabel('Find a person').fill('Adele');
    await admin.getByRole('button', { name: 'Find' }).click();
    await admin.getByRole('button', { name: 'Adele Vance' }).click();
    await admin.getByRole('heading', { name: 'Adele Vance', level: 2 }).waitFor();
    const device = admin.getByRole('article', { name: /Adele iPhone/ });
    await device.getByRole('list', { name: 'What to fix' }).getByText(/Minimum OS version \(osMinimumVersion\) is not compliant \(device has 18\.1\)/).waitFor();
    await device.getByText('Lock:').waitFor(); // recent actions
    for (const action of ['Lock', 'Reset passcode', 'Sync']) await device.getByRole('button', { name: action, exact: true }).waitFor();
    assert.equal(await device.getByRole('button', { name: 'Wipe' }).count(), 0, 'the help desk offers only lock, passcode reset and sync');
    await assertAccessible(admin, 'the help desk');
    await screenshot(admin, 'helpdesk');
    await device.getByRole('button', { name: 'Reset passcode' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Reset passcode' }).click();
    await device.getByRole('status').filter({ hasText: 'Reset passcode sent' }).waitFor();
    const session = await iphone.device.connect();
    assert.deepEqual(session.commands.map((c) => c.RequestType), ['ClearPasscode']);
  });

  it('a Help Desk Operator, who cannot read the directory, finds people through their devices', async () => {
    const page = await w.page();
    await signIn(page, await w.admin('Help Desk Operator'), '/helpdesk');
    await page.getByLabel('Find a person').fill('adele');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('button', { name: 'Adele Vance' }).click();
    const device = page.getByRole('article', { name: /Adele iPhone/ });
    await device.getByRole('button', { name: 'Lock', exact: true }).waitFor();
    await device.getByRole('button', { name: 'Sync', exact: true }).waitFor();
  });

  it('a read-only operator sees devices but no action controls', async () => {
    const page = await w.page();
    await signIn(page, await w.admin('Read Only Operator'), '/devices');
    await status(page, `${FLEET + 1} devices.`);
    assert.equal(await page.getByRole('checkbox').count(), 0, 'no selection for bulk actions');
    assert.equal(await page.getByRole('group', { name: 'Actions on the selected devices' }).count(), 0);
    await page.goto(`/devices/${iphone.id}`);
    await page.getByRole('heading', { name: 'Compliance' }).waitFor();
    assert.equal(await page.getByRole('group', { name: /Remote actions/ }).count(), 0);
    for (const name of ['Lock', 'Wipe', 'Retire', 'Sync']) assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, name);
  });

  it('is usable from the keyboard: the skip link, then the dialog keeps focus and Escape cancels', async () => {
    await admin.goto(`/devices/${iphone.id}`);
    await admin.getByRole('heading', { name: 'Hardware' }).waitFor();
    await admin.keyboard.press('Tab');
    assert.equal(await admin.evaluate('document.activeElement?.textContent'), 'Skip to main content', 'the first Tab reaches the skip link');
    await admin.keyboard.press('Enter');
    assert.match(admin.url(), /#main$/);
    const lock = admin.getByRole('group', { name: /Remote actions/ }).getByRole('button', { name: 'Lock' });
    await lock.focus();
    await admin.keyboard.press('Enter');
    const dialog = admin.getByRole('dialog', { name: 'Lock Adele iPhone?' });
    await dialog.waitFor();
    const inDialog = () => admin.evaluate("document.querySelector('dialog[open]')?.contains(document.activeElement) ?? false");
    assert.equal(await inDialog(), true, 'focus moves into the dialog');
    for (let i = 0; i < 6; i++) { await admin.keyboard.press('Tab'); assert.equal(await inDialog(), true, 'Tab stays in the dialog'); }
    await admin.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('broke no Content-Security-Policy rule and threw no error in the admin\'s browser', () => {
    assertNoBrowserErrors(admin);
  });

  it('works in a 375 px wide phone viewport', async () => {
    const phone = await w.page({ width: 375, height: 740 });
    await signIn(phone, await w.admin(), '/');
    await phone.getByTestId('device-total').waitFor();
    const overflow = async () => Number(await phone.evaluate('document.documentElement.scrollWidth'));
    assert.ok(await overflow() <= 375, `the dashboard fits: ${await overflow()} px`);
    const nav = phone.getByRole('navigation', { name: 'Main' });
    assert.equal(await nav.isVisible(), false, 'the navigation is folded behind the menu button');
    await phone.getByRole('button', { name: 'Menu' }).click();
    await nav.getByRole('link', { name: 'Devices', exact: true }).click();
    await status(phone, /devices\./);
    assert.ok(await overflow() <= 375, `the device list fits (its table scrolls inside): ${await overflow()} px`);
    await assertAccessible(phone, 'the device list on a phone');
    await phone.goto(`/devices/${iphone.id}`);
    await phone.getByRole('heading', { name: 'Hardware' }).waitFor();
    assert.ok(await overflow() <= 375, `device detail fits: ${await overflow()} px`);
  });
});
