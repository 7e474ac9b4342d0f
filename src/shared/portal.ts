// The company portal's API answers (http/portal/routes.ts, docs/api.md), as the portal pages read them.

/** One entry of deviceActionResults. */
export interface PortalActionResult {
  actionName: string;
  actionState: 'none' | 'pending' | 'canceled' | 'active' | 'done' | 'failed' | 'notSupported';
  startDateTime: string;
  lastUpdatedDateTime: string;
  failureReason: string | null;
  /** A Mac's lock PIN, only for a lock the person asked for. */
  unlockPin?: string;
}

export interface PortalSettingState {
  setting: string;
  settingName: string;
  state: 'compliant' | 'nonCompliant' | 'notApplicable' | 'unknown';
  currentValue: string | null;
  /** What to do, in plain words; null when nothing. */
  howToFix: string | null;
}

export interface PortalPolicyState {
  '@odata.type': '#microsoft.graph.deviceCompliancePolicyState';
  id: string;
  displayName: string;
  platformType: string;
  state: 'compliant' | 'nonCompliant' | 'notApplicable' | 'unknown';
  settingCount: number;
  settingStates: PortalSettingState[];
}

/** GET /portal/api/me/managedDevices (value) and /me/managedDevices/{id}. */
export interface PortalDevice {
  '@odata.type': '#microsoft.graph.managedDevice';
  id: string;
  deviceName: string | null;
  operatingSystem: string | null;
  osVersion: string | null;
  model: string | null;
  manufacturer: string | null;
  serialNumber: string | null;
  managedDeviceOwnerType: 'unknown' | 'company' | 'personal';
  managementState: string;
  complianceState: 'unknown' | 'compliant' | 'noncompliant' | 'conflict' | 'error' | 'inGracePeriod' | 'configManager';
  deviceEnrollmentType: string;
  isSupervised: boolean;
  isEncrypted: boolean;
  enrolledDateTime: string;
  lastSyncDateTime: string;
  deviceActionResults: PortalActionResult[];
  deviceCompliancePolicyStates: PortalPolicyState[];
  /** Every distinct thing to do for the device, in plain words. */
  howToFix: string[];
}

export interface PortalPlatformOption {
  available: boolean;
  /** Why not, in words, when not available. */
  reason: string | null;
}

/** GET /portal/api/me/enrollmentOptions. */
export interface PortalEnrollmentOptions {
  userPrincipalName: string;
  apple: PortalPlatformOption & { profileUrl: string | null };
  windows: PortalPlatformOption & {
    enrollmentUrl: string | null;
    settingsPath: string;
    serverAddress: string;
    signIn: 'password' | 'webPage';
  };
}

/** The self-service actions: POST /portal/api/me/managedDevices/{id}/<action>. */
export type PortalActionName = 'remoteLock' | 'resetPasscode' | 'setDeviceName' | 'retire';

export const PORTAL_API_PATH = '/portal/api';
