import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock } from '../clock.js';
import { cachedPushCertificates } from './cached-push-certificates.js';
import type { PushCertificateStore, StoredPushCertificate } from './ports.js';

const T0 = new Date('2026-06-01T00:00:00.000Z');

function certificate(serialNumber: string): StoredPushCertificate {
  return {
    certificatePem: `PEM ${serialNumber}`, privateKeyPem: 'KEY', serialNumber, topic: 'com.apple.mgmt.External.x', appleIdentifier: null,
    notBefore: T0, notAfter: new Date(T0.getTime() + 365 * 86_400_000), uploadedAt: T0, modifiedAt: T0, uploadStatus: 'succeeded', uploadFailureReason: null,
  };
}

/** An in-memory store that counts reads; `serial` changes what another replica would see. */
function memoryStore() {
  const state = { current: certificate('01') as StoredPushCertificate | undefined, reads: 0, replaceWins: true };
  const store: PushCertificateStore = {
    current: async () => { state.reads++; return state.current; },
    replace: async (next) => { if (!state.replaceWins) return false; state.current = next; return true; },
    recordUploadFailure: async (reason) => { if (state.current) state.current = { ...state.current, uploadStatus: 'failed', uploadFailureReason: reason }; },
    pendingRequest: async () => undefined,
    savePendingRequest: async () => undefined,
  };
  return { store, state };
}

describe('cachedPushCertificates', () => {
  it('reads the database once within the time to live, and again after it', async () => {
    const { store, state } = memoryStore();
    let now = T0.getTime();
    const clock: Clock = { now: () => new Date(now) };
    const cached = cachedPushCertificates(store, clock, 10_000);
    await Promise.all([cached.current(), cached.current()]);
    assert.equal((await cached.current())?.serialNumber, '01');
    assert.equal(state.reads, 1, 'concurrent and later callers share one read');
    state.current = certificate('02'); // another replica uploads
    now += 9_999;
    assert.equal((await cached.current())?.serialNumber, '01', 'not seen yet: within the time to live');
    now += 1;
    assert.equal((await cached.current())?.serialNumber, '02');
    assert.equal(state.reads, 2);
  });

  it('forgets the certificate at once when it is replaced or an upload is refused here, and after a lost race', async () => {
    const { store, state } = memoryStore();
    const cached = cachedPushCertificates(store, { now: () => T0 }, 60_000);
    await cached.current();
    assert.equal(await cached.replace(certificate('03'), '01'), true);
    assert.equal((await cached.current())?.serialNumber, '03', 'the replacement, not the remembered one');
    await cached.recordUploadFailure('wrong topic');
    assert.equal((await cached.current())?.uploadStatus, 'failed');
    state.current = certificate('04'); // another replica got there first
    state.replaceWins = false;
    assert.equal(await cached.replace(certificate('05'), '03'), false);
    assert.equal((await cached.current())?.serialNumber, '04', 'a retry reads afresh');
  });

  it('does not remember a failed read', async () => {
    const { store, state } = memoryStore();
    let fail = true;
    const flaky: PushCertificateStore = { ...store, current: async () => { if (fail) throw new Error('database down'); return store.current(); } };
    const cached = cachedPushCertificates(flaky, { now: () => T0 }, 60_000);
    await assert.rejects(cached.current(), /database down/);
    fail = false;
    assert.equal((await cached.current())?.serialNumber, '01');
    assert.equal(state.reads, 1);
  });
});
