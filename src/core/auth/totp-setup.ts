// Setting up an authenticator app at first sign-in. Once the password is right and TOTP is
// required but not set up, sign-in offers a new secret with a set-up token: 256 random bits, bound
// to the user, stored as its SHA-256, valid for 10 minutes and once. Confirming it with a code
// from the app proves the app holds the secret; only then is the secret the user's second factor,
// and the person is signed in.
//
// A wrong code here does not count towards the lockout: whoever holds the set-up token already
// proved the password and was handed the secret, so a wrong code is a typo or a wrong clock, not a
// guess. The token stays usable until it expires or is used.
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { UserStore } from '../directory/ports.js';
import type { User } from '../directory/user.js';
import { allScope } from '../rbac/scope.js';
import { nextSignInDelay } from './lockout.js';
import { startSession } from './sessions.js';
import type { CredentialStore, SessionStore } from './sign-in-ports.js';
import { newTotpSecret, totpUri, verifyTotp } from './totp.js';

export const TOTP_SETUP_LIFETIME_MS = 10 * 60_000;
export const TOTP_SETUP_TOKEN_PREFIX = 'stw_ts_';
const TOKEN = /^stw_ts_[A-Za-z0-9_-]{43}$/;

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** Creates the user's pending set-up, replacing any earlier one. */
export async function beginTotpSetup(
  deps: { credentials: CredentialStore; clock: Clock; totpIssuer?: string },
  user: User,
): Promise<{ setupToken: string; secret: string; otpauthUri: string; expiresAt: Date }> {
  const setupToken = TOTP_SETUP_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const { secret } = newTotpSecret();
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + TOTP_SETUP_LIFETIME_MS);
  await deps.credentials.putPendingTotp(user.id, hashToken(setupToken), secret, now, expiresAt);
  const otpauthUri = totpUri({ secret, account: user.userPrincipalName, ...(deps.totpIssuer ? { issuer: deps.totpIssuer } : {}) });
  return { setupToken, secret, otpauthUri, expiresAt };
}

export type TotpSetupOutcome =
  | { kind: 'signedIn'; user: User; token: string; csrfToken: string }
  | { kind: 'invalidSetupToken' }
  | { kind: 'invalidTotpCode'; user: User }
  | { kind: 'throttled'; allowedAt: Date; locked: boolean; user: User };

export async function confirmTotpSetup(
  deps: { credentials: CredentialStore; sessions: SessionStore; users: UserStore; clock: Clock },
  input: { setupToken: string; totpCode: string },
): Promise<TotpSetupOutcome> {
  const now = deps.clock.now();
  if (typeof input.setupToken !== 'string' || !TOKEN.test(input.setupToken)) return { kind: 'invalidSetupToken' };
  const tokenHash = hashToken(input.setupToken);
  const pending = await deps.credentials.findPendingTotp(tokenHash, now);
  if (!pending) return { kind: 'invalidSetupToken' };
  const user = await deps.users.get(pending.userId, allScope);
  const credential = user?.accountEnabled ? await deps.credentials.get(pending.userId) : undefined;
  // Set up meanwhile through another token: this one is stale.
  if (!user || !credential || credential.totpSecret !== null) return { kind: 'invalidSetupToken' };
  // An account locked since the token was issued stays locked.
  const delay = nextSignInDelay(credential.failures, now);
  if (delay.locked) return { kind: 'throttled', allowedAt: delay.allowedAt, locked: true, user };
  const checked = verifyTotp({ secret: pending.secret, code: input.totpCode, now });
  if (!checked.ok) return { kind: 'invalidTotpCode', user };
  if (!(await deps.credentials.takePendingTotp(tokenHash))) return { kind: 'invalidSetupToken' };
  await deps.credentials.setTotp(user.id, pending.secret, checked.step, now);
  await deps.credentials.resetFailures(user.id);
  const started = await startSession(deps, { userId: user.id, mfa: true });
  return { kind: 'signedIn', user, token: started.token, csrfToken: started.csrfToken };
}
