import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { testDialects } from '../../store/testing.js';
import type { Database } from '../../store/database.js';
import { bearer, testApp, type TestApp } from '../../../test/support/http.js';
import { PushCertificateFactory, type TestPushCertificate } from '../../../test/support/push-certificates.js';
import { parseListQuery } from '../../core/query/list-query.js';
import { auditEventSchema } from '../../core/audit/audit-schema.js';
import { APPLE_PUSH_CERTIFICATE_ID } from './apple-push-certificate.js';

interface ErrorBody { error: { code: string; message: string; target?: string } }
interface ApnsCertificate {
  '@odata.context': string;
  '@odata.type': string;
  id: string;
  appleIdentifier: string | null;
  topicIdentifier: string;
  lastModifiedDateTime: string;
  expirationDateTime: string;
  certificateUploadStatus: string;
  certificateUploadFailureReason: string | null;
  certificateSerialNumber: string;
  certificate: string;
  warnings: string[];
}

const read = bearer('Microsoft.Intune_Organization_Read');
const update = bearer('Microsoft.Intune_Organization_Update');
const URL_V1 = '/v1.0/deviceManagement/applePushNotificationCertificate';
const CSR_FUNCTION = 'downloadApplePushNotificationCertificateSigningRequest';
const noLeadingZeros = (hex: string) => hex.replace(/^0+/, '');
/** The base64 body of a PEM key, as lines: any one of them showing up anywhere is a leak. */
const keyLines = (pem: string) => pem.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----'));

