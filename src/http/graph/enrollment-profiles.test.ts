// deviceManagement/enrollmentProfiles and the profile download at its enrollmentUrl, on SQLite and
// PostgreSQL. The downloaded .mobileconfig is checked by third parties: `openssl cms -verify` with
// Steward's CA, and Python's plistlib.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDialects } from '../../store/testing.js';
import type { Database } from '../../store/database.js';
import { appleTestApp, createEnrollmentProfile, enrollmentAdmin, type AppleTestApp } from '../../../test/support/apple.js';
import { auditEventsFor } from '../../../test/support/directory.js';
import { bearer } from '../../../test/support/http.js';
import { hashChallenge } from '../../core/scep/challenge-hash.js';
import { plistlib } from '../../../test/support/apple-schema.js';

const dir = mkdtempSync(join(tmpdir(), 'steward-enroll-'));
after(() => rmSync(dir, { recursive: true, force: true }));

for (const dialect of testDialects()) {
  describe(`enrollment profiles on ${dialect.name}`, () => {
    let database: Database;
    let t: AppleTestApp;
    before(async () => {
      database = await dialect.open();
      t = await appleTestApp(database);
    });
    after(async () => {
      await t.app.close();
      await database.close();
    });

    it('creates a profile whose token and enrollmentUrl appear in that answer only', async () => {
      const created = await createEnrollmentProfile(t, { displayName: 'Sales iPads', maximumUses: 5, ownership: 'company' });
      assert.match(created.tokenValue, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(created.enrollmentUrl, `https://mdm.example.test/enroll/${created.tokenValue}`);
      assert.equal(created['@odata.type'], '#microsoft.graph.stewardEnrollmentProfile');
      assert.deepEqual([created.platform, created.ownership, created.maximumUses, created.usageCount, created.isRevoked], ['iOS', 'company', 5, 0, false]);
      const got = await t.app.inject({ url: `/v1.0/deviceManagement/enrollmentProfiles/${created.id}`, headers: enrollmentAdmin });
      assert.equal(got.statusCode, 200);
      assert.equal(got.json<Record<string, unknown>>().displayName, 'Sales iPads');
      const list = await t.app.inject({ url: '/beta/deviceManagement/enrollmentProfiles', headers: enrollmentAdmin });
      const everything = got.body + list.body + JSON.stringify(await auditEventsFor(t.app, created.id));
      assert.ok(!everything.includes(created.tokenValue), 'the token is never shown again, nor audited');
      assert.ok(list.json<{ value: { id: string }[] }>().value.some((p) => p.id === created.id));
    });

    it('refuses bad input with the property named', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ displayName: 'x', platform: 'android' }, 'platform'],
        [{ displayName: '', platform: 'iOS' }, 'displayName'],
        [{ displayName: 'x', platform: 'iOS', maximumUses: 0 }, 'maximumUses'],
        [{ displayName: 'x', platform: 'iOS', tokenExpirationDateTime: '2001-01-01T00:00:00Z' }, 'tokenExpirationDateTime'],
        [{ displayName: 'x', platform: 'iOS', tokenExpirationDateTime: 'soon' }, 'tokenExpirationDateTime'],
        [{ displayName: 'x', platform: 'iOS', tokenValue: 'mine' }, 'tokenValue'],
      ];
      for (const [payload, target] of cases) {
        const res = await t.app.inject({ method: 'POST', url: '/v1.0/deviceManagement/enrollmentProfiles', headers: enrollmentAdmin, payload });
        assert.equal(res.statusCode, 400, JSON.stringify(payload));
        assert.equal(res.json<{ error: { target?: string } }>().error.target, target, res.body);
      }
      const forbidden = await t.app.inject({ method: 'POST', url: '/v1.0/deviceManagement/enrollmentProfiles', headers: bearer('Microsoft.Intune_AppleEnrollmentProfiles_Read'), payload: { displayName: 'x', platform: 'iOS' } });
      assert.equal(forbidden.statusCode, 403);
    });

    it('serves a CMS-signed .mobileconfig that openssl verifies with the CA and plistlib reads', async () => {
      const created = await createEnrollmentProfile(t);
      const res = await t.app.inject({ url: new URL(created.enrollmentUrl).pathname });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'application/x-apple-aspen-config');
      writeFileSync(join(dir, 'ca.pem'), t.ca.certificatePem);
      writeFileSync(join(dir, 'profile.der'), res.rawPayload);
      const content = execFileSync('openssl', ['cms', '-verify', '-inform', 'DER', '-in', 'profile.der', '-CAfile', 'ca.pem', '-purpose', 'any'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
      const profile = plistlib(content);
      assert.equal(profile.PayloadType, 'Configuration');
      assert.equal(profile.PayloadIdentifier, 'com.steward.mdm.enrollment');
      const payloads = profile.PayloadContent as Record<string, unknown>[];
      const byType = new Map(payloads.map((p) => [p.PayloadType as string, p]));
      assert.deepEqual([...byType.keys()].sort(), ['com.apple.mdm', 'com.apple.security.root', 'com.apple.security.scep']);
      const mdm = byType.get('com.apple.mdm')!;
      const scep = byType.get('com.apple.security.scep')!;
      assert.equal(mdm.Topic, t.topic);
      assert.equal(mdm.ServerURL, 'https://mdm.example.test/mdm/apple/connect');
      assert.equal(mdm.CheckInURL, 'https://mdm.example.test/mdm/apple/checkin');
      assert.equal(mdm.SignMessage, true);
      assert.equal(mdm.AccessRights, 8191);
      assert.equal(mdm.IdentityCertificateUUID, scep.PayloadUUID);
      assert.deepEqual(mdm.ServerCapabilities, ['com.apple.mdm.per-user-connections', 'com.apple.mdm.bootstraptoken']);
      const scepContent = scep.PayloadContent as Record<string, unknown>;
      assert.equal(scepContent.URL, 'https://mdm.example.test/scep');
      // The challenge is a live one-time SCEP challenge bound to a new pending enrollment.
      const spent = await t.core.scep.consumeChallenge(hashChallenge(scepContent.Challenge as string), new Date());
      assert.equal(spent.outcome, 'consumed');
      const enrollment = spent.outcome === 'consumed' ? await t.core.appleEnrollments.get(spent.enrollmentId) : undefined;
      assert.equal(enrollment?.state, 'pending');
      assert.equal(enrollment?.profileId, created.id);
      const root = byType.get('com.apple.security.root')!;
      assert.equal((root.PayloadContent as { $data: string }).$data, Buffer.from(t.ca.ca.caCertificateDer()).toString('base64'));
      // Each download is a use, and mints a different challenge.
      const again = await t.app.inject({ url: new URL(created.enrollmentUrl).pathname });
      assert.equal(again.statusCode, 200);
      assert.notDeepEqual(again.rawPayload, res.rawPayload);
      const got = await t.app.inject({ url: `/v1.0/deviceManagement/enrollmentProfiles/${created.id}`, headers: enrollmentAdmin });
      assert.equal(got.json<{ usageCount: number }>().usageCount, 2);
    });

    it('stops serving profiles for a spent, revoked, replaced or unknown token, in words', async () => {
      const once = await createEnrollmentProfile(t, { maximumUses: 1 });
      const path = new URL(once.enrollmentUrl).pathname;
      assert.equal((await t.app.inject({ url: path })).statusCode, 200);
      const spent = await t.app.inject({ url: path });
      assert.equal(spent.statusCode, 403);
      assert.match(spent.body, /used as many times as allowed/);

      const revoked = await createEnrollmentProfile(t);
      const revoke = await t.app.inject({ method: 'POST', url: `/v1.0/deviceManagement/enrollmentProfiles/${revoked.id}/revokeToken`, headers: enrollmentAdmin });
      assert.equal(revoke.statusCode, 204);
      const refused = await t.app.inject({ url: new URL(revoked.enrollmentUrl).pathname });
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /revoked/);

      const renewed = await t.app.inject({ method: 'POST', url: `/v1.0/deviceManagement/enrollmentProfiles/${revoked.id}/createToken`, headers: enrollmentAdmin, payload: { tokenValidityInSeconds: 3600 } });
      assert.equal(renewed.statusCode, 200, renewed.body);
      const fresh = renewed.json<{ tokenValue: string; enrollmentUrl: string; isRevoked: boolean; tokenExpirationDateTime: string }>();
      assert.equal(fresh.isRevoked, false);
      assert.ok(Date.parse(fresh.tokenExpirationDateTime) > Date.now());
      assert.equal((await t.app.inject({ url: new URL(fresh.enrollmentUrl).pathname })).statusCode, 200);
      assert.equal((await t.app.inject({ url: new URL(revoked.enrollmentUrl).pathname })).statusCode, 404, 'the old token is gone');

      const unknown = await t.app.inject({ url: '/enroll/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
      assert.equal(unknown.statusCode, 404);
      assert.match(unknown.body, /not valid/);
      assert.equal((await t.app.inject({ url: '/enroll/%00' })).statusCode, 404);

      const windows = await createEnrollmentProfile(t, { platform: 'windows10AndLater' });
      assert.match(windows.enrollmentUrl, /^ms-device-enrollment:\?mode=mdm&servername=/);
    });

    it('deletes a profile and audits every change without its token', async () => {
      const created = await createEnrollmentProfile(t);
      const patch = await t.app.inject({ method: 'PATCH', url: `/v1.0/deviceManagement/enrollmentProfiles/${created.id}`, headers: enrollmentAdmin, payload: { displayName: 'Renamed', platform: 'macOS' } });
      assert.equal(patch.statusCode, 400, 'platform cannot change');
      const ok = await t.app.inject({ method: 'PATCH', url: `/v1.0/deviceManagement/enrollmentProfiles/${created.id}`, headers: enrollmentAdmin, payload: { displayName: 'Renamed' } });
      assert.equal(ok.statusCode, 204);
      assert.equal((await t.app.inject({ method: 'DELETE', url: `/v1.0/deviceManagement/enrollmentProfiles/${created.id}`, headers: enrollmentAdmin })).statusCode, 204);
      assert.equal((await t.app.inject({ url: `/v1.0/deviceManagement/enrollmentProfiles/${created.id}`, headers: enrollmentAdmin })).statusCode, 404);
      const events = await auditEventsFor(t.app, created.id);
      assert.deepEqual(events.map((e) => e.activity), ['Create EnrollmentProfile', 'Patch EnrollmentProfile', 'Delete EnrollmentProfile']);
      assert.ok(!JSON.stringify(events).includes(created.tokenValue));
    });
  });
}

describe('enrollment before the push certificate', () => {
  it('refuses to hand out Apple profiles, saying why', async () => {
    const [dialect] = testDialects();
    const database = await dialect!.open();
    const t = await appleTestApp(database, { pushCertificate: false });
    try {
      const created = await createEnrollmentProfile(t);
      const res = await t.app.inject({ url: new URL(created.enrollmentUrl).pathname });
      assert.equal(res.statusCode, 503);
      assert.match(res.body, /push certificate/);
      const got = await t.app.inject({ url: `/v1.0/deviceManagement/enrollmentProfiles/${created.id}`, headers: enrollmentAdmin });
      assert.equal(got.json<{ usageCount: number }>().usageCount, 0, 'a refused download spends no use');
      const wrong = await t.app.inject({ url: '/enroll/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
      assert.equal(wrong.statusCode, 404, 'a wrong link is wrong with or without the certificate');
    } finally {
      await t.app.close();
      await database.close();
    }
  });
});
