// Bearer access tokens for the admin API: JWTs signed with ES256 keys that rotate.
//
// A token carries iss, aud, sub, iat, exp, jti and `idtyp` ("app" for an API client, "user" for a
// person), the claim Microsoft Entra uses in its access tokens to say the same thing. The header
// has `typ: at+jwt` (RFC 9068 §2.1) so that a JWT of another kind signed by the same keys can
// never pass as an access token (RFC 8725 §3.11, explicit typing).
//
// Keys live behind the SigningKeyStore port (store/signing-keys.ts), so every replica signs and
// verifies with the same set. The newest non-retired key signs; every non-retired key verifies.
//
// Rotation rule: rotateSigningKey adds a new key, which becomes current at once. A superseded key
// keeps verifying while tokens it signed can still be alive, then is retired. A key is superseded
// when the next key is created (time S); a replica may keep signing with it until its cached
// signing key expires (S + KEY_CACHE_TTL_MS); the last such token is valid for at most
// MAX_ACCESS_TOKEN_LIFETIME_SECONDS plus CLOCK_TOLERANCE_SECONDS. So a key is retired once
//     now ≥ S + KEY_CACHE_TTL_MS + (MAX_ACCESS_TOKEN_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS)·1000,
// by rotateSigningKey or retireSupersededSigningKeys (for a periodic job). To revoke a compromised
// key at once, rotate and then retire it through the store; other replicas stop accepting it when
// their key cache expires (≤ 60 s).
//
// Verification keys are cached per SigningKeyStore for KEY_CACHE_TTL_MS, so that verifying a
// request does not query the database; a token with a kid the cache does not know (a key another
// replica just created) triggers one reload, at most once every UNKNOWN_KID_REFRESH_MS, so a flood
// of forged kids cannot turn into a flood of queries.
import type { JsonWebKey } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import {
  SignJWT, calculateJwkThumbprint, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify,
  type CryptoKey, type JWK,
} from 'jose';
import type { Clock } from '../clock.js';
import { invalidInput } from '../errors.js';

export interface SigningKey {
  /** RFC 7638 thumbprint (SHA-256, base64url) of the public key. */
  kid: string;
  /** The private key as a JWK. Secret: never logged, never sent. */
  privateJwk: JsonWebKey;
  publicJwk: JsonWebKey;
  createdAt: Date;
  retiredAt: Date | null;
}

export interface SigningKeyStore {
  /** The newest key that is not retired. */
  current(): Promise<SigningKey | undefined>;
  /** Every key that is not retired, oldest first. */
  all(): Promise<SigningKey[]>;
  add(key: SigningKey): Promise<void>;
  /** Marks a key retired; it no longer signs or verifies. Retiring a retired key changes nothing. */
  retire(kid: string, at: Date): Promise<void>;
}

export interface AccessTokenDeps {
  keys: SigningKeyStore;
  clock: Clock;
}

export type SubjectKind = 'apiClient' | 'user';

export const ACCESS_TOKEN_ALGORITHM = 'ES256';
export const DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS = 3600;
export const MAX_ACCESS_TOKEN_LIFETIME_SECONDS = 24 * 3600;
/** Accepted skew between the replica that signed and the one that verifies. */
export const CLOCK_TOLERANCE_SECONDS = 30;
export const KEY_CACHE_TTL_MS = 60_000;
export const UNKNOWN_KID_REFRESH_MS = 5_000;
/** How long after being superseded a key is retired (see the rotation rule above). */
export const RETIRE_AFTER_SUPERSEDED_MS = KEY_CACHE_TTL_MS + (MAX_ACCESS_TOKEN_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS) * 1000;

const TOKEN_TYPE = 'at+jwt';
/** Bigger than any token issued here; refuse anything larger before decoding it. */
const MAX_TOKEN_LENGTH = 4096;
/** RFC 7638 SHA-256 thumbprints, base64url: the only kids this module makes. */
const KID_FORMAT = /^[A-Za-z0-9_-]{43}$/;

interface KeyCache {
  verifying?: { keys: Map<string, CryptoKey>; loadedAt: number };
  loadingVerifying?: Promise<Map<string, CryptoKey>>;
  lastUnknownKidRefresh: number;
  signing?: { kid: string; key: CryptoKey; loadedAt: number };
  loadingSigning?: Promise<{ kid: string; key: CryptoKey }>;
}

