// Graph JSON shared by compliance policies and configuration profiles for where they stand: the
// overviews (deviceComplianceDeviceOverview, deviceComplianceUserOverview and their
// deviceConfiguration… twins, one shape) and the per-user statuses (deviceComplianceUserStatus,
// deviceConfigurationUserStatus).
import type { UserStatus } from '../../core/devices/user-statuses.js';

/** Which statuses each count of an overview counts; a count absent here is not in the answer. */
export interface OverviewCounts {
  pendingCount: readonly string[];
  notApplicableCount: readonly string[];
  successCount: readonly string[];
  errorCount: readonly string[];
  failedCount: readonly string[];
  /** Beta only: absent under v1.0. */
  conflictCount?: readonly string[];
  /** Beta only, on the device overviews: the devices whose platform is not the policy's or profile's. */
  notApplicablePlatformCount?: readonly string[];
}

/** An overview of statuses, `lastUpdateDateTime` the latest report (the owner's change when none). */
export function presentStatusOverview(
  odataType: string,
  owner: { id: string; version: number; lastModifiedDateTime: string },
  rows: readonly { status: string; lastReportedDateTime: string }[],
  counts: OverviewCounts,
) {
  const count = (statuses: readonly string[]) => rows.filter((r) => statuses.includes(r.status)).length;
  const last = rows.reduce<string | null>((m, r) => (m === null || r.lastReportedDateTime > m ? r.lastReportedDateTime : m), null);
  return {
    '@odata.type': odataType,
    id: `${owner.id}_overview`,
    pendingCount: count(counts.pendingCount),
    notApplicableCount: count(counts.notApplicableCount),
    ...(counts.notApplicablePlatformCount ? { notApplicablePlatformCount: count(counts.notApplicablePlatformCount) } : {}),
    successCount: count(counts.successCount),
    errorCount: count(counts.errorCount),
    failedCount: count(counts.failedCount),
    ...(counts.conflictCount ? { conflictCount: count(counts.conflictCount) } : {}),
    lastUpdateDateTime: last ?? owner.lastModifiedDateTime,
    configurationVersion: owner.version,
  };
}

/** A user's status with a policy or profile (id `<owner id>_<user id>`). */
export function presentUserStatus(odataType: string, ownerId: string, u: UserStatus<string>) {
  return {
    '@odata.type': odataType,
    id: `${ownerId}_${u.userId}`,
    userDisplayName: u.userDisplayName,
    devicesCount: u.devicesCount,
    status: u.status,
    lastReportedDateTime: u.lastReportedDateTime,
    userPrincipalName: u.userPrincipalName,
  };
}
