// Graph's iOS/macOS Wi-Fi profiles → com.apple.wifi.managed (Apple's WiFi payload).
import type { PlistDict } from '../../../protocol/apple/plist.js';
import type { NotApplicable } from '../translation.js';
import type { AppleFamilyTranslator } from './types.js';

// Graph's wiFiSecurityType → EncryptionType. Apple's 'WPA' admits WPA, WPA2 and WPA3 personal or
// enterprise (the device picks the strongest the network offers); 'WPA2' admits WPA2 and WPA3.
const ENCRYPTION: Record<string, string> = {
  open: 'None', wep: 'WEP', wpaPersonal: 'WPA', wpa2Personal: 'WPA2', wpaEnterprise: 'WPA', wpa2Enterprise: 'WPA2',
};
/** IANA EAP method numbers (RFC 3748 registry), as AcceptEAPTypes wants them. */
export const EAP_TYPE_NUMBER: Record<string, number> = { eapTls: 13, leap: 17, eapSim: 18, eapTtls: 21, peap: 25, eapFast: 43, teap: 55 };
const TTLS_INNER: Record<string, string> = {
  unencryptedPassword: 'PAP', challengeHandshakeAuthenticationProtocol: 'CHAP', microsoftChap: 'MSCHAP', microsoftChapVersionTwo: 'MSCHAPv2',
};

export const appleWifi: AppleFamilyTranslator = (r, target) => {
  const notApplicable: NotApplicable[] = [];
  const security = r.str('wiFiSecurityType') ?? 'open';
  const ssid = r.str('ssid') ?? '';
  const c: PlistDict = {
    SSID_STR: ssid,
    HIDDEN_NETWORK: r.on('connectWhenNetworkNameIsHidden'),
    AutoJoin: r.bool('connectAutomatically') ?? true,
    EncryptionType: ENCRYPTION[security] ?? 'Any',
  };
  const psk = r.str('preSharedKey');
  if (psk !== undefined && security !== 'open' && !security.endsWith('Enterprise')) c.Password = psk;
  switch (r.str('proxySettings')) {
    case 'manual': {
      c.ProxyType = 'Manual';
      const server = r.str('proxyManualAddress');
      const port = r.int('proxyManualPort');
      if (server !== undefined) c.ProxyServer = server;
      if (port !== undefined) c.ProxyServerPort = port;
      break;
    }
    case 'automatic': {
      c.ProxyType = 'Auto';
      const pac = r.str('proxyAutomaticConfigurationUrl');
      if (pac !== undefined) c.ProxyPACURL = pac;
      break;
    }
    default:
      r.touch('proxyManualAddress', 'proxyManualPort', 'proxyAutomaticConfigurationUrl');
  }
  if (r.on('disableMacAddressRandomization')) {
    if (target.platform === 'iOS') c.DisableAssociationMACRandomization = true;
    else notApplicable.push({ setting: 'disableMacAddressRandomization', reason: 'macOS has no per-network MAC address randomization setting.' });
  }
  if (security.endsWith('Enterprise')) {
    const eap: PlistDict = {};
    const eapType = r.str('eapType');
    const number = eapType === undefined ? undefined : EAP_TYPE_NUMBER[eapType];
    if (number !== undefined) eap.AcceptEAPTypes = [number];
    const servers = r.strings('trustedServerCertificateNames');
    if (servers.length > 0) eap.TLSTrustedServerNames = servers;
    const outer = r.str('outerIdentityPrivacyTemporaryValue');
    if (outer !== undefined) eap.OuterIdentity = outer;
    const inner = r.str('innerAuthenticationProtocolForEapTtls');
    if (inner !== undefined && TTLS_INNER[inner]) eap.TTLSInnerAuthentication = TTLS_INNER[inner];
    const user = r.str('usernameFormatString');
    if (user !== undefined) eap.UserName = user;
    c.EAPClientConfiguration = eap;
  }
  return {
    payloads: [{ type: 'com.apple.wifi.managed', suffix: 'wifi', displayName: `Wi-Fi ${ssid}`, content: c }],
    notApplicable,
  };
};
