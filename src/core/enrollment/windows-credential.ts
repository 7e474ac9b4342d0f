// Who is enrolling: the WS-Security credential of GetPolicies and RequestSecurityToken, checked.
//
// - UsernameToken (OnPremise): the directory's password check, through the same sign-in code the
//   web pages use, so the same lockout applies. A UsernameToken cannot carry a second factor, so a
//   person with an authenticator app is refused and told to use the web sign-in.
// - BinarySecurityToken: either a token Steward's federated sign-in page issued (64 hex
//   characters, bound to the person, 15 minutes, single use), or an enrollment profile's token
//   (the accesstoken of an ms-device-enrollment: link: userless, company devices).
//
// checkWindowsCredential never spends anything a second message will need: GetPolicies and
// RequestSecurityToken carry the same credential. spendWindowsCredential, called once the
// enrollment request is otherwise acceptable, spends the sign-in token or counts a use of the
// profile's token, atomically.
import type { SignInDeps } from '../auth/sign-in.js';
import { signIn } from '../auth/sign-in.js';
import { endSession } from '../auth/sessions.js';
import { isLicensedForEnrollment } from '../directory/licenses.js';
import type { User } from '../directory/user.js';
import { allScope } from '../rbac/scope.js';
import { USER_TOKEN_VALUE_TYPE, type WsseCredential } from '../../protocol/windows/mde2.js';
import { hashEnrollmentToken } from './enrollment-profiles.js';
import type { EnrollmentProfile, EnrollmentProfileStore } from './ports.js';
import type { WindowsSignInTokenStore } from './windows-ports.js';
import { refuse } from './windows-refusal.js';

export type WindowsCredentialDeps = SignInDeps & {
  windowsSignInTokens: WindowsSignInTokenStore;
  enrollmentProfiles: EnrollmentProfileStore;
};

export type WindowsEnrollee =
  | { kind: 'user'; user: User; via: 'password' }
  | { kind: 'user'; user: User; via: 'sign-in-token'; tokenHash: string }
  | { kind: 'profile'; profile: EnrollmentProfile; tokenHash: string };

const SIGN_IN_TOKEN = /^[0-9a-f]{64}$/;
const PROFILE_TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

/** A federated sign-in token: 256 random bits as lowercase hex (also valid base64, see tokenText). */
export const isWindowsSignInToken = (token: string): boolean => SIGN_IN_TOKEN.test(token);

/**
 * The token as the page handed it out. Windows base64-encodes the page's wresult into the
 * BinarySecurityToken ("Federated authentication device enrollment": the client "base64-encodes
 * the token to populate the <wsse:BinarySecurityToken> element"), so the decoded bytes are the
 * token. A client that copied wresult in as it was would have sent a sign-in token's hex, which is
 * itself base64: re-encoding the decoded bytes gives it back.
 */
function tokenText(bytes: Uint8Array): string {
  const decoded = Buffer.from(bytes).toString('utf8');
  if (SIGN_IN_TOKEN.test(decoded) || PROFILE_TOKEN.test(decoded)) return decoded;
  const raw = Buffer.from(bytes).toString('base64');
  return SIGN_IN_TOKEN.test(raw) ? raw : decoded;
}

/** Why a profile's token cannot be used now, or undefined when it can (nothing is spent). */
export function profileTokenProblem(profile: EnrollmentProfile, now: Date): string | undefined {
  if (profile.platform !== 'windows10AndLater') {
    return `This enrollment link is for ${profile.platform === 'macOS' ? 'Macs' : 'iPhones and iPads'}, not for Windows PCs. Ask your administrator for a Windows enrollment link.`;
  }
  if (profile.isRevoked) return 'This enrollment link was revoked. Ask your administrator for a new one.';
  if (profile.tokenExpirationDateTime !== null && Date.parse(profile.tokenExpirationDateTime) <= now.getTime()) return 'This enrollment link has expired. Ask your administrator for a new one.';
  if (profile.maximumUses !== null && profile.usageCount >= profile.maximumUses) return 'This enrollment link has been used as many times as allowed. Ask your administrator for a new one.';
  return undefined;
}

/** A person may enroll when their account is enabled and holds a Steward license. */
export function checkMayEnroll(user: User): void {
  if (!user.accountEnabled) throw refuse('authorization', 'Your account is disabled, so this device cannot be enrolled. Contact your administrator.');
  if (!isLicensedForEnrollment(user)) throw refuse('license', 'Your account has no Steward license, so this device cannot be enrolled. Ask your administrator to assign you one.');
}

export async function checkWindowsCredential(deps: WindowsCredentialDeps, credential: WsseCredential): Promise<WindowsEnrollee> {
  switch (credential.type) {
    case 'username': return checkPassword(deps, credential.username, credential.password);
    case 'token': return checkToken(deps, credential);
  }
}

