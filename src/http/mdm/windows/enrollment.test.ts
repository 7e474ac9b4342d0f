// Windows enrollment end to end, in process: a simulated PC (sim/windows) runs discovery, policy
// and enrollment against the app for each way of signing in, on SQLite and PostgreSQL. The
// issued certificate is checked by OpenSSL against Steward's CA; the managed device is read back
// through the Graph API.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testDialects } from '../../../store/testing.js';
import type { Database } from '../../../store/database.js';
import { encodeCertificationRequest } from '../../../protocol/scep/testing.js';
import { bearer, PUBLIC_URL } from '../../../../test/support/http.js';
import { enrollmentAdmin } from '../../../../test/support/apple.js';
import { aPC, aWindowsEnrollmentLink, aWindowsUser, nextTotp, PASSWORD, windowsTestApp, type WindowsTestApp } from '../../../../test/support/windows.js';
import { simpleName } from '../../../../sim/apple/x509.js';
import { getPoliciesRequest, newMessageId, requestSecurityToken, SoapFaultError } from '../../../../sim/windows/messages.js';
import { updateUser } from '../../../core/directory/update-user.js';
import { allScope } from '../../../core/rbac/scope.js';
import { updateTenantSettings } from '../../../core/settings/tenant-settings.js';
import { WebAuthError } from '../../../../sim/windows/web-auth.js';

const run = promisify(execFile);
const devicesReader = bearer('Microsoft.Intune_ManagedDevices_Read');
const BASE = PUBLIC_URL.href.replace(/\/$/, '');

interface GraphDevice {
  id: string; deviceName: string | null; operatingSystem: string; osVersion: string | null; managedDeviceOwnerType: string;
  userId: string | null; userPrincipalName: string | null; deviceEnrollmentType: string; managementAgent: string;
  enrollmentProfileName: string | null; manufacturer: string | null; model: string | null;
}

async function managedDevice(t: WindowsTestApp, id: string): Promise<GraphDevice | undefined> {
  const res = await t.app.inject({ url: '/v1.0/deviceManagement/managedDevices?$top=999', headers: devicesReader });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<{ value: GraphDevice[] }>().value.find((d) => d.id === id);
}

async function enrollmentRows(database: Database): Promise<number> {
  const row = await database.db.selectFrom('windows_enrollments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Runs `fn`, expecting the PC's enrollment to be refused with this fault. */
async function refused(p: Promise<unknown>, subcode: string, errorType?: string, reason?: RegExp): Promise<SoapFaultError> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof SoapFaultError)) throw err;
    assert.equal(err.subcode, subcode, err.message);
    assert.equal(err.status, 400, 'a refusal is a Sender fault: HTTP 400, never 401');
    if (errorType !== undefined) assert.equal(err.errorType, errorType, err.message);
    if (reason) assert.match(err.reason, reason);
    assert.equal(err.detailMessage, err.reason, 'the detail carries the same words');
    return err;
  }
  assert.fail(`expected a ${subcode} fault`);
}

