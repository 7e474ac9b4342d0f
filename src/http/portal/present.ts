// JSON of the company portal's API: a person's own device, shaped as Graph's managedDevice (the
// properties a device's user needs), with its deviceCompliancePolicyStates and setting states as
// Graph names them, and Steward's plain-words howToFix.
import { policyPlatformType } from '../../core/compliance/evaluate-device.js';
import type { EnrollmentOptions } from '../../core/portal/enrollment-options.js';
import type { MyDevice } from '../../core/portal/my-devices.js';
import { presentDeviceActionResults } from '../graph/device-actions.js';
import type { PortalDevice, PortalEnrollmentOptions } from '../../shared/portal.js';

/**
 * A device of the signed-in person. deviceActionResults are the latest of each action; a macOS
 * lock's unlockPin is shown only when this person asked for the lock (an admin's lock of a lost
 * Mac must not be undone by whoever holds it and its owner's password).
 */
export function presentMyDevice(d: MyDevice, userId: string): PortalDevice {
  const device = d.device;
  const actions = d.actions.map((a) => (a.details?.unlockPin !== undefined && a.initiatedBy !== userId
    ? { ...a, details: Object.fromEntries(Object.entries(a.details).filter(([k]) => k !== 'unlockPin')) }
    : a));
  return {
    '@odata.type': '#microsoft.graph.managedDevice' as const,
    id: device.id,
    deviceName: device.deviceName,
    operatingSystem: device.operatingSystem,
    osVersion: device.osVersion,
    model: device.model,
    manufacturer: device.manufacturer,
    serialNumber: device.serialNumber,
    managedDeviceOwnerType: device.managedDeviceOwnerType,
    managementState: device.managementState,
    complianceState: device.complianceState,
    deviceEnrollmentType: device.deviceEnrollmentType,
    isSupervised: device.isSupervised,
    isEncrypted: device.isEncrypted,
    enrolledDateTime: device.enrolledDateTime,
    lastSyncDateTime: device.lastSyncDateTime,
    deviceActionResults: presentDeviceActionResults(actions),
    deviceCompliancePolicyStates: d.policies.map((p) => ({
      '@odata.type': '#microsoft.graph.deviceCompliancePolicyState' as const,
      id: p.policy.id,
      displayName: p.policy.displayName,
      platformType: policyPlatformType[p.policy.type],
      state: p.state.status,
      settingCount: p.settings.length,
      settingStates: p.settings.map((s) => ({
        setting: s.setting,
        settingName: s.settingName,
        state: s.state,
        currentValue: s.currentValue,
        howToFix: s.howToFix,
      })),
    })),
    howToFix: d.howToFix,
  };
}

export function presentEnrollmentOptions(o: EnrollmentOptions, appleProfileUrl: string): PortalEnrollmentOptions {
  return {
    userPrincipalName: o.userPrincipalName,
    apple: { ...o.apple, profileUrl: o.apple.available ? appleProfileUrl : null },
    windows: o.windows,
  };
}
