// Kysely's view of signing_keys (migrations/0005-signing-keys.ts); schema.ts adds it to Schema.
export interface SigningKeysTable {
  /** RFC 7638 thumbprint of the public key. */
  kid: string;
  /** The private JWK as JSON text. Secret: never selected for a response or a log. */
  private_jwk: string;
  /** The public JWK as JSON text. */
  public_jwk: string;
  /** ISO-8601 UTC with milliseconds. */
  created_at: string;
  retired_at: string | null;
}
