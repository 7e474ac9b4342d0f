// Tables of migrations/0012-device-inventory.ts; schema.ts adds them to Schema.

/** One row per device: inventory beyond managed_devices' columns (store/device-inventory.ts). */
export interface DeviceInventoryTable {
  device_id: string;
  /** 'apple' (later 'windows'). */
  platform: string;
  requested_at: string | null;
  reported_at: string | null;
  device_info_at: string | null;
  security_info_at: string | null;
  apps_at: string | null;
  managed_apps_at: string | null;
  profiles_at: string | null;
  certificates_at: string | null;
  /** JSON object: HardwareFacts. */
  hardware: string | null;
  /** JSON object: SecurityFacts. */
  security: string | null;
  /** JSON array: ManagedAppState[]. */
  managed_apps: string | null;
  /** JSON array: InstalledProfile[]. */
  profiles: string | null;
  /** JSON array: InstalledCertificate[]. */
  certificates: string | null;
}

/** One installed app on one device. */
export interface DeviceAppsTable {
  device_id: string;
  identifier: string;
  version: string;
  display_name: string | null;
  build_version: string | null;
  size_in_bytes: number;
}

/** device_actions.details, added by migration 0012: JSON DeviceActionDetails, or null. */
export interface DeviceActionDetailsColumn {
  details: string | null;
}

/** Devices per app and version, across the fleet (detectedApp.deviceCount). */
export interface DetectedAppsTable {
  identifier: string;
  version: string;
  device_count: number;
}
