// Kysely's view of the tables (see migrations/). Column conventions are in database.ts.
import type { Generated } from 'kysely';
import type { AuditEventsTable } from './schema-audit.js';
import type { SigningKeysTable } from './schema-signing-keys.js';
import type { SessionsTable, SettingsTable, TotpEnrollmentsTable } from './schema-sessions.js';
import type { CommandQueueTable } from './schema-commands.js';
import type { ScepCertificatesTable, ScepChallengesTable } from './schema-scep.js';
import type { AppleEnrollmentsTable, DeviceActionCommandsTable, DeviceActionsTable, EnrollmentProfilesTable } from './schema-enrollment.js';
import type { PushCertificateRequestsTable, PushCertificatesTable } from './schema-push.js';
import type { DetectedAppsTable, DeviceActionDetailsColumn, DeviceAppsTable, DeviceInventoryTable } from './schema-inventory.js';
import type { WindowsEnrollmentsTable, WindowsSignInTokensTable } from './schema-windows.js';
import type { WindowsInventoryColumn } from './schema-windows-inventory.js';
import type { WindowsEnrollmentWnsColumns } from './schema-wns.js';
import type { CompliancePoliciesTable, CompliancePolicyAssignmentsTable, DeviceComplianceStatesTable } from './schema-compliance.js';
import type { DeviceConfigurationsTable } from './schema-configuration.js';
import type { DeviceConfigurationAssignmentsTable, DeviceConfigurationStatesTable } from './schema-configuration-delivery.js';
import type { ComplianceActionRunsTable, LocalizedNotificationMessagesTable, NotificationMessageTemplatesTable } from './schema-compliance-actions.js';

export interface ManagedDevicesTable {
  id: string;
  device_name: string | null;
  managed_device_name: string | null;
  operating_system: string | null;
  os_version: string | null;
  model: string | null;
  manufacturer: string | null;
  serial_number: string | null;
  udid: string | null;
  imei: string | null;
  meid: string | null;
  wi_fi_mac_address: string | null;
  ethernet_mac_address: string | null;
  phone_number: string | null;
  subscriber_carrier: string | null;
  user_id: string | null;
  user_principal_name: string | null;
  user_display_name: string | null;
  email_address: string | null;
  managed_device_owner_type: Generated<string>;
  management_agent: Generated<string>;
  management_state: Generated<string>;
  compliance_state: Generated<string>;
  device_enrollment_type: Generated<string>;
  device_registration_state: Generated<string>;
  enrollment_profile_name: string | null;
  jail_broken: Generated<string>;
  is_encrypted: Generated<number>;
  is_supervised: Generated<number>;
  total_storage_space_in_bytes: Generated<number>;
  free_storage_space_in_bytes: Generated<number>;
  physical_memory_in_bytes: Generated<number>;
  enrolled_date_time: string;
  last_sync_date_time: string;
  notes: string | null;
}

export interface UsersTable {
  id: string;
  user_principal_name: string;
  upn_lower: string;
  display_name: string;
  mail_nickname: string | null;
  mail: string | null;
  given_name: string | null;
  surname: string | null;
  department: string | null;
  job_title: string | null;
  company_name: string | null;
  employee_id: string | null;
  office_location: string | null;
  mobile_phone: string | null;
  city: string | null;
  country: string | null;
  usage_location: string | null;
  user_type: Generated<string>;
  account_enabled: number;
  created_date_time: string;
}

export interface GroupsTable {
  id: string;
  display_name: string;
  description: string | null;
  mail_nickname: string;
  mail_enabled: number;
  security_enabled: number;
  /** JSON array of strings, e.g. ["DynamicMembership"]. */
  group_types: string;
  membership_rule: string | null;
  membership_rule_processing_state: string | null;
  created_date_time: string;
}

