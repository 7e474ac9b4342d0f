// Shapes of the beta-only properties Steward translates. Graph's v1.0 CSDL types every v1.0
// property (checked from src/shared/graph); beta properties are listed there by name only, so the
// ones a translation reads are typed here, from Graph's beta documentation of each resource.
// Beta properties not listed here are accepted as any JSON value and reported notApplicable.

export type BetaShape =
  | { kind: 'string' | 'boolean' | 'integer' | 'stringArray' | 'object' | 'objectArray' }
  | { kind: 'enum'; values: readonly string[]; flags?: true };

const s = { kind: 'string' } as const;
const b = { kind: 'boolean' } as const;
const i = { kind: 'integer' } as const;
const strings = { kind: 'stringArray' } as const;
const obj = { kind: 'object' } as const;
const objs = { kind: 'objectArray' } as const;
const oneOf = (...values: string[]): BetaShape => ({ kind: 'enum', values });

const wifiSecurity = oneOf('open', 'wpaPersonal', 'wpaEnterprise', 'wep', 'wpa2Personal', 'wpa2Enterprise');
const eapType = oneOf('eapTls', 'leap', 'eapSim', 'eapTtls', 'peap', 'eapFast', 'teap');
const proxy = oneOf('none', 'manual', 'automatic', 'unknownFutureValue');
const certStore = oneOf('user', 'machine');

