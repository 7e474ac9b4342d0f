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

/** What enrollment knows of a new device; everything else starts unknown until inventory says. */
export type EnrolledDeviceFacts = Pick<ManagedDevice, 'id' | 'operatingSystem' | 'managedDeviceOwnerType' | 'deviceEnrollmentType' | 'enrollmentProfileName'>
  & Partial<Omit<ManagedDevice, 'roleScopeTagIds' | 'userId' | 'userPrincipalName' | 'userDisplayName' | 'emailAddress'>>;

/**
 * The record of a device that has just enrolled (both platforms), with its user's names copied as
 * Graph shows them on managedDevice.
 */
export function enrolledDevice(
  facts: EnrolledDeviceFacts,
  user: { id: string; userPrincipalName: string; displayName: string; mail: string | null } | undefined,
  now: Date,
): Omit<ManagedDevice, 'roleScopeTagIds'> {
  return {
    deviceName: null, managedDeviceName: null, osVersion: null, model: null, manufacturer: null, serialNumber: null,
    udid: null, imei: null, meid: null, wiFiMacAddress: null, ethernetMacAddress: null, phoneNumber: null, subscriberCarrier: null,
    userId: user?.id ?? null,
    userPrincipalName: user?.userPrincipalName ?? null,
    userDisplayName: user?.displayName ?? null,
    emailAddress: user?.mail ?? null,
    managementAgent: 'mdm', managementState: 'managed', complianceState: 'unknown', deviceRegistrationState: 'registered',
    jailBroken: 'Unknown', isEncrypted: false, isSupervised: false,
    totalStorageSpaceInBytes: 0, freeStorageSpaceInBytes: 0, physicalMemoryInBytes: 0,
    enrolledDateTime: now.toISOString(), lastSyncDateTime: now.toISOString(), notes: null,
    ...facts,
  };
}
