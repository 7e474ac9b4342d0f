// Issues a device identity over SCEP: PKCSReq with a one-time challenge, or RenewalReq signed with
// an identity Steward issued (RFC 8894 §3.3.1). The transport has decoded the message, checked its
// signature and the CSR's self-signature; this decides whether the request is entitled.
import { X509Certificate } from 'node:crypto';
import type { Clock } from '../clock.js';
import { hashChallenge } from './challenge-hash.js';
import type { DeviceIdentityIssuer, IssuedIdentity, ScepStore } from './ports.js';

export const DEVICE_IDENTITY_VALIDITY_DAYS = 365;

export type ScepIssueRequest = {
  /** certificationRequestInfo.subject and subjectPKInfo, DER. */
  subject: Uint8Array;
  publicKey: Uint8Array;
} & (
  | { kind: 'initial'; challengePassword: string | undefined }
  /** The certificate that signed the RenewalReq (DER). */
  | { kind: 'renewal'; signerCertificate: Uint8Array }
);

export type ScepIssueResult =
  | { outcome: 'issued'; enrollmentId: string; certificate: IssuedIdentity }
  | { outcome: 'refused'; reason: string };

export async function issueDeviceIdentity(
  deps: { scep: ScepStore; ca: DeviceIdentityIssuer; clock: Clock },
  request: ScepIssueRequest,
): Promise<ScepIssueResult> {
  const now = deps.clock.now();
  let enrollmentId: string;
  let challengeHash: string | undefined;
  if (request.kind === 'initial') {
    if (request.challengePassword === undefined || request.challengePassword === '') return { outcome: 'refused', reason: 'no challenge password' };
    challengeHash = hashChallenge(request.challengePassword);
    const consumed = await deps.scep.consumeChallenge(challengeHash, now);
    if (consumed.outcome !== 'consumed') return { outcome: 'refused', reason: `challenge ${consumed.outcome}` };
    enrollmentId = consumed.enrollmentId;
  } else {
    const signer = new X509Certificate(request.signerCertificate);
    const ca = new X509Certificate(deps.ca.caCertificateDer());
    if (!signer.checkIssued(ca) || !signer.verify(ca.publicKey)) return { outcome: 'refused', reason: 'renewal signer was not issued by Steward' };
    if (new Date(signer.validTo).getTime() <= now.getTime()) return { outcome: 'refused', reason: 'renewal signer has expired' };
    const found = await deps.scep.enrollmentForCertificate(signer.serialNumber.toLowerCase().replace(/^(00)+(?=.)/, ''));
    if (found === undefined) return { outcome: 'refused', reason: 'renewal signer is not a SCEP device identity' };
    enrollmentId = found;
  }
  const certificate = await deps.ca.issue({
    subject: request.subject,
    publicKey: request.publicKey,
    usage: 'device-identity',
    validityDays: DEVICE_IDENTITY_VALIDITY_DAYS,
  });
  await deps.scep.recordIssued({ serialNumber: certificate.serialNumber, enrollmentId, challengeHash, issuedAt: now, notAfter: certificate.notAfter });
  return { outcome: 'issued', enrollmentId, certificate };
}
