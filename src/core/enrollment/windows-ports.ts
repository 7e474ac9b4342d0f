// The Windows enrollment port besides WindowsEnrollmentStore (ports.ts): the tokens Steward's
// federated sign-in page hands to the Windows enrollment client ([MS-MDE2] §3.2: the page ends by
// POSTing `wresult` to the client, which sends it back as the BinarySecurityToken of GetPolicies
// and RequestSecurityToken).

/** A sign-in token as stored: the SHA-256 (hex) of the token, never the token itself. */
export interface WindowsSignInToken {
  tokenHash: string;
  /** The person who signed in; the enrollment made with the token is theirs. */
  userId: string;
  createdAt: string;
  expiresAt: string;
  /** When the enrollment request spent it; null while unused. */
  usedAt: string | null;
}

export interface WindowsSignInTokenStore {
  create(token: WindowsSignInToken): Promise<void>;
  /** The token with this hash, spent or not (GetPolicies checks it without spending it). */
  get(tokenHash: string): Promise<WindowsSignInToken | undefined>;
  /**
   * Spends the token, atomically: exactly one of several concurrent callers gets `consumed`;
   * an expired or already spent token is refused with the reason.
   */
  consume(tokenHash: string, now: Date): Promise<{ outcome: 'consumed'; token: WindowsSignInToken } | { outcome: 'unknown' | 'expired' | 'used' }>;
  /** Deletes tokens that expired before the date; returns how many went. */
  deleteExpired(before: Date): Promise<number>;
}

/**
 * The part of Steward's CA (core/pki/ports.ts CertificateAuthority, which satisfies this) that
 * Windows enrollment uses. Declared here because lint's `**\/pki/**` pattern also matches core/pki/.
 */
export interface WindowsIdentityIssuer {
  caCertificateDer(): Uint8Array;
  /** Throws StewardError('invalid-input') for a key it will not certify. */
  issue(input: { subject: string; publicKey: Uint8Array; usage: 'device-identity'; validityDays: number }): Promise<{ der: Uint8Array; pem: string; serialNumber: string; notAfter: Date }>;
}
