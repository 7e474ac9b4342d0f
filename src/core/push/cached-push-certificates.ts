// The MDM push certificate is read on every wake (each admin action, each enrollment) and on every
// Authenticate (its topic): a database read and a PEM of a few kilobytes each time, for something
// that changes once a year. This store remembers current() for a few seconds. A change made
// through it (an upload, a refused upload) forgets it at once, so this process never pushes with
// a replaced certificate; another replica's upload is seen within `ttlMs`. A replace() that loses
// its compare-and-set (another replica got there first) forgets it too, so a retry reads afresh.
import type { Clock } from '../clock.js';
import type { PushCertificateStore, StoredPushCertificate } from './ports.js';

/** How long another replica's upload may go unseen here. */
export const PUSH_CERTIFICATE_CACHE_MS = 10_000;

export function cachedPushCertificates(store: PushCertificateStore, clock: Clock, ttlMs = PUSH_CERTIFICATE_CACHE_MS): PushCertificateStore {
  let cached: { value: Promise<StoredPushCertificate | undefined>; until: number } | undefined;
  const forget = () => { cached = undefined; };
  return {
    current() {
      const now = clock.now().getTime();
      if (cached !== undefined && now < cached.until) return cached.value;
      // Concurrent callers share one read; a failed read is not remembered.
      const value = store.current();
      const entry = { value, until: now + ttlMs };
      cached = entry;
      value.catch(() => {
        if (cached === entry) cached = undefined;
      });
      return value;
    },
    async replace(next, expectedSerial, consumedRequestId) {
      try {
        return await store.replace(next, expectedSerial, consumedRequestId);
      } finally {
        forget();
      }
    },
    async recordUploadFailure(reason) {
      try {
        await store.recordUploadFailure(reason);
      } finally {
        forget();
      }
    },
    pendingRequest: () => store.pendingRequest(),
    savePendingRequest: (request) => store.savePendingRequest(request),
  };
}
