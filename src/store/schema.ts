// Kysely's view of the tables (see migrations/). Column conventions are in database.ts.
import type { Generated } from 'kysely';

export interface ManagedDevicesTable {
  id: string;
  device_name: string | null;
  managed_device_name: string | null;
  operating_system: string | null;
  os_version: string | null;
  model: string | null;
  manufacturer: string | null;
  serial_number: string | null;
  udid: string | null;
  imei: string | null;
  meid: string | null;
  wi_fi_mac_address: string | null;
  ethernet_mac_address: string | null;
  phone_number: string | null;
  subscriber_carrier: string | null;
  user_id: string | null;
  user_principal_name: string | null;
  user_display_name: string | null;
  email_address: string | null;
  managed_device_owner_type: Generated<string>;
  management_agent: Generated<string>;
  management_state: Generated<string>;
  compliance_state: Generated<string>;
  device_enrollment_type: Generated<string>;
  device_registration_state: Generated<string>;
  enrollment_profile_name: string | null;
  jail_broken: Generated<string>;
  is_encrypted: Generated<number>;
  is_supervised: Generated<number>;
  total_storage_space_in_bytes: Generated<number>;
  free_storage_space_in_bytes: Generated<number>;
  physical_memory_in_bytes: Generated<number>;
  enrolled_date_time: string;
  last_sync_date_time: string;
  notes: string | null;
}

export interface Schema {
  managed_devices: ManagedDevicesTable;
}
