// The managedDevice collection as $filter, $orderby and $select see it: Graph's property names,
// their types and the managed_devices columns that hold them (store/migrations/0001).
// Enum members are those of the EnumType elements in Microsoft Graph's v1.0 CSDL
// (../shared/reference/msgraph-metadata/v1.0-cleanMetadata.xml), in the CSDL's order, including
// Graph's `unknownFutureValue` sentinel where the CSDL has it.
import { defineResourceSchema, type PropertyDef } from '../query/resource-schema.js';

export const complianceStates = ['unknown', 'compliant', 'noncompliant', 'conflict', 'error', 'inGracePeriod', 'configManager'] as const;

export const managedDeviceOwnerTypes = ['unknown', 'company', 'personal', 'unknownFutureValue'] as const;

export const managementAgentTypes = [
  'eas', 'mdm', 'easMdm', 'intuneClient', 'easIntuneClient', 'configurationManagerClient',
  'configurationManagerClientMdm', 'configurationManagerClientMdmEas', 'unknown', 'jamf',
  'googleCloudDevicePolicyController', 'microsoft365ManagedMdm', 'msSense',
] as const;

export const managementStates = [
  'managed', 'retirePending', 'retireFailed', 'wipePending', 'wipeFailed', 'unhealthy', 'deletePending',
  'retireIssued', 'wipeIssued', 'wipeCanceled', 'retireCanceled', 'discovered', 'unknownFutureValue',
] as const;

export const deviceEnrollmentTypes = [
  'unknown', 'userEnrollment', 'deviceEnrollmentManager', 'appleBulkWithUser', 'appleBulkWithoutUser',
  'windowsAzureADJoin', 'windowsBulkUserless', 'windowsAutoEnrollment', 'windowsBulkAzureDomainJoin',
  'windowsCoManagement', 'windowsAzureADJoinUsingDeviceAuth', 'appleUserEnrollment',
  'appleUserEnrollmentWithServiceAccount', 'unknownFutureValue',
] as const;

export const deviceRegistrationStates = [
  'notRegistered', 'registered', 'revoked', 'keyConflict', 'approvalPending', 'certificateReset',
  'notRegisteredPendingEnrollment', 'unknown',
] as const;

const text = (column: string, nullable = true): PropertyDef => ({ type: 'string', column, nullable });
const enumOf = (name: string, members: readonly string[], column: string): PropertyDef => ({ type: { enum: members, name }, column, nullable: false });

export const managedDeviceSchema = defineResourceSchema({
  name: 'managedDevice',
  key: 'id',
  properties: {
    id: text('id', false),
    deviceName: text('device_name'),
    managedDeviceName: text('managed_device_name'),
    operatingSystem: text('operating_system'),
    osVersion: text('os_version'),
    model: text('model'),
    manufacturer: text('manufacturer'),
    serialNumber: text('serial_number'),
    udid: text('udid'),
    imei: text('imei'),
    meid: text('meid'),
    wiFiMacAddress: text('wi_fi_mac_address'),
    ethernetMacAddress: text('ethernet_mac_address'),
    phoneNumber: text('phone_number'),
    subscriberCarrier: text('subscriber_carrier'),
    userId: text('user_id'),
    userPrincipalName: text('user_principal_name'),
    userDisplayName: text('user_display_name'),
    emailAddress: text('email_address'),
    managedDeviceOwnerType: enumOf('managedDeviceOwnerType', managedDeviceOwnerTypes, 'managed_device_owner_type'),
    managementAgent: enumOf('managementAgentType', managementAgentTypes, 'management_agent'),
    managementState: enumOf('managementState', managementStates, 'management_state'),
    complianceState: enumOf('complianceState', complianceStates, 'compliance_state'),
    deviceEnrollmentType: enumOf('deviceEnrollmentType', deviceEnrollmentTypes, 'device_enrollment_type'),
    deviceRegistrationState: enumOf('deviceRegistrationState', deviceRegistrationStates, 'device_registration_state'),
    enrollmentProfileName: text('enrollment_profile_name'),
    // Edm.String in Graph ("Unknown", "True", "False"), not a boolean.
    jailBroken: text('jail_broken', false),
    isEncrypted: { type: 'boolean', column: 'is_encrypted', nullable: false },
    isSupervised: { type: 'boolean', column: 'is_supervised', nullable: false },
    totalStorageSpaceInBytes: { type: 'number', column: 'total_storage_space_in_bytes', nullable: false },
    freeStorageSpaceInBytes: { type: 'number', column: 'free_storage_space_in_bytes', nullable: false },
    physicalMemoryInBytes: { type: 'number', column: 'physical_memory_in_bytes', nullable: false },
    enrolledDateTime: { type: 'datetime', column: 'enrolled_date_time', nullable: false },
    lastSyncDateTime: { type: 'datetime', column: 'last_sync_date_time', nullable: false },
    // Free text written by admins: filterable (`notes ne null`, contains) but not a sort key.
    notes: { ...text('notes'), sortable: false },
  },
});
