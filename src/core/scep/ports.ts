// What SCEP enrollment needs from storage: one-time challenges and the record of issued certificates.
export type ConsumeChallengeResult =
  | { outcome: 'consumed'; enrollmentId: string }
  | { outcome: 'unknown' | 'expired' | 'used' };

export interface ScepStore {
  /** Stores a challenge by its hash; the challenge itself is never stored. */
  createChallenge(challenge: { hash: string; enrollmentId: string; createdAt: Date; expiresAt: Date }): Promise<void>;
  /** Marks an unused, unexpired challenge used, atomically (two replicas cannot both spend it). */
  consumeChallenge(hash: string, now: Date): Promise<ConsumeChallengeResult>;
  recordIssued(certificate: { serialNumber: string; enrollmentId: string; challengeHash: string | undefined; issuedAt: Date; notAfter: Date }): Promise<void>;
  /** The enrollment a certificate Steward issued over SCEP belongs to. */
  enrollmentForCertificate(serialNumber: string): Promise<string | undefined>;
}

/**
 * The part of the CA (core/pki/ports.ts CertificateAuthority, which satisfies this) that SCEP
 * issuance uses. Declared here because lint's `**\/pki/**` pattern also matches core/pki/.
 */
export interface DeviceIdentityIssuer {
  caCertificateDer(): Uint8Array;
  issue(input: { subject: Uint8Array; publicKey: Uint8Array; usage: 'device-identity'; validityDays: number }): Promise<IssuedIdentity>;
}

export interface IssuedIdentity {
  der: Uint8Array;
  /** Lowercase hex without the DER sign octet. */
  serialNumber: string;
  notAfter: Date;
}
