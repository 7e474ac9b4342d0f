// When a person may try to sign in again after failed attempts: a pure policy over the count of
// consecutive failures (password or TOTP) and the time of the last one. The caller stores the
// count per account, adds one on each failure, and sets it to zero on a successful sign-in or
// when an administrator unlocks the account.
//
// The numbers:
// - the first 3 failures cost nothing (typos happen);
// - from the 3rd failure on, the next attempt waits 1 s, then 2 s, 4 s, … doubling per failure,
//   capped at 15 minutes. This makes online guessing slow without hurting a person who mistypes.
//   (With the lock at 10 failures the longest wait is 64 s, after the 9th; the cap only matters
//   if the thresholds change);
// - after 10 consecutive failures the account is locked for 30 minutes (or until an administrator
//   unlocks it). Each further failure after a lock ends locks it again for 30 minutes.
//
// Compared with Microsoft Entra smart lockout (what Intune's users sign in through): Entra also
// locks after 10 failed attempts, but for 1 minute at first, "and then longer in subsequent
// attempts" at an undisclosed rate; it also keeps separate counters for familiar and unfamiliar
// locations and does not count the same wrong password twice
// (https://learn.microsoft.com/en-us/training/modules/manage-user-authentication/7-configure-smart-lockout-thresholds).
// Steward has no location signal, so it uses a longer fixed lock instead, and the backoff before
// it slows a guessing run down from the 3rd attempt. 10 attempts is also the CIS benchmark's
// upper bound for a lockout threshold.
//
// A per-account lockout lets anyone who knows a user name lock that user out for 30 minutes; the
// backoff (not the lock) is what stops guessing, and an administrator can always unlock.

export const FREE_FAILURES = 3;
export const FIRST_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 15 * 60_000;
export const LOCK_AFTER_FAILURES = 10;
export const LOCK_DURATION_MS = 30 * 60_000;

export interface SignInFailures {
  /** Consecutive failed attempts since the last success or unlock. */
  count: number;
  lastFailureAt: Date | null;
}

/**
 * When the next attempt is allowed (never before `now`), and whether the account is locked now.
 * An attempt before `allowedAt` must be refused without checking the password, and must not count
 * as another failure (so that a locked account's lock is not extended by an attacker's retries
 * being refused, only by attempts that were actually checked and failed).
 */
export function nextSignInDelay(failures: SignInFailures, now: Date): { allowedAt: Date; locked: boolean } {
  const count = Number.isFinite(failures.count) ? Math.max(0, Math.floor(failures.count)) : 0;
  if (count < FREE_FAILURES || failures.lastFailureAt === null) return { allowedAt: now, locked: false };
  const last = failures.lastFailureAt.getTime();
  if (count >= LOCK_AFTER_FAILURES) {
    const until = last + LOCK_DURATION_MS;
    return until > now.getTime() ? { allowedAt: new Date(until), locked: true } : { allowedAt: now, locked: false };
  }
  const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (count - FREE_FAILURES));
  const until = last + delay;
  return { allowedAt: until > now.getTime() ? new Date(until) : now, locked: false };
}
