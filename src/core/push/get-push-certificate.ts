// Reads the MDM push certificate in use, without its private key, with the warnings of the moment.
import type { Clock } from '../clock.js';
import { notFound } from '../errors.js';
import { pushCertificateWarnings } from './push-certificate.js';
import type { PushCertificateStore, StoredPushCertificate } from './ports.js';

/** What may be shown of the push certificate: everything but the private key. */
export type PushCertificateInfo = Omit<StoredPushCertificate, 'privateKeyPem'> & {
  /** `expired: …`, `expires-soon: …`, `not-yet-valid: …` at the time of reading; empty when all is well. */
  warnings: string[];
};

export function describePushCertificate(stored: StoredPushCertificate, now: Date): PushCertificateInfo {
  const { privateKeyPem: _secret, ...shown } = stored;
  return { ...shown, warnings: pushCertificateWarnings(stored, now) };
}

export async function getPushCertificate(deps: { pushCertificates: PushCertificateStore; clock: Clock }): Promise<PushCertificateInfo> {
  const stored = await deps.pushCertificates.current();
  if (stored === undefined) {
    throw notFound('No Apple push notification certificate has been uploaded yet: download a signing request, get it signed and upload the certificate (docs/admin-guide.md).');
  }
  return describePushCertificate(stored, deps.clock.now());
}
