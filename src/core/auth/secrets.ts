// Random bearer secrets: OAuth2 client secrets for automation, session tokens for the web pages,
// and CSRF tokens bound to a session.
//
// Client secrets and session tokens are 256 random bits, so they are stored as a plain SHA-256
// digest, not an argon2 hash. A slow, salted hash exists to make guessing a *human-chosen*
// password from its hash expensive; a uniformly random 256-bit value cannot be guessed at any
// hashing speed (2^256 candidates), and there is no dictionary for a salt to defeat. SHA-256 still
// means a copy of the database does not hand out working credentials, and it lets the token
// endpoint look a secret up by its digest in one indexed query instead of spending ~30 ms of CPU
// and 19 MiB per request, which would make that endpoint a denial-of-service target.
// (The same reasoning: GitHub stores its tokens' SHA-256; OWASP's Password Storage Cheat Sheet
// is about passwords.)
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const SECRET_BYTES = 32;

/**
 * Prefixes make a leaked secret recognisable to secret scanners (GitHub secret scanning, gitleaks,
 * trufflehog) and to a person reading a log, as GitHub's `ghp_` and Slack's `xoxb-` do.
 */
export const CLIENT_SECRET_PREFIX = 'stw_cs_';
export const SESSION_TOKEN_PREFIX = 'stw_st_';

function randomToken(prefix: string): string {
  return prefix + randomBytes(SECRET_BYTES).toString('base64url');
}

function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Compares a stored hex digest with the digest of `value` in constant time; false on any malformed input. */
function digestMatches(storedHex: string, value: string): boolean {
  if (typeof storedHex !== 'string' || typeof value !== 'string' || !/^[0-9a-f]{64}$/i.test(storedHex)) return false;
  const expected = Buffer.from(storedHex, 'hex');
  const actual = createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(expected, actual);
}

/** `stw_cs_` + 43 base64url characters (256 random bits). Shown to the administrator once. */
export function newClientSecret(): string {
  return randomToken(CLIENT_SECRET_PREFIX);
}

/** What to store for a client secret: its SHA-256, 64 lowercase hex digits. */
export function hashClientSecret(secret: string): string {
  return sha256Hex(secret);
}

/** True when `secret` is the one `hash` was made from. Constant time; never throws. */
export function verifyClientSecret(hash: string, secret: string): boolean {
  return digestMatches(hash, secret);
}

/** `stw_st_` + 43 base64url characters (256 random bits): the value of the session cookie. */
export function newSessionToken(): string {
  return randomToken(SESSION_TOKEN_PREFIX);
}

/** What to store for a session: its SHA-256, 64 lowercase hex digits; look sessions up by it. */
export function hashSessionToken(token: string): string {
  return sha256Hex(token);
}

/** True when `token` is the one `hash` was made from. Constant time; never throws. */
export function verifySessionToken(hash: string, token: string): boolean {
  return digestMatches(hash, token);
}

const CSRF_CONTEXT = 'steward-csrf-v1:';

function csrfMac(sessionToken: string, nonce: string): Buffer {
  return createHmac('sha256', sessionToken).update(CSRF_CONTEXT + nonce, 'utf8').digest();
}

/**
 * A CSRF token for forms and fetches of the session whose cookie holds `sessionToken`:
 * `<nonce>.<HMAC-SHA-256(key = session token, nonce)>`. This is OWASP's "signed double-submit"
 * pattern keyed by the session secret itself
 * (https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html):
 * a page from another site can neither read the HttpOnly session cookie nor forge the MAC, a
 * token from one session is useless in another, and nothing needs to be stored. A fresh nonce per
 * token means the value in each page differs (no fixed secret for BREACH-style compression
 * attacks to recover).
 */
export function newCsrfToken(sessionToken: string): string {
  const nonce = randomBytes(16).toString('base64url');
  return `${nonce}.${csrfMac(sessionToken, nonce).toString('base64url')}`;
}

/** True when `csrf` was made by newCsrfToken for this very session. Constant time; never throws. */
export function verifyCsrfToken(sessionToken: string, csrf: string): boolean {
  if (typeof sessionToken !== 'string' || sessionToken === '' || typeof csrf !== 'string') return false;
  // 16-byte nonce and 32-byte MAC, base64url without padding; anything else was not made here.
  const m = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(csrf);
  if (!m) return false;
  const given = Buffer.from(m[2]!, 'base64url');
  const expected = csrfMac(sessionToken, m[1]!);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