export interface GroupMembersTable {
  group_id: string;
  member_id: string;
  member_type: 'user' | 'group' | 'device' | 'servicePrincipal';
  source: 'assigned' | 'dynamic';
  added_date_time: string;
}

export interface UserLicensesTable {
  user_id: string;
  sku_id: string;
  /** JSON array of service plan ids. */
  disabled_plans: string;
  assigned_date_time: string;
}

export interface UserCredentialsTable {
  user_id: string;
  password_hash: string;
  force_change_password: number;
  totp_secret: string | null;
  totp_last_step: number | null;
  failed_attempts: number;
  last_failure_at: string | null;
  updated_date_time: string;
}

export interface RoleDefinitionsTable {
  id: string;
  display_name: string;
  description: string | null;
  /** JSON array of resource operation ids. */
  allowed: string;
  role_scope_tag_ids: string;
}

export interface RoleAssignmentsTable {
  id: string;
  display_name: string;
  description: string | null;
  role_definition_id: string;
  /** JSON array of admin group ids. */
  members: string;
  /** JSON array of scope group ids. */
  resource_scopes: string;
  scope_type: string;
  role_scope_tag_ids: string;
}

export interface RoleScopeTagsTable {
  id: string;
  display_name: string;
  description: string | null;
}

/** Scope tags on objects (migrations/0007); an object with no row carries Default, '0'. */
export interface ObjectScopeTagsTable {
  /** A ScopeTaggedType (core/rbac/model.ts): 'managedDevice' or 'enrollmentProfile'. */
  object_type: string;
  object_id: string;
  tag_id: string;
}

export interface ApiClientsTable {
  id: string;
  client_id: string;
  display_name: string;
  /** SHA-256 of the secret; the secret itself is shown once and never stored. */
  secret_hash: string;
  /** The secret's first characters, to tell secrets apart (as Entra's hint). */
  secret_hint: string;
  account_enabled: number;
  created_date_time: string;
}

export interface Schema {
  role_definitions: RoleDefinitionsTable;
  role_assignments: RoleAssignmentsTable;
  role_scope_tags: RoleScopeTagsTable;
  object_scope_tags: ObjectScopeTagsTable;
  api_clients: ApiClientsTable;
  audit_events: AuditEventsTable;
  signing_keys: SigningKeysTable;
  user_credentials: UserCredentialsTable;
  sessions: SessionsTable;
  totp_enrollments: TotpEnrollmentsTable;
  settings: SettingsTable;
  command_queue: CommandQueueTable;
  scep_challenges: ScepChallengesTable;
  scep_certificates: ScepCertificatesTable;
  enrollment_profiles: EnrollmentProfilesTable;
  apple_enrollments: AppleEnrollmentsTable;
  device_actions: DeviceActionsTable & DeviceActionDetailsColumn;
  device_action_commands: DeviceActionCommandsTable;
  push_certificates: PushCertificatesTable;
  push_certificate_requests: PushCertificateRequestsTable;
  device_inventory: DeviceInventoryTable & WindowsInventoryColumn;
  device_apps: DeviceAppsTable;
  detected_apps: DetectedAppsTable;
  windows_enrollments: WindowsEnrollmentsTable & WindowsEnrollmentWnsColumns;
  windows_sign_in_tokens: WindowsSignInTokensTable;
  managed_devices: ManagedDevicesTable;
  users: UsersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  user_licenses: UserLicensesTable;
  compliance_policies: CompliancePoliciesTable;
  compliance_policy_assignments: CompliancePolicyAssignmentsTable;
  device_compliance_states: DeviceComplianceStatesTable;
  device_configurations: DeviceConfigurationsTable;
  device_configuration_assignments: DeviceConfigurationAssignmentsTable;
  device_configuration_states: DeviceConfigurationStatesTable;
  notification_message_templates: NotificationMessageTemplatesTable;
  localized_notification_messages: LocalizedNotificationMessagesTable;
  compliance_action_runs: ComplianceActionRunsTable;
}