async function checkPassword(deps: WindowsCredentialDeps, userName: string, password: string): Promise<WindowsEnrollee> {
  if (userName.length > 320 || password.length > 4096) throw refuse('authentication', 'The user name or password is incorrect.');
  const o = await signIn(deps, { userName, password });
  switch (o.kind) {
    case 'signedIn':
      // The password was the point, not a web session: end the one sign-in started.
      await endSession(deps, o.token);
      checkMayEnroll(o.user);
      return { kind: 'user', user: o.user, via: 'password' };
    case 'invalidCredentials':
    case 'invalidTotpCode':
    case 'newPasswordRefused':
      throw refuse('authentication', 'The user name or password is incorrect.');
    case 'throttled': {
      const now = deps.clock.now();
      const seconds = Math.max(1, Math.ceil((o.allowedAt.getTime() - now.getTime()) / 1000));
      throw refuse('authentication', o.locked
        ? `Your account is locked after too many failed sign-in attempts until ${o.allowedAt.toISOString()}. Try again later, or ask your administrator to unlock it.`
        : `Too many failed sign-in attempts: try again in ${seconds} second${seconds === 1 ? '' : 's'}.`);
    }
    case 'totpRequired':
      throw refuse('authentication', 'Your account uses an authenticator app, and this sign-in cannot ask for its code. Your administrator must turn on web sign-in (Federated) for Windows enrollment; then enroll again and sign in on the page that opens.');
    case 'totpSetupRequired':
      throw refuse('authentication', 'Your organization requires an authenticator app, and this sign-in cannot ask for its code. Your administrator must turn on web sign-in (Federated) for Windows enrollment; then enroll again and sign in on the page that opens.');
    case 'passwordChangeRequired':
      throw refuse('authorization', 'Your password must be changed before you can enroll a device. Sign in to Steward in a browser to change it, then enroll again.');
  }
}

async function checkToken(deps: WindowsCredentialDeps, credential: Extract<WsseCredential, { type: 'token' }>): Promise<WindowsEnrollee> {
  // [MS-MDE2] §3.3.4.1.1.1: the federated token's ValueType is DeviceEnrollmentUserToken. An X.509
  // token (the Certificate policy, or renewal) is not a way to enroll here.
  if (credential.valueType !== '' && credential.valueType !== USER_TOKEN_VALUE_TYPE) {
    throw refuse('invalid-security', 'This kind of sign-in is not accepted for enrollment. Enroll again from Settings > Accounts > Access work or school.');
  }
  const token = tokenText(credential.token);
  const now = deps.clock.now();
  if (SIGN_IN_TOKEN.test(token)) {
    const tokenHash = hashEnrollmentToken(token);
    const stored = await deps.windowsSignInTokens.get(tokenHash);
    if (!stored || stored.usedAt !== null || Date.parse(stored.expiresAt) <= now.getTime()) {
      throw refuse('authentication', 'Your sign-in has expired or was already used. Start the enrollment again and sign in.');
    }
    const user = await deps.users.get(stored.userId, allScope);
    if (!user) throw refuse('authentication', 'Your sign-in has expired or was already used. Start the enrollment again and sign in.');
    checkMayEnroll(user);
    return { kind: 'user', user, via: 'sign-in-token', tokenHash };
  }
  if (PROFILE_TOKEN.test(token)) {
    const tokenHash = hashEnrollmentToken(token);
    const profile = await deps.enrollmentProfiles.byTokenHash(tokenHash);
    if (!profile) throw refuse('authentication', 'This enrollment link is not valid. Ask your administrator for a new one.');
    const problem = profileTokenProblem(profile, now);
    if (problem !== undefined) throw refuse('authorization', problem);
    return { kind: 'profile', profile, tokenHash };
  }
  throw refuse('authentication', 'The sign-in token is not one Steward issued. Start the enrollment again.');
}

/** Spends what the credential allows once; refuses when another enrollment spent it first. */
export async function spendWindowsCredential(deps: WindowsCredentialDeps, enrollee: WindowsEnrollee): Promise<WindowsEnrollee> {
  const now = deps.clock.now();
  if (enrollee.kind === 'profile') {
    const redeemed = await deps.enrollmentProfiles.redeem(enrollee.tokenHash, now);
    switch (redeemed.outcome) {
      case 'redeemed': return { ...enrollee, profile: redeemed.profile };
      case 'unknown': throw refuse('authentication', 'This enrollment link is not valid. Ask your administrator for a new one.');
      case 'revoked': throw refuse('authorization', 'This enrollment link was revoked. Ask your administrator for a new one.');
      case 'expired': throw refuse('authorization', 'This enrollment link has expired. Ask your administrator for a new one.');
      case 'exhausted': throw refuse('authorization', 'This enrollment link has been used as many times as allowed. Ask your administrator for a new one.');
    }
  }
  if (enrollee.via === 'sign-in-token') {
    const spent = await deps.windowsSignInTokens.consume(enrollee.tokenHash, now);
    if (spent.outcome !== 'consumed') throw refuse('authentication', 'Your sign-in has expired or was already used. Start the enrollment again and sign in.');
  }
  // OnPremise: signIn counted the attempt already.
  return enrollee;
}
