// LocURIs of the configuration service providers Steward reads and executes on Windows PCs.
// Sources (learn.microsoft.com/windows/client-management/mdm/…): devinfo-csp, devdetail-csp,
// devicestatus-csp, remotewipe-csp, remotelock-csp, reboot-csp, dmclient-csp. A URI without the
// ./Device or ./User prefix is device-targeted ("OMA DM protocol support", "User targeted vs.
// Device targeted configuration"); each constant is written as the CSP page writes it.

/** DevInfo: what the client reports itself in the Replace of its first package. */
export const DEV_INFO = {
  devId: './DevInfo/DevId',
  man: './DevInfo/Man',
  mod: './DevInfo/Mod',
  dmV: './DevInfo/DmV',
  lang: './DevInfo/Lang',
} as const;

/** DevDetail: device parameters the server must ask for; the client never sends them unasked. */
export const DEV_DETAIL = {
  /** SystemProductName: the hardware model. */
  devTyp: './DevDetail/DevTyp',
  oem: './DevDetail/OEM',
  /** BIOS version on desktop editions. */
  fwV: './DevDetail/FwV',
  /** MajorVersion.MinorVersion.BuildNumber.QFEnumber. */
  swV: './DevDetail/SwV',
  hwV: './DevDetail/HwV',
  /** ProductName of HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion ("Windows 10 Enterprise"). */
  osPlatform: './DevDetail/Ext/Microsoft/OSPlatform',
  /** ISO 8601. */
  localTime: './DevDetail/Ext/Microsoft/LocalTime',
  deviceName: './DevDetail/Ext/Microsoft/DeviceName',
  dnsComputerName: './DevDetail/Ext/Microsoft/DNSComputerName',
  /** MB. */
  totalRam: './DevDetail/Ext/Microsoft/TotalRAM',
  processorArchitecture: './DevDetail/Ext/Microsoft/ProcessorArchitecture',
  /** Windows 10, version 1809 and later. */
  smbiosSerialNumber: './DevDetail/Ext/Microsoft/SMBIOSSerialNumber',
} as const;

/** DeviceStatus: inventory and the state compliance checks read. */
const DS = './Vendor/MSFT/DeviceStatus';
export const DEVICE_STATUS = {
  /** 0 not supported, 1 enabled, 2 disabled. */
  secureBootState: `${DS}/SecureBootState`,
  /** 0 not encrypted, 1 encrypted (the OS drive, against the enterprise encryption policy). */
  encryptionCompliance: `${DS}/Compliance/EncryptionCompliance`,
  tpmSpecificationVersion: `${DS}/TPM/SpecificationVersion`,
  osEdition: `${DS}/OS/Edition`,
  /** 0 standard, 1 S mode. */
  osMode: `${DS}/OS/Mode`,
  antivirusSignatureStatus: `${DS}/Antivirus/SignatureStatus`,
  antivirusStatus: `${DS}/Antivirus/Status`,
  antispywareSignatureStatus: `${DS}/Antispyware/SignatureStatus`,
  antispywareStatus: `${DS}/Antispyware/Status`,
  firewallStatus: `${DS}/Firewall/Status`,
  uacStatus: `${DS}/UAC/Status`,
  batteryStatus: `${DS}/Battery/Status`,
  batteryEstimatedChargeRemaining: `${DS}/Battery/EstimatedChargeRemaining`,
  batteryEstimatedRuntime: `${DS}/Battery/EstimatedRuntime`,
  domainName: `${DS}/DomainName`,
  vbsHardwareRequirements: `${DS}/DeviceGuard/VirtualizationBasedSecurityHwReq`,
  vbsStatus: `${DS}/DeviceGuard/VirtualizationBasedSecurityStatus`,
  credentialGuardStatus: `${DS}/DeviceGuard/LsaCfgCredGuardStatus`,
} as const;

/**
 * Policy CSP Result nodes (policy-csp): the value in effect on the PC, whoever set it (an MDM
 * policy, or the default when none did). Compliance reads the device lock from here.
 */
export const POLICY_RESULT = {
  /** DeviceLock/DevicePasswordEnabled: 0 a password is required to sign in, 1 (the default) not: the CSP's inverted sense. */
  devicePasswordEnabled: './Device/Vendor/MSFT/Policy/Result/DeviceLock/DevicePasswordEnabled',
} as const;

/** RemoteWipe: Exec on a node resets the PC; the status says whether the PC accepted it. */
export const REMOTE_WIPE = {
  /** "Reset this PC > Remove everything"; power-cycling can interrupt it. */
  doWipe: './Device/Vendor/MSFT/RemoteWipe/doWipe',
  /** Like doWipe, but keeps trying until done: for lost or stolen PCs (Windows 10, version 1703). */
  doWipeProtected: './Device/Vendor/MSFT/RemoteWipe/doWipeProtected',
  /** Keeps user accounts and data ("Keep my files"; Windows 10, version 1709). */
  doWipePersistUserData: './Device/Vendor/MSFT/RemoteWipe/doWipePersistUserData',
  /** Backs up provisioning data and restores it after the reset. */
  doWipePersistProvisionedData: './Device/Vendor/MSFT/RemoteWipe/doWipePersistProvisionedData',
} as const;

/** RemoteLock: "only supported in Windows 10 Mobile" (remotelock-csp); Lock answers 405 without a PIN. */
export const REMOTE_LOCK = { lock: './Vendor/MSFT/RemoteLock/Lock' } as const;

/** Reboot: Exec RebootNow restarts the PC. */
export const REBOOT = { rebootNow: './Device/Vendor/MSFT/Reboot/RebootNow' } as const;

/**
 * Accounts Domain/ComputerName (accounts-csp, Windows 10, version 1803): Add sets the PC's name,
 * which takes effect at the next restart. At most 15 characters (a NetBIOS name): letters, digits
 * and hyphens, not digits only.
 */
export const ACCOUNTS = { computerName: './Device/Vendor/MSFT/Accounts/Domain/ComputerName' } as const;

/**
 * DMClient Provider/{ProviderID}/Unenroll: "accepts unenrollment requests by way of the OMA DM
 * Exec command"; the page's sample sends Format chr and the provider id as Data (which Windows
 * now ignores). The ProviderID is the PROVIDER-ID of the w7 account of the provisioning document;
 * it is URI-escaped in the LocURI ("LocURI … must be properly escaped": a space is %20).
 */
export function dmClientUnenroll(providerId: string): string {
  return `./Vendor/MSFT/DMClient/Provider/${encodeURIComponent(providerId)}/Unenroll`;
}

/**
 * DMClient Provider/{ProviderID}/Push ("Push notification support for device management",
 * learn.microsoft.com/windows/client-management/mdm/dmclient-csp): the server sets PFN, the
 * package family name of its WNS app; the PC then registers with WNS and reports ChannelURI (the
 * URI to post raw notifications to) and Status (0 when the channel was obtained).
 */
export function dmClientPush(providerId: string): { pfn: string; channelUri: string; status: string } {
  const base = `./Vendor/MSFT/DMClient/Provider/${encodeURIComponent(providerId)}/Push`;
  return { pfn: `${base}/PFN`, channelUri: `${base}/ChannelURI`, status: `${base}/Status` };
}
