// The deviceConfiguration types Steward stores and translates: each with its platform and family.
// A type not listed here is refused at the API with its name (never stored with settings dropped).

export type ConfigurationPlatform = 'iOS' | 'macOS' | 'windows';
export type ConfigurationFamily = 'wifi' | 'vpn' | 'email' | 'imapEmail' | 'general' | 'trustedRoot' | 'scep' | 'custom';

export interface SupportedType {
  platform: ConfigurationPlatform;
  family: ConfigurationFamily;
}

export const SUPPORTED_TYPES: Readonly<Record<string, SupportedType>> = {
  iosWiFiConfiguration: { platform: 'iOS', family: 'wifi' },
  iosEnterpriseWiFiConfiguration: { platform: 'iOS', family: 'wifi' },
  macOSWiFiConfiguration: { platform: 'macOS', family: 'wifi' },
  macOSEnterpriseWiFiConfiguration: { platform: 'macOS', family: 'wifi' },
  windowsWifiConfiguration: { platform: 'windows', family: 'wifi' },
  windowsWifiEnterpriseEAPConfiguration: { platform: 'windows', family: 'wifi' },
  iosVpnConfiguration: { platform: 'iOS', family: 'vpn' },
  macOSVpnConfiguration: { platform: 'macOS', family: 'vpn' },
  windows10VpnConfiguration: { platform: 'windows', family: 'vpn' },
  iosEasEmailProfileConfiguration: { platform: 'iOS', family: 'email' },
  windows10EasEmailProfileConfiguration: { platform: 'windows', family: 'email' },
  // Steward extensions (extension-types.ts): Graph has no IMAP/POP e-mail type.
  stewardIosImapEmailConfiguration: { platform: 'iOS', family: 'imapEmail' },
  stewardMacOSImapEmailConfiguration: { platform: 'macOS', family: 'imapEmail' },
  stewardWindows10ImapEmailConfiguration: { platform: 'windows', family: 'imapEmail' },
  iosGeneralDeviceConfiguration: { platform: 'iOS', family: 'general' },
  macOSGeneralDeviceConfiguration: { platform: 'macOS', family: 'general' },
  windows10GeneralConfiguration: { platform: 'windows', family: 'general' },
  iosTrustedRootCertificate: { platform: 'iOS', family: 'trustedRoot' },
  macOSTrustedRootCertificate: { platform: 'macOS', family: 'trustedRoot' },
  windows81TrustedRootCertificate: { platform: 'windows', family: 'trustedRoot' },
  iosScepCertificateProfile: { platform: 'iOS', family: 'scep' },
  macOSScepCertificateProfile: { platform: 'macOS', family: 'scep' },
  windows81SCEPCertificateProfile: { platform: 'windows', family: 'scep' },
  iosCustomConfiguration: { platform: 'iOS', family: 'custom' },
  macOSCustomConfiguration: { platform: 'macOS', family: 'custom' },
  windows10CustomConfiguration: { platform: 'windows', family: 'custom' },
};

export const SUPPORTED_TYPE_NAMES = Object.keys(SUPPORTED_TYPES).sort();

/** Write-only properties: stored, used in translation, never in a response, a log or an audit entry. */
export const SECRET_PROPERTIES: ReadonlySet<string> = new Set(['preSharedKey', 'password']);

/** What Graph answers for an encrypted OMA-URI value, and what Steward answers for every secret. */
export const MASK = '****';

/** Properties every deviceConfiguration has that the server owns: ignored on input (exports carry them). */
export const READ_ONLY_PROPERTIES: ReadonlySet<string> = new Set([
  'id', 'createdDateTime', 'lastModifiedDateTime', 'version', 'supportsScopeTags',
]);
