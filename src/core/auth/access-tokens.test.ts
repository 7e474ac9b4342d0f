import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, base64url, decodeJwt, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { StewardError } from '../errors.js';
import {
  CLOCK_TOLERANCE_SECONDS, KEY_CACHE_TTL_MS, RETIRE_AFTER_SUPERSEDED_MS, forgetCachedSigningKeys, issueAccessToken,
  newSigningKey, retireSupersededSigningKeys, rotateSigningKey, verifyAccessToken, type SigningKey, type SigningKeyStore,
} from './access-tokens.js';

// The port's contract in memory (the SQL adapter has its own tests in store/signing-keys.test.ts).
// Two stores over one `rows` array behave like two replicas over one database.
function memoryKeys(rows: SigningKey[] = []) {
  const calls = { all: 0, current: 0 };
  const live = () => rows.filter((k) => k.retiredAt === null)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.kid.localeCompare(b.kid));
  const store: SigningKeyStore = {
    async current() { calls.current++; return live().at(-1); },
    async all() { calls.all++; return live(); },
    async add(key) { rows.push({ ...key }); },
    async retire(kid, at) { for (const k of rows) if (k.kid === kid && k.retiredAt === null) k.retiredAt = at; },
  };
  return { store, rows, calls };
}

function testClock(start = '2026-03-01T10:00:00.000Z') {
  let now = new Date(start).getTime();
  return { now: () => new Date(now), advance: (ms: number) => { now += ms; } };
}

const ISSUER = 'https://steward.example.com';
const AUDIENCE = 'https://steward.example.com/graph';
const expected = { issuer: ISSUER, audience: AUDIENCE };
const input = { subject: 'client-1', subjectKind: 'apiClient' as const, issuer: ISSUER, audience: AUDIENCE };

function setup() {
  const keys = memoryKeys();
  const clock = testClock();
  return { ...keys, clock, deps: { keys: keys.store, clock } };
}

/** Signs arbitrary claims with a stored key, to test what the verifier refuses. */
async function signWith(key: SigningKey, claims: Record<string, unknown>, header: Record<string, unknown> = {}, now = new Date('2026-03-01T10:00:00.000Z')) {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'client-1', iat, exp: iat + 3600, jti: 'j', idtyp: 'app', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt', ...header })
    .sign(await importJWK(key.privateJwk as JWK, 'ES256'));
}