for (const dialect of testDialects()) {
  describe(`Windows enrollment on ${dialect.name}`, () => {
    let database: Database;
    let t: WindowsTestApp;
    let dir: string;

    before(async () => {
      database = await dialect.open();
      t = await windowsTestApp(database);
      dir = mkdtempSync(join(tmpdir(), 'steward-windows-'));
      writeFileSync(join(dir, 'ca.pem'), t.ca.ca.caCertificatePem());
    });
    after(async () => {
      await t.app.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers the discovery probe with an empty 200, on both discovery paths', async () => {
      for (const url of ['/EnrollmentServer/Discovery.svc', '/EnrollmentServer/Token/Discovery.svc']) {
        const res = await t.app.inject({ method: 'GET', url });
        assert.equal(res.statusCode, 200);
        assert.equal(res.body, '');
      }
    });

    describe('OnPremise (the default): the password in a UsernameToken', () => {
      it('enrolls a licensed person\'s PC: certificate from the CA, provisioning, managed device', async () => {
        const { user } = await aWindowsUser(t);
        const pc = aPC(t, { deviceName: 'DESKTOP-ONPREM' });
        const identity = await pc.enroll({ email: user.userPrincipalName, password: PASSWORD });
        assert.equal(identity.authPolicy, 'OnPremise');
        assert.equal(pc.discovery?.enrollmentServiceUrl, `${BASE}/EnrollmentServer/Enrollment.svc`);
        assert.equal(pc.discovery?.enrollmentPolicyServiceUrl, `${BASE}/EnrollmentServer/Policy.svc`);
        assert.equal(pc.policy?.minimalKeyLength, 2048);

        // The certificate: chains to Steward's CA (OpenSSL as the judge), CN = the enrollment id, client auth.
        const cert = new X509Certificate(identity.certificateDer);
        assert.equal(cert.subject, `CN=${identity.enrollmentId}`);
        writeFileSync(join(dir, 'client.pem'), identity.certificatePem);
        const { stdout } = await run('openssl', ['verify', '-purpose', 'sslclient', '-CAfile', join(dir, 'ca.pem'), join(dir, 'client.pem')]);
        assert.match(stdout, /client\.pem: OK/);
        const days = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
        assert.ok(days > 360 && days <= 366, `valid for a year, not ${days} days`);
        assert.deepEqual(identity.rootCertificatesDer.map((d) => Buffer.from(d).toString('base64')), [Buffer.from(t.ca.ca.caCertificateDer()).toString('base64')]);

        // The DM client settings.
        assert.equal(identity.managementUrl, `${BASE}/ManagementServer/MDM.svc`);
        assert.equal(identity.providerId, 'Steward');
        assert.equal(identity.provisioning.dmClient.EntDMID, identity.enrollmentId);
        assert.equal(identity.provisioning.dmClient.UPN, user.userPrincipalName);
        assert.equal(identity.provisioning.poll.NumberOfFirstRetries, '5');

        const stored = await t.core.windowsEnrollments.get(identity.enrollmentId);
        assert.equal(stored?.state, 'enrolled');
        assert.equal(stored?.userId, user.id);
        assert.equal(stored?.deviceId, pc.deviceId);
        assert.equal(stored?.enrollmentType, 'Full');
        assert.equal(stored?.osEdition, '48');
        assert.equal(stored?.identitySerial, cert.serialNumber.toLowerCase().replace(/^00(?=[89a-f])/, ''));

        const device = await managedDevice(t, identity.enrollmentId);
        assert.ok(device, 'the managed device is listed');
        assert.deepEqual(
          [device.operatingSystem, device.deviceName, device.osVersion, device.managedDeviceOwnerType, device.userId, device.userPrincipalName, device.deviceEnrollmentType, device.managementAgent, device.manufacturer, device.model],
          ['Windows', 'DESKTOP-ONPREM', pc.osVersion, 'personal', user.id, user.userPrincipalName, 'userEnrollment', 'mdm', null, null],
        );
        // No web session is left behind by the password check.
        const sessions = await database.db.selectFrom('sessions').select('user_id').where('user_id', '=', user.id).execute();
        assert.equal(sessions.length, 0);
      });

      it('refuses a wrong password, an unknown person and a disabled account alike (Authentication), storing nothing', async () => {
        const { user } = await aWindowsUser(t);
        const { user: disabled } = await aWindowsUser(t, { enabled: false });
        const before = await enrollmentRows(database);
        await refused(aPC(t).enroll({ email: user.userPrincipalName, password: 'Wrong-Password-1' }), 'Authentication', 'CustomServerError', /user name or password is incorrect/);
        await refused(aPC(t).enroll({ email: 'nobody@contoso.example', password: PASSWORD }), 'Authentication', 'CustomServerError', /user name or password is incorrect/);
        await refused(aPC(t).enroll({ email: disabled.userPrincipalName, password: PASSWORD }), 'Authentication', 'CustomServerError', /user name or password is incorrect/);
        assert.equal(await enrollmentRows(database), before);
      });

      it('refuses an unlicensed person with the UserLicense detail', async () => {
        const { user } = await aWindowsUser(t, { licensed: false });
        const before = await enrollmentRows(database);
        await refused(aPC(t).enroll({ email: user.userPrincipalName, password: PASSWORD }), 'Authorization', 'UserLicense', /no Steward license/);
        assert.equal(await enrollmentRows(database), before);
      });

      it('refuses a person with an authenticator app, saying to use web sign-in', async () => {
        const { user } = await aWindowsUser(t, { totp: true });
        await refused(aPC(t).enroll({ email: user.userPrincipalName, password: PASSWORD }), 'Authentication', 'CustomServerError', /authenticator app.*web sign-in \(Federated\)/);
      });

      it('refuses a person whose password must be changed first (Authorization)', async () => {
        const { user } = await aWindowsUser(t, { forceChange: true });
        await refused(aPC(t).enroll({ email: user.userPrincipalName, password: PASSWORD }), 'Authorization', 'CustomServerError', /password must be changed/);
      });

      it('counts wrong passwords toward the sign-in lockout', async () => {
        const { user } = await aWindowsUser(t);
        for (let i = 0; i < 3; i++) await refused(aPC(t).enroll({ email: user.userPrincipalName, password: `Wrong-${i}` }), 'Authentication');
        // The 4th attempt within a second is refused unchecked, even with the right password.
        await refused(aPC(t).enroll({ email: user.userPrincipalName, password: PASSWORD }), 'Authentication', undefined, /Too many failed sign-in attempts/);
        t.clock.advance(2000);
        await aPC(t).enroll({ email: user.userPrincipalName, password: PASSWORD });
      });

      it('refuses a certificate request not signed by its own key, unreadable, or with a weak key', async () => {
        const { user } = await aWindowsUser(t);
        const before = await enrollmentRows(database);
        const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
        await refused(aPC(t).enroll({ email: user.userPrincipalName, password: PASSWORD }, {
          csr: (k) => encodeCertificationRequest({ subject: simpleName([['CN', 'x']]), publicKey: k.publicKey, privateKey: other.privateKey }),
        }), 'CertificateRequest', 'CustomServerError', /not signed by its own key/);
        await refused(aPC(t).enroll({ email: user.userPrincipalName, password: PASSWORD }, { csr: () => new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]) }), 'CertificateRequest', undefined, /cannot be read/);
        const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
        await refused(aPC(t).enroll({ email: user.userPrincipalName, password: PASSWORD }, {
          csr: () => encodeCertificationRequest({ subject: simpleName([['CN', 'x']]), publicKey: weak.publicKey, privateKey: weak.privateKey }),
        }), 'CertificateRequest', undefined, /too weak/);
        assert.equal(await enrollmentRows(database), before);
      });

      it('replaces the enrollment of a PC that enrolls again with the same DeviceID', async () => {
        const { user } = await aWindowsUser(t);
        const pc = aPC(t);
        const first = await pc.enroll({ email: user.userPrincipalName, password: PASSWORD });
        const second = await aPC(t, { deviceId: pc.deviceId }).enroll({ email: user.userPrincipalName, password: PASSWORD });
        assert.notEqual(second.enrollmentId, first.enrollmentId);
        assert.equal((await t.core.windowsEnrollments.get(first.enrollmentId))?.state, 'unenrolled');
        assert.equal((await t.core.windowsEnrollments.activeByDeviceId(pc.deviceId))?.id, second.enrollmentId);
      });

      it('refuses a PC that names an enrolled PC\'s DeviceID with other hardware, leaving that PC enrolled', async () => {
        const { user } = await aWindowsUser(t);
        const pc = aPC(t);
        const first = await pc.enroll({ email: user.userPrincipalName, password: PASSWORD });
        const before = await enrollmentRows(database);
        await refused(aPC(t, { deviceId: pc.deviceId, hwDevId: 'F'.repeat(64) }).enroll({ email: user.userPrincipalName, password: PASSWORD }), 'Authorization', undefined, /another hardware id/);
        assert.equal(await enrollmentRows(database), before);
        assert.equal((await t.core.windowsEnrollments.activeByDeviceId(pc.deviceId))?.id, first.enrollmentId);
      });

      it('puts a device-context enrollment\'s certificate in My\\System', async () => {
        const { user } = await aWindowsUser(t);
        const identity = await aPC(t, { enrollmentType: 'Device' }).enroll({ email: user.userPrincipalName, password: PASSWORD });
        assert.equal(identity.provisioning.clientCertificate.store, 'System');
        assert.equal((await t.core.windowsEnrollments.get(identity.enrollmentId))?.enrollmentType, 'Device');
      });
    });

    describe('the security header and the request type', () => {
      const soapPost = (url: string, payload: string) => t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/soap+xml; charset=utf-8' }, payload });
      const faultOf = (body: string) => ({ subcode: /<s:Subcode><s:Value>([^<]+)</.exec(body)?.[1], errorType: /<ErrorType>([^<]+)</.exec(body)?.[1] });

      it('answers InvalidSecurity for a missing, unreadable or foreign credential', async () => {
        const policies = getPoliciesRequest({ messageId: newMessageId(), to: `${BASE}/EnrollmentServer/Policy.svc`, credential: { type: 'token', token: 'x'.repeat(43) } });
        const noHeader = policies.replace(/<wsse:Security[\s\S]*<\/wsse:Security>/, '');
        const notBase64 = policies.replace(/(<wsse:BinarySecurityToken[^>]*>)[^<]*/, '$1not base64!');
        const x509 = policies.replace(/ValueType="[^"]*"/, 'ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"');
        for (const [name, body] of [['no header', noHeader], ['not base64', notBase64], ['X509v3', x509]] as const) {
          const res = await soapPost('/EnrollmentServer/Policy.svc', body);
          assert.equal(res.statusCode, 400, name);
          assert.equal(faultOf(res.body).subcode, 'a:InvalidSecurity', `${name}: ${res.body}`);
        }
      });

      it('refuses renewal (NotEligibleToRenew) and a PKCS #7 request', async () => {
        const { user } = await aWindowsUser(t);
        const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
        const rst = requestSecurityToken({ messageId: newMessageId(), to: `${BASE}/EnrollmentServer/Enrollment.svc`, credential: { type: 'password', username: user.userPrincipalName, password: PASSWORD }, csr: defaultCsr(keys), context: [['DeviceID', randomUUID()]] });
        const renew = rst.replace('ws-trust/200512/Issue', 'ws-trust/200512/Renew');
        const res = await soapPost('/EnrollmentServer/Enrollment.svc', renew);
        assert.equal(res.statusCode, 400);
        assert.deepEqual(faultOf(res.body), { subcode: 's:Authorization', errorType: 'NotEligibleToRenew' });
        assert.match(res.body, /<a:Action s:mustUnderstand="1">http:\/\/schemas\.microsoft\.com\/windows\/pki\/2009\/01\/enrollment\/RSTRC\/wstep<\/a:Action>/);
        assert.match(res.body, /<a:RelatesTo>urn:uuid:/, 'the fault relates to the request');
        const pkcs7 = rst.replace('http://schemas.microsoft.com/windows/pki/2009/01/enrollment#PKCS10', 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#PKCS7');
        assert.equal(faultOf((await soapPost('/EnrollmentServer/Enrollment.svc', pkcs7)).body).subcode, 's:MessageFormat');
      });
    });

    describe('Federated: Steward\'s sign-in page', () => {
      let f: WindowsTestApp;
      before(async () => { f = await windowsTestApp(database, { authPolicy: 'Federated' }); });
      after(async () => { await f.app.close(); });

      it('enrolls through the page with the password, then the authenticator code', async () => {
        const { user, secret } = await aWindowsUser(f, { totp: true });
        const pc = aPC(f);
        const identity = await pc.enroll({ email: user.userPrincipalName, password: PASSWORD, totpCode: () => nextTotp(f, secret!) });
        assert.equal(identity.authPolicy, 'Federated');
        assert.equal(pc.discovery?.authenticationServiceUrl, `${BASE}/EnrollmentServer/Authenticate`);
        const device = await managedDevice(f, identity.enrollmentId);
        assert.equal(device?.userId, user.id);
        assert.equal(device?.managedDeviceOwnerType, 'personal');
        const tokens = await database.db.selectFrom('windows_sign_in_tokens').selectAll().where('user_id', '=', user.id).execute();
        assert.equal(tokens.length, 1);
        assert.ok(tokens[0]!.used_at, 'the sign-in token was spent');
        assert.match(tokens[0]!.token_hash, /^[0-9a-f]{64}$/, 'only its hash is stored');
      });

      it('enrolls a person without an authenticator with the password alone', async () => {
        const { user } = await aWindowsUser(f);
        const identity = await aPC(f).enroll({ email: user.userPrincipalName, password: PASSWORD });
        assert.equal((await managedDevice(f, identity.enrollmentId))?.userPrincipalName, user.userPrincipalName);
      });

      it('keeps the page on a wrong password or code, and ends on an unlicensed account', async () => {
        const { user, secret } = await aWindowsUser(f, { totp: true });
        await assert.rejects(aPC(f).enroll({ email: user.userPrincipalName, password: 'Wrong-Password-1' }), (e: unknown) => e instanceof WebAuthError && /sign-in refused: The user name or password is incorrect/.test(e.message));
        await assert.rejects(aPC(f).enroll({ email: user.userPrincipalName, password: PASSWORD, totpCode: () => '000000' }), (e: unknown) => e instanceof WebAuthError && /sign-in refused: The code from the authenticator app is wrong/.test(e.message));
        f.clock.advance(120_000); // past the backoff of the failures above
        await aPC(f).enroll({ email: user.userPrincipalName, password: PASSWORD, totpCode: () => nextTotp(f, secret!) });
        const { user: unlicensed } = await aWindowsUser(f, { licensed: false });
        await assert.rejects(aPC(f).enroll({ email: unlicensed.userPrincipalName, password: PASSWORD }), (e: unknown) => e instanceof WebAuthError && /no Steward license/.test(e.pageText));
      });

      it('refuses a spent, expired or unknown sign-in token, and a person disabled after signing in', async () => {
        const { user } = await aWindowsUser(f);
        const pc = aPC(f);
        await pc.enroll({ email: user.userPrincipalName, password: PASSWORD });
        // Replaying the same enrollment request: the token is spent.
        const rst = pc.sent.find((r) => r.url.endsWith('/Enrollment.svc'));
        assert.ok(rst);
        const replay = await f.app.inject({ method: 'POST', url: '/EnrollmentServer/Enrollment.svc', headers: { 'content-type': 'application/soap+xml; charset=utf-8' }, payload: rst.body });
        assert.equal(replay.statusCode, 400);
        assert.match(replay.body, /s:Authentication[\s\S]*expired or was already used/);

        const before = await enrollmentRows(database);
        // Expired: more than 15 minutes between the page and the enrollment request.
        await refused(aPC(f).enroll({ email: user.userPrincipalName, password: PASSWORD }, { beforeEnrollmentRequest: () => f.clock.advance(16 * 60_000) }), 'Authentication', undefined, /expired or was already used/);
        // A token no page issued.
        assert.match((await enrollWithRawToken(f, 'f'.repeat(64))).body, /s:Authentication[\s\S]*expired or was already used/);
        // Disabled between the page and the enrollment request.
        const { user: later } = await aWindowsUser(f);
        await refused(aPC(f).enroll({ email: later.userPrincipalName, password: PASSWORD }, { beforeEnrollmentRequest: () => disable(f, later.id) }), 'Authorization', 'CustomServerError', /disabled/);
        assert.equal(await enrollmentRows(database), before);
      });

      it('reads the page\'s token whether or not the client base64-encoded it again', async () => {
        const { user } = await aWindowsUser(f);
        const page = await f.app.inject({ method: 'POST', url: '/EnrollmentServer/Authenticate', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ appru: 'ms-app://windows.immersivecontrolpanel', userName: user.userPrincipalName, password: PASSWORD, step: 'password' }).toString() });
        const wresult = /name="wresult" value="([0-9a-f]{64})"/.exec(page.body)?.[1];
        assert.ok(wresult, page.body);
        const encoded = getPoliciesRequest({ messageId: newMessageId(), to: `${BASE}/EnrollmentServer/Policy.svc`, credential: { type: 'token', token: wresult } });
        const raw = encoded.replace(Buffer.from(wresult).toString('base64'), wresult);
        assert.notEqual(raw, encoded);
        for (const body of [encoded, raw]) {
          const res = await f.app.inject({ method: 'POST', url: '/EnrollmentServer/Policy.svc', headers: { 'content-type': 'application/soap+xml; charset=utf-8' }, payload: body });
          assert.equal(res.statusCode, 200, res.body);
          assert.match(res.body, /GetPoliciesResponse/);
        }
      });

      it('answers Federated for everyone when the tenant requires an authenticator app, even with OnPremise configured', async () => {
        await updateTenantSettings(t.core, { stewardRequireAuthenticatorForUsers: true });
        try {
          const { user, secret } = await aWindowsUser(t, { totp: true });
          const identity = await aPC(t).enroll({ email: user.userPrincipalName, password: PASSWORD, totpCode: () => nextTotp(t, secret!) });
          assert.equal(identity.authPolicy, 'Federated');
        } finally {
          await updateTenantSettings(t.core, { stewardRequireAuthenticatorForUsers: false });
        }
      });
    });

    describe('an enrollment profile\'s ms-device-enrollment: link (bulk, userless)', () => {
      it('enrolls a company PC with no user, counting one use of the token', async () => {
        const link = await aWindowsEnrollmentLink(t, { displayName: 'Kiosk PCs' });
        assert.match(link.enrollmentUrl, /^ms-device-enrollment:\?mode=mdm&servername=https%3A%2F%2Fmdm\.example\.test%2FEnrollmentServer%2FToken%2FDiscovery\.svc&accesstoken=/);
        const pc = aPC(t, { deviceName: 'KIOSK-01' });
        const identity = await pc.enroll({ link: link.enrollmentUrl });
        assert.equal(identity.authPolicy, 'Federated', 'the token discovery path answers Federated whatever the setting');
        const stored = await t.core.windowsEnrollments.get(identity.enrollmentId);
        assert.deepEqual([stored?.userId, stored?.profileId, stored?.ownership], [null, link.id, 'company']);
        const device = await managedDevice(t, identity.enrollmentId);
        assert.deepEqual([device?.managedDeviceOwnerType, device?.userId, device?.deviceEnrollmentType, device?.enrollmentProfileName, device?.deviceName],
          ['company', null, 'windowsBulkUserless', 'Kiosk PCs', 'KIOSK-01']);
        assert.equal(identity.provisioning.dmClient.UPN, undefined);
        const profile = await t.app.inject({ url: `/v1.0/deviceManagement/enrollmentProfiles/${link.id}`, headers: enrollmentAdmin });
        assert.equal(profile.json<{ usageCount: number }>().usageCount, 1, 'discovery, the page and GetPolicies spend nothing; enrollment spends one use');
      });

      it('takes the token sent straight in the BinarySecurityToken (no sign-in page)', async () => {
        const link = await aWindowsEnrollmentLink(t);
        const direct = await enrollWithRawToken(t, link.tokenValue);
        assert.equal(direct.status, 200, direct.body);
        assert.match(direct.body, /RequestSecurityTokenResponseCollection/);
      });

      it('refuses a spent, revoked, unknown or non-Windows link', async () => {
        const once = await aWindowsEnrollmentLink(t, { maximumUses: 1 });
        await aPC(t).enroll({ link: once.enrollmentUrl });
        // The page already says so; straight to the service, the fault does.
        await assert.rejects(aPC(t).enroll({ link: once.enrollmentUrl }), (e: unknown) => e instanceof WebAuthError && /used as many times as allowed/.test(e.pageText));
        const spent = await enrollWithRawToken(t, once.tokenValue);
        assert.equal(spent.status, 400);
        assert.match(spent.body, /s:Authorization/);
        assert.match(spent.body, /used as many times as allowed/);

        const revoked = await aWindowsEnrollmentLink(t);
        assert.equal((await t.app.inject({ method: 'POST', url: `/v1.0/deviceManagement/enrollmentProfiles/${revoked.id}/revokeToken`, headers: enrollmentAdmin })).statusCode, 204);
        await assert.rejects(aPC(t).enroll({ link: revoked.enrollmentUrl }), (e: unknown) => e instanceof WebAuthError && /revoked/.test(e.pageText));
        assert.match((await enrollWithRawToken(t, revoked.tokenValue)).body, /s:Authorization[\s\S]*revoked/);

        assert.match((await enrollWithRawToken(t, 'A'.repeat(43))).body, /s:Authentication[\s\S]*not valid/);

        const ios = await t.app.inject({ method: 'POST', url: '/v1.0/deviceManagement/enrollmentProfiles', headers: enrollmentAdmin, payload: { displayName: 'Phones', platform: 'iOS' } });
        const iosToken = ios.json<{ tokenValue: string }>().tokenValue;
        assert.match((await enrollWithRawToken(t, iosToken)).body, /s:Authorization[\s\S]*not for Windows PCs/);
        const profile = await t.app.inject({ url: `/v1.0/deviceManagement/enrollmentProfiles/${once.id}`, headers: enrollmentAdmin });
        assert.equal(profile.json<{ usageCount: number }>().usageCount, 1);
      });

      it('refuses a link on a client that cannot do Federated', async () => {
        const link = await aWindowsEnrollmentLink(t);
        await refused(aPC(t, { authPolicies: ['OnPremise'] }).enroll({ link: link.enrollmentUrl }), 'Authorization', 'DeviceNotSupported', /cannot enroll with an enrollment link/);
      });
    });
  });
}

