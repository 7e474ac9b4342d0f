// Helpers for company portal tests: a person signed in through /auth/signin (the session cookie
// and CSRF token the pages use), the portal API called as the pages call it, and a simulated Apple
// device enrolled with the profile the portal hands that person.
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Core } from '../../src/core/deps.js';
import type { User } from '../../src/core/directory/user.js';
import { assignLicense } from '../../src/core/directory/assign-license.js';
import { stewardSku } from '../../src/core/directory/licenses.js';
import { allScope } from '../../src/core/rbac/scope.js';
import { SESSION_COOKIE } from '../../src/http/session-auth.js';
import { PORTAL_API } from '../../src/http/portal/routes.js';
import { INVENTORY_REQUEST_TYPES } from '../../src/core/apple/inventory-commands.js';
import { SimulatedAppleDevice } from '../../sim/apple/device.js';
import { injectTransport, type Transport } from '../../sim/apple/transport.js';
import type { AppleTestApp, DeviceKind } from './apple.js';
import { PASSWORD, aPerson, sessionCookieOf } from './sign-in.js';

export interface PortalSession {
  user: User;
  cookie: string;
  csrfToken: string;
}

/** A person (licensed unless told otherwise) signed in with their password. */
export async function portalUser(app: FastifyInstance, core: Core, options: { licensed?: boolean } = {}): Promise<PortalSession> {
  const user = await aPerson(core);
  if (options.licensed !== false) {
    await assignLicense(core, { id: user.id, scope: allScope, addLicenses: [{ skuId: stewardSku.skuId, disabledPlans: [] }], removeLicenses: [] });
  }
  const res = await app.inject({ method: 'POST', url: '/auth/signin', payload: { userName: user.userPrincipalName, password: PASSWORD } });
  assert.equal(res.statusCode, 200, res.body);
  return { user, cookie: `${SESSION_COOKIE}=${sessionCookieOf(res)}`, csrfToken: res.json<{ csrfToken: string }>().csrfToken };
}

export function portalClient(app: FastifyInstance, session: PortalSession) {
  return {
    get: (path: string): Promise<LightMyRequestResponse> => app.inject({ url: `${PORTAL_API}${path}`, headers: { cookie: session.cookie } }),
    post: (path: string, payload?: object): Promise<LightMyRequestResponse> => app.inject({
      method: 'POST', url: `${PORTAL_API}${path}`, headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
      ...(payload ? { payload } : {}),
    }),
  };
}

/**
 * A simulated device that downloads its enrollment profile from the portal with the person's
 * session (as their browser would) and enrolls with it; `id` is its managedDevice id.
 */
export async function deviceFromPortal(t: AppleTestApp, session: PortalSession, kind: DeviceKind = 'iPhone', options: { supervised?: boolean } = {}): Promise<{ device: SimulatedAppleDevice; id: string }> {
  const inject = injectTransport(t.app);
  const profilePath = `${PORTAL_API}/me/appleEnrollmentProfile?platform=${kind === 'Mac' ? 'macOS' : 'iOS'}`;
  // The browser holds the session cookie; the device's own requests (SCEP, MDM) carry none.
  const transport: Transport = {
    request: (method, url, headers, body) => inject.request(method, url, new URL(url).pathname === `${PORTAL_API}/me/appleEnrollmentProfile` ? { ...headers, cookie: session.cookie } : headers, body),
  };
  const device = new SimulatedAppleDevice({ kind, transport, trust: t.ca.certificatePem, ...options });
  await device.installEnrollmentProfile(`https://mdm.example.test${profilePath}`);
  const enrollment = await t.core.appleEnrollments.activeByUdid(device.udid);
  assert.ok(enrollment, `no active enrollment for ${device.udid}`);
  return { device, id: enrollment.id };
}

/**
 * What a device session ran besides the routine inventory ([RequestType, Status] pairs): the
 * inventory Steward asks for after enrollment may still be arriving when a test acts.
 */
export function nonInventory(session: { commands: readonly { RequestType: string; Status: string }[] }): [string, string][] {
  return session.commands.filter((c) => !INVENTORY_REQUEST_TYPES.has(c.RequestType)).map((c) => [c.RequestType, c.Status]);
}