for (const dialect of testDialects()) {
  describe(`applePushNotificationCertificate on ${dialect.name}`, () => {
    const certs = new PushCertificateFactory();
    let database: Database;
    let t: TestApp;
    let current: TestPushCertificate;
    /** Every answer of this suite, to look for key material in at the end. */
    const answers: string[] = [];
    /** Every private key this suite made or Steward generated. */
    const keys: string[] = [];

    before(async () => {
      database = await dialect.open();
      t = await testApp(database);
    });
    after(async () => { await t.app.close(); await database.close(); certs.cleanup(); });

    const record = (res: LightMyRequestResponse) => { answers.push(res.body, JSON.stringify(res.headers)); return res; };
    const get = async (url = URL_V1, headers = read) => record(await t.app.inject({ url, headers }));
    const patch = async (payload: unknown, headers = update) =>
      record(await t.app.inject({ method: 'PATCH', url: URL_V1, headers, payload: payload as object }));
    const refused = async (payload: unknown, target: string, message: RegExp) => {
      const res = await patch(payload);
      assert.equal(res.statusCode, 400, res.body);
      const { error } = res.json<ErrorBody>();
      assert.equal(error.code, 'BadRequest');
      assert.equal(error.target, target, error.message);
      assert.match(error.message, message);
      return error;
    };
    const issue = (options?: Parameters<PushCertificateFactory['issue']>[0]) => {
      const c = certs.issue(options);
      keys.push(c.privateKey);
      return c;
    };
    const auditEvents = async () => (await t.core.auditLog.list(parseListQuery({ $top: '100' }, auditEventSchema))).items;

    it('is a 404 Graph error before any certificate is uploaded, under v1.0 and beta', async () => {
      for (const url of [URL_V1, '/beta/deviceManagement/applePushNotificationCertificate']) {
        const res = await get(url);
        assert.equal(res.statusCode, 404, res.body);
        assert.equal(res.json<ErrorBody>().error.code, 'ResourceNotFound');
      }
      assert.equal((await patch({ appleIdentifier: 'mdm@example.com' })).statusCode, 404, 'nothing to set an Apple ID on');
    });

    it('needs Organization_Read to read and Organization_Update to upload or make a signing request', async () => {
      assert.equal((await t.app.inject({ url: URL_V1 })).statusCode, 401);
      assert.equal((await get(URL_V1, update)).statusCode, 403);
      assert.equal((await patch({ appleIdentifier: 'x' }, read)).statusCode, 403);
      assert.equal((await get(`${URL_V1}/${CSR_FUNCTION}`, read)).statusCode, 403);
    });

    it('uploads a certificate with its key and answers with Graph\'s properties', async () => {
      current = issue();
      const res = await patch({ '@odata.type': '#microsoft.graph.applePushNotificationCertificate', appleIdentifier: 'mdm@example.com', certificate: current.certificate, privateKey: current.privateKey });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json<ApnsCertificate>();
      assert.equal(body['@odata.context'], 'https://mdm.example.test/v1.0/$metadata#deviceManagement/applePushNotificationCertificate/$entity');
      assert.equal(body['@odata.type'], '#microsoft.graph.applePushNotificationCertificate');
      assert.equal(body.id, APPLE_PUSH_CERTIFICATE_ID);
      assert.equal(body.topicIdentifier, current.topic);
      assert.equal(body.appleIdentifier, 'mdm@example.com');
      assert.equal(noLeadingZeros(body.certificateSerialNumber), noLeadingZeros(current.serialNumber));
      assert.equal(body.certificateUploadStatus, 'succeeded');
      assert.equal(body.certificateUploadFailureReason, null);
      assert.ok(Date.parse(body.expirationDateTime) - Date.now() > 364 * 24 * 3600_000);
      assert.ok(Math.abs(Date.parse(body.lastModifiedDateTime) - Date.now()) < 60_000);
      assert.match(body.certificate, /^-----BEGIN CERTIFICATE-----/);
      assert.deepEqual(body.warnings, []);
      assert.deepEqual(Object.keys(body).sort(), [
        '@odata.context', '@odata.type', 'appleIdentifier', 'certificate', 'certificateSerialNumber', 'certificateUploadFailureReason',
        'certificateUploadStatus', 'expirationDateTime', 'id', 'lastModifiedDateTime', 'topicIdentifier', 'warnings',
      ]);

      const again = await get('/beta/deviceManagement/applePushNotificationCertificate');
      assert.equal(again.statusCode, 200);
      assert.deepEqual({ ...again.json<ApnsCertificate>(), '@odata.context': '' }, { ...body, '@odata.context': '' });

      const event = (await auditEvents()).find((e) => e.activity === 'Upload Apple push notification certificate');
      assert.ok(event);
      assert.equal(event.category, 'Enrollment');
      assert.equal(event.activityResult, 'Success');
      assert.ok(event.resources[0]?.modifiedProperties.some((p) => p.displayName === 'topicIdentifier' && p.newValue === JSON.stringify(current.topic)));
    });

    it('refuses what is not a certificate, a key of another certificate, an expired certificate and a non-MDM one', async () => {
      const other = issue({ topic: current.topic });
      await refused({ certificate: 'hello', privateKey: other.privateKey }, 'certificate', /PEM certificate/);
      await refused({ certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', privateKey: other.privateKey }, 'certificate', /could not be decoded/);
      await refused({ certificate: other.certificate, privateKey: current.privateKey }, 'privateKey', /does not belong/);
      await refused({ certificate: other.certificate, privateKey: 'not a key' }, 'privateKey', /PEM private key/);
      const expired = issue({ topic: current.topic, days: -1 });
      await refused({ certificate: expired.certificate, privateKey: expired.privateKey }, 'certificate', /expired on .*renew/);
      const app = issue({ subject: '/UID=com.example.app/CN=Apple Push Services: com.example.app' });
      await refused({ certificate: app.certificate, privateKey: app.privateKey }, 'certificate', /not an MDM push topic/);
      await refused({ certificate: other.certificate }, 'privateKey', /no private key/);
      await refused({ privateKey: other.privateKey }, 'privateKey', /together with certificate/);
      await refused({ certificate: other.certificate, privateKey: other.privateKey, topicIdentifier: 'com.apple.mgmt.x' }, 'topicIdentifier', /cannot be written/);
      await refused({ certificate: other.certificate, privateKey: other.privateKey, allowTopicChange: 'yes' }, 'allowTopicChange', /boolean/);

      // The certificate in use stays, and says that the last upload failed and why.
      const after = (await get()).json<ApnsCertificate>();
      assert.equal(noLeadingZeros(after.certificateSerialNumber), noLeadingZeros(current.serialNumber));
      assert.equal(after.certificateUploadStatus, 'failed');
      assert.match(after.certificateUploadFailureReason ?? '', /does not belong|no private key|not an MDM push topic/);
      const failures = (await auditEvents()).filter((e) => e.activityResult === 'Failure' && e.activity === 'Upload Apple push notification certificate');
      assert.ok(failures.length >= 5, String(failures.length));
    });

    it('refuses a certificate of another topic unless allowTopicChange, and renews one of the same topic', async () => {
      const stranger = issue();
      const error = await refused({ certificate: stranger.certificate, privateKey: stranger.privateKey }, 'certificate', /differs from the current/);
      assert.ok(error.message.includes(stranger.topic) && error.message.includes(current.topic), error.message);
      assert.match(error.message, /Renew/);

      const renewed = issue({ topic: current.topic, days: 20 });
      const res = await patch({ certificate: renewed.certificate, privateKey: renewed.privateKey });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json<ApnsCertificate>();
      assert.equal(body.topicIdentifier, current.topic);
      assert.equal(body.appleIdentifier, 'mdm@example.com', 'a renewal keeps the Apple ID');
      assert.equal(body.certificateUploadStatus, 'succeeded');
      assert.equal(body.certificateUploadFailureReason, null);
      assert.equal(body.warnings.length, 1);
      assert.match(body.warnings[0] ?? '', /^expires-soon: .*\(in 2\d days\)/);
      current = renewed;

      const replaced = await patch({ certificate: stranger.certificate, privateKey: stranger.privateKey, allowTopicChange: true, appleIdentifier: 'other@example.com' });
      assert.equal(replaced.statusCode, 200, replaced.body);
      assert.equal(replaced.json<ApnsCertificate>().topicIdentifier, stranger.topic);
      assert.equal(replaced.json<ApnsCertificate>().appleIdentifier, 'other@example.com');
      current = stranger;
    });

    it('changes the Apple ID alone', async () => {
      const res = await patch({ appleIdentifier: 'renewals@example.com' });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<ApnsCertificate>().appleIdentifier, 'renewals@example.com');
      assert.equal(res.json<ApnsCertificate>().topicIdentifier, current.topic);
      const event = (await auditEvents()).find((e) => e.activity === 'Update Apple push notification certificate');
      assert.ok(event);
      assert.deepEqual(event.resources[0]?.modifiedProperties, [{ displayName: 'appleIdentifier', oldValue: '"other@example.com"', newValue: '"renewals@example.com"' }]);
    });

    it('hands out a signing request and pairs the certificate Apple issues for it with the kept key', async () => {
      const res = await get(`/beta/deviceManagement/applePushNotificationCertificate/${CSR_FUNCTION}()`, update);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json<{ '@odata.context': string; value: string }>();
      assert.equal(body['@odata.context'], 'https://mdm.example.test/beta/$metadata#Edm.String');
      assert.match(body.value, /^-----BEGIN CERTIFICATE REQUEST-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE REQUEST-----\n$/);
      const verified = certs.verifyRequest(body.value);
      assert.ok(verified.ok, 'openssl req -verify accepts the request');
      assert.match(verified.subject, /CN *= *Steward MDM push certificate/);
      assert.match(verified.text, /Public-Key: \(2048 bit\)/);
      assert.match(verified.text, /Signature Algorithm: sha256WithRSAEncryption/);

      const pending = await database.db.selectFrom('push_certificate_requests').select('private_key_pem').executeTakeFirstOrThrow();
      keys.push(pending.private_key_pem);

      // Apple's certificate for the request, on the topic in use: a renewal, uploaded without a key.
      const signed = certs.signRequest(body.value, current.topic);
      const uploaded = await patch({ certificate: signed.certificate });
      assert.equal(uploaded.statusCode, 200, uploaded.body);
      assert.equal(noLeadingZeros(uploaded.json<ApnsCertificate>().certificateSerialNumber), noLeadingZeros(signed.serialNumber));
      assert.equal(await database.db.selectFrom('push_certificate_requests').select('id').executeTakeFirst(), undefined, 'the pending key is used up');
      const stored = await database.db.selectFrom('push_certificates').select('private_key_pem').executeTakeFirstOrThrow();
      assert.equal(stored.private_key_pem, pending.private_key_pem);

      // A certificate for a request whose key is gone (or was never Steward's) needs its key.
      const second = (await get(`${URL_V1}/${CSR_FUNCTION}`, update)).json<{ value: string }>().value;
      keys.push((await database.db.selectFrom('push_certificate_requests').select('private_key_pem').executeTakeFirstOrThrow()).private_key_pem);
      await refused({ certificate: certs.signRequest(body.value, current.topic).certificate }, 'certificate', /not issued for the signing request Steward handed out last/);
      assert.ok(certs.verifyRequest(second).ok);
    });

    it('never lets a private key out: not in an answer, a log line or an audit event', async () => {
      assert.ok(keys.length >= 8);
      const events = JSON.stringify(await auditEvents());
      const logs = t.logs.join('\n');
      for (const key of keys) {
        for (const line of keyLines(key)) {
          for (const [where, text] of [['answers', answers.join('\n')], ['logs', logs], ['audit events', events]] as const) {
            assert.ok(!text.includes(line), `a line of a private key is in the ${where}`);
          }
        }
      }
      // Error messages may name the PEM header they expected; a key would follow one with base64.
      const pemKey = /PRIVATE KEY-----(\\n|\n)[A-Za-z0-9+/]/;
      assert.doesNotMatch(answers.join('\n'), pemKey);
      assert.doesNotMatch(events, pemKey);
      assert.doesNotMatch(logs, pemKey);
    });
  });
}