// ---- raw requests, built the way the simulator builds them ----

function defaultCsr(k: { publicKey: KeyObject; privateKey: KeyObject }): Uint8Array {
  return encodeCertificationRequest({ subject: simpleName([['CN', 'test']]), publicKey: k.publicKey, privateKey: k.privateKey });
}

async function disable(t: WindowsTestApp, userId: string): Promise<void> {
  await updateUser(t.core, { id: userId, scope: allScope, changes: { accountEnabled: false } });
}

/** GetPolicies then RequestSecurityToken with a token in the header, as RegisterDeviceWithManagement's access token would go. */
async function enrollWithRawToken(t: WindowsTestApp, token: string): Promise<{ status: number; body: string }> {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const to = `${BASE}/EnrollmentServer/Enrollment.svc`;
  const policy = await t.app.inject({ method: 'POST', url: '/EnrollmentServer/Policy.svc', headers: { 'content-type': 'application/soap+xml' }, payload: getPoliciesRequest({ messageId: newMessageId(), to, credential: { type: 'token', token } }) });
  assert.ok(policy.statusCode === 200 || policy.statusCode === 400, policy.body);
  const body = requestSecurityToken({ messageId: newMessageId(), to, credential: { type: 'token', token }, csr: defaultCsr(keys), context: [['DeviceID', randomUUID()], ['EnrollmentType', 'Full']] });
  const res = await t.app.inject({ method: 'POST', url: '/EnrollmentServer/Enrollment.svc', headers: { 'content-type': 'application/soap+xml; charset=utf-8' }, payload: body });
  return { status: res.statusCode, body: res.body };
}
