// OAuth2 client credentials at POST /oauth2/token, end to end: a real API client, real signed
// tokens, the real token authenticator and role assignments deciding what the token may do.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../store/testing.js';
import type { Database } from '../store/database.js';
import { PUBLIC_URL, testApp, type TestApp } from '../../test/support/http.js';
import { aManagedDevice } from '../../test/support/devices.js';
import { tokenAuthenticator } from '../core/auth/token-authenticator.js';
import type { Authenticator } from '../core/auth/principal.js';
import { createApiClient, deleteApiClient } from '../core/rbac/api-clients.js';
import { ensureRoleAdminGroup } from '../core/rbac/role-admins.js';
import { findRoleByName } from '../core/rbac/roles.js';
import { addGroupMember } from '../core/directory/group-members.js';
import { parseAuditQuery } from '../core/audit/list-audit-events.js';
import type { AuditEvent } from '../core/audit/audit-event.js';
import type { Core } from '../core/deps.js';

interface TokenAnswer { access_token: string; token_type: string; expires_in: number }
interface OAuthError { error: string; error_description: string }

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const DEVICES = '/v1.0/deviceManagement/managedDevices';

/** A client holding `role` (through the CLI's per-role admin group), or no role at all. */
async function aClient(core: Core, name: string, role?: string): Promise<{ id: string; clientId: string; clientSecret: string }> {
  const { client, clientSecret } = await createApiClient(core, { displayName: name });
  if (role) {
    const { group } = await ensureRoleAdminGroup(core, await findRoleByName(core, role));
    await addGroupMember(core, { groupId: group.id, memberId: client.id });
  }
  return { id: client.id, clientId: client.clientId, clientSecret };
}