// Keyed by the store object, so that each store (each database, each test) has its own cache and
// the functions keep taking plain deps.
const caches = new WeakMap<SigningKeyStore, KeyCache>();

function cacheFor(keys: SigningKeyStore): KeyCache {
  let cache = caches.get(keys);
  if (!cache) {
    cache = { lastUnknownKidRefresh: Number.NEGATIVE_INFINITY };
    caches.set(keys, cache);
  }
  return cache;
}

function fresh(loadedAt: number, now: number): boolean {
  return now >= loadedAt && now - loadedAt < KEY_CACHE_TTL_MS;
}

/** Drops this process's cached keys for `keys`, so the next call reads the store. */
export function forgetCachedSigningKeys(keys: SigningKeyStore): void {
  caches.delete(keys);
}

/** A new ES256 key pair, ready to add to the store. */
export async function newSigningKey(createdAt: Date): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  const meta = { kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' };
  return { kid, privateJwk: { ...privateJwk, ...meta }, publicJwk: { ...publicJwk, ...meta }, createdAt, retiredAt: null };
}

async function signingKey(deps: AccessTokenDeps, now: Date): Promise<{ kid: string; key: CryptoKey }> {
  const cache = cacheFor(deps.keys);
  if (cache.signing && fresh(cache.signing.loadedAt, now.getTime())) return cache.signing;
  cache.loadingSigning ??= (async () => {
    let current = await deps.keys.current();
    if (!current) {
      await deps.keys.add(await newSigningKey(now));
      // Another replica may have created one at the same moment; both verify, and re-reading
      // makes every replica sign with the same one.
      current = await deps.keys.current();
      if (!current) throw new Error('the signing key store returned no key right after one was added');
      delete cache.verifying;
    }
    let key: CryptoKey;
    try {
      key = await importJWK(current.privateJwk as JWK, ACCESS_TOKEN_ALGORITHM) as CryptoKey;
    } catch {
      // Deliberately without the cause: nothing about the key material goes into an error.
      throw new Error(`signing key ${current.kid} is not a usable ${ACCESS_TOKEN_ALGORITHM} private key`);
    }
    cache.signing = { kid: current.kid, key, loadedAt: now.getTime() };
    return cache.signing;
  })().finally(() => { delete cache.loadingSigning; });
  return cache.loadingSigning;
}

async function loadVerifyingKeys(deps: AccessTokenDeps, cache: KeyCache, now: number): Promise<Map<string, CryptoKey>> {
  cache.loadingVerifying ??= (async () => {
    const keys = new Map<string, CryptoKey>();
    for (const k of await deps.keys.all()) {
      if (k.retiredAt !== null) continue;
      try {
        keys.set(k.kid, await importJWK(k.publicJwk as JWK, ACCESS_TOKEN_ALGORITHM) as CryptoKey);
      } catch {
        // A key that cannot be imported verifies nothing; the others still work.
      }
    }
    cache.verifying = { keys, loadedAt: now };
    return keys;
  })().finally(() => { delete cache.loadingVerifying; });
  return cache.loadingVerifying;
}

async function verifyingKey(deps: AccessTokenDeps, kid: string, now: number): Promise<CryptoKey | undefined> {
  const cache = cacheFor(deps.keys);
  let keys: Map<string, CryptoKey>;
  let justLoaded = false;
  if (cache.verifying && fresh(cache.verifying.loadedAt, now)) {
    keys = cache.verifying.keys;
  } else {
    keys = await loadVerifyingKeys(deps, cache, now);
    justLoaded = true;
  }
  const key = keys.get(kid);
  if (key || justLoaded) return key;
  if (now >= cache.lastUnknownKidRefresh && now - cache.lastUnknownKidRefresh < UNKNOWN_KID_REFRESH_MS) return undefined;
  cache.lastUnknownKidRefresh = now;
  return (await loadVerifyingKeys(deps, cache, now)).get(kid);
}

/**
 * Signs an access token with the current key, creating the first key if there is none.
 * Throws invalid-input for an empty subject, issuer or audience or an out-of-range lifetime.
 */