/** Property name → shape, for every supported type (names are unique enough across them). */
export const BETA_SHAPES: Readonly<Record<string, BetaShape>> = {
  // Common deviceConfiguration beta properties.
  roleScopeTagIds: strings,
  deviceManagementApplicabilityRuleOsEdition: obj,
  deviceManagementApplicabilityRuleOsVersion: obj,
  deviceManagementApplicabilityRuleDeviceMode: obj,
  deploymentChannel: oneOf('deviceChannel', 'userChannel', 'unknownFutureValue'),
  // Wi-Fi (iosWiFiConfiguration, macOSWiFiConfiguration, windowsWifiConfiguration and the enterprise kinds).
  ssid: s, networkName: s, preSharedKey: s,
  connectAutomatically: b, connectWhenNetworkNameIsHidden: b, disableMacAddressRandomization: b, connectToPreferredNetwork: b,
  forceFIPSCompliance: b, wifiRequirePhysicalMacAddressEnabled: b,
  wiFiSecurityType: wifiSecurity, wifiSecurityType: wifiSecurity,
  proxySettings: proxy, proxySetting: proxy,
  proxyAutomaticConfigurationUrl: s, proxyManualAddress: s, proxyManualPort: i,
  meteredConnectionLimit: oneOf('unrestricted', 'fixed', 'variable'),
  eapType,
  trustedServerCertificateNames: strings,
  outerIdentityPrivacyTemporaryValue: s,
  innerAuthenticationProtocolForEapTtls: oneOf('unencryptedPassword', 'challengeHandshakeAuthenticationProtocol', 'microsoftChap', 'microsoftChapVersionTwo'),
  innerAuthenticationProtocolForEAPTTLS: oneOf('unencryptedPassword', 'challengeHandshakeAuthenticationProtocol', 'microsoftChap', 'microsoftChapVersionTwo'),
  usernameFormatString: s, passwordFormatString: s,
  networkSingleSignOn: oneOf('disabled', 'prelogon', 'postlogon'),
  performServerValidation: b, cacheCredentials: b, disableUserPromptForServerValidation: b,
  // VPN (appleVpnConfiguration, iosVpnConfiguration, macOSVpnConfiguration, windows10VpnConfiguration).
  connectionName: s,
  connectionType: oneOf(
    'ciscoAnyConnect', 'pulseSecure', 'f5EdgeClient', 'dellSonicWallMobileConnect', 'checkPointCapsuleVpn', 'customVpn', 'ciscoIPSec',
    'citrix', 'ciscoAnyConnectV2', 'paloAltoGlobalProtect', 'zscalerPrivateAccess', 'f5Access2018', 'citrixSso', 'paloAltoGlobalProtectV2',
    'ikEv2', 'alwaysOn', 'microsoftTunnel', 'netMotionMobility', 'microsoftProtect', 'automatic', 'l2tp', 'pptp', 'unknownFutureValue',
  ),
  server: obj, servers: objs,
  identifier: s, loginGroupOrDomain: s, realm: s, role: s,
  enableSplitTunneling: b, enablePerApp: b, disableOnDemandUserOverride: b, disconnectOnIdle: b, disconnectOnIdleTimerInSeconds: i,
  onDemandRules: objs, customData: objs, customKeyValueData: objs, proxyServer: obj,
  safariDomains: strings, associatedDomains: strings, excludedDomains: strings, excludeList: strings,
  includeAllNetworks: b, excludeLocalNetworks: b,
  enableAlwaysOn: b, rememberUserCredentials: b, enableDeviceTunnel: b, enableDnsRegistration: b,
  dnsSuffixes: strings, trustedNetworkDomains: strings, routes: objs, dnsRules: objs, trafficRules: objs, associatedApps: objs,
  eapXml: { kind: 'string' }, profileTarget: oneOf('user', 'device', 'autoPilotDevice'),
  // E-mail (easEmailProfileConfigurationBase, iosEasEmailProfileConfiguration).
  accountName: s, hostName: s, requireSsl: b, customDomainName: s,
  emailAddressSource: oneOf('userPrincipalName', 'primarySmtpAddress'),
  usernameSource: oneOf('userLogonName', 'userPrincipalName', 'sAMAccountName', 'primarySmtpAddress'),
  usernameAADSource: oneOf('userPrincipalName', 'primarySmtpAddress', 'samAccountName'),
  userDomainNameSource: oneOf('fullDomainName', 'netBiosDomainName'),
  durationOfEmailToSync: oneOf('userDefined', 'oneDay', 'threeDays', 'oneWeek', 'twoWeeks', 'oneMonth', 'unlimited'),
  easServices: oneOf('none', 'calendars', 'contacts', 'email', 'notes', 'reminders'),
  blockMovingMessagesToOtherEmailAccounts: b, blockSendingEmailFromThirdPartyApps: b, blockSyncingRecentlyUsedEmailAddresses: b,
  requireSmime: b, useOAuth: b, authenticationMethod: s,
  emailSyncSchedule: oneOf('userDefined', 'asMessagesArrive', 'manual', 'fifteenMinutes', 'thirtyMinutes', 'sixtyMinutes', 'basedOnMyUsage'),
  syncCalendar: b, syncContacts: b, syncTasks: b,
  // Certificates (trusted root, SCEP).
  trustedRootCertificate: s, certFileName: s,
  destinationStore: oneOf('computerCertStoreRoot', 'computerCertStoreIntermediate', 'userCertStoreIntermediate'),
  scepServerUrls: strings, subjectNameFormatString: s, subjectAlternativeNameFormatString: s,
  keySize: oneOf('size1024', 'size2048', 'size4096'),
  keyUsage: { kind: 'enum', values: ['keyEncipherment', 'digitalSignature'], flags: true },
  extendedKeyUsages: objs, customSubjectAlternativeNames: objs,
  certificateStore: certStore,
  hashAlgorithm: { kind: 'enum', values: ['sha1', 'sha2'], flags: true },
  subjectNameFormat: oneOf('commonName', 'commonNameIncludingEmail', 'commonNameAsEmail', 'custom', 'commonNameAsIMEI', 'commonNameAsSerialNumber', 'commonNameAsAadDeviceId', 'commonNameAsIntuneDeviceId', 'commonNameAsDurableDeviceId'),
  subjectAlternativeNameType: { kind: 'enum', values: ['none', 'emailAddress', 'userPrincipalName', 'customAzureADAttribute', 'domainNameService', 'universalResourceIdentifier'], flags: true },
  certificateValidityPeriodScale: oneOf('days', 'months', 'years'),
  certificateValidityPeriodValue: i, renewalThresholdPercentage: i,
  // OMA settings (windows10CustomConfiguration omaSettings items).
  isEncrypted: b, secretReferenceValueId: s,
};
