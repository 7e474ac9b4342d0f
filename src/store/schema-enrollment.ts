// Tables of migrations/0010-enrollment.ts.

export interface EnrollmentProfilesTable {
  id: string;
  display_name: string;
  description: string | null;
  platform: string;
  ownership: string;
  token_hash: string;
  token_expires_at: string | null;
  maximum_uses: number | null;
  usage_count: number;
  revoked_at: string | null;
  created_at: string;
  modified_at: string;
}

export interface AppleEnrollmentsTable {
  id: string;
  profile_id: string | null;
  user_id: string | null;
  ownership: string;
  platform: string;
  state: string;
  udid: string | null;
  serial_number: string | null;
  enrollment_type: string | null;
  identity_serial: string | null;
  topic: string | null;
  push_token: string | null;
  push_magic: string | null;
  unlock_token: string | null;
  bootstrap_token: string | null;
  awaiting_configuration: number;
  created_at: string;
  authenticated_at: string | null;
  enrolled_at: string | null;
  last_seen_at: string | null;
  unenrolled_at: string | null;
}

export interface DeviceActionsTable {
  id: string;
  device_id: string;
  action_name: string;
  action_state: string;
  start_at: string;
  updated_at: string;
  failure_reason: string | null;
  /** JSON array of command uuids. */
  command_uuids: string;
  initiated_by: string | null;
}

export interface DeviceActionCommandsTable {
  command_uuid: string;
  action_id: string;
}
