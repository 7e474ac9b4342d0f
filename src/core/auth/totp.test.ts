import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TOTP, URI } from 'otpauth';
import { newTotpSecret, totpStep, totpUri, verifyTotp } from './totp.js';

// RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
// Appendix B lists 8-digit codes; a 6-digit code is the same truncated value mod 10^6 (RFC 4226
// §5.3), i.e. the last six digits.
const VECTORS: Array<[seconds: number, eightDigits: string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];
const at = (seconds: number) => new Date(seconds * 1000);

describe('TOTP', () => {
  it('accepts the RFC 6238 Appendix B SHA-1 codes at their times', () => {
    for (const [seconds, eight] of VECTORS) {
      const r = verifyTotp({ secret: RFC_SECRET, code: eight.slice(2), now: at(seconds) });
      assert.deepEqual(r, { ok: true, step: Math.floor(seconds / 30) }, `T=${seconds}`);
    }
  });

  it('refuses a wrong code, a malformed code and an 8-digit code', () => {
    assert.deepEqual(verifyTotp({ secret: RFC_SECRET, code: '287083', now: at(59) }), { ok: false });
    for (const code of ['', '28708', '2870822', 'abcdef', '28 70 8x', '94287082', '-28708']) {
      assert.deepEqual(verifyTotp({ secret: RFC_SECRET, code, now: at(59) }), { ok: false }, code);
    }
  });

  it('accepts the code with spaces as authenticator apps show it', () => {
    assert.equal(verifyTotp({ secret: RFC_SECRET, code: '287 082', now: at(59) }).ok, true);
  });

  it('accepts one step of clock drift either way, and no more', () => {
    const [seconds, eight] = VECTORS[3]!;
    const code = eight.slice(2);
    const step = Math.floor(seconds / 30);
    assert.deepEqual(verifyTotp({ secret: RFC_SECRET, code, now: at(seconds + 30) }), { ok: true, step });
    assert.deepEqual(verifyTotp({ secret: RFC_SECRET, code, now: at(seconds - 30) }), { ok: true, step });
    assert.deepEqual(verifyTotp({ secret: RFC_SECRET, code, now: at(seconds + 60) }), { ok: false });
    assert.deepEqual(verifyTotp({ secret: RFC_SECRET, code, now: at(seconds - 60) }), { ok: false });
  });

  it('refuses a replayed code: a step at or before lastUsedStep (RFC 6238 §5.2)', () => {
    // 1111111109 and 1111111111 fall in adjacent steps, 37037036 and 37037037.
    const first = verifyTotp({ secret: RFC_SECRET, code: '081804', now: at(1111111109) });
    assert.deepEqual(first, { ok: true, step: 37037036 });
    assert.deepEqual(verifyTotp({ secret: RFC_SECRET, code: '081804', now: at(1111111109), lastUsedStep: first.ok ? first.step : -1 }), { ok: false });
    // Still inside the drift window one step later, but already used.
    assert.deepEqual(verifyTotp({ secret: RFC_SECRET, code: '081804', now: at(1111111111), lastUsedStep: 37037036 }), { ok: false });
    // The next step's code is fine.
    assert.deepEqual(verifyTotp({ secret: RFC_SECRET, code: '050471', now: at(1111111111), lastUsedStep: 37037036 }), { ok: true, step: 37037037 });
    // And a later code for an earlier window is refused once a later one was used.
    assert.deepEqual(verifyTotp({ secret: RFC_SECRET, code: '081804', now: at(1111111111), lastUsedStep: 37037037 }), { ok: false });
  });

  it('fails, without throwing, for a malformed stored secret', () => {
    assert.deepEqual(verifyTotp({ secret: 'not base32!!', code: '123456', now: at(59) }), { ok: false });
    assert.deepEqual(verifyTotp({ secret: '', code: '123456', now: at(59) }), { ok: false });
  });

  it('makes 160-bit base32 secrets that authenticator codes verify against', () => {
    const { secret } = newTotpSecret();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.notEqual(newTotpSecret().secret, secret);
    const now = new Date('2026-03-01T10:00:07Z');
    const code = new TOTP({ secret }).generate({ timestamp: now.getTime() });
    assert.deepEqual(verifyTotp({ secret, code, now }), { ok: true, step: totpStep(now) });
  });

  it('builds an otpauth:// URI that names Steward and the account', () => {
    const uri = totpUri({ secret: RFC_SECRET, issuer: 'Steward', account: 'adele.vance@contoso.com' });
    assert.match(uri, /^otpauth:\/\/totp\/Steward:adele\.vance%40contoso\.com\?/);
    const parsed = URI.parse(uri);
    assert.ok(parsed instanceof TOTP);
    assert.equal(parsed.issuer, 'Steward');
    assert.equal(parsed.label, 'adele.vance@contoso.com');
    assert.equal(parsed.secret.base32, RFC_SECRET);
    assert.equal(parsed.algorithm, 'SHA1');
    assert.equal(parsed.digits, 6);
    assert.equal(parsed.period, 30);
    assert.equal(totpUri({ secret: RFC_SECRET, account: 'x@y' }).includes('issuer=Steward'), true);
  });
});
