// Walks every route the app registers with every built-in role and checks allow and deny: a 403
// exactly when the role does not grant the route's declared permission, a 401 without a token on
// every route that is not public, and never a 401 or 403 on a public route.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { testDialects } from '../store/testing.js';
import type { Database } from '../store/database.js';
import { testApp, type TestApp } from '../../test/support/http.js';
import { asRole, rbacAuthenticator } from '../../test/support/rbac.js';
import { builtInRoles } from '../core/rbac/built-in-roles.js';
import { declaredRoutes, type DeclaredRoute } from './authz.js';

const PLACEHOLDER_ID = '00000000-0000-4000-8000-000000000000';

/**
 * Public routes that check a credential of their own (the web session cookie) and answer 401
 * without one. They are public to the authorization layer, which is what the walk checks.
 */
const ownCredential = new Set(['GET /auth/session']);

/** A concrete URL for a route pattern: every :param an id that names nothing, * a file name. */
function concrete(url: string): string {
  return url.replace(/:[A-Za-z0-9_]+/g, PLACEHOLDER_ID).replace(/\*$/, 'index.html');
}

function inject(t: TestApp, route: DeclaredRoute, headers: Record<string, string>): Promise<LightMyRequestResponse> {
  const hasBody = route.method === 'POST' || route.method === 'PATCH' || route.method === 'PUT';
  return t.app.inject({
    method: route.method as 'GET',
    url: concrete(route.url),
    headers: hasBody ? { ...headers, 'content-type': 'application/json' } : headers,
    // A body no create or action accepts: nothing changes, whatever the role.
    ...(hasBody ? { payload: '{"stewardRouteWalk":true}' } : {}),
  });
}

for (const dialect of testDialects()) {
  describe(`every route with every built-in role on ${dialect.name}`, () => {
    let database: Database;
    let t: TestApp;
    let routes: readonly DeclaredRoute[];
    before(async () => {
      database = await dialect.open();
      t = await testApp(database, { authenticator: rbacAuthenticator(() => t.core) });
      await t.app.ready();
      routes = declaredRoutes(t.app).filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');
    });
    after(async () => { await t.app.close(); await database.close(); });

    it('knows every route and its permission', () => {
      const urls = new Set(routes.map((r) => `${r.method} ${r.url}`));
      for (const expected of [
        'GET /healthz', 'POST /oauth2/token', 'GET /v1.0/deviceManagement/managedDevices', 'GET /beta/users/:id',
        'POST /v1.0/deviceManagement/roleAssignments', 'DELETE /beta/groups/:id/members/:memberId/$ref',
      ]) assert.ok(urls.has(expected), `${expected} is among ${routes.length} routes`);
      assert.ok(routes.length > 80, String(routes.length));
    });

    it('answers 401 without a token on every route that is not public, and never 401 or 403 on a public one', async () => {
      for (const route of routes) {
        const res = await inject(t, route, {});
        if (ownCredential.has(`${route.method} ${route.url}`)) {
          assert.equal(res.statusCode, 401, `${route.method} ${route.url}: ${res.body}`);
        } else if (route.permission === 'public') {
          assert.ok(res.statusCode !== 401 && res.statusCode !== 403, `${route.method} ${route.url} is public but answered ${res.statusCode}`);
        } else if (route.permission !== 'device') {
          assert.equal(res.statusCode, 401, `${route.method} ${route.url} without a token: ${res.body}`);
          assert.equal(res.json<{ error: { code: string } }>().error.code, 'InvalidAuthenticationToken');
        }
      }
    });

    for (const role of builtInRoles) {
      it(`${role.displayName}: 403 exactly where the role lacks the route's permission`, async () => {
        const allowed = new Set<string>(role.allowed);
        const wrong: string[] = [];
        let granted = 0;
        for (const route of routes) {
          if (route.permission === 'device' || ownCredential.has(`${route.method} ${route.url}`)) continue;
          const res = await inject(t, route, asRole(role.id));
          const expectDenied = route.permission !== 'public' && !allowed.has(route.permission);
          if (!expectDenied) granted++;
          if (res.statusCode === 401) wrong.push(`${route.method} ${route.url}: 401 ${res.body}`);
          else if ((res.statusCode === 403) !== expectDenied) wrong.push(`${route.method} ${route.url} (${route.permission}): ${res.statusCode} ${res.body.slice(0, 200)}`);
          else if (res.statusCode >= 500) wrong.push(`${route.method} ${route.url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
        }
        assert.deepEqual(wrong, []);
        assert.ok(granted > 0);
      });
    }

    it('audits each refusal with the permission that was missing', async () => {
      const readOnly = builtInRoles.find((r) => r.displayName === 'Read Only Operator')!;
      const res = await t.app.inject({ method: 'DELETE', url: `/v1.0/users/${PLACEHOLDER_ID}`, headers: { ...asRole(readOnly.id), 'client-request-id': 'walk-refused-1' } });
      assert.equal(res.statusCode, 403);
      const audit = await t.app.inject({ url: `/v1.0/deviceManagement/auditEvents?$filter=${encodeURIComponent("correlationId eq 'walk-refused-1'")}`, headers: asRole(builtInRoles[0]!.id) });
      assert.equal(audit.statusCode, 200, audit.body);
      const [event] = audit.json<{ value: { activityResult: string; activity: string; resources: { modifiedProperties: { newValue: string }[] }[] }[] }>().value;
      assert.equal(event?.activityResult, 'Failure');
      assert.match(JSON.stringify(event), /Microsoft\.Intune_Users_Delete/);
    });
  });
}
