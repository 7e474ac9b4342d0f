// Sessions of people signed in to the web pages. The session token (secrets.ts, 256 random bits)
// lives only in the person's cookie; the database keeps its SHA-256, so a copy of the database
// holds no working session.
//
// Lifetimes follow OWASP's Session Management Cheat Sheet, which names 2–5 minutes of idle time
// for high-value applications and 15–30 minutes for low-risk ones, and an absolute timeout of
// 4–8 hours for an office day; Steward is an admin console that people keep open while working,
// so it takes 2 hours idle and 12 hours absolute (one long working day), both enforced here on
// every request, never by the cookie alone.
// https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#session-expiration
import type { Clock } from '../clock.js';
import type { GroupStore, UserStore } from '../directory/ports.js';
import type { User } from '../directory/user.js';
import type { RbacStore } from '../rbac/model.js';
import { grantsFor } from '../rbac/grants.js';
import { allScope } from '../rbac/scope.js';
import type { Principal } from './principal.js';
import { SESSION_TOKEN_PREFIX, hashSessionToken, newCsrfToken, newSessionToken } from './secrets.js';
import type { Session, SessionStore } from './sign-in-ports.js';

export const SESSION_LIFETIME_MS = 12 * 3600_000;
export const SESSION_IDLE_MS = 2 * 3600_000;
/** last seen is written at most this often per session: one write a minute, not one a request. */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

const TOKEN = new RegExp(`^${SESSION_TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`);

export interface SessionDeps {
  sessions: SessionStore;
  users: UserStore;
  clock: Clock;
}

/** A new session for a person who just signed in: the cookie value and a first CSRF token. */
export async function startSession(deps: { sessions: SessionStore; clock: Clock }, input: { userId: string; mfa: boolean }): Promise<{ token: string; csrfToken: string; session: Session }> {
  const now = deps.clock.now();
  const token = newSessionToken();
  const session: Session = {
    tokenHash: hashSessionToken(token),
    userId: input.userId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS),
    mfa: input.mfa,
  };
  await deps.sessions.create(session);
  return { token, csrfToken: newCsrfToken(token), session };
}

export function isSessionExpired(session: Session, now: Date): boolean {
  return now.getTime() >= session.expiresAt.getTime() || now.getTime() - session.lastSeenAt.getTime() >= SESSION_IDLE_MS;
}

/**
 * The live session of this token and its (enabled) user, or undefined. An expired session, or
 * one whose user was disabled or deleted, is deleted on the way. Does not touch last seen: the
 * caller does that with touchSession once the request is known to be acceptable.
 */
export async function findSession(deps: SessionDeps, token: string): Promise<{ session: Session; user: User } | undefined> {
  if (typeof token !== 'string' || !TOKEN.test(token)) return undefined;
  const session = await deps.sessions.get(hashSessionToken(token));
  if (!session) return undefined;
  if (isSessionExpired(session, deps.clock.now())) {
    await deps.sessions.delete(session.tokenHash);
    return undefined;
  }
  const user = await deps.users.get(session.userId, allScope);
  if (!user?.accountEnabled) {
    await deps.sessions.delete(session.tokenHash);
    return undefined;
  }
  return { session, user };
}

/** Records activity on the session, at most once per SESSION_TOUCH_INTERVAL_MS. */
export async function touchSession(deps: { sessions: SessionStore; clock: Clock }, session: Session): Promise<void> {
  const now = deps.clock.now();
  if (now.getTime() - session.lastSeenAt.getTime() < SESSION_TOUCH_INTERVAL_MS) return;
  await deps.sessions.touch(session.tokenHash, now);
}

export async function endSession(deps: { sessions: SessionStore }, token: string): Promise<void> {
  if (typeof token === 'string' && TOKEN.test(token)) await deps.sessions.delete(hashSessionToken(token));
}

/**
 * The principal of a session: the person with their role grants now (not at sign-in, so a role
 * removed takes effect on the next request). A session signed in without a second factor carries
 * no admin rights: if the person was made an admin after signing in, they must sign in again
 * (and set up TOTP) before the session counts — undefined here.
 */
export async function sessionPrincipal(deps: { rbac: RbacStore; groups: GroupStore }, found: { session: Session; user: User }): Promise<Principal | undefined> {
  const grants = await grantsFor(deps, found.user.id);
  if (grants.length > 0 && !found.session.mfa) return undefined;
  return { kind: 'user', id: found.user.id, displayName: found.user.displayName, name: found.user.userPrincipalName, grants };
}
