import { sql, type Kysely, type Selectable } from 'kysely';
import { deviceInScope } from './scope.js';
import { defaultScopeTag } from '../core/rbac/model.js';
import type { ManagedDevice } from '../core/devices/managed-device.js';
import type { ManagedDeviceStore } from '../core/devices/ports.js';
import { managedDeviceSchema } from '../core/devices/managed-device-schema.js';
import type { Dialect } from './database.js';
import type { ManagedDevicesTable, Schema } from './schema.js';
import { listPage } from './list-query.js';

type Row = Selectable<ManagedDevicesTable>;

export function toManagedDevice(r: Row, roleScopeTagIds: string[] = [defaultScopeTag.id]): ManagedDevice {
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
    roleScopeTagIds,
  };
}

/** Devices from rows, with their scope tags (one query for all of them). */
async function withScopeTags(db: Kysely<Schema>, rows: Row[]): Promise<ManagedDevice[]> {
  if (rows.length === 0) return [];
  const tags = new Map<string, string[]>();
  const tagRows = await db.selectFrom('object_scope_tags').select(['object_id', 'tag_id'])
    .where('object_type', '=', 'managedDevice').where('object_id', 'in', rows.map((r) => r.id)).orderBy('tag_id').execute();
  for (const t of tagRows) tags.set(t.object_id, [...(tags.get(t.object_id) ?? []), t.tag_id]);
  return rows.map((r) => toManagedDevice(r, tags.get(r.id)));
}

export function fromManagedDevice(d: Omit<ManagedDevice, 'roleScopeTagIds'>): Row {
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
    async list(query, scope, options = {}) {
      const condition = deviceInScope('managed_devices.id', 'managed_devices.user_id', scope);
      const page = await listPage<Row>(db, dialect, 'managed_devices', managedDeviceSchema, query, {
        where: (qb) => {
          let q = condition ? qb.where(condition) : qb;
          if (options.userId !== undefined) q = q.where(sql.ref('user_id'), '=', options.userId);
          return q;
        },
      });
      return { items: await withScopeTags(db, page.rows), nextSkipToken: page.nextSkipToken, count: page.count };
    },
    async get(id, scope) {
      let q = db.selectFrom('managed_devices').selectAll().where('id', '=', id);
      const condition = deviceInScope('managed_devices.id', 'managed_devices.user_id', scope);
      if (condition) q = q.where(condition);
      const row = await q.executeTakeFirst();
      return row ? (await withScopeTags(db, [row]))[0] : undefined;
    },
    async getMany(ids, scope) {
      if (ids.length === 0) return [];
      let q = db.selectFrom('managed_devices').selectAll().where('id', 'in', ids);
      const condition = deviceInScope('managed_devices.id', 'managed_devices.user_id', scope);
      if (condition) q = q.where(condition);
      return withScopeTags(db, await q.execute());
    },
    async put(device) {
      const { id, ...rest } = fromManagedDevice(device);
      await db.insertInto('managed_devices').values({ id, ...rest })
        .onConflict((oc) => oc.column('id').doUpdateSet(rest))
        .execute();
    },
    async *batches(size) {
      let after = '';
      for (;;) {
        const rows = await db.selectFrom('managed_devices').selectAll().where('id', '>', after).orderBy('id').limit(size).execute();
        if (rows.length === 0) return;
        yield await withScopeTags(db, rows);
        after = rows.at(-1)!.id;
      }
    },
  };
}
