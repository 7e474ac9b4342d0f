// Time-based one-time passwords (RFC 6238) for the second factor of people's sign-in.
//
// Fixed to what every authenticator app supports: HMAC-SHA-1, 6 digits, 30-second steps. Several
// apps (Google Authenticator among them) ignore the algorithm, digits and period parameters of
// the otpauth:// URI, so anything else would silently produce codes that never match.
// https://github.com/google/google-authenticator/wiki/Key-Uri-Format
import { timingSafeEqual } from 'node:crypto';
import { HOTP, Secret, TOTP } from 'otpauth';

const ALGORITHM = 'SHA1';
const DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
/**
 * Steps either side of the current one that are accepted: RFC 6238 §5.2 recommends "at most one
 * time step" of allowed network delay, which also absorbs a phone clock a little off.
 */
export const TOTP_DRIFT_STEPS = 1;

/**
 * A new random secret, base32 without padding. 20 bytes (160 bits), the length RFC 4226 §4
 * recommends for the HMAC-SHA-1 key. Store it like a password-equivalent secret.
 */
export function newTotpSecret(): { secret: string } {
  return { secret: new Secret({ size: 20 }).base32 };
}

/** The otpauth:// URI an authenticator app scans (as a QR code) to add the account. */
export function totpUri(input: { secret: string; issuer?: string; account: string }): string {
  return new TOTP({
    issuer: input.issuer ?? 'Steward',
    label: input.account,
    secret: Secret.fromBase32(input.secret),
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: TOTP_PERIOD_SECONDS,
  }).toString();
}

/** The RFC 6238 time step ("T") that contains `at`. */
export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * Checks a code typed by a person. Accepts the current step and one step either side (clock
 * drift); refuses a code for a step at or before `lastUsedStep`, so that a code seen once (over a
 * shoulder, in a phishing proxy) cannot be replayed — RFC 6238 §5.2: "the verifier MUST NOT accept
 * the second attempt of the OTP after the successful validation has been issued for the first
 * OTP". On success, store the returned `step` as the new lastUsedStep.
 *
 * Six digits are guessable with enough tries (three steps accepted: 3 in 10^6 per guess), so
 * every failure must count towards the sign-in lockout (lockout.ts), as RFC 4226 §7.3 requires.
 * Never throws: a malformed code or stored secret is a failure.
 */
export function verifyTotp(input: { secret: string; code: string; now: Date; lastUsedStep?: number }): { ok: true; step: number } | { ok: false } {
  // Apps show "123 456"; people paste it with the space.
  const code = typeof input.code === 'string' ? input.code.replace(/\s/g, '') : '';
  if (!/^\d+$/.test(code) || code.length !== DIGITS) return { ok: false };
  let secret: Secret;
  try {
    secret = Secret.fromBase32(input.secret);
  } catch {
    return { ok: false };
  }
  if (secret.bytes.length === 0) return { ok: false };
  const current = totpStep(input.now);
  const given = Buffer.from(code);
  let matched: number | undefined;
  // Check every candidate step (no early return), lowest first, so that the accepted step is the
  // earliest unused one and the work does not depend on which step matched.
  for (let step = current - TOTP_DRIFT_STEPS; step <= current + TOTP_DRIFT_STEPS; step++) {
    if (step < 0) continue;
    if (input.lastUsedStep !== undefined && step <= input.lastUsedStep) continue;
    const expected = Buffer.from(HOTP.generate({ secret, algorithm: ALGORITHM, digits: DIGITS, counter: step }));
    if (timingSafeEqual(expected, given) && matched === undefined) matched = step;
  }
  return matched === undefined ? { ok: false } : { ok: true, step: matched };
}
