// Graph's windowsWifiConfiguration / windowsWifiEnterpriseEAPConfiguration → the WiFi CSP: the
// WLAN profile XML, and the proxy nodes beside it.
import { wifiProfile } from '../../../protocol/windows/csp-settings/paths.js';
import { wlanProfileXml, type WlanSecurity } from '../../../protocol/windows/csp-settings/wlan-profile.js';
import type { NotApplicable, SettingsReader } from '../translation.js';
import type { WindowsFamilyTranslator } from './types.js';

function security(r: SettingsReader, notApplicable: NotApplicable[]): WlanSecurity {
  const type = r.str('wifiSecurityType') ?? 'open';
  const key = r.str('preSharedKey') ?? '';
  switch (type) {
    case 'wep': return { kind: 'wep', key };
    case 'wpaPersonal': return { kind: 'psk', authentication: 'WPAPSK', key };
    case 'wpa2Personal': return { kind: 'psk', authentication: 'WPA2PSK', key };
    case 'wpaEnterprise': case 'wpa2Enterprise': {
      const eapType = r.str('eapType') ?? 'eapTls';
      const method = eapType === 'peap' ? 'peap' : 'tls';
      if (eapType !== 'peap' && eapType !== 'eapTls') {
        notApplicable.push({ setting: 'eapType', reason: `Steward writes EAP-TLS and PEAP WLAN profiles for Windows; ${eapType} is not translated (EAP-TLS is used).` });
      }
      return {
        kind: 'enterprise',
        authentication: type === 'wpaEnterprise' ? 'WPA' : 'WPA2',
        eap: { method, serverNames: r.strings('trustedServerCertificateNames'), disableUserPromptForServerValidation: r.on('disableUserPromptForServerValidation') },
      };
    }
    default: return { kind: 'open' };
  }
}

export const windowsWifi: WindowsFamilyTranslator = (r) => {
  const notApplicable: NotApplicable[] = [];
  const ssid = r.str('ssid') ?? '';
  r.touch('networkName'); // the profile is named for its SSID on Windows
  const xml = wlanProfileXml({
    ssid,
    hidden: r.on('connectWhenNetworkNameIsHidden'),
    autoConnect: r.bool('connectAutomatically') ?? true,
    security: security(r, notApplicable),
  });
  const base = wifiProfile(ssid);
  const settings = [{ locUri: `${base}/WlanXml`, format: 'chr' as const, value: xml, ...(r.str('preSharedKey') ? { secret: true as const } : {}) }];
  switch (r.str('proxySetting')) {
    case 'manual': {
      const address = r.str('proxyManualAddress');
      const port = r.int('proxyManualPort');
      if (address !== undefined) settings.push({ locUri: `${base}/Proxy`, format: 'chr', value: port === undefined ? address : `${address}:${port}` });
      break;
    }
    case 'automatic': {
      const pac = r.str('proxyAutomaticConfigurationUrl');
      if (pac !== undefined) settings.push({ locUri: `${base}/ProxyPacUrl`, format: 'chr', value: pac });
      break;
    }
    default:
      r.touch('proxyManualAddress', 'proxyManualPort', 'proxyAutomaticConfigurationUrl');
  }
  return { settings, notApplicable };
};
