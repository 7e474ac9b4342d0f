// The WLAN profile XML the WiFi CSP takes in WlanXml (./Vendor/MSFT/WiFi/Profile/<SSID>/WlanXml).
// Schema: learn.microsoft.com/windows/win32/nativewifi/wlan-profileschema-elements (WLANProfile
// v1, MSM security, OneX v1) and the EapHostConfig schemas for EAP-TLS and PEAP-MSCHAPv2.
import { el, renderXml, type XmlNode } from '../xml.js';

export type WlanSecurity =
  | { kind: 'open' }
  | { kind: 'wep'; key: string }
  | { kind: 'psk'; authentication: 'WPAPSK' | 'WPA2PSK'; key: string }
  | { kind: 'enterprise'; authentication: 'WPA' | 'WPA2'; eap: WlanEap };

export interface WlanEap {
  method: 'tls' | 'peap';
  /** Names the RADIUS server's certificate may carry (ServerValidation/ServerNames). */
  serverNames: readonly string[];
  disableUserPromptForServerValidation: boolean;
}

export interface WlanProfileInput {
  ssid: string;
  hidden: boolean;
  autoConnect: boolean;
  security: WlanSecurity;
}

const WLAN_NS = 'http://www.microsoft.com/networking/WLAN/profile/v1';
const ONEX_NS = 'http://www.microsoft.com/networking/OneX/v1';
const EAPHOST_NS = 'http://www.microsoft.com/provisioning/EapHostConfig';
const EAPCOMMON_NS = 'http://www.microsoft.com/provisioning/EapCommon';
const BASE_EAP_NS = 'http://www.microsoft.com/provisioning/BaseEapConnectionPropertiesV1';
const TLS_NS = 'http://www.microsoft.com/provisioning/EapTlsConnectionPropertiesV1';
const MSPEAP_NS = 'http://www.microsoft.com/provisioning/MsPeapConnectionPropertiesV1';
const MSCHAPV2_NS = 'http://www.microsoft.com/provisioning/MsChapV2ConnectionPropertiesV1';

function serverValidation(eap: WlanEap): XmlNode {
  return el('ServerValidation', undefined,
    el('DisableUserPromptForServerValidation', undefined, String(eap.disableUserPromptForServerValidation)),
    el('ServerNames', undefined, eap.serverNames.join(';')),
  );
}

/** EAP-TLS (type 13) with the user's or machine's certificate, or PEAP (type 25) with MSCHAPv2 inside. */
function eapConfig(eap: WlanEap): XmlNode {
  const type = eap.method === 'tls' ? '13' : '25';
  const method = el('EapMethod', undefined,
    el('Type', { xmlns: EAPCOMMON_NS }, type),
    el('VendorId', { xmlns: EAPCOMMON_NS }, '0'),
    el('VendorType', { xmlns: EAPCOMMON_NS }, '0'),
    el('AuthorId', { xmlns: EAPCOMMON_NS }, '0'),
  );
  const inner = eap.method === 'tls'
    ? el('EapType', { xmlns: TLS_NS },
      el('CredentialsSource', undefined, el('CertificateStore', undefined, el('SimpleCertSelection', undefined, 'true'))),
      serverValidation(eap),
      el('DifferentUsername', undefined, 'false'))
    : el('EapType', { xmlns: MSPEAP_NS },
      serverValidation(eap),
      el('FastReconnect', undefined, 'true'),
      el('InnerEapOptional', undefined, 'false'),
      el('Eap', { xmlns: BASE_EAP_NS },
        el('Type', undefined, '26'),
        el('EapType', { xmlns: MSCHAPV2_NS }, el('UseWinLogonCredentials', undefined, 'false'))),
      el('EnableQuarantineChecks', undefined, 'false'),
      el('RequireCryptoBinding', undefined, 'false'));
  return el('EAPConfig', undefined,
    el('EapHostConfig', { xmlns: EAPHOST_NS }, method,
      el('Config', { xmlns: EAPHOST_NS }, el('Eap', { xmlns: BASE_EAP_NS }, el('Type', undefined, type), inner))));
}

function security(s: WlanSecurity): XmlNode {
  const auth = (authentication: string, encryption: string, oneX: boolean) => el('authEncryption', undefined,
    el('authentication', undefined, authentication), el('encryption', undefined, encryption), el('useOneX', undefined, String(oneX)));
  const shared = (keyType: string, key: string) => el('sharedKey', undefined,
    el('keyType', undefined, keyType), el('protected', undefined, 'false'), el('keyMaterial', undefined, key));
  switch (s.kind) {
    case 'open': return el('security', undefined, auth('open', 'none', false));
    case 'wep': return el('security', undefined, auth('open', 'WEP', false), shared('networkKey', s.key));
    // A 64-hex-digit PSK is the raw key (networkKey); anything else is a passphrase.
    case 'psk': return el('security', undefined, auth(s.authentication, 'AES', false), shared(/^[0-9a-fA-F]{64}$/.test(s.key) ? 'networkKey' : 'passPhrase', s.key));
    case 'enterprise': return el('security', undefined, auth(s.authentication, 'AES', true),
      el('OneX', { xmlns: ONEX_NS }, el('authMode', undefined, 'machineOrUser'), eapConfig(s.eap)));
  }
}

export function wlanProfileXml(input: WlanProfileInput): string {
  const hex = Buffer.from(input.ssid, 'utf8').toString('hex').toUpperCase();
  return renderXml(el('WLANProfile', { xmlns: WLAN_NS },
    el('name', undefined, input.ssid),
    el('SSIDConfig', undefined,
      el('SSID', undefined, el('hex', undefined, hex), el('name', undefined, input.ssid)),
      input.hidden ? el('nonBroadcast', undefined, 'true') : undefined),
    el('connectionType', undefined, 'ESS'),
    el('connectionMode', undefined, input.autoConnect ? 'auto' : 'manual'),
    el('MSM', undefined, security(input.security)),
  ), { declaration: true });
}
