// The stores people's sign-in to the web pages works through: their credentials (password hash,
// TOTP secret, failed-attempt count), pending authenticator set-ups, and sessions.
import type { SignInFailures } from './lockout.js';

export interface Credential {
  userId: string;
  /** argon2id PHC string (password.ts). */
  passwordHash: string;
  forceChangePassword: boolean;
  /** Base32 TOTP secret once an authenticator app is set up; null before. */
  totpSecret: string | null;
  /** The last TOTP step accepted (replay protection, RFC 6238 §5.2). */
  totpLastStep: number | null;
  failures: SignInFailures;
}

/** An authenticator set-up offered at sign-in and not yet confirmed with a code. */
export interface PendingTotp {
  userId: string;
  secret: string;
  expiresAt: Date;
}

export interface CredentialStore {
  get(userId: string): Promise<Credential | undefined>;
  /**
   * Claims one sign-in attempt before the password is checked: counts it as a failure at `at`
   * (count + 1) provided the count is still `seen.count`. False when another attempt changed the
   * count first (the caller re-reads and decides again), so that parallel requests cannot all
   * slip through before any of them is counted.
   */
  claimAttempt(userId: string, seen: SignInFailures, at: Date): Promise<boolean>;
  /** Gives back a claimed attempt that was not a failure (restores `seen` if nothing else counted since). */
  releaseAttempt(userId: string, seen: SignInFailures): Promise<void>;
  resetFailures(userId: string): Promise<void>;
  /** Records `step` as the last TOTP step used if it is later than the stored one; false for a replay. */
  useTotpStep(userId: string, step: number): Promise<boolean>;
  /** Stores a new password hash and clears the "change at next sign-in" flag. */
  changePassword(userId: string, passwordHash: string, at: Date): Promise<void>;
  /** Stores a confirmed authenticator secret with the first step used. */
  setTotp(userId: string, secret: string, step: number, at: Date): Promise<void>;
  /** Replaces the user's pending set-up (one per user), found later by the hash of its token. */
  putPendingTotp(userId: string, tokenHash: string, secret: string, at: Date, expiresAt: Date): Promise<void>;
  /** The unexpired pending set-up whose token has this hash. */
  findPendingTotp(tokenHash: string, now: Date): Promise<PendingTotp | undefined>;
  /** Deletes the pending set-up; true for exactly one caller when several race (single use). */
  takePendingTotp(tokenHash: string): Promise<boolean>;
}

export interface Session {
  /** SHA-256 (hex) of the session token; the token itself is only in the person's cookie. */
  tokenHash: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** Absolute expiry: createdAt + the session lifetime. */
  expiresAt: Date;
  /** Signed in with a second factor (TOTP). */
  mfa: boolean;
}

export interface SessionStore {
  create(session: Session): Promise<void>;
  get(tokenHash: string): Promise<Session | undefined>;
  touch(tokenHash: string, at: Date): Promise<void>;
  delete(tokenHash: string): Promise<void>;
  /** Ends every session of a user (after a password change), but `exceptTokenHash`. */
  deleteForUser(userId: string, exceptTokenHash?: string): Promise<number>;
  /** Deletes sessions past their absolute expiry or last seen before `idleBefore`. */
  deleteExpired(now: Date, idleBefore: Date): Promise<number>;
}
