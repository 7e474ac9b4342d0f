import type { Kysely, Selectable } from 'kysely';
import type { ManagedDevice } from '../core/devices/managed-device.js';
import type { ManagedDeviceStore } from '../core/devices/ports.js';
import { managedDeviceSchema } from '../core/devices/managed-device-schema.js';
import type { Dialect } from './database.js';
import type { ManagedDevicesTable, Schema } from './schema.js';
import { listPage } from './list-query.js';

type Row = Selectable<ManagedDevicesTable>;

export function toManagedDevice(r: Row): ManagedDevice {
  return {
    id: r.id,
    deviceName: r.device_name,
    managedDeviceName: r.managed_device_name,
    operatingSystem: r.operating_system,
    osVersion: r.os_version,
    model: r.model,
    manufacturer: r.manufacturer,
    serialNumber: r.serial_number,
    udid: r.udid,
    imei: r.imei,
    meid: r.meid,
    wiFiMacAddress: r.wi_fi_mac_address,
    ethernetMacAddress: r.ethernet_mac_address,
    phoneNumber: r.phone_number,
    subscriberCarrier: r.subscriber_carrier,
    userId: r.user_id,
    userPrincipalName: r.user_principal_name,
    userDisplayName: r.user_display_name,
    emailAddress: r.email_address,
    managedDeviceOwnerType: r.managed_device_owner_type as ManagedDevice['managedDeviceOwnerType'],
    managementAgent: r.management_agent,
    managementState: r.management_state,
    complianceState: r.compliance_state as ManagedDevice['complianceState'],
    deviceEnrollmentType: r.device_enrollment_type,
    deviceRegistrationState: r.device_registration_state,
    enrollmentProfileName: r.enrollment_profile_name,
    jailBroken: r.jail_broken,
    isEncrypted: r.is_encrypted === 1,
    isSupervised: r.is_supervised === 1,
    totalStorageSpaceInBytes: Number(r.total_storage_space_in_bytes),
    freeStorageSpaceInBytes: Number(r.free_storage_space_in_bytes),
    physicalMemoryInBytes: Number(r.physical_memory_in_bytes),
    enrolledDateTime: r.enrolled_date_time,
    lastSyncDateTime: r.last_sync_date_time,
    notes: r.notes,
  };
}

export function fromManagedDevice(d: ManagedDevice): Row {
  return {
    id: d.id,
    device_name: d.deviceName,
    managed_device_name: d.managedDeviceName,
    operating_system: d.operatingSystem,
    os_version: d.osVersion,
    model: d.model,
    manufacturer: d.manufacturer,
    serial_number: d.serialNumber,
    udid: d.udid,
    imei: d.imei,
    meid: d.meid,
    wi_fi_mac_address: d.wiFiMacAddress,
    ethernet_mac_address: d.ethernetMacAddress,
    phone_number: d.phoneNumber,
    subscriber_carrier: d.subscriberCarrier,
    user_id: d.userId,
    user_principal_name: d.userPrincipalName,
    user_display_name: d.userDisplayName,
    email_address: d.emailAddress,
    managed_device_owner_type: d.managedDeviceOwnerType,
    management_agent: d.managementAgent,
    management_state: d.managementState,
    compliance_state: d.complianceState,
    device_enrollment_type: d.deviceEnrollmentType,
    device_registration_state: d.deviceRegistrationState,
    enrollment_profile_name: d.enrollmentProfileName,
    jail_broken: d.jailBroken,
    is_encrypted: d.isEncrypted ? 1 : 0,
    is_supervised: d.isSupervised ? 1 : 0,
    total_storage_space_in_bytes: d.totalStorageSpaceInBytes,
    free_storage_space_in_bytes: d.freeStorageSpaceInBytes,
    physical_memory_in_bytes: d.physicalMemoryInBytes,
    enrolled_date_time: new Date(d.enrolledDateTime).toISOString(),
    last_sync_date_time: new Date(d.lastSyncDateTime).toISOString(),
    notes: d.notes,
  };
}

export function managedDeviceStore(db: Kysely<Schema>, dialect: Dialect): ManagedDeviceStore {
  return {
    async list(query) {
      const page = await listPage<Row>(db, dialect, 'managed_devices', managedDeviceSchema, query);
      return { items: page.rows.map(toManagedDevice), nextSkipToken: page.nextSkipToken, count: page.count };
    },
    async get(id) {
      const row = await db.selectFrom('managed_devices').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toManagedDevice(row) : undefined;
    },
    async put(device) {
      const { id, ...rest } = fromManagedDevice(device);
      await db.insertInto('managed_devices').values({ id, ...rest })
        .onConflict((oc) => oc.column('id').doUpdateSet(rest))
        .execute();
    },
  };
}
