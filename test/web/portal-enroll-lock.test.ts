// The company portal in a real browser (headless Chromium): a person signs in on a phone-sized
// screen with an iPhone's user agent, downloads their enrollment profile from the Enroll page, a
// simulated iPhone enrolls with exactly those bytes, the person sees it under My devices with what
// to fix in words, and locks it with the keyboard behind the confirmation: the DeviceLock reaches
// the iPhone. On a Windows PC's browser the Enroll page offers the ms-device-enrollment: link and
// the Settings path; a person without a license is told why not. axe-core checks every page.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { assignLicense } from '../../src/core/directory/assign-license.js';
import { stewardSku } from '../../src/core/directory/licenses.js';
import { allScope } from '../../src/core/rbac/scope.js';
import { SimulatedAppleDevice } from '../../sim/apple/device.js';
import { injectTransport, type Transport } from '../../sim/apple/transport.js';
import { bearer } from '../support/http.js';
import { nonInventory } from '../support/portal.js';
import { aPerson, assertAccessible, screenshot, signIn, webSuite, type WebSuite } from './harness.js';

const IPHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
const WINDOWS_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0';

async function browserOn(w: WebSuite, userAgent: string, phone: boolean): Promise<{ context: BrowserContext; page: Page }> {
  const context = await w.browser.newContext({
    baseURL: w.url, userAgent, acceptDownloads: true,
    viewport: phone ? { width: 375, height: 812 } : { width: 1280, height: 860 },
    ...(phone ? { isMobile: true, hasTouch: true } : {}),
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page };
}

async function licensedPerson(w: WebSuite, name: string) {
  const person = await aPerson(w.t.core, null, name);
  await assignLicense(w.t.core, { id: person.id, scope: allScope, addLicenses: [{ skuId: stewardSku.skuId, disabledPlans: [] }], removeLicenses: [] });
  return person;
}

async function assertFitsWidth(page: Page, what: string): Promise<void> {
  // Strings, not functions: the tests are type-checked without the DOM library.
  const scroll = Number(await page.evaluate('document.documentElement.scrollWidth'));
  const client = Number(await page.evaluate('document.documentElement.clientWidth'));
  assert.ok(scroll <= client, `${what} scrolls sideways at ${client} px (${scroll} px wide)`);
}

describe('company portal in a browser', () => {
  const w = webSuite();

  it('a person enrolls their iPhone from the portal on a phone, sees what to fix, and locks it with the keyboard', async () => {
    const person = await licensedPerson(w, 'pat');
    const { context, page } = await browserOn(w, IPHONE_UA, true);
    try {
      await signIn(page, person, '/portal');
      await page.getByRole('heading', { name: 'My devices', level: 1 }).waitFor();
      await page.getByText('You have no enrolled devices yet.').waitFor();
      await assertAccessible(page, 'My devices (empty)');

      // Enroll this device: the page knows it is an iPhone and offers the profile.
      await page.goto('/portal/enroll');
      await page.getByRole('heading', { name: 'Enroll this device' }).waitFor();
      assert.equal(await page.getByLabel('Kind of device').inputValue(), 'iOS');
      await page.getByRole('heading', { name: 'Enroll an iPhone or iPad' }).waitFor();
      await assertAccessible(page, 'the Enroll page on an iPhone');
      await assertFitsWidth(page, 'the Enroll page');
      await screenshot(page, 'portal-enroll-iphone');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the enrollment profile' }).click()]);
      assert.match(download.suggestedFilename(), /\.mobileconfig$/);
      const profile = readFileSync(await download.path());

      // The iPhone installs exactly what the browser downloaded.
      const inject = injectTransport(w.t.app);
      const transport: Transport = {
        request: (method, url, headers, body) => url === 'https://phone.local/profile.mobileconfig'
          ? Promise.resolve({ status: 200, headers: { 'content-type': 'application/x-apple-aspen-config' }, body: new Uint8Array(profile) })
          : inject.request(method, url, headers, body),
      };
      const phone = new SimulatedAppleDevice({ kind: 'iPhone', transport, trust: w.t.ca.certificatePem });
      await phone.installEnrollmentProfile('https://phone.local/profile.mobileconfig');
      await phone.connect(); // its first inventory

      // An admin requires iOS 19; the iPhone runs 18.1.
      const admin = bearer('Microsoft.Intune_DeviceCompliancePolices_Create', 'Microsoft.Intune_DeviceCompliancePolices_Assign');
      const created = await w.t.app.inject({ method: 'POST', url: '/beta/deviceManagement/deviceCompliancePolicies', headers: admin, payload: {
        '@odata.type': '#microsoft.graph.iosCompliancePolicy', displayName: 'iOS 19 or later', osMinimumVersion: '19.0',
        scheduledActionsForRule: [{ ruleName: 'PasswordRequired', scheduledActionConfigurations: [{ actionType: 'block', gracePeriodHours: 0, notificationTemplateId: '' }] }],
      } });
      assert.equal(created.statusCode, 201, created.body);
      const assigned = await w.t.app.inject({ method: 'POST', url: `/beta/deviceManagement/deviceCompliancePolicies/${created.json<{ id: string }>().id}/assign`, headers: admin, payload: {
        assignments: [{ target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' } }],
      } });
      assert.equal(assigned.statusCode, 200, assigned.body);

      const name = phone.state.hardware.deviceName;
      await page.goto('/portal');
      const card = page.getByRole('article', { name });
      await card.waitFor();
      await card.getByText('Not compliant', { exact: true }).waitFor();
      await card.getByRole('listitem').filter({ hasText: 'Update iOS to 19.0 or later: Settings > General > Software Update.' }).waitFor();
      await assertAccessible(page, 'My devices with a noncompliant iPhone');
      await assertFitsWidth(page, 'My devices');
      await screenshot(page, 'portal-my-devices');

      // Lock, with the keyboard: the button, then Enter in the confirmation (Lock has the focus).
      await card.getByRole('button', { name: 'Lock' }).focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: `Lock ${name}?` });
      await dialog.waitFor();
      await assertAccessible(page, 'the lock confirmation');
      await screenshot(page, 'portal-lock-confirm');
      assert.equal(await page.evaluate('document.activeElement?.closest("dialog") ? document.activeElement.textContent : null'), 'Lock', 'the confirm button has the focus');
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: 'Lock sent' }).waitFor();

      const session = await phone.connect();
      assert.deepEqual(nonInventory(session), [['DeviceLock', 'Acknowledged']]);
      assert.equal(phone.state.locked, true, 'the DeviceLock reached the iPhone');
      await page.reload();
      await page.getByRole('article', { name }).getByTestId('action-remoteLock').filter({ hasText: 'Lock: done' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('renames are refused in words for an unsupervised iPhone, and Escape closes the dialog', async () => {
    const person = await licensedPerson(w, 'robin');
    const { context, page } = await browserOn(w, IPHONE_UA, true);
    try {
      await signIn(page, person, '/portal');
      const res = await page.request.get('/portal/api/me/appleEnrollmentProfile?platform=iOS');
      assert.equal(res.status(), 200);
      const profile = await res.body();
      const inject = injectTransport(w.t.app);
      const phone = new SimulatedAppleDevice({
        kind: 'iPhone', trust: w.t.ca.certificatePem,
        transport: { request: (method, url, headers, body) => url === 'https://phone.local/p' ? Promise.resolve({ status: 200, headers: { 'content-type': 'application/x-apple-aspen-config' }, body: new Uint8Array(profile) }) : inject.request(method, url, headers, body) },
      });
      await phone.installEnrollmentProfile('https://phone.local/p');
      await phone.connect();
      await page.goto('/portal');
      const card = page.getByRole('article', { name: phone.state.hardware.deviceName });
      await card.getByRole('button', { name: 'Rename' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('New name').fill('');
      assert.equal(await dialog.getByRole('button', { name: 'Rename' }).isDisabled(), true, 'no empty name');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await card.getByRole('button', { name: 'Rename' }).click();
      await dialog.getByLabel('New name').fill('Robin\'s phone');
      await dialog.getByRole('button', { name: 'Rename' }).click();
      await card.getByRole('alert').filter({ hasText: /only a supervised iOS device can be renamed remotely/ }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('on a Windows PC offers the enrollment link and the Settings path; without a license says why not', async () => {
    const person = await licensedPerson(w, 'win');
    const { context, page } = await browserOn(w, WINDOWS_UA, false);
    try {
      await signIn(page, person, '/portal/enroll');
      await page.getByRole('heading', { name: 'Enroll this device' }).waitFor();
      assert.equal(await page.getByLabel('Kind of device').inputValue(), 'windows');
      const link = page.getByRole('link', { name: 'Enroll this PC' });
      assert.equal(await link.getAttribute('href'),
        `ms-device-enrollment:?mode=mdm&username=${encodeURIComponent(person.userPrincipalName)}&servername=${encodeURIComponent('https://mdm.example.test/EnrollmentServer/Discovery.svc')}`);
      await page.getByText('Settings > Accounts > Access work or school > Connect').waitFor();
      await page.getByText('mdm.example.test', { exact: true }).waitFor();
      await assertAccessible(page, 'the Enroll page on a PC');
      await screenshot(page, 'portal-enroll-windows');
      // The person picks another kind of device: the Mac's steps.
      await page.getByLabel('Kind of device').selectOption('macOS');
      await page.getByRole('heading', { name: 'Enroll a Mac' }).waitFor();
      await page.getByRole('link', { name: 'Download the enrollment profile' }).waitFor();
      assert.equal(await page.getByRole('link', { name: 'Download the enrollment profile' }).getAttribute('href'), '/portal/api/me/appleEnrollmentProfile?platform=macOS');
    } finally {
      await context.close();
    }

    const unlicensed = await aPerson(w.t.core, null, 'nolicense');
    const other = await browserOn(w, WINDOWS_UA, false);
    try {
      await signIn(other.page, unlicensed, '/portal/enroll');
      await other.page.getByRole('alert').filter({ hasText: 'Your account has no Steward license' }).waitFor();
      assert.equal(await other.page.getByRole('link', { name: 'Enroll this PC' }).count(), 0);
    } finally {
      await other.context.close();
    }
  });
});
