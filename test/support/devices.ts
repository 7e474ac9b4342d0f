// Factories for test data.
import { randomUUID } from 'node:crypto';
import type { ManagedDevice } from '../../src/core/devices/managed-device.js';

export function aManagedDevice(overrides: Partial<ManagedDevice> = {}): ManagedDevice {
  const now = new Date('2026-01-01T00:00:00.000Z').toISOString();
  return {
    id: randomUUID(),
    deviceName: 'iPhone', managedDeviceName: null, operatingSystem: 'iOS', osVersion: '18.1',
    model: 'iPhone 15', manufacturer: 'Apple', serialNumber: null, udid: null, imei: null, meid: null,
    wiFiMacAddress: null, ethernetMacAddress: null, phoneNumber: null, subscriberCarrier: null,
    userId: null, userPrincipalName: null, userDisplayName: null, emailAddress: null,
    managedDeviceOwnerType: 'company', managementAgent: 'mdm', managementState: 'managed',
    complianceState: 'unknown', deviceEnrollmentType: 'userEnrollment', deviceRegistrationState: 'registered',
    enrollmentProfileName: null, jailBroken: 'False', isEncrypted: true, isSupervised: false,
    totalStorageSpaceInBytes: 128e9, freeStorageSpaceInBytes: 64e9, physicalMemoryInBytes: 6e9,
    enrolledDateTime: now, lastSyncDateTime: now, notes: null, roleScopeTagIds: ['0'],
    ...overrides,
  };
}
