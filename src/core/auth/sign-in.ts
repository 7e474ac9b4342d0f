// People sign in to the web pages with their user name, password and (for admins always, for
// others when the tenant setting says so) a TOTP code from an authenticator app.
//
// The order of the checks matters:
// 1. Throttle (lockout.ts) before anything is checked; a refused attempt does not count.
// 2. Claim the attempt (count it as a failure up front, compare-and-set), so that parallel
//    requests cannot all be checked before any of them is counted; give it back if it turns out
//    not to be a failure (a missing code, a required password change).
// 3. The password; then the TOTP code if an authenticator is set up. Only then a required
//    password change, so that someone who has only the password cannot change it and lock the
//    owner out.
// 4. An authenticator set-up if one is required and missing (totp-setup.ts confirms it).
// Unknown user, disabled account, no password and wrong password give one answer, after the same
// argon2 work, so that neither the answer nor its timing says which user names exist.
import type { Clock } from '../clock.js';
import type { GroupStore, UserStore } from '../directory/ports.js';
import type { User } from '../directory/user.js';
import type { RbacStore } from '../rbac/model.js';
import { grantsFor } from '../rbac/grants.js';
import { allScope } from '../rbac/scope.js';
import type { SettingsStore } from '../settings/ports.js';
import { readTenantSettings } from '../settings/tenant-settings.js';
import { nextSignInDelay, type SignInFailures } from './lockout.js';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './password.js';
import { startSession } from './sessions.js';
import type { Credential, CredentialStore, SessionStore } from './sign-in-ports.js';
import { verifyTotp } from './totp.js';
import { beginTotpSetup } from './totp-setup.js';

export interface SignInDeps {
  users: UserStore;
  credentials: CredentialStore;
  sessions: SessionStore;
  settings: SettingsStore;
  rbac: RbacStore;
  groups: GroupStore;
  clock: Clock;
  /** The issuer shown in authenticator apps; "Steward" when absent. */
  totpIssuer?: string;
}

export interface SignInInput {
  userName: string;
  password: string;
  totpCode?: string;
  newPassword?: string;
}

/** Why a sign-in failed, for the audit log only: the person is told nothing more than "invalid". */
export type FailureReason = 'unknown user name' | 'account disabled' | 'no password set' | 'wrong password' | 'wrong TOTP code' | 'TOTP code already used';

export type SignInOutcome =
  | { kind: 'signedIn'; user: User; token: string; csrfToken: string; mfa: boolean; passwordChanged: boolean }
  | { kind: 'invalidCredentials'; reason: FailureReason; user?: User }
  | { kind: 'invalidTotpCode'; reason: FailureReason; user: User }
  | { kind: 'throttled'; allowedAt: Date; locked: boolean; user: User }
  | { kind: 'totpRequired'; user: User }
  | { kind: 'passwordChangeRequired'; user: User }
  | { kind: 'newPasswordRefused'; reason: string; user: User }
  | { kind: 'totpSetupRequired'; user: User; setupToken: string; secret: string; otpauthUri: string; expiresAt: Date; passwordChanged: boolean };

/** Claims tried before giving up on a contended count (each loser re-reads and re-checks the delay). */
const MAX_CLAIMS = 5;

let dummy: Promise<string> | undefined;
/** A hash to verify against when there is no real one, so that every refusal costs the same. */
function dummyHash(): Promise<string> {
  dummy ??= hashPassword(`steward-no-such-user-${Math.random()}`);
  return dummy;
}

/** The user whose userPrincipalName this is (case-insensitive); never a lookup by id. */
async function findUser(users: UserStore, userName: string): Promise<User | undefined> {
  const name = userName.trim();
  if (name === '' || !name.includes('@')) return undefined;
  const user = await users.get(name, allScope);
  return user && user.userPrincipalName.toLowerCase() === name.toLowerCase() ? user : undefined;
}

/** Whether this person must use an authenticator app: every admin, others when the tenant says so. */
export async function totpRequiredFor(deps: { rbac: RbacStore; groups: GroupStore; settings: SettingsStore }, userId: string): Promise<boolean> {
  if ((await grantsFor(deps, userId)).length > 0) return true;
  return (await readTenantSettings(deps)).stewardRequireAuthenticatorForUsers;
}

