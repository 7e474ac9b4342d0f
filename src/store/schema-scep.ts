// Tables of migrations/0009-scep.ts.

export interface ScepChallengesTable {
  /** SHA-256 hex of the challenge; the challenge itself is shown once and never stored. */
  hash: string;
  enrollment_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface ScepCertificatesTable {
  /** Lowercase hex without the DER sign octet (IssuedCertificate.serialNumber). */
  serial_number: string;
  enrollment_id: string;
  challenge_hash: string | null;
  issued_at: string;
  not_after: string;
}
