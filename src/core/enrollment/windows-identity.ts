// Which Windows enrollment a client certificate belongs to: for the OMA-DM management endpoint,
// which sees the certificate the PC presented in mutual TLS (chain already checked against
// Steward's CA by the TLS layer or the proxy in front).
import { X509Certificate } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { WindowsEnrollment, WindowsEnrollmentStore } from './ports.js';

/** A certificate serial as the store keeps it: lowercase hex, even length, no DER sign octet. */
export function normalizeSerial(hex: string): string {
  let s = hex.replace(/[^0-9a-fA-F]/g, '').toLowerCase();
  if (s.length % 2 === 1) s = `0${s}`;
  while (s.length > 2 && s.startsWith('00') && parseInt(s.slice(2, 4), 16) >= 0x80) s = s.slice(2);
  return s;
}

export type WindowsIdentityOutcome =
  | { outcome: 'enrolled'; enrollment: WindowsEnrollment }
  /** Not a certificate Steward issued to a Windows enrollment, or its subject does not match. */
  | { outcome: 'unknown' }
  | { outcome: 'unenrolled' | 'expired'; enrollment: WindowsEnrollment };

export async function windowsEnrollmentForCertificate(
  deps: { windowsEnrollments: WindowsEnrollmentStore; clock: Clock },
  certificate: Uint8Array | X509Certificate,
): Promise<WindowsIdentityOutcome> {
  let x509: X509Certificate;
  try {
    x509 = certificate instanceof X509Certificate ? certificate : new X509Certificate(certificate);
  } catch {
    return { outcome: 'unknown' };
  }
  const enrollment = await deps.windowsEnrollments.byIdentitySerial(normalizeSerial(x509.serialNumber));
  // The subject is CN=<enrollment id>: a certificate whose serial matches but whose name does not
  // was not issued to this enrollment.
  if (!enrollment || x509.subject.trim() !== `CN=${enrollment.id}`) return { outcome: 'unknown' };
  if (enrollment.state !== 'enrolled') return { outcome: 'unenrolled', enrollment };
  const now = deps.clock.now().getTime();
  if (Date.parse(enrollment.identityNotAfter) <= now || Date.parse(x509.validTo) <= now) return { outcome: 'expired', enrollment };
  return { outcome: 'enrolled', enrollment };
}