/** Claims one attempt, or says how long to wait. The credential returned is the one the claim was made on. */
async function claim(deps: SignInDeps, user: User, first: Credential, now: Date): Promise<{ credential: Credential } | Extract<SignInOutcome, { kind: 'throttled' }> | undefined> {
  let credential = first;
  for (let i = 0; i < MAX_CLAIMS; i++) {
    const delay = nextSignInDelay(credential.failures, now);
    if (delay.allowedAt.getTime() > now.getTime()) return { kind: 'throttled', allowedAt: delay.allowedAt, locked: delay.locked, user };
    if (await deps.credentials.claimAttempt(user.id, credential.failures, now)) return { credential };
    const fresh = await deps.credentials.get(user.id);
    if (!fresh) return undefined;
    credential = fresh;
  }
  // Many attempts at once on one account: refuse this one briefly rather than spin.
  return { kind: 'throttled', allowedAt: new Date(now.getTime() + 1000), locked: false, user };
}

export async function signIn(deps: SignInDeps, input: SignInInput): Promise<SignInOutcome> {
  const now = deps.clock.now();
  const user = await findUser(deps.users, input.userName);
  const stored = user?.accountEnabled ? await deps.credentials.get(user.id) : undefined;
  if (!user || !stored) {
    await verifyPassword(await dummyHash(), input.password);
    const reason: FailureReason = !user ? 'unknown user name' : !user.accountEnabled ? 'account disabled' : 'no password set';
    return { kind: 'invalidCredentials', reason, ...(user ? { user } : {}) };
  }

  const claimed = await claim(deps, user, stored, now);
  if (!claimed) {
    await verifyPassword(await dummyHash(), input.password);
    return { kind: 'invalidCredentials', reason: 'no password set', user };
  }
  if ('kind' in claimed) return claimed;
  const credential = claimed.credential;
  const seen: SignInFailures = credential.failures;
  const release = () => deps.credentials.releaseAttempt(user.id, seen);

  // From here on a return without release() leaves the attempt counted as a failure.
  if (!(await verifyPassword(credential.passwordHash, input.password))) {
    return { kind: 'invalidCredentials', reason: 'wrong password', user };
  }

  let step: number | undefined;
  if (credential.totpSecret !== null) {
    if (input.totpCode === undefined || input.totpCode.trim() === '') {
      await release();
      return { kind: 'totpRequired', user };
    }
    const checked = verifyTotp({ secret: credential.totpSecret, code: input.totpCode, now, lastUsedStep: credential.totpLastStep ?? undefined });
    if (!checked.ok) return { kind: 'invalidTotpCode', reason: 'wrong TOTP code', user };
    step = checked.step;
  }

  if (input.newPassword !== undefined && !credential.forceChangePassword) {
    await release();
    return { kind: 'newPasswordRefused', reason: 'No password change is due: sign in without newPassword.', user };
  }
  if (credential.forceChangePassword) {
    if (input.newPassword === undefined) {
      await release();
      return { kind: 'passwordChangeRequired', user };
    }
    const problem = checkPasswordPolicy(input.newPassword, { userPrincipalName: user.userPrincipalName })
      ?? (input.newPassword.normalize('NFKC') === input.password.normalize('NFKC') ? 'The new password must differ from the current one.' : undefined);
    if (problem) {
      await release();
      return { kind: 'newPasswordRefused', reason: problem, user };
    }
  }

  // Compare-and-set: of two requests with the same code, only one gets past this.
  if (step !== undefined && !(await deps.credentials.useTotpStep(user.id, step))) {
    return { kind: 'invalidTotpCode', reason: 'TOTP code already used', user };
  }
  let passwordChanged = false;
  if (credential.forceChangePassword && input.newPassword !== undefined) {
    await deps.credentials.changePassword(user.id, await hashPassword(input.newPassword), now);
    // Whoever knew the old password may hold a session; the new password ends them all.
    await deps.sessions.deleteForUser(user.id);
    passwordChanged = true;
  }

  if (credential.totpSecret === null && (await totpRequiredFor(deps, user.id))) {
    await release();
    const setup = await beginTotpSetup(deps, user);
    return { kind: 'totpSetupRequired', user, ...setup, passwordChanged };
  }

  await deps.credentials.resetFailures(user.id);
  const mfa = credential.totpSecret !== null;
  const started = await startSession(deps, { userId: user.id, mfa });
  return { kind: 'signedIn', user, token: started.token, csrfToken: started.csrfToken, mfa, passwordChanged };
}
