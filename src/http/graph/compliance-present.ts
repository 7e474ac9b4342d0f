// Graph JSON of compliance policies, their assignments and the per-device states (presenters:
// no row or domain object goes out as it is).
import { propertiesOf } from '../../core/compliance/graph-value.js';
import type { AssignmentTarget, CompliancePolicy, PolicyAssignment } from '../../core/compliance/policy.js';
import type { DevicePolicyState } from '../../core/compliance/ports.js';
import { platformOfPolicy, policyPlatformType } from '../../core/compliance/evaluate-device.js';
import { platformOf } from '../../core/compliance/device-facts.js';
import type { PolicyComplianceStatus } from '../../core/compliance/setting-result.js';
import type { ManagedDevice } from '../../core/devices/managed-device.js';
import { userStatuses, type UserStatus } from '../../core/devices/user-statuses.js';
import { presentStatusOverview, presentUserStatus, type OverviewCounts } from './status-present.js';

const BASE = new Set(['id', 'createdDateTime', 'description', 'displayName', 'lastModifiedDateTime', 'version', 'roleScopeTagIds']);

/** A property's value when the policy does not set it: Graph answers false, [] or null, never leaves it out. */
function defaultOf(info: { type: string; collection: boolean; nullable: boolean }): unknown {
  if (info.collection) return [];
  if (info.type === 'Edm.Boolean' && !info.nullable) return false;
  return null;
}

function declaredProperties(type: string) {
  return propertiesOf(type) ?? {};
}

export function presentPolicy(p: CompliancePolicy, version: 'v1.0' | 'beta', expand: ReadonlySet<string> = new Set()) {
  const settings: Record<string, unknown> = {};
  for (const [name, info] of Object.entries(declaredProperties(p.type))) {
    if (BASE.has(name) || info.navigation || (info.beta && version === 'v1.0')) continue;
    // Beta-only properties (type unknown) are given only when set.
    if (info.beta && p.settings[name] === undefined) continue;
    settings[name] = p.settings[name] ?? defaultOf(info);
  }
  return {
    '@odata.type': `#microsoft.graph.${p.type}`,
    id: p.id,
    createdDateTime: p.createdDateTime,
    description: p.description,
    lastModifiedDateTime: p.lastModifiedDateTime,
    displayName: p.displayName,
    version: p.version,
    roleScopeTagIds: p.roleScopeTagIds,
    ...settings,
    ...(expand.has('scheduledActionsForRule') ? { scheduledActionsForRule: presentScheduledActions(p) } : {}),
    ...(expand.has('assignments') ? { assignments: p.assignments.map(presentAssignment) } : {}),
  };
}

export function presentScheduledActions(p: CompliancePolicy) {
  return p.scheduledActionsForRule.map((rule, i) => ({
    '@odata.type': '#microsoft.graph.deviceComplianceScheduledActionForRule',
    id: `${p.id}_rule${i}`,
    ruleName: rule.ruleName,
    scheduledActionConfigurations: rule.scheduledActionConfigurations.map((a, j) => ({
      '@odata.type': '#microsoft.graph.deviceComplianceActionItem',
      id: `${p.id}_rule${i}_action${j}`,
      gracePeriodHours: a.gracePeriodHours,
      actionType: a.actionType,
      notificationTemplateId: a.notificationTemplateId,
      notificationMessageCCList: a.notificationMessageCCList,
    })),
  }));
}

