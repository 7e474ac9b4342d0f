// An audit event as the domain sees it, named as Graph's v1.0 auditEvent, auditActor,
// auditResource and auditProperty name them (../shared/reference/msgraph-metadata,
// https://learn.microsoft.com/graph/api/resources/intune-auditing-auditevent). The beta-only
// aliases (auditActor.type, auditResource.type) are added by the presenter.
// Timestamps are ISO-8601 strings in UTC with milliseconds.

/**
 * Categories Steward records, in Intune's spelling where Intune has one. This is also the answer
 * of getAuditCategories(); User and Group are Steward's own (Intune leaves them to Entra).
 */
export const auditCategories = [
  'Application', 'Compliance', 'Device', 'DeviceConfiguration', 'Enrollment', 'Group', 'Role', 'User', 'Other',
] as const;
export type AuditCategory = (typeof auditCategories)[number];

/** activityOperationType: the HTTP-ish verb of the activity, as Intune writes it. */
export const auditOperationTypes = ['Create', 'Patch', 'Delete', 'Action', 'Get'] as const;
export type AuditOperationType = (typeof auditOperationTypes)[number];

export const auditResults = ['Success', 'Failure'] as const;
export type AuditResult = (typeof auditResults)[number];

/**
 * auditActor.auditActorType values Steward writes: 'ItPro' (an administrator, Intune's term),
 * 'Application' (an API client signed in with client credentials), 'EndUser' (a device user in
 * the company portal), 'System' (the CLI on the server, background jobs).
 */
export type AuditActorType = 'ItPro' | 'Application' | 'EndUser' | 'System';

export interface AuditActor {
  auditActorType: string | null;
  /** The resource operations the actor held when it acted (Microsoft.Intune_…). */
  userPermissions: string[];
  applicationId: string | null;
  applicationDisplayName: string | null;
  userPrincipalName: string | null;
  servicePrincipalName: string | null;
  ipAddress: string | null;
  userId: string | null;
}

export interface AuditProperty {
  displayName: string;
  /** JSON text of the value before the change; null when it had none. */
  oldValue: string | null;
  /** JSON text of the value after the change; null when it has none. */
  newValue: string | null;
}

export interface AuditResource {
  displayName: string | null;
  /** The Graph type of the resource ('User', 'ManagedDevice', …); `type` in beta. */
  auditResourceType: string | null;
  resourceId: string | null;
  modifiedProperties: AuditProperty[];
}

export interface AuditEvent {
  id: string;
  displayName: string | null;
  componentName: string | null;
  actor: AuditActor;
  /** Friendly name of the activity ("Create user"). */
  activity: string | null;
  activityDateTime: string;
  /** Stable name of the kind of activity ("Create User"); getAuditActivityTypes lists them. */
  activityType: string | null;
  activityOperationType: string | null;
  activityResult: string | null;
  /** The request id of the request that caused the event (Graph: Edm.Guid). */
  correlationId: string;
  resources: AuditResource[];
  category: string | null;
}

/** What a recorder hands to the log: the store assigns the id when none is given. */
export type NewAuditEvent = Omit<AuditEvent, 'id'> & { id?: string };
