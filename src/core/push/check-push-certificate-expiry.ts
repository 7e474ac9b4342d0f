// The scheduled check of the push certificate: without a valid one no Apple device can be woken,
// and renewing it takes the admin a trip through Apple's portal, so say so early.
import type { Clock } from '../clock.js';
import { pushCertificateWarnings } from './push-certificate.js';
import type { PushCertificateStore } from './ports.js';

export interface PushCertificateExpiry {
  /** Absent when no certificate is uploaded. */
  topic?: string;
  notAfter?: Date;
  /** From pushCertificateWarnings: empty unless it expires within 30 days, has expired or is not yet valid. */
  warnings: string[];
}

export async function checkPushCertificateExpiry(deps: { pushCertificates: PushCertificateStore; clock: Clock }): Promise<PushCertificateExpiry> {
  const stored = await deps.pushCertificates.current();
  if (stored === undefined) return { warnings: [] };
  return { topic: stored.topic, notAfter: stored.notAfter, warnings: pushCertificateWarnings(stored, deps.clock.now()) };
}
