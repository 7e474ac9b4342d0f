// A managed device as the domain sees it, named as Graph's managedDevice names it.
// Timestamps are ISO-8601 strings in UTC.
export type ComplianceState = 'unknown' | 'compliant' | 'noncompliant' | 'conflict' | 'error' | 'inGracePeriod' | 'configManager';
export type OwnerType = 'unknown' | 'company' | 'personal';

export interface ManagedDevice {
  id: string;
  deviceName: string | null;
  managedDeviceName: string | null;
  operatingSystem: string | null;
  osVersion: string | null;
  model: string | null;
  manufacturer: string | null;
  serialNumber: string | null;
  udid: string | null;
  imei: string | null;
  meid: string | null;
  wiFiMacAddress: string | null;
  ethernetMacAddress: string | null;
  phoneNumber: string | null;
  subscriberCarrier: string | null;
  userId: string | null;
  userPrincipalName: string | null;
  userDisplayName: string | null;
  emailAddress: string | null;
  managedDeviceOwnerType: OwnerType;
  managementAgent: string;
  managementState: string;
  complianceState: ComplianceState;
  deviceEnrollmentType: string;
  deviceRegistrationState: string;
  enrollmentProfileName: string | null;
  jailBroken: string;
  isEncrypted: boolean;
  isSupervised: boolean;
  totalStorageSpaceInBytes: number;
  freeStorageSpaceInBytes: number;
  physicalMemoryInBytes: number;
  enrolledDateTime: string;
  lastSyncDateTime: string;
  notes: string | null;
  /**
   * Scope tags (Graph beta): ['0'], the Default tag, unless given others. Read with the device;
   * written only by setDeviceScopeTags, never by ManagedDeviceStore.put.
   */
  roleScopeTagIds: string[];
}
