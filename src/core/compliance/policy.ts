// A device compliance policy as the domain sees it: Graph's deviceCompliancePolicy with its
// subtype's settings kept as Graph names them (the CSDL is the authority: graph-value.ts checks
// every property against it), its scheduledActionsForRule and its assignments.
import type { PolicyAssignment } from '../assignments/targets.js';

/** The compliance policy types Steward accepts: evaluated (Apple, Windows) or stored for later (Android). */
export const compliancePolicyTypes = [
  'iosCompliancePolicy',
  'macOSCompliancePolicy',
  'windows10CompliancePolicy',
  'androidCompliancePolicy',
  'androidWorkProfileCompliancePolicy',
  'androidDeviceOwnerCompliancePolicy',
] as const;
export type CompliancePolicyType = (typeof compliancePolicyTypes)[number];

/** Graph's deviceComplianceActionType (v1.0) and remoteLock (beta). */
export const complianceActionTypes = ['noAction', 'notification', 'block', 'retire', 'wipe', 'removeResourceAccessProfiles', 'pushNotification', 'remoteLock'] as const;
export type ComplianceActionType = (typeof complianceActionTypes)[number];

/** microsoft.graph.deviceComplianceActionItem. */
export interface ComplianceActionItem {
  actionType: ComplianceActionType;
  gracePeriodHours: number;
  notificationTemplateId: string | null;
  notificationMessageCCList: string[];
}

/** microsoft.graph.deviceComplianceScheduledActionForRule. */
export interface ScheduledActionForRule {
  ruleName: string | null;
  scheduledActionConfigurations: ComplianceActionItem[];
}

/** Assignments are shared with configuration profiles (core/assignments/targets.ts). */
export type { AssignmentTarget, PolicyAssignment } from '../assignments/targets.js';

export interface CompliancePolicy {
  id: string;
  type: CompliancePolicyType;
  displayName: string;
  description: string | null;
  createdDateTime: string;
  lastModifiedDateTime: string;
  version: number;
  roleScopeTagIds: string[];
  /** The subtype's properties, by their CSDL names (base properties above are not in here). */
  settings: Record<string, unknown>;
  scheduledActionsForRule: ScheduledActionForRule[];
  assignments: PolicyAssignment[];
}

/**
 * The hours a noncompliant device keeps before it is blocked: the block action's grace period
 * (Intune's "Mark device noncompliant" action). No block action: blocked at once.
 */
export function blockGraceHours(policy: Pick<CompliancePolicy, 'scheduledActionsForRule'>): number {
  let hours: number | undefined;
  for (const rule of policy.scheduledActionsForRule) {
    for (const a of rule.scheduledActionConfigurations) if (a.actionType === 'block') hours = Math.min(hours ?? a.gracePeriodHours, a.gracePeriodHours);
  }
  return hours ?? 0;
}
