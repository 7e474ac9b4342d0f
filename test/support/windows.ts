// An in-process Steward with its CA and a clock the test moves: what Windows enrollment needs.
// People are made the way an admin would (licensed or not, with an authenticator or not), and
// simulated PCs reach the app through inject.
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildHttp, type HttpDeps } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { createLogger } from '../../src/log/logger.js';
import { ping, type Database } from '../../src/store/database.js';
import { storePorts } from '../../src/store/ports.js';
import { makeCore, type Core } from '../../src/core/deps.js';
import type { User } from '../../src/core/directory/user.js';
import { createUser } from '../../src/core/directory/create-user.js';
import { assignLicense } from '../../src/core/directory/assign-license.js';
import { stewardSku } from '../../src/core/directory/licenses.js';
import { allScope } from '../../src/core/rbac/scope.js';
import type { NewCertificateAuthority } from '../../src/pki/certificate-authority.js';
import { SimulatedWindowsPC, type SimulatedWindowsPCOptions } from '../../sim/windows/pc.js';
import { injectTransport } from '../../sim/windows/transport.js';
import { enrollmentAdmin, testCa } from './apple.js';
import { PUBLIC_URL, tokenAuthenticator } from './http.js';
import { PASSWORD, testClock, totpCode, type TestClock } from './sign-in.js';

export { PASSWORD, totpCode };

export interface WindowsTestApp {
  app: FastifyInstance;
  core: Core;
  clock: TestClock;
  ca: NewCertificateAuthority;
  logs: string[];
}

export async function windowsTestApp(database: Database, options: { authPolicy?: 'OnPremise' | 'Federated'; clock?: TestClock } & Pick<HttpDeps, 'devices'> = {}): Promise<WindowsTestApp> {
  const clock = options.clock ?? testClock(new Date().toISOString());
  const ca = await testCa();
  const core = makeCore(storePorts(database), clock);
  const logs: string[] = [];
  const sink = new Writable({ write(chunk: Buffer, _e, cb) { logs.push(chunk.toString()); cb(); } });
  const app = await buildHttp({
    log: createLogger('info', sink), publicUrl: PUBLIC_URL, version: '0.0.0-test', ready: () => ping(database.db),
    metrics: createMetrics(), authenticator: tokenAuthenticator, core, ca: ca.ca,
    devices: { ...options.devices, windowsAuthPolicy: options.authPolicy ?? options.devices?.windowsAuthPolicy ?? 'OnPremise' },
  });
  return { app, core, clock, ca, logs };
}

let n = 0;
/** A person who may enroll (enabled, licensed) unless told otherwise; `totp` sets up an authenticator. */
export async function aWindowsUser(t: WindowsTestApp, options: { licensed?: boolean; enabled?: boolean; totp?: boolean; forceChange?: boolean } = {}): Promise<{ user: User; secret?: string }> {
  n++;
  const user = await createUser(t.core, {
    userPrincipalName: `pc${n}.${Date.now().toString(36)}@contoso.example`,
    displayName: `PC user ${n}`,
    accountEnabled: options.enabled ?? true,
    passwordProfile: { password: PASSWORD, forceChangePasswordNextSignIn: options.forceChange ?? false },
  });
  if (options.licensed ?? true) {
    await assignLicense(t.core, { id: user.id, scope: allScope, addLicenses: [{ skuId: stewardSku.skuId, disabledPlans: [] }], removeLicenses: [] });
  }
  let secret: string | undefined;
  if (options.totp) {
    secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    await t.core.credentials.setTotp(user.id, secret, 0, t.clock.now());
  }
  const fresh = await t.core.users.get(user.id, allScope);
  return { user: fresh ?? user, ...(secret !== undefined ? { secret } : {}) };
}

/** A Windows enrollment profile made through the API: its token and ms-device-enrollment: link. */
export async function aWindowsEnrollmentLink(t: WindowsTestApp, body: Record<string, unknown> = {}): Promise<{ id: string; tokenValue: string; enrollmentUrl: string }> {
  const res = await t.app.inject({ method: 'POST', url: '/v1.0/deviceManagement/enrollmentProfiles', headers: enrollmentAdmin, payload: { displayName: 'Corporate PCs', platform: 'windows10AndLater', ...body } });
  if (res.statusCode !== 201) throw new Error(`create enrollment profile: ${res.statusCode} ${res.body}`);
  return res.json();
}

export function aPC(t: WindowsTestApp, options: Omit<SimulatedWindowsPCOptions, 'transport'> = {}): SimulatedWindowsPC {
  return new SimulatedWindowsPC({ transport: injectTransport(t.app), ...options });
}

/** The TOTP code for `secret` now on the app's clock, moving the clock to the next step first so that no code repeats. */
export function nextTotp(t: WindowsTestApp, secret: string): string {
  t.clock.advance(30_000);
  return totpCode(secret, t.clock.now());
}