export async function issueAccessToken(
  deps: AccessTokenDeps,
  input: { subject: string; subjectKind: SubjectKind; issuer: string; audience: string; lifetimeSeconds?: number },
): Promise<{ accessToken: string; expiresIn: number }> {
  const lifetime = input.lifetimeSeconds ?? DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_ACCESS_TOKEN_LIFETIME_SECONDS) {
    throw invalidInput(`lifetimeSeconds must be a whole number from 1 to ${MAX_ACCESS_TOKEN_LIFETIME_SECONDS}`, 'lifetimeSeconds');
  }
  for (const name of ['subject', 'issuer', 'audience'] as const) {
    if (typeof input[name] !== 'string' || input[name] === '') throw invalidInput(`${name} must be a non-empty string`, name);
  }
  const now = deps.clock.now();
  const { kid, key } = await signingKey(deps, now);
  const iat = Math.floor(now.getTime() / 1000);
  const accessToken = await new SignJWT({ idtyp: input.subjectKind === 'apiClient' ? 'app' : 'user' })
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid, typ: TOKEN_TYPE })
    .setIssuer(input.issuer)
    .setAudience(input.audience)
    .setSubject(input.subject)
    .setIssuedAt(iat)
    .setExpirationTime(iat + lifetime)
    .setJti(randomBytes(16).toString('base64url'))
    .sign(key);
  return { accessToken, expiresIn: lifetime };
}

/**
 * Whose token this is, or undefined when it is not a valid access token for this issuer and
 * audience: malformed, not ES256 (alg "none" and HS* included), signed by an unknown or retired
 * key, tampered with, expired, or of another type. Never throws for a bad token; throws only when
 * the key store itself fails.
 */
export async function verifyAccessToken(
  deps: AccessTokenDeps,
  token: string,
  expected: { issuer: string; audience: string },
): Promise<{ subject: string; subjectKind: SubjectKind } | undefined> {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined;
  let kid: unknown;
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== ACCESS_TOKEN_ALGORITHM) return undefined;
    kid = header.kid;
  } catch {
    return undefined;
  }
  if (typeof kid !== 'string' || !KID_FORMAT.test(kid)) return undefined;
  const now = deps.clock.now();
  const key = await verifyingKey(deps, kid, now.getTime());
  if (!key) return undefined;
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      typ: TOKEN_TYPE,
      issuer: expected.issuer,
      audience: expected.audience,
      currentDate: now,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      maxTokenAge: MAX_ACCESS_TOKEN_LIFETIME_SECONDS,
      requiredClaims: ['sub', 'iat', 'exp', 'jti'],
    });
    const subjectKind = payload.idtyp === 'app' ? 'apiClient' : payload.idtyp === 'user' ? 'user' : undefined;
    if (subjectKind === undefined || typeof payload.sub !== 'string' || payload.sub === '') return undefined;
    return { subject: payload.sub, subjectKind };
  } catch {
    return undefined;
  }
}

function byAge(a: SigningKey, b: SigningKey): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0);
}

/**
 * Retires every key whose tokens can no longer be alive: superseded (a newer key exists) at least
 * RETIRE_AFTER_SUPERSEDED_MS ago. Never retires the current key. Safe to run on every replica.
 */
export async function retireSupersededSigningKeys(deps: AccessTokenDeps): Promise<{ retired: string[] }> {
  const now = deps.clock.now();
  const keys = (await deps.keys.all()).sort(byAge);
  const retired: string[] = [];
  for (let i = 0; i < keys.length - 1; i++) {
    const supersededAt = keys[i + 1]!.createdAt.getTime();
    if (now.getTime() - supersededAt >= RETIRE_AFTER_SUPERSEDED_MS) {
      await deps.keys.retire(keys[i]!.kid, now);
      retired.push(keys[i]!.kid);
    }
  }
  if (retired.length > 0) forgetCachedSigningKeys(deps.keys);
  return { retired };
}

/**
 * Adds a new signing key, which signs every token from now on (on other replicas within
 * KEY_CACHE_TTL_MS), and retires the keys whose tokens have all expired. Run it on a schedule
 * (e.g. every 30 days) or by hand.
 */
export async function rotateSigningKey(deps: AccessTokenDeps): Promise<{ kid: string }> {
  const now = deps.clock.now();
  const previous = await deps.keys.current();
  // The newest key is the current one: make sure the new key sorts after the previous one even
  // when both are made within the same millisecond.
  const createdAt = previous && previous.createdAt.getTime() >= now.getTime() ? new Date(previous.createdAt.getTime() + 1) : now;
  const key = await newSigningKey(createdAt);
  await deps.keys.add(key);
  forgetCachedSigningKeys(deps.keys);
  await retireSupersededSigningKeys(deps);
  return { kid: key.kid };
}