for (const dialect of testDialects()) {
  describe(`POST /oauth2/token and bearer tokens on ${dialect.name}`, () => {
    let database: Database;
    let t: TestApp;
    let reader: Awaited<ReturnType<typeof aClient>>;
    let policyManager: Awaited<ReturnType<typeof aClient>>;
    const secrets: string[] = [];

    before(async () => {
      database = await dialect.open();
      let real: Authenticator | undefined;
      // The real authenticator over the app's own core (created by testApp, hence the indirection).
      const authenticator: Authenticator = { authenticate: (token) => (real ??= tokenAuthenticator({ ...t.core, issuer: PUBLIC_URL.href.replace(/\/$/, '') })).authenticate(token) };
      t = await testApp(database, { authenticator });
      await t.core.devices.put(aManagedDevice({ deviceName: 'oauth-device' }));
      reader = await aClient(t.core, 'reader', 'Read Only Operator');
      policyManager = await aClient(t.core, 'policies', 'Policy and Profile manager');
      secrets.push(reader.clientSecret, policyManager.clientSecret);
    });
    after(async () => { await t.app.close(); await database.close(); });

    const tokenRequest = (body: string, headers: Record<string, string> = FORM) => t.app.inject({ method: 'POST', url: '/oauth2/token', headers, payload: body });
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    async function tokenFor(c: { clientId: string; clientSecret: string }): Promise<string> {
      const res = await tokenRequest(form({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret }));
      assert.equal(res.statusCode, 200, res.body);
      return res.json<TokenAnswer>().access_token;
    }
    const devices = (token: string) => t.app.inject({ url: DEVICES, headers: { authorization: `Bearer ${token}` } });
    async function auditEvents(): Promise<AuditEvent[]> {
      return (await t.core.auditLog.list(parseAuditQuery({ $top: '999' }))).items;
    }

    it('issues a bearer token for a form-encoded client_credentials request, not to be cached', async () => {
      const res = await tokenRequest(form({ grant_type: 'client_credentials', client_id: reader.clientId, client_secret: reader.clientSecret }));
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(res.headers.pragma, 'no-cache');
      const body = res.json<TokenAnswer>();
      assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'token_type']);
      assert.equal(body.token_type, 'Bearer');
      assert.equal(body.expires_in, 3600);
      assert.match(body.access_token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    });

    it('accepts the client id and secret in HTTP Basic (client_secret_basic)', async () => {
      const basic = Buffer.from(`${encodeURIComponent(reader.clientId)}:${encodeURIComponent(reader.clientSecret)}`).toString('base64');
      const res = await tokenRequest('grant_type=client_credentials', { ...FORM, authorization: `Basic ${basic}` });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal((await devices(res.json<TokenAnswer>().access_token)).statusCode, 200);
    });

    it('lets the token do what the client\'s role grants, and nothing else', async () => {
      const ok = await devices(await tokenFor(reader));
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual(ok.json<{ value: { deviceName: string }[] }>().value.map((d) => d.deviceName), ['oauth-device']);
      const refused = await devices(await tokenFor(policyManager));
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal(refused.json<{ error: { code: string } }>().error.code, 'Forbidden');
      const nobody = await aClient(t.core, 'no role');
      secrets.push(nobody.clientSecret);
      assert.equal((await devices(await tokenFor(nobody))).statusCode, 403);
    });

    it('refuses a wrong secret or an unknown client with 401 invalid_client, and audits it', async () => {
      for (const fields of [
        { client_id: reader.clientId, client_secret: `${reader.clientSecret.slice(0, -1)}x` },
        { client_id: '4a0b9c36-0000-4000-8000-000000000000', client_secret: reader.clientSecret },
      ]) {
        const res = await tokenRequest(form({ grant_type: 'client_credentials', ...fields }));
        assert.equal(res.statusCode, 401, res.body);
        assert.equal(res.json<OAuthError>().error, 'invalid_client');
        assert.equal(res.headers['cache-control'], 'no-store');
        assert.match(String(res.headers['www-authenticate']), /^Basic /);
      }
      const refusals = (await auditEvents()).filter((e) => e.activity === 'Sign-in refused');
      assert.ok(refusals.length >= 2);
      for (const e of refusals) assert.equal(e.activityResult, 'Failure');
      assert.ok(refusals.some((e) => e.actor.userPrincipalName === reader.clientId));
    });

    it('answers 400 for a missing or unsupported grant_type, missing credentials and a JSON body', async () => {
      const cases: [string, Record<string, string>, string][] = [
        [form({ grant_type: 'password', client_id: reader.clientId, client_secret: reader.clientSecret }), FORM, 'unsupported_grant_type'],
        [form({ client_id: reader.clientId, client_secret: reader.clientSecret }), FORM, 'invalid_request'],
        [form({ grant_type: 'client_credentials', client_id: reader.clientId }), FORM, 'invalid_request'],
        [JSON.stringify({ grant_type: 'client_credentials', client_id: reader.clientId, client_secret: reader.clientSecret }), { 'content-type': 'application/json' }, 'invalid_request'],
        // A Basic header that is not percent-encoding (RFC 6749 §2.3.1) is a bad request, not a crash.
        ['grant_type=client_credentials', { ...FORM, authorization: `Basic ${Buffer.from('%zz:%zz').toString('base64')}` }, 'invalid_request'],
        // One authentication method per request (RFC 6749 §2.3), each parameter once (§3.2).
        [form({ grant_type: 'client_credentials', client_secret: reader.clientSecret }), { ...FORM, authorization: `Basic ${Buffer.from(`${reader.clientId}:${reader.clientSecret}`).toString('base64')}` }, 'invalid_request'],
        [`grant_type=client_credentials&client_id=${reader.clientId}&client_id=${policyManager.clientId}&client_secret=x`, FORM, 'invalid_request'],
      ];
      for (const [body, headers, error] of cases) {
        const res = await tokenRequest(body, headers);
        assert.equal(res.statusCode, 400, `${body}: ${res.body}`);
        assert.equal(res.json<OAuthError>().error, error, body);
        assert.equal(res.headers['cache-control'], 'no-store');
      }
    });

    it('refuses a token whose client was deleted or disabled, and a tampered token', async () => {
      const doomed = await aClient(t.core, 'doomed', 'Read Only Operator');
      const paused = await aClient(t.core, 'paused', 'Read Only Operator');
      secrets.push(doomed.clientSecret, paused.clientSecret);
      const doomedToken = await tokenFor(doomed);
      const pausedToken = await tokenFor(paused);
      assert.equal((await devices(doomedToken)).statusCode, 200);
      assert.equal((await devices(pausedToken)).statusCode, 200);

      await deleteApiClient(t.core, { id: doomed.id });
      const gone = await devices(doomedToken);
      assert.equal(gone.statusCode, 401, gone.body);
      assert.equal(gone.json<{ error: { code: string } }>().error.code, 'InvalidAuthenticationToken');

      await database.db.updateTable('api_clients').set({ account_enabled: 0 }).where('id', '=', paused.id).execute();
      assert.equal((await devices(pausedToken)).statusCode, 401);
      const again = await tokenRequest(form({ grant_type: 'client_credentials', client_id: paused.clientId, client_secret: paused.clientSecret }));
      assert.equal(again.statusCode, 401);

      const good = await tokenFor(reader);
      const [header, payload, signature] = good.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const forged = Buffer.from(JSON.stringify({ ...claims, sub: policyManager.id })).toString('base64url');
      const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
      for (const bad of [`${header}.${forged}.${signature}`, `${header}.${payload}.${flipped}`, `${good}x`, 'not-a-token']) {
        assert.equal((await devices(bad)).statusCode, 401, bad);
      }
      assert.equal((await devices(good)).statusCode, 200);
    });

    it('never writes a client secret to the log or the audit log', async () => {
      // The id and the secret swapped by mistake: the refusal is audited without the secret.
      const swapped = await tokenRequest(form({ grant_type: 'client_credentials', client_id: reader.clientSecret, client_secret: reader.clientId }));
      assert.equal(swapped.statusCode, 401);
      assert.ok(secrets.length >= 4);
      const logs = t.logs.join('');
      assert.ok(logs.length > 0);
      const audit = JSON.stringify(await auditEvents());
      for (const secret of secrets) {
        assert.ok(!logs.includes(secret), 'a client secret is in the log');
        assert.ok(!logs.includes(encodeURIComponent(secret)), 'a client secret is in the log');
        assert.ok(!audit.includes(secret), 'a client secret is in the audit log');
      }
    });
  });
}
