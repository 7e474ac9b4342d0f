// Kysely's view of the tables of migrations/0006-sessions.ts; schema.ts adds them to Schema.

/** Sessions of people signed in to the web pages (core/auth/sessions.ts). */
export interface SessionsTable {
  /** SHA-256 (hex) of the session token; the token itself is never stored. */
  token_hash: string;
  user_id: string;
  /** ISO-8601 UTC with milliseconds, like every timestamp. */
  created_at: string;
  last_seen_at: string;
  /** Absolute expiry. */
  expires_at: string;
  /** 1 when the session was signed in with TOTP. */
  mfa: number;
}

/** Authenticator set-ups offered at sign-in, not yet confirmed (core/auth/totp-setup.ts). One per user. */
export interface TotpEnrollmentsTable {
  user_id: string;
  /** SHA-256 (hex) of the set-up token. */
  token_hash: string;
  /** Base32 TOTP secret. Secret: never selected for a response or a log. */
  secret: string;
  expires_at: string;
  created_at: string;
}

/** Tenant-wide settings as key/value rows (core/settings/tenant-settings.ts). */
export interface SettingsTable {
  key: string;
  /** JSON text. */
  value: string;
  updated_at: string;
}
