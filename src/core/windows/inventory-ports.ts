// What Windows inventory tells beyond Graph's managedDevice properties, kept per device for the
// compliance engine (Secure Boot, TPM, BitLocker, firewall, antivirus, Device Guard…), in the
// device_inventory row of the device (store/windows-inventory.ts, migrations/0014). Values are
// the CSPs' own codes where the CSP defines codes (devicestatus-csp lists them); null when the
// PC said the node does not exist, absent when it was never asked.

export type SecureBootState = 'notSupported' | 'enabled' | 'disabled';

export interface WindowsFacts {
  /** DevInfo/DmV: the DM client's version. */
  dmClientVersion?: string | null;
  /** DevInfo/Lang. */
  language?: string | null;
  /** DevDetail/Ext/Microsoft/OSPlatform: the ProductName ("Windows 11 Enterprise"). */
  osPlatform?: string | null;
  /** DevDetail/FwV: the BIOS version on desktop editions. */
  firmwareVersion?: string | null;
  /** DevDetail/HwV. */
  hardwareVersion?: string | null;
  /** DevDetail/Ext/Microsoft/LocalTime, ISO 8601 with the PC's offset. */
  localTime?: string | null;
  dnsComputerName?: string | null;
  /** DevDetail/Ext/Microsoft/ProcessorArchitecture. */
  processorArchitecture?: string | null;
  /** DevDetail/Ext/Microsoft/TotalRAM, in MB. */
  totalRamMb?: number | null;
  /** DeviceStatus/SecureBootState (0 not supported, 1 enabled, 2 disabled). */
  secureBootState?: SecureBootState | null;
  /** DeviceStatus/Compliance/EncryptionCompliance: the OS drive is encrypted (BitLocker). */
  encryptionCompliant?: boolean | null;
  /** DeviceStatus/TPM/SpecificationVersion ("2.0"); null: no TPM. */
  tpmSpecificationVersion?: string | null;
  /** DeviceStatus/OS/Edition: the edition's SKU number ("4" Enterprise, "48" Pro, "136" Holographic for Business). */
  osEdition?: string | null;
  /** DeviceStatus/OS/Mode: S mode. */
  sMode?: boolean | null;
  /** DeviceStatus/Antivirus/Status: 0 on and monitoring, 1 disabled, 2 not monitoring, 3 temporarily not monitoring, 4 not applicable. */
  antivirusStatus?: number | null;
  /** DeviceStatus/Antivirus/SignatureStatus: 0 out of date, 1 up to date, 2 not applicable. */
  antivirusSignatureStatus?: number | null;
  /** DeviceStatus/Antispyware/Status: 0 good, 1 not monitored, 2 poor, 3 snoozed. */
  antispywareStatus?: number | null;
  antispywareSignatureStatus?: number | null;
  /** DeviceStatus/Firewall/Status: 0 on and monitoring, 1 disabled, 2 not monitoring all networks, 3 temporarily off, 4 not applicable. */
  firewallStatus?: number | null;
  /** DeviceStatus/UAC/Status. */
  uacStatus?: number | null;
  batteryStatus?: number | null;
  batteryEstimatedChargeRemaining?: number | null;
  batteryEstimatedRuntime?: number | null;
  /** DeviceStatus/DomainName: '' when not domain-joined. */
  domainName?: string | null;
  /** DeviceStatus/DeviceGuard/VirtualizationBasedSecurityHwReq: a bitmask, 0 when the hardware qualifies. */
  vbsHardwareRequirements?: number | null;
  /** DeviceStatus/DeviceGuard/VirtualizationBasedSecurityStatus: 0 running. */
  vbsStatus?: number | null;
  /** DeviceStatus/DeviceGuard/LsaCfgCredGuardStatus: 0 running. */
  credentialGuardStatus?: number | null;
  /** Policy/Result/DeviceLock/DevicePasswordEnabled: true when a password is required to sign in (the node's 0). */
  devicePasswordEnabled?: boolean | null;
  /** Alert 1224 LoginStatus at the last session: 'user', 'others' or 'none'. */
  loginStatus?: string | null;
  /** When the facts were last reported. */
  reportedAt?: string;
}

/** A device's inventory bookkeeping with its Windows facts: what a session start reads, in one query. */
export interface WindowsInventoryStatus {
  facts: WindowsFacts | undefined;
  /** When inventory was last queued (device_inventory.requested_at). */
  requestedAt: string | null;
  /** When the device last answered inventory. */
  reportedAt: string | null;
}

export interface WindowsInventoryStore {
  get(deviceId: string): Promise<WindowsFacts | undefined>;
  /** The device's inventory row, undefined when it has none yet. */
  status(deviceId: string): Promise<WindowsInventoryStatus | undefined>;
  /** Many devices' facts in one query per few hundred ids (compliance sweeps). */
  getMany(deviceIds: readonly string[]): Promise<Map<string, WindowsFacts>>;
  /**
   * Merges the facts into the device's (an absent key keeps its value, null clears it). An
   * inventory answer (the default) also marks the device's inventory reported at `at`
   * (device_inventory.reported_at, which the refresh rule reads); what a session start notes
   * (`inventoryAnswer: false`) does not.
   */
  apply(deviceId: string, facts: WindowsFacts, at: Date, options?: { inventoryAnswer?: boolean }): Promise<void>;
}
