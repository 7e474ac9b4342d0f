// Tables of migrations/0019-compliance-actions.ts; schema.ts adds them to Schema.

/** Graph's notificationMessageTemplate. */
export interface NotificationMessageTemplatesTable {
  id: string;
  display_name: string;
  description: string | null;
  default_locale: string | null;
  /** Graph's notificationTemplateBrandingOptions flags as Graph writes them: "includeCompanyLogo,includeCompanyName" or "none". */
  branding_options: string;
  /** JSON array of scope tag ids. */
  role_scope_tag_ids: string;
  last_modified_date_time: string;
}

/** Graph's localizedNotificationMessage: one locale's subject and body of a template. */
export interface LocalizedNotificationMessagesTable {
  template_id: string;
  id: string;
  locale: string;
  subject: string;
  message_template: string;
  is_default: number;
  last_modified_date_time: string;
}

/**
 * One action for noncompliance (scheduledActionConfigurations) carried out, or being carried out,
 * for one device, policy and noncompliance episode (the state's noncompliant_since): the row is
 * the claim that makes each action happen once, whichever replica gets there first.
 */
export interface ComplianceActionRunsTable {
  device_id: string;
  policy_id: string;
  /** Which of the policy's action configurations: "<rule index>.<configuration index>:<actionType>". */
  action_key: string;
  /** The episode: noncompliant_since of the device's state for the policy. */
  episode: string;
  action_type: string;
  /** 'claimed' while a replica carries it out, then 'done' or 'failed'. */
  state: string;
  claimed_at: string;
  /** Random per claim, so that a replica finishes only its own claim. */
  claim_token: string;
  finished_at: string | null;
  /** What happened, in words (the recipient, the device action's id, why it failed). */
  detail: string | null;
}
