// Graph's userStatuses of a compliance policy or a configuration profile: its per-device statuses
// rolled up per primary user. A user's status is the worst over their devices, in the order the
// caller gives (the one the per-device overall state uses); devicesCount counts the devices with a
// status; lastReportedDateTime is the latest report. Devices without a primary user count for
// nobody.
import type { ManagedDevice } from './managed-device.js';

/** One device's status with the policy or profile. */
export interface DeviceReport<S extends string> {
  deviceId: string;
  status: S;
  lastReportedDateTime: string;
}

export interface UserStatus<S extends string> {
  userId: string;
  userDisplayName: string | null;
  userPrincipalName: string | null;
  devicesCount: number;
  status: S;
  lastReportedDateTime: string;
}

/**
 * Per user, ordered by userPrincipalName then id; `devices` are those the reports may count (the
 * caller's scope), `worstFirst` lists every status, the worst first.
 */
export function userStatuses<S extends string>(
  reports: readonly DeviceReport<S>[],
  devices: ReadonlyMap<string, Pick<ManagedDevice, 'userId' | 'userDisplayName' | 'userPrincipalName'>>,
  worstFirst: readonly S[],
): UserStatus<S>[] {
  const rank = (s: S) => worstFirst.indexOf(s);
  const byUser = new Map<string, UserStatus<S>>();
  for (const { deviceId, status, lastReportedDateTime } of reports) {
    const device = devices.get(deviceId);
    if (!device || device.userId === null) continue;
    const seen = byUser.get(device.userId);
    if (!seen) {
      byUser.set(device.userId, {
        userId: device.userId, userDisplayName: device.userDisplayName, userPrincipalName: device.userPrincipalName,
        devicesCount: 1, status, lastReportedDateTime,
      });
      continue;
    }
    seen.devicesCount += 1;
    if (rank(status) < rank(seen.status)) seen.status = status;
    if (lastReportedDateTime > seen.lastReportedDateTime) seen.lastReportedDateTime = lastReportedDateTime;
  }
  return [...byUser.values()].sort((a, b) => compare(a.userPrincipalName ?? '', b.userPrincipalName ?? '') || compare(a.userId, b.userId));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