export function presentTarget(t: AssignmentTarget) {
  switch (t.kind) {
    case 'group': return { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: t.groupId };
    case 'exclusionGroup': return { '@odata.type': '#microsoft.graph.exclusionGroupAssignmentTarget', groupId: t.groupId };
    case 'allDevices': return { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' };
    case 'allLicensedUsers': return { '@odata.type': '#microsoft.graph.allLicensedUsersAssignmentTarget' };
  }
}

export function presentAssignment(a: PolicyAssignment) {
  return { '@odata.type': '#microsoft.graph.deviceCompliancePolicyAssignment', id: a.id, target: presentTarget(a.target) };
}

/** Graph's deviceComplianceDeviceStatus. */
export function presentDeviceStatus(s: DevicePolicyState) {
  return {
    '@odata.type': '#microsoft.graph.deviceComplianceDeviceStatus',
    id: `${s.policyId}_${s.deviceId}`,
    deviceDisplayName: s.deviceName,
    userName: s.userName,
    deviceModel: s.deviceModel,
    complianceGracePeriodExpirationDateTime: s.graceExpiresAt ?? '9999-12-31T23:59:59Z',
    status: s.status,
    lastReportedDateTime: s.evaluatedAt,
    userPrincipalName: s.userPrincipalName,
  };
}

/** The overview counts of policy statuses (Steward evaluates no errors or conflicts). */
const policyCounts = (version: 'v1.0' | 'beta'): OverviewCounts => ({
  pendingCount: ['unknown'], notApplicableCount: ['notApplicable'], successCount: ['compliant'], errorCount: [], failedCount: ['nonCompliant'],
  ...(version === 'beta' ? { conflictCount: [] } : {}),
});

/** When each device last reported, with its status. */
const reports = (states: readonly DevicePolicyState[]) => states.map((s) => ({ deviceId: s.deviceId, status: s.status, lastReportedDateTime: s.evaluatedAt }));

/** Stands for a notApplicable state of a device of another platform than the policy's (beta's notApplicablePlatformCount). */
const NOT_APPLICABLE_PLATFORM = 'notApplicablePlatform';

/**
 * Graph's deviceComplianceDeviceOverview of a policy's states (`devices` those states' devices).
 * Under beta a device of another platform counts in notApplicablePlatformCount only, not in
 * notApplicableCount (docs/api.md); v1.0 has no such count and counts it as notApplicable.
 */
export function presentDeviceOverview(p: CompliancePolicy, states: readonly DevicePolicyState[], devices: ReadonlyMap<string, ManagedDevice>, version: 'v1.0' | 'beta') {
  if (version === 'v1.0') return presentStatusOverview('#microsoft.graph.deviceComplianceDeviceOverview', p, reports(states), policyCounts('v1.0'));
  const platform = platformOfPolicy(p.type);
  const rows = reports(states).map((r) => {
    const device = devices.get(r.deviceId);
    return r.status === 'notApplicable' && device && platformOf(device) !== platform ? { ...r, status: NOT_APPLICABLE_PLATFORM } : r;
  });
  return presentStatusOverview('#microsoft.graph.deviceComplianceDeviceOverview', p, rows, { ...policyCounts('beta'), notApplicablePlatformCount: [NOT_APPLICABLE_PLATFORM] });
}

/**
 * A user's status is the worst over their devices, in the order a device's overall
 * complianceState follows (evaluate-device.ts): noncompliant, then unknown, then compliant;
 * notApplicable only when nothing applies.
 */
const POLICY_STATUSES_WORST_FIRST: readonly PolicyComplianceStatus[] = ['nonCompliant', 'unknown', 'compliant', 'notApplicable'];

/** The policy's statuses per primary user of these states' devices (devices without one are left out). */
export function policyUserStatuses(states: readonly DevicePolicyState[], devices: ReadonlyMap<string, ManagedDevice>) {
  return userStatuses(reports(states), devices, POLICY_STATUSES_WORST_FIRST);
}

/** Graph's deviceComplianceUserStatus. */
export function presentUserStatusOfPolicy(p: CompliancePolicy, u: UserStatus<string>) {
  return presentUserStatus('#microsoft.graph.deviceComplianceUserStatus', p.id, u);
}

/** Graph's deviceComplianceUserOverview (with beta's conflictCount under /beta). */
export function presentUserOverview(p: CompliancePolicy, users: readonly UserStatus<string>[], version: 'v1.0' | 'beta') {
  return presentStatusOverview('#microsoft.graph.deviceComplianceUserOverview', p, users, policyCounts(version));
}

/** Graph's deviceCompliancePolicyState (a managedDevice's), with its settingStates. */
export function presentPolicyState(s: DevicePolicyState, p: CompliancePolicy) {
  return {
    '@odata.type': '#microsoft.graph.deviceCompliancePolicyState',
    id: p.id,
    displayName: p.displayName,
    version: s.policyVersion,
    platformType: policyPlatformType[p.type],
    state: s.status,
    settingCount: s.settingStates.length,
    settingStates: s.settingStates.map((r) => ({
      setting: r.setting,
      settingName: r.settingName,
      instanceDisplayName: null,
      state: r.state,
      errorCode: 0,
      errorDescription: null,
      userId: null,
      userName: s.userName,
      userEmail: null,
      userPrincipalName: s.userPrincipalName,
      sources: [{ id: p.id, displayName: p.displayName, sourceType: 'deviceConfiguration' }],
      currentValue: r.currentValue,
    })),
  };
}