describe('access tokens', () => {
  it('issues an ES256 at+jwt token that verifies, creating the first key once', async () => {
    const { deps, rows } = setup();
    const { accessToken, expiresIn } = await issueAccessToken(deps, input);
    await issueAccessToken(deps, { ...input, subject: 'adele@contoso.com', subjectKind: 'user' });
    assert.equal(expiresIn, 3600);
    assert.equal(rows.length, 1);
    const header = decodeProtectedHeader(accessToken);
    assert.deepEqual(header, { alg: 'ES256', kid: rows[0]!.kid, typ: 'at+jwt' });
    const claims = decodeJwt(accessToken);
    assert.equal(claims.iss, ISSUER);
    assert.equal(claims.aud, AUDIENCE);
    assert.equal(claims.sub, 'client-1');
    assert.equal(claims.idtyp, 'app');
    assert.equal(claims.exp! - claims.iat!, 3600);
    assert.equal(typeof claims.jti, 'string');
    assert.deepEqual(await verifyAccessToken(deps, accessToken, expected), { subject: 'client-1', subjectKind: 'apiClient' });
  });

  it('says when a token is a user\'s', async () => {
    const { deps } = setup();
    const { accessToken } = await issueAccessToken(deps, { ...input, subject: 'adele@contoso.com', subjectKind: 'user' });
    assert.deepEqual(await verifyAccessToken(deps, accessToken, expected), { subject: 'adele@contoso.com', subjectKind: 'user' });
  });

  it('refuses an expired token (after the clock tolerance)', async () => {
    const { deps, clock } = setup();
    const { accessToken } = await issueAccessToken(deps, { ...input, lifetimeSeconds: 600 });
    clock.advance((600 + CLOCK_TOLERANCE_SECONDS - 1) * 1000);
    assert.ok(await verifyAccessToken(deps, accessToken, expected));
    clock.advance(2000);
    assert.equal(await verifyAccessToken(deps, accessToken, expected), undefined);
  });

  it('refuses a token for another audience or from another issuer', async () => {
    const { deps } = setup();
    const { accessToken } = await issueAccessToken(deps, input);
    assert.equal(await verifyAccessToken(deps, accessToken, { ...expected, audience: 'https://other.example.com' }), undefined);
    assert.equal(await verifyAccessToken(deps, accessToken, { ...expected, issuer: 'https://evil.example.com' }), undefined);
  });

  it('refuses a token whose payload was changed', async () => {
    const { deps } = setup();
    const { accessToken } = await issueAccessToken(deps, input);
    const [h, p, s] = accessToken.split('.') as [string, string, string];
    const payload = decodeJwt(accessToken);
    const forged = base64url.encode(JSON.stringify({ ...payload, sub: 'admin' }));
    assert.equal(await verifyAccessToken(deps, `${h}.${forged}.${s}`, expected), undefined);
    const sig = Buffer.from(s, 'base64url');
    sig[10] = sig[10]! ^ 1;
    assert.equal(await verifyAccessToken(deps, `${h}.${p}.${sig.toString('base64url')}`, expected), undefined);
  });

  it('refuses alg "none" and HS256 tokens that name a real key', async () => {
    const { deps, rows } = setup();
    const { accessToken } = await issueAccessToken(deps, input);
    const payload = accessToken.split('.')[1]!;
    const kid = rows[0]!.kid;
    const none = base64url.encode(JSON.stringify({ alg: 'none', kid, typ: 'at+jwt' }));
    assert.equal(await verifyAccessToken(deps, `${none}.${payload}.`, expected), undefined);
    // The classic confusion: an HMAC keyed with something public about the real key.
    const hs = await new SignJWT(decodeJwt(accessToken))
      .setProtectedHeader({ alg: 'HS256', kid, typ: 'at+jwt' })
      .sign(new TextEncoder().encode(JSON.stringify(rows[0]!.publicJwk)));
    assert.equal(await verifyAccessToken(deps, hs, expected), undefined);
  });

  it('refuses a token signed by an unknown key, or by another key under a known kid', async () => {
    const { deps, rows } = setup();
    await issueAccessToken(deps, input);
    const stranger = await newSigningKey(new Date());
    assert.equal(await verifyAccessToken(deps, await signWith(stranger, {}), expected), undefined);
    assert.equal(await verifyAccessToken(deps, await signWith(stranger, {}, { kid: rows[0]!.kid }), expected), undefined);
  });

  it('refuses tokens of another type, without a subject kind, without required claims, or lasting too long', async () => {
    const { deps, rows } = setup();
    await issueAccessToken(deps, input);
    const key = rows[0]!;
    assert.ok(await verifyAccessToken(deps, await signWith(key, {}), expected), 'the helper signs valid tokens');
    assert.equal(await verifyAccessToken(deps, await signWith(key, {}, { typ: 'JWT' }), expected), undefined);
    assert.equal(await verifyAccessToken(deps, await signWith(key, { idtyp: 'device' }), expected), undefined);
    assert.equal(await verifyAccessToken(deps, await signWith(key, { jti: undefined }), expected), undefined);
    assert.equal(await verifyAccessToken(deps, await signWith(key, { sub: '' }), expected), undefined);
    const longAgo = Math.floor(Date.parse('2026-02-01T00:00:00Z') / 1000);
    assert.equal(await verifyAccessToken(deps, await signWith(key, { iat: longAgo, exp: longAgo + 365 * 86400 }), expected), undefined);
  });

  it('returns undefined, never throws, for garbage', async () => {
    const { deps } = setup();
    await issueAccessToken(deps, input);
    for (const bad of ['', 'a', 'a.b.c', '...', 'eyJhbGciOiJFUzI1NiJ9.e30.', 'x'.repeat(100_000), `${'a'.repeat(10)}.${'b'.repeat(10)}.${'c'.repeat(10)}`]) {
      assert.equal(await verifyAccessToken(deps, bad, expected), undefined, bad.slice(0, 20));
    }
  });

  it('refuses a token signed by a key that was retired (once the cache has expired)', async () => {
    const { deps, clock, rows, store } = setup();
    const { accessToken } = await issueAccessToken(deps, input);
    assert.ok(await verifyAccessToken(deps, accessToken, expected));
    await store.retire(rows[0]!.kid, clock.now());
    clock.advance(KEY_CACHE_TTL_MS + 1000);
    assert.equal(await verifyAccessToken(deps, accessToken, expected), undefined);
  });

  it('checks a lifetime', async () => {
    const { deps } = setup();
    for (const lifetimeSeconds of [0, -1, 1.5, 86_401, Number.NaN]) {
      await assert.rejects(issueAccessToken(deps, { ...input, lifetimeSeconds }), (e: unknown) => e instanceof StewardError && e.code === 'invalid-input');
    }
    await assert.rejects(issueAccessToken(deps, { ...input, audience: '' }), StewardError);
    assert.equal((await issueAccessToken(deps, { ...input, lifetimeSeconds: 600 })).expiresIn, 600);
  });
});

