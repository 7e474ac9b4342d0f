// Tables of migrations/0015-compliance.ts; schema.ts adds them to Schema.

/** One compliance policy; its subtype's settings as one JSON object (they differ per @odata.type). */
export interface CompliancePoliciesTable {
  id: string;
  /** The Graph subtype: 'iosCompliancePolicy', … */
  odata_type: string;
  display_name: string;
  description: string | null;
  created_date_time: string;
  last_modified_date_time: string;
  version: number;
  /** JSON array of scope tag ids. */
  role_scope_tag_ids: string;
  /** JSON object: the subtype's properties by their Graph names. */
  settings: string;
  /** JSON array: ScheduledActionForRule[]. */
  scheduled_actions: string;
}

export interface CompliancePolicyAssignmentsTable {
  policy_id: string;
  id: string;
  /** JSON: AssignmentTarget (core/compliance/policy.ts). */
  target: string;
  /** Order of the assign request, so that reads give them back as given. */
  position: number;
}

/** The last evaluation of one device against one policy. */
export interface DeviceComplianceStatesTable {
  device_id: string;
  policy_id: string;
  /** Graph's complianceStatus: compliant, nonCompliant, notApplicable, unknown. */
  status: string;
  /** JSON array: SettingResult[]. */
  setting_states: string;
  policy_version: number;
  noncompliant_since: string | null;
  grace_expires_at: string | null;
  evaluated_at: string;
  device_name: string | null;
  device_model: string | null;
  user_name: string | null;
  user_principal_name: string | null;
}
