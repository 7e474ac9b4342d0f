import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  hashClientSecret, hashSessionToken, newClientSecret, newCsrfToken, newSessionToken, verifyClientSecret,
  verifyCsrfToken, verifySessionToken,
} from './secrets.js';

describe('client secrets and session tokens', () => {
  it('makes prefixed, 256-bit, base64url secrets that differ every time', () => {
    const s = newClientSecret();
    assert.match(s, /^stw_cs_[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(s.slice('stw_cs_'.length), 'base64url').length, 32);
    assert.notEqual(newClientSecret(), s);
    assert.match(newSessionToken(), /^stw_st_[A-Za-z0-9_-]{43}$/);
  });

  it('stores the SHA-256 and verifies against it', () => {
    const s = newClientSecret();
    const h = hashClientSecret(s);
    assert.equal(h, createHash('sha256').update(s).digest('hex'));
    assert.ok(!h.includes(s));
    assert.equal(verifyClientSecret(h, s), true);
    assert.equal(verifyClientSecret(h.toUpperCase(), s), true);
    assert.equal(verifyClientSecret(h, newClientSecret()), false);
    assert.equal(verifyClientSecret(h, s.slice(0, -1)), false);
    assert.equal(verifyClientSecret(h, ''), false);
  });

  it('returns false, never throws, for a malformed stored hash', () => {
    const s = newClientSecret();
    for (const bad of ['', 'abc', hashClientSecret(s).slice(0, 63), `${hashClientSecret(s)}00`, 'z'.repeat(64)]) {
      assert.equal(verifyClientSecret(bad, s), false, bad);
    }
  });

  it('hashes and verifies session tokens the same way', () => {
    const t = newSessionToken();
    const h = hashSessionToken(t);
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.equal(verifySessionToken(h, t), true);
    assert.equal(verifySessionToken(h, newSessionToken()), false);
  });
});

describe('CSRF tokens', () => {
  it('verifies a token for the session it was made for, and only that one', () => {
    const session = newSessionToken();
    const csrf = newCsrfToken(session);
    assert.equal(verifyCsrfToken(session, csrf), true);
    assert.equal(verifyCsrfToken(newSessionToken(), csrf), false);
    assert.ok(!csrf.includes(session));
  });

  it('makes a different token each time, all valid', () => {
    const session = newSessionToken();
    const a = newCsrfToken(session);
    const b = newCsrfToken(session);
    assert.notEqual(a, b);
    assert.equal(verifyCsrfToken(session, a), true);
    assert.equal(verifyCsrfToken(session, b), true);
  });

  it('refuses a tampered, truncated, swapped or malformed token', () => {
    const session = newSessionToken();
    const csrf = newCsrfToken(session);
    const [nonce, mac] = csrf.split('.') as [string, string];
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const other = newCsrfToken(session).split('.')[1]!;
    for (const bad of [
      '', '.', csrf.slice(0, -1), `${csrf}A`, `${flip(nonce, 3)}.${mac}`, `${nonce}.${flip(mac, 5)}`,
      `${nonce}.${other}`, `${mac}.${nonce}`, `${nonce}.${mac}.x`, nonce, `${nonce}.${mac}==`,
    ]) {
      assert.equal(verifyCsrfToken(session, bad), false, bad);
    }
    assert.equal(verifyCsrfToken('', csrf), false);
  });
});
