// Sessions of people on the web pages, as HTTP sees them: the session cookie and the CSRF header.
//
// The cookie is `__Host-steward_session=<token>; Path=/; Secure; HttpOnly; SameSite=Strict`:
// - the __Host- prefix makes browsers refuse it unless it is Secure, has Path=/ and no Domain, so
//   a sibling subdomain cannot plant or overwrite it (RFC 6265bis §4.1.3.2);
// - HttpOnly keeps it from scripts, SameSite=Strict from requests started by other sites;
// - no Max-Age: the server enforces the idle and absolute lifetimes (core/auth/sessions.ts).
// Unsafe methods also need the `X-CSRF-Token` header, a token bound to the session
// (core/auth/secrets.ts), as OWASP advises on top of SameSite.
import type { FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import { StewardError } from '../core/errors.js';
import type { GroupStore, UserStore } from '../core/directory/ports.js';
import type { User } from '../core/directory/user.js';
import type { RbacStore } from '../core/rbac/model.js';
import type { Principal } from '../core/auth/principal.js';
import { verifyCsrfToken } from '../core/auth/secrets.js';
import type { Session, SessionStore } from '../core/auth/sign-in-ports.js';
import { findSession, sessionPrincipal, touchSession } from '../core/auth/sessions.js';

export const SESSION_COOKIE = '__Host-steward_session';
export const CSRF_HEADER = 'x-csrf-token';
const ATTRIBUTES = 'Path=/; Secure; HttpOnly; SameSite=Strict';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${token}; ${ATTRIBUTES}`;
}

/** Tells the browser to forget the session cookie. */
export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; ${ATTRIBUTES}; Max-Age=0`;
}

/** The session token in the request's Cookie header, if any (the first, if sent twice). */
export function sessionTokenOf(req: FastifyRequest): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return value === '' ? undefined : value;
  }
  return undefined;
}

/** True when the request carries a CSRF token made for this session token. */
export function hasValidCsrf(req: FastifyRequest, sessionToken: string): boolean {
  const given = req.headers[CSRF_HEADER];
  return typeof given === 'string' && verifyCsrfToken(sessionToken, given);
}

export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

export interface SessionAuthDeps {
  sessions: SessionStore;
  users: UserStore;
  groups: GroupStore;
  rbac: RbacStore;
  clock: Clock;
}

const missingCsrf = () => new StewardError('forbidden', `Missing or invalid CSRF token: send the csrfToken from POST /auth/signin or GET /auth/session in the ${CSRF_HEADER} header.`);

/**
 * The signed-in session of a request, checked: unexpired, its user enabled, and for an unsafe
 * method a valid CSRF token (else a 'forbidden' StewardError). Touches last seen once the request
 * is known to be acceptable. Undefined when there is no valid session.
 */
export async function requestSession(deps: SessionAuthDeps, req: FastifyRequest): Promise<{ token: string; session: Session; user: User } | undefined> {
  const token = sessionTokenOf(req);
  if (!token) return undefined;
  const found = await findSession(deps, token);
  if (!found) return undefined;
  if (isUnsafeMethod(req.method) && !hasValidCsrf(req, token)) throw missingCsrf();
  await touchSession(deps, found.session);
  return { token, ...found };
}

/**
 * For the authorization hook: the Principal (kind 'user', grants from the user's roles now) of
 * the request's session cookie, or undefined when the request has no valid session. Throws
 * StewardError('forbidden') for a POST, PUT, PATCH or DELETE without a valid X-CSRF-Token.
 *
 *     const authenticateSession = sessionAuthenticator(deps.core);
 *     // in onRequest, when there is no bearer token:
 *     const principal = await authenticateSession(req);
 */
export function sessionAuthenticator(deps: SessionAuthDeps): (req: FastifyRequest) => Promise<Principal | undefined> {
  return async function authenticateSession(req) {
    const found = await requestSession(deps, req);
    return found ? sessionPrincipal(deps, found) : undefined;
  };
}