describe('signing key rotation', () => {
  it('signs with the new key at once and keeps old tokens valid until they expire', async () => {
    const { deps, clock, store } = setup();
    const old = await issueAccessToken(deps, input);
    const oldKid = decodeProtectedHeader(old.accessToken).kid;
    clock.advance(60_000);
    const { kid } = await rotateSigningKey(deps);
    assert.notEqual(kid, oldKid);
    const fresh = await issueAccessToken(deps, input);
    assert.equal(decodeProtectedHeader(fresh.accessToken).kid, kid);
    assert.ok(await verifyAccessToken(deps, old.accessToken, expected));
    assert.ok(await verifyAccessToken(deps, fresh.accessToken, expected));
    // The old token expires on its own schedule; the old key is still there for others.
    clock.advance(3600 * 1000);
    assert.equal(await verifyAccessToken(deps, old.accessToken, expected), undefined);
    assert.equal((await store.all()).length, 2);
  });

  it('retires a superseded key only once no token it signed can be alive', async () => {
    const { deps, clock, store } = setup();
    await issueAccessToken(deps, input);
    const [first] = await store.all();
    clock.advance(1000);
    const supersededAt = clock.now().getTime();
    const { kid } = await rotateSigningKey(deps);
    assert.deepEqual((await retireSupersededSigningKeys(deps)).retired, []);
    clock.advance(supersededAt + RETIRE_AFTER_SUPERSEDED_MS - 1 - clock.now().getTime());
    assert.deepEqual((await retireSupersededSigningKeys(deps)).retired, []);
    clock.advance(1);
    assert.deepEqual((await retireSupersededSigningKeys(deps)).retired, [first!.kid]);
    assert.deepEqual((await store.all()).map((k) => k.kid), [kid]);
    assert.equal((await store.current())?.kid, kid);
    // The rule is at least the longest lifetime after the last token the old key could sign.
    assert.ok(RETIRE_AFTER_SUPERSEDED_MS >= (86_400 + CLOCK_TOLERANCE_SECONDS) * 1000 + KEY_CACHE_TTL_MS);
  });

  it('rotating again later retires the key before the previous one', async () => {
    const { deps, clock, store } = setup();
    const a = await rotateSigningKey(deps);
    clock.advance(1000);
    const b = await rotateSigningKey(deps);
    clock.advance(RETIRE_AFTER_SUPERSEDED_MS);
    const c = await rotateSigningKey(deps);
    assert.deepEqual((await store.all()).map((k) => k.kid), [b.kid, c.kid]);
    assert.ok(!(await store.all()).some((k) => k.kid === a.kid));
  });

  it('orders a key rotated within the same millisecond after the current one', async () => {
    const { deps, store } = setup();
    await rotateSigningKey(deps);
    const { kid } = await rotateSigningKey(deps);
    assert.equal((await store.current())?.kid, kid);
  });

  it('lets another replica verify a token from a key it has not seen yet, with one reload', async () => {
    const rows: SigningKey[] = [];
    const clock = testClock();
    const a = memoryKeys(rows);
    const b = memoryKeys(rows);
    const onA = { keys: a.store, clock };
    const onB = { keys: b.store, clock };
    const first = await issueAccessToken(onA, input);
    assert.ok(await verifyAccessToken(onB, first.accessToken, expected));
    clock.advance(1000);
    await rotateSigningKey(onA);
    const second = await issueAccessToken(onA, input);
    const before = b.calls.all;
    assert.ok(await verifyAccessToken(onB, second.accessToken, expected));
    assert.equal(b.calls.all, before + 1);
  });
});

describe('verification key cache', () => {
  it('reads the store once per TTL, not per request', async () => {
    const { deps, clock, calls } = setup();
    const { accessToken } = await issueAccessToken(deps, input);
    const base = calls.all;
    for (let i = 0; i < 20; i++) assert.ok(await verifyAccessToken(deps, accessToken, expected));
    assert.equal(calls.all - base, 1);
    clock.advance(KEY_CACHE_TTL_MS);
    assert.ok(await verifyAccessToken(deps, accessToken, expected));
    assert.equal(calls.all - base, 2);
  });

  it('reloads for unknown kids at most once per interval', async () => {
    const { deps, clock, calls } = setup();
    const { accessToken } = await issueAccessToken(deps, input);
    assert.ok(await verifyAccessToken(deps, accessToken, expected));
    const base = calls.all;
    const strangers = await Promise.all([1, 2, 3].map(() => newSigningKey(new Date())));
    for (let i = 0; i < 30; i++) {
      assert.equal(await verifyAccessToken(deps, await signWith(strangers[i % 3]!, {}), expected), undefined);
    }
    assert.equal(calls.all - base, 1);
    clock.advance(5000);
    assert.equal(await verifyAccessToken(deps, await signWith(strangers[0]!, {}), expected), undefined);
    assert.equal(calls.all - base, 2);
  });

  it('forgets cached keys on request, so a retirement takes effect at once here', async () => {
    const { deps, clock, rows, store } = setup();
    const { accessToken } = await issueAccessToken(deps, input);
    assert.ok(await verifyAccessToken(deps, accessToken, expected));
    await store.retire(rows[0]!.kid, clock.now());
    forgetCachedSigningKeys(store);
    assert.equal(await verifyAccessToken(deps, accessToken, expected), undefined);
  });

  it('shares one store read between concurrent first verifications', async () => {
    const { deps, calls } = setup();
    const { accessToken } = await issueAccessToken(deps, input);
    forgetCachedSigningKeys(deps.keys);
    const base = calls.all;
    const results = await Promise.all(Array.from({ length: 10 }, () => verifyAccessToken(deps, accessToken, expected)));
    assert.ok(results.every(Boolean));
    assert.equal(calls.all - base, 1);
  });
});
