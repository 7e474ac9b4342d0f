// Password hashing (argon2id) and the password policy for people who sign in to the web pages.
//
// Parameters: OWASP Password Storage Cheat Sheet ("Use Argon2id with a minimum configuration of
// 19 MiB of memory, an iteration count of 2, and 1 degree of parallelism",
// https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html).
// One hash takes ~20-40 ms of CPU and 19 MiB; it runs in @node-rs/argon2's async mode, on the
// libuv thread pool, so the event loop stays free and concurrent hashes are bounded by the pool
// size (UV_THREADPOOL_SIZE, 4 by default: at most ~76 MiB at once).
//
// Passwords are NFKC-normalized before hashing and verifying, as NIST SP 800-63B §5.1.1.2 advises
// ("the verifier SHOULD apply the Normalization Process for Stabilization of Strings ... NFKC"), so
// the same password typed on two keyboards that compose characters differently still matches.
import { hash, verify, parseOptions, type Algorithm, type Options, type Version } from '@node-rs/argon2';

// @node-rs/argon2 declares Algorithm and Version as ambient const enums, which isolatedModules
// cannot read; these are their values (index.d.ts: Argon2id = 2, V0x13 = 1).
const ARGON2ID = 2 as Algorithm;
const V0X13 = 1 as Version;

export const ARGON2_PARAMETERS = {
  algorithm: ARGON2ID,
  version: V0X13,
  /** KiB: 19 MiB. */
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
} as const satisfies Options;

/** NIST SP 800-63B §5.1.1.2 requires at least 8 characters; Steward asks for 12. */
export const MIN_PASSWORD_LENGTH = 12;
/** NIST asks verifiers to allow at least 64; the cap bounds the work an attacker can ask for. */
export const MAX_PASSWORD_LENGTH = 256;

function normalize(password: string): string {
  return password.normalize('NFKC');
}

/** Counts code points, not UTF-16 units: NIST counts each Unicode code point as one character. */
function length(password: string): number {
  let n = 0;
  for (const _ of password) n++;
  return n;
}

/** An argon2id PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) with a random 16-byte salt. */
export async function hashPassword(password: string): Promise<string> {
  return hash(normalize(password), ARGON2_PARAMETERS);
}

/**
 * True when `password` matches `passwordHash`. Never throws: a malformed or unsupported hash, or
 * a password longer than any policy allows, is simply not a match.
 */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  if (typeof passwordHash !== 'string' || typeof password !== 'string') return false;
  // Never hash megabytes for an unauthenticated caller: no password the policy accepted is this
  // long (256 code points are at most 512 UTF-16 units; the slack covers NFKC composing input).
  if (password.length > MAX_PASSWORD_LENGTH * 4) return false;
  try {
    return await verify(passwordHash, normalize(password));
  } catch {
    return false;
  }
}

/**
 * True when the hash was made with other parameters than today's (or is not an argon2id hash at
 * all): after a successful sign-in, hash the password again and store the new hash.
 */
export function needsRehash(passwordHash: string): boolean {
  try {
    const o = parseOptions(passwordHash);
    const p = ARGON2_PARAMETERS;
    return o.algorithm !== p.algorithm || o.version !== p.version || o.memoryCost !== p.memoryCost
      || o.timeCost !== p.timeCost || o.parallelism !== p.parallelism || o.outputLen !== p.outputLen
      || o.saltLen < 16;
  } catch {
    return true;
  }
}

// Words that make a password guessable however they are decorated with digits and symbols
// ("Password2024!", "Steward123456"). NIST SP 800-63B §5.1.1.2 asks verifiers to refuse
// "context-specific words, such as the name of the service"; a full breached-password list is a
// separate, larger check.
const COMMON_WORDS = new Set([
  'password', 'passwort', 'passw', 'steward', 'admin', 'administrator', 'welcome', 'letmein', 'qwerty',
  'qwertyuiop', 'qwertz', 'azerty', 'asdfgh', 'asdfghjkl', 'zxcvbnm', 'iloveyou', 'changeme', 'secret',
  'abc', 'abcdef', 'login', 'master', 'monkey', 'dragon', 'football', 'baseball', 'sunshine', 'princess',
  'intune', 'microsoft', 'summer', 'winter', 'spring', 'autumn',
]);

/** True for runs like "123456789012", "abcdefghijkl" or "987654321098" (each step ±1, wrapping 9→0). */
function isSequence(password: string): boolean {
  const cps = Array.from(password.toLowerCase(), (c) => c.codePointAt(0)!);
  for (const dir of [1, -1]) {
    let all = true;
    for (let i = 1; i < cps.length && all; i++) {
      const a = cps[i - 1]!;
      const b = cps[i]!;
      const wraps = (dir === 1 && a === 0x39 && b === 0x30) || (dir === -1 && a === 0x30 && b === 0x39);
      if (b - a !== dir && !wraps) all = false;
    }
    if (all) return true;
  }
  return false;
}

/**
 * Why a new password is refused, or undefined when it is acceptable. The reason is shown to the
 * person choosing the password; it never repeats the password.
 */
export function checkPasswordPolicy(password: string, context: { userPrincipalName?: string }): string | undefined {
  const pw = normalize(password);
  const n = length(pw);
  if (n < MIN_PASSWORD_LENGTH) return `A password must have at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (n > MAX_PASSWORD_LENGTH) return `A password must have at most ${MAX_PASSWORD_LENGTH} characters.`;
  // Control characters cannot be typed reliably and usually mean a paste went wrong.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(pw)) return 'A password must not contain control characters.';
  if (new Set(pw).size === 1) return 'A password must not be one character repeated.';
  if (isSequence(pw)) return 'A password must not be a simple sequence of consecutive characters (like 1234… or abcd…).';
  const lower = pw.toLowerCase();
  const upn = context.userPrincipalName?.normalize('NFKC').toLowerCase();
  if (upn) {
    const local = upn.split('@')[0] ?? '';
    // A one- or two-letter local part would refuse half the dictionary; three letters is already a name.
    if (lower.includes(upn) || (length(local) >= 3 && lower.includes(local))) {
      return 'A password must not contain your user name.';
    }
  }
  const letters = lower.replace(/[^\p{L}]/gu, '');
  if (COMMON_WORDS.has(letters)) {
    return 'A password must not be a common word with digits or symbols added.';
  }
  const distinct = new Set(pw).size;
  if (distinct < 4) return 'A password must use at least 4 different characters.';
  return undefined;
}
