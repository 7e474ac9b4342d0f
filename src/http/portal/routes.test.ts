// The company portal's API in process: who may call it ('self': people, never API clients or
// anonymous callers), that one person never reaches another's device (404, nothing queued), the
// enrollment options and their refusals in words, and the self-service actions.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../store/testing.js';
import { appleTestApp, appleTestAppFor } from '../../../test/support/apple.js';
import { bearer } from '../../../test/support/http.js';
import { deviceFromPortal, nonInventory, portalClient, portalUser } from '../../../test/support/portal.js';
import { auditEventsFor } from '../../../test/support/directory.js';
import { PORTAL_API } from './routes.js';
import { randomUUID } from 'node:crypto';
import { enrolledDevice } from '../../core/devices/managed-device.js';

interface ErrorBody { error: { code: string; message: string } }
interface PortalDevice { id: string; deviceName: string | null; complianceState: string; deviceActionResults: { actionName: string; actionState: string }[] }

for (const dialect of testDialects()) {
  describe(`company portal API on ${dialect.name}`, () => {
    const app = appleTestAppFor(dialect);

    it('answers signed-in people only: anonymous callers 401, API clients 403, a POST without the CSRF token 403', async () => {
      const { app: server, core } = app.t;
      const anonymous = await server.inject({ url: `${PORTAL_API}/me/managedDevices` });
      assert.equal(anonymous.statusCode, 401, anonymous.body);
      const client = await server.inject({ url: `${PORTAL_API}/me/managedDevices`, headers: bearer('Microsoft.Intune_ManagedDevices_Read', 'Microsoft.Intune_RemoteTasks_RemoteLock') });
      assert.equal(client.statusCode, 403, client.body);
      assert.match(client.json<ErrorBody>().error.message, /signed-in person/);

      const session = await portalUser(server, core);
      const mine = await portalClient(server, session).get('/me/managedDevices');
      assert.equal(mine.statusCode, 200, mine.body);
      assert.deepEqual(mine.json<{ value: unknown[] }>().value, []);
      assert.equal(mine.headers['cache-control'], 'no-store');
      const noCsrf = await server.inject({ method: 'POST', url: `${PORTAL_API}/me/managedDevices/x/remoteLock`, headers: { cookie: session.cookie } });
      assert.equal(noCsrf.statusCode, 403, noCsrf.body);
      assert.match(noCsrf.json<ErrorBody>().error.message, /CSRF/);
    });

    it('keeps each person to their own devices: another person\'s device is 404 and nothing is queued for it', async () => {
      const { app: server, core } = app.t;
      const owner = await portalUser(server, core);
      const other = await portalUser(server, core);
      const { device, id } = await deviceFromPortal(app.t, owner);
      await device.connect();

      const ownerSees = await portalClient(server, owner).get('/me/managedDevices');
      assert.deepEqual(ownerSees.json<{ value: PortalDevice[] }>().value.map((d) => d.id), [id]);
      const stranger = portalClient(server, other);
      assert.deepEqual((await stranger.get('/me/managedDevices')).json<{ value: unknown[] }>().value, []);
      const read = await stranger.get(`/me/managedDevices/${id}`);
      assert.equal(read.statusCode, 404, read.body);
      const unknown = await stranger.get('/me/managedDevices/00000000-0000-0000-0000-000000000000');
      assert.deepEqual([unknown.statusCode, unknown.json<ErrorBody>().error.code], [read.statusCode, read.json<ErrorBody>().error.code], 'the same answer as for a device that does not exist');
      for (const action of ['remoteLock', 'resetPasscode', 'retire']) {
        const res = await stranger.post(`/me/managedDevices/${id}/${action}`);
        assert.equal(res.statusCode, 404, `${action}: ${res.body}`);
      }
      assert.equal((await stranger.post(`/me/managedDevices/${id}/setDeviceName`, { deviceName: 'Mine now' })).statusCode, 404);
      assert.deepEqual(nonInventory(await device.connect()), [], 'nothing was queued for the device');
    });

    it('locks and clears the passcode of the person\'s own iPhone, audited with the person as the actor', async () => {
      const { app: server, core } = app.t;
      const owner = await portalUser(server, core);
      const { device, id } = await deviceFromPortal(app.t, owner);
      await device.connect();
      const portal = portalClient(server, owner);
      assert.equal((await portal.post(`/me/managedDevices/${id}/remoteLock`, { message: 'Lost: call +1 555 0100' })).statusCode, 204);
      assert.equal((await portal.post(`/me/managedDevices/${id}/resetPasscode`)).statusCode, 204);
      const session = await device.connect();
      assert.deepEqual(nonInventory(session), [['DeviceLock', 'Acknowledged'], ['ClearPasscode', 'Acknowledged']]);
      assert.equal(device.state.lastLock?.Message, 'Lost: call +1 555 0100', 'the lock reached the device');
      assert.equal(device.state.passcodePresent, false, 'and the passcode was cleared (which unlocks it)');
      const mine = (await portal.get(`/me/managedDevices/${id}`)).json<PortalDevice>();
      assert.deepEqual(mine.deviceActionResults.map((a) => [a.actionName, a.actionState]).sort(), [['remoteLock', 'done'], ['resetPasscode', 'done']]);

      const events = await auditEventsFor(server, id);
      const lock = events.find((e) => e.activity === 'remoteLock ManagedDevice');
      assert.ok(lock, `audit events: ${events.map((e) => String(e.activity)).join(', ')}`);
      assert.equal((lock.actor as { userPrincipalName: string }).userPrincipalName, owner.user.userPrincipalName);
    });

    it('retires the person\'s own iPhone: the enrollment profile is removed and the device leaves their list', async () => {
      const { app: server, core } = app.t;
      const owner = await portalUser(server, core);
      const { device, id } = await deviceFromPortal(app.t, owner);
      await device.connect();
      const portal = portalClient(server, owner);
      assert.equal((await portal.post(`/me/managedDevices/${id}/retire`)).statusCode, 204);
      assert.equal((await portal.get(`/me/managedDevices/${id}`)).json<PortalDevice & { managementState: string }>().managementState, 'retirePending');
      const session = await device.connect();
      assert.deepEqual(nonInventory(session).at(-1), ['RemoveProfile', 'Unenrolled'], 'the enrollment profile goes last, ending management');
      assert.equal(device.enrolled, false, 'the iPhone removed its MDM profile');
      assert.deepEqual((await portal.get('/me/managedDevices')).json<{ value: unknown[] }>().value, [], 'and checked out');
    });

    it('renames a Mac with Apple\'s Settings command, and refuses an unsupervised iPhone in words with nothing queued', async () => {
      const { app: server, core } = app.t;
      const owner = await portalUser(server, core);
      const portal = portalClient(server, owner);
      const mac = await deviceFromPortal(app.t, owner, 'Mac');
      await mac.device.connect();
      assert.equal((await portal.post(`/me/managedDevices/${mac.id}/setDeviceName`, { deviceName: 'Studio Mac' })).statusCode, 204);
      const session = await mac.device.connect();
      assert.deepEqual(nonInventory(session)[0], ['Settings', 'Acknowledged']);
      assert.equal(mac.device.state.hardware.deviceName, 'Studio Mac');
      assert.equal((await portal.get(`/me/managedDevices/${mac.id}`)).json<PortalDevice>().deviceName, 'Studio Mac', 'the inventory after it brings the name back');

      const phone = await deviceFromPortal(app.t, owner, 'iPhone');
      await phone.device.connect();
      const refused = await portal.post(`/me/managedDevices/${phone.id}/setDeviceName`, { deviceName: 'My phone' });
      assert.equal(refused.statusCode, 409, refused.body);
      assert.match(refused.json<ErrorBody>().error.message, /supervised.*Settings > General > About/);
      assert.deepEqual(nonInventory(await phone.device.connect()), []);
      const empty = await portal.post(`/me/managedDevices/${phone.id}/setDeviceName`, { deviceName: '  ' });
      assert.equal(empty.statusCode, 400, empty.body);
      assert.match(empty.json<ErrorBody>().error.message, /deviceName/);
    });

    it('tells the owner of a device that stopped checking in what to do', async () => {
      const { app: server, core } = app.t;
      const owner = await portalUser(server, core);
      const id = randomUUID();
      const longAgo = new Date(Date.now() - 45 * 86_400_000).toISOString();
      await core.devices.put(enrolledDevice(
        { id, operatingSystem: 'iOS', managedDeviceOwnerType: 'personal', deviceEnrollmentType: 'userEnrollment', enrollmentProfileName: null, deviceName: 'Old iPad', complianceState: 'noncompliant', lastSyncDateTime: longAgo },
        { id: owner.user.id, userPrincipalName: owner.user.userPrincipalName, displayName: owner.user.displayName, mail: null }, new Date(longAgo),
      ));
      const [device] = (await portalClient(server, owner).get('/me/managedDevices')).json<{ value: (PortalDevice & { howToFix: string[] })[] }>().value;
      assert.equal(device?.id, id);
      assert.deepEqual(device?.howToFix, ['This device has not checked in for more than 30 days: turn it on, unlock it and connect it to the internet.']);
    });

    it('offers Apple and Windows enrollment to a licensed person, and says why not to one without a license', async () => {
      const { app: server, core } = app.t;
      const licensed = await portalUser(server, core);
      const options = (await portalClient(server, licensed).get('/me/enrollmentOptions')).json<{
        apple: { available: boolean; profileUrl: string | null };
        windows: { available: boolean; enrollmentUrl: string; settingsPath: string; serverAddress: string; signIn: string };
      }>();
      assert.equal(options.apple.available, true);
      assert.equal(options.apple.profileUrl, `${PORTAL_API}/me/appleEnrollmentProfile`);
      assert.equal(options.windows.available, true);
      assert.equal(options.windows.enrollmentUrl,
        `ms-device-enrollment:?mode=mdm&username=${encodeURIComponent(licensed.user.userPrincipalName)}&servername=${encodeURIComponent('https://mdm.example.test/EnrollmentServer/Discovery.svc')}`);
      assert.match(options.windows.settingsPath, /^Settings > Accounts > Access work or school/);
      assert.equal(options.windows.serverAddress, 'mdm.example.test');
      assert.equal(options.windows.signIn, 'password');

      const unlicensed = await portalUser(server, core, { licensed: false });
      const portal = portalClient(server, unlicensed);
      const refused = (await portal.get('/me/enrollmentOptions')).json<{ apple: { available: boolean; reason: string }; windows: { available: boolean; reason: string; enrollmentUrl: string | null } }>();
      assert.equal(refused.apple.available, false);
      assert.match(refused.apple.reason, /no Steward license/);
      assert.equal(refused.windows.available, false);
      assert.equal(refused.windows.enrollmentUrl, null);
      const download = await portal.get('/me/appleEnrollmentProfile?platform=iOS');
      assert.equal(download.statusCode, 403, download.body);
      assert.match(download.json<ErrorBody>().error.message, /license/);
      const badPlatform = await portalClient(server, licensed).get('/me/appleEnrollmentProfile?platform=android');
      assert.equal(badPlatform.statusCode, 400, badPlatform.body);
      assert.match(badPlatform.json<ErrorBody>().error.message, /platform: must be iOS/);
    });

    it('hands out a signed personal profile that the person can see in the audit log', async () => {
      const { app: server, core } = app.t;
      const person = await portalUser(server, core);
      const res = await portalClient(server, person).get('/me/appleEnrollmentProfile?platform=macOS');
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'application/x-apple-aspen-config');
      assert.match(String(res.headers['content-disposition']), /attachment; filename=".+\.mobileconfig"/);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(res.rawPayload[0], 0x30, 'a DER CMS SignedData');
    });
  });
}

describe('company portal API without an APNs certificate', () => {
  it('says that iPhones cannot enroll until the push certificate is uploaded', async () => {
    const [dialect] = testDialects();
    const database = await dialect!.open();
    const t = await appleTestApp(database, { pushCertificate: false });
    try {
      const person = await portalUser(t.app, t.core);
      const portal = portalClient(t.app, person);
      const options = (await portal.get('/me/enrollmentOptions')).json<{ apple: { available: boolean; reason: string }; windows: { available: boolean } }>();
      assert.equal(options.apple.available, false);
      assert.match(options.apple.reason, /push certificate/);
      assert.equal(options.windows.available, true, 'Windows does not need it');
      const download = await portal.get('/me/appleEnrollmentProfile?platform=iOS');
      assert.equal(download.statusCode, 503, download.body);
      assert.match(download.json<ErrorBody>().error.message, /push certificate/);
    } finally {
      await t.app.close();
      await database.close();
    }
  });
});
