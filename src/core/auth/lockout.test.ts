import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LOCK_DURATION_MS, nextSignInDelay } from './lockout.js';

const t0 = new Date('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('sign-in lockout policy', () => {
  it('lets the first three failures through without delay', () => {
    assert.deepEqual(nextSignInDelay({ count: 0, lastFailureAt: null }, t0), { allowedAt: t0, locked: false });
    assert.deepEqual(nextSignInDelay({ count: 2, lastFailureAt: t0 }, t0), { allowedAt: t0, locked: false });
  });

  it('then doubles the wait from 1 s per failure: 1, 2, 4, 8, 16, 32, 64 s', () => {
    const expected = [1, 2, 4, 8, 16, 32, 64];
    for (let count = 3; count <= 9; count++) {
      const r = nextSignInDelay({ count, lastFailureAt: t0 }, t0);
      assert.equal(r.locked, false);
      assert.equal(r.allowedAt.getTime() - t0.getTime(), expected[count - 3]! * 1000, `after ${count} failures`);
    }
  });

  it('allows the attempt once the wait is over (allowedAt is never in the past)', () => {
    const later = at(5_000);
    assert.deepEqual(nextSignInDelay({ count: 4, lastFailureAt: t0 }, later), { allowedAt: later, locked: false });
    assert.deepEqual(nextSignInDelay({ count: 4, lastFailureAt: t0 }, at(1_000)), { allowedAt: at(2_000), locked: false });
  });

  it('locks the account for 30 minutes after 10 consecutive failures', () => {
    const r = nextSignInDelay({ count: 10, lastFailureAt: t0 }, at(1000));
    assert.deepEqual(r, { allowedAt: at(LOCK_DURATION_MS), locked: true });
    assert.equal(LOCK_DURATION_MS, 30 * 60_000);
    assert.equal(nextSignInDelay({ count: 10, lastFailureAt: t0 }, at(LOCK_DURATION_MS - 1)).locked, true);
    assert.deepEqual(nextSignInDelay({ count: 10, lastFailureAt: t0 }, at(LOCK_DURATION_MS)), { allowedAt: at(LOCK_DURATION_MS), locked: false });
  });

  it('locks again for 30 minutes after each further failure', () => {
    const again = at(LOCK_DURATION_MS + 5_000);
    const r = nextSignInDelay({ count: 11, lastFailureAt: again }, again);
    assert.deepEqual(r, { allowedAt: new Date(again.getTime() + LOCK_DURATION_MS), locked: true });
  });

  it('treats nonsense counts as no failures', () => {
    assert.equal(nextSignInDelay({ count: Number.NaN, lastFailureAt: t0 }, t0).locked, false);
    assert.equal(nextSignInDelay({ count: -5, lastFailureAt: t0 }, t0).allowedAt.getTime(), t0.getTime());
  });
});
