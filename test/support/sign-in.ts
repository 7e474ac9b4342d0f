// Helpers for web sign-in tests: an app over a real database with a clock the test moves, people
// created the way an admin would (optionally made admins), TOTP codes computed from a secret as an
// authenticator app does, and the session cookie.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { TOTP } from 'otpauth';
import { buildHttp } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { createLogger } from '../../src/log/logger.js';
import { ping, type Database } from '../../src/store/database.js';
import { storePorts } from '../../src/store/ports.js';
import { makeCore, type Core } from '../../src/core/deps.js';
import type { Clock } from '../../src/core/clock.js';
import type { User } from '../../src/core/directory/user.js';
import { createUser } from '../../src/core/directory/create-user.js';
import { addGroupMember } from '../../src/core/directory/group-members.js';
import { ensureRoleAdminGroup } from '../../src/core/rbac/role-admins.js';
import { findRoleByName } from '../../src/core/rbac/roles.js';
import { SESSION_COOKIE } from '../../src/http/session-auth.js';
import { PUBLIC_URL, tokenAuthenticator } from './http.js';

export const PASSWORD = 'Correct-Horse-Battery-9';

export interface TestClock extends Clock {
  advance(ms: number): void;
  set(at: Date | string): void;
}

/** A clock that moves only when told; starts at 10:00:05 UTC, inside a TOTP step. */
export function testClock(start = '2026-03-02T10:00:05.000Z'): TestClock {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    advance: (ms) => { now += ms; },
    set: (at) => { now = new Date(at).getTime(); },
  };
}

export interface SignInApp {
  app: FastifyInstance;
  core: Core;
  clock: TestClock;
  logs: string[];
}

export async function signInApp(database: Database, clock: TestClock = testClock()): Promise<SignInApp> {
  const core = makeCore(storePorts(database), clock);
  const logs: string[] = [];
  const sink = new Writable({ write(chunk: Buffer, _e, cb) { logs.push(chunk.toString()); cb(); } });
  const app = await buildHttp({
    log: createLogger('info', sink), publicUrl: PUBLIC_URL, version: '0.0.0-test', ready: () => ping(database.db),
    metrics: createMetrics(), authenticator: tokenAuthenticator, core,
  });
  return { app, core, clock, logs };
}

let n = 0;
/** A person with a password; `admin` makes them a member of the Intune Administrator role's group. */
export async function aPerson(core: Core, options: { admin?: boolean; forceChange?: boolean; enabled?: boolean; password?: string } = {}): Promise<User> {
  n++;
  const user = await createUser(core, {
    userPrincipalName: `person${n}.${Date.now().toString(36)}@contoso.example`,
    displayName: `Person ${n}`,
    accountEnabled: options.enabled ?? true,
    passwordProfile: { password: options.password ?? PASSWORD, forceChangePasswordNextSignIn: options.forceChange ?? false },
  });
  if (options.admin) {
    const { group } = await ensureRoleAdminGroup(core, await findRoleByName(core, 'Intune Administrator'));
    await addGroupMember(core, { groupId: group.id, memberId: user.id });
  }
  return user;
}

/** The code an authenticator app shows for `secret` at `at`. */
export function totpCode(secret: string, at: Date): string {
  return new TOTP({ secret }).generate({ timestamp: at.getTime() });
}

/** The value of the session cookie a response sets (asserting it sets one). */
export function sessionCookieOf(res: LightMyRequestResponse): string {
  const header = res.headers['set-cookie'];
  const line = (Array.isArray(header) ? header : [header]).find((h) => typeof h === 'string' && h.startsWith(`${SESSION_COOKIE}=`));
  assert.ok(line, `no session cookie in ${String(header)}`);
  return line.slice(SESSION_COOKIE.length + 1).split(';')[0]!;
}

export function post(app: FastifyInstance, url: string, payload: object, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url, payload, headers });
}

export interface SignedIn { cookie: string; csrfToken: string; user: { id: string } }

/**
 * Signs a person in through the API, setting up TOTP when asked. Returns the session cookie
 * header, the CSRF token and the TOTP secret if one was set up.
 */
export async function signInThroughApi(t: SignInApp, user: User, options: { secret?: string } = {}): Promise<SignedIn & { secret?: string; cookieHeader: string }> {
  const at = t.clock.now();
  const body: Record<string, string> = { userName: user.userPrincipalName, password: PASSWORD };
  if (options.secret) body.totpCode = totpCode(options.secret, at);
  let res = await post(t.app, '/auth/signin', body);
  let secret = options.secret;
  if (res.statusCode === 200 && res.json<{ status: string }>().status === 'totpSetupRequired') {
    const setup = res.json<{ setupToken: string; secret: string }>();
    secret = setup.secret;
    res = await post(t.app, '/auth/totp/setup', { setupToken: setup.setupToken, totpCode: totpCode(setup.secret, at) });
  }
  assert.equal(res.statusCode, 200, res.body);
  const cookie = sessionCookieOf(res);
  const out = res.json<{ csrfToken: string; user: { id: string } }>();
  return { cookie, cookieHeader: `${SESSION_COOKIE}=${cookie}`, csrfToken: out.csrfToken, user: out.user, ...(secret ? { secret } : {}) };
}
