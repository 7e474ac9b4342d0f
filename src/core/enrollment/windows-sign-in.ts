// Steward's federated sign-in page for Windows enrollment ([MS-MDE2] §3.2): the person proves who
// they are with the web pages' own sign-in (password, then the authenticator code when they have
// one; same lockout), and gets a token the page hands to Windows as `wresult`. The token is 256
// random bits, kept only as its SHA-256, bound to the person, good for 15 minutes and one
// enrollment (windows-credential.ts spends it).
//
// An enrollment profile link brings its accesstoken to the page instead; the page checks it
// (without spending a use) and passes it on as the wresult.
import { randomBytes } from 'node:crypto';
import type { SignInDeps } from '../auth/sign-in.js';
import { signIn } from '../auth/sign-in.js';
import { endSession } from '../auth/sessions.js';
import type { User } from '../directory/user.js';
import { hashEnrollmentToken } from './enrollment-profiles.js';
import type { EnrollmentProfileStore } from './ports.js';
import type { WindowsSignInTokenStore } from './windows-ports.js';
import { WINDOWS_SIGN_IN_TOKEN_TTL_MS } from './windows-paths.js';
import { checkMayEnroll, profileTokenProblem } from './windows-credential.js';
import { WindowsEnrollmentRefusal } from './windows-refusal.js';

export type WindowsSignInPageDeps = SignInDeps & { windowsSignInTokens: WindowsSignInTokenStore };

export type WindowsSignInPageOutcome =
  /** Signed in: hand `token` to Windows. */
  | { kind: 'token'; token: string; user: User; expiresAt: Date }
  /** The password was right; the authenticator code is needed (or was wrong, when `message`). */
  | { kind: 'totpRequired'; user: User; message?: string }
  /** Not signed in; `message` says why in words, `final` when trying again cannot help now. */
  | { kind: 'refused'; message: string; final: boolean; reason: string; user?: User };

export async function signInForWindowsEnrollment(
  deps: WindowsSignInPageDeps,
  input: { userName: string; password: string; totpCode?: string },
): Promise<WindowsSignInPageOutcome> {
  const o = await signIn(deps, { userName: input.userName, password: input.password, ...(input.totpCode !== undefined && input.totpCode.trim() !== '' ? { totpCode: input.totpCode } : {}) });
  switch (o.kind) {
    case 'signedIn': {
      // Windows needs the token, not a browser session.
      await endSession(deps, o.token);
      try {
        checkMayEnroll(o.user);
      } catch (err) {
        if (err instanceof WindowsEnrollmentRefusal) return { kind: 'refused', message: err.message, final: true, reason: err.reason, user: o.user };
        throw err;
      }
      return { ...(await issueWindowsSignInToken(deps, o.user)), kind: 'token', user: o.user };
    }
    case 'invalidCredentials':
      return { kind: 'refused', message: 'The user name or password is incorrect.', final: false, reason: o.reason, ...(o.user ? { user: o.user } : {}) };
    case 'invalidTotpCode':
      return { kind: 'totpRequired', user: o.user, message: 'The code from the authenticator app is wrong or was already used: wait for the next code.' };
    case 'totpRequired':
      return { kind: 'totpRequired', user: o.user };
    case 'throttled': {
      const seconds = Math.max(1, Math.ceil((o.allowedAt.getTime() - deps.clock.now().getTime()) / 1000));
      return o.locked
        ? { kind: 'refused', message: `Your account is locked after too many failed sign-in attempts until ${o.allowedAt.toISOString()}. Ask your administrator to unlock it, or try again later.`, final: true, reason: 'locked', user: o.user }
        : { kind: 'refused', message: `Too many failed sign-in attempts: try again in ${seconds} second${seconds === 1 ? '' : 's'}.`, final: false, reason: 'throttled', user: o.user };
    }
    case 'passwordChangeRequired':
      return { kind: 'refused', message: 'Your password must be changed before you can enroll a device. Sign in to Steward in a browser to change it, then enroll again.', final: true, reason: 'password change required', user: o.user };
    case 'totpSetupRequired':
      return { kind: 'refused', message: 'Your organization requires an authenticator app. Sign in to Steward in a browser to set one up, then enroll again.', final: true, reason: 'authenticator set-up required', user: o.user };
    case 'newPasswordRefused':
      return { kind: 'refused', message: o.reason, final: false, reason: 'new password refused', user: o.user };
  }
}

async function issueWindowsSignInToken(deps: WindowsSignInPageDeps, user: User): Promise<{ token: string; expiresAt: Date }> {
  const now = deps.clock.now();
  // Tokens nobody used are not worth keeping: sweep them while making a new one (indexed, cheap).
  await deps.windowsSignInTokens.deleteExpired(now);
  // Hex, not base64url: it stays readable whether or not a client base64-encodes it again.
  const token = randomBytes(32).toString('hex');
  const expiresAt = new Date(now.getTime() + WINDOWS_SIGN_IN_TOKEN_TTL_MS);
  await deps.windowsSignInTokens.create({ tokenHash: hashEnrollmentToken(token), userId: user.id, createdAt: now.toISOString(), expiresAt: expiresAt.toISOString(), usedAt: null });
  return { token, expiresAt };
}

/**
 * The accesstoken of an ms-device-enrollment: link, as the sign-in page receives it: whether it
 * can enroll a Windows PC now. Nothing is spent (the enrollment request counts the use).
 */
export async function checkWindowsAccessToken(
  deps: { enrollmentProfiles: EnrollmentProfileStore; clock: { now(): Date } },
  token: string,
): Promise<{ ok: true; profileName: string } | { ok: false; message: string }> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { ok: false, message: 'This enrollment link is not valid. Ask your administrator for a new one.' };
  const profile = await deps.enrollmentProfiles.byTokenHash(hashEnrollmentToken(token));
  if (!profile) return { ok: false, message: 'This enrollment link is not valid. Ask your administrator for a new one.' };
  const problem = profileTokenProblem(profile, deps.clock.now());
  return problem === undefined ? { ok: true, profileName: profile.displayName } : { ok: false, message: problem };
}
