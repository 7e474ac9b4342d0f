// Tables of migrations/0013-windows-enrollment.ts.

export interface WindowsEnrollmentsTable {
  id: string;
  profile_id: string | null;
  user_id: string | null;
  ownership: string;
  state: string;
  device_id: string | null;
  hw_dev_id: string | null;
  device_name: string | null;
  os_version: string | null;
  os_edition: string | null;
  enrollment_type: string;
  identity_serial: string;
  identity_not_after: string;
  created_at: string;
  last_seen_at: string | null;
  unenrolled_at: string | null;
}

/** Federated sign-in tokens (core/enrollment/windows-ports.ts): SHA-256 of the token, single use. */
export interface WindowsSignInTokensTable {
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}
