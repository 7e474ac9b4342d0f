// Checks across properties that Graph's types alone cannot express, per family: a Wi-Fi profile
// names its network, a personal network has a usable key, a SCEP profile names its server… Each
// failure names the property, as the type checks do.
import { invalidInput } from '../errors.js';
import type { ConfigurationFamily } from './catalog.js';
import { checkImapEmail } from './extension-types.js';

const str = (s: Record<string, unknown>, k: string): string | undefined => (typeof s[k] === 'string' && s[k] !== '' ? s[k] : undefined);

function checkPreSharedKey(settings: Record<string, unknown>, security: string | undefined): void {
  const key = str(settings, 'preSharedKey');
  if (security === 'wep') {
    if (key !== undefined && ![5, 13].includes(key.length) && !/^([0-9a-fA-F]{10}|[0-9a-fA-F]{26})$/.test(key)) {
      throw invalidInput('preSharedKey: a WEP key is 5 or 13 characters, or 10 or 26 hexadecimal digits.', 'preSharedKey');
    }
    return;
  }
  if (security === 'wpaPersonal' || security === 'wpa2Personal') {
    if (key === undefined) throw invalidInput(`preSharedKey is required for ${security}.`, 'preSharedKey');
    // IEEE 802.11i: a passphrase of 8 to 63 ASCII characters, or the 256-bit key as 64 hex digits.
    if (!/^[\x20-\x7e]{8,63}$/.test(key) && !/^[0-9a-fA-F]{64}$/.test(key)) {
      throw invalidInput('preSharedKey: a WPA passphrase is 8 to 63 printable ASCII characters, or 64 hexadecimal digits.', 'preSharedKey');
    }
  }
}

/** `type`: the profile's Graph (or Steward) type, for checks that differ by platform. */
export function checkFamily(family: ConfigurationFamily, settings: Record<string, unknown>, type?: string): void {
  switch (family) {
    case 'wifi': {
      const ssid = str(settings, 'ssid');
      if (ssid === undefined) throw invalidInput('ssid is required.', 'ssid');
      if (Buffer.byteLength(ssid, 'utf8') > 32) throw invalidInput('ssid: an SSID is at most 32 bytes.', 'ssid');
      checkPreSharedKey(settings, str(settings, 'wiFiSecurityType') ?? str(settings, 'wifiSecurityType'));
      const proxy = str(settings, 'proxySettings') ?? str(settings, 'proxySetting');
      if (proxy === 'manual' && str(settings, 'proxyManualAddress') === undefined) throw invalidInput('proxyManualAddress is required for a manual proxy.', 'proxyManualAddress');
      if (proxy === 'automatic' && str(settings, 'proxyAutomaticConfigurationUrl') === undefined) throw invalidInput('proxyAutomaticConfigurationUrl is required for an automatic proxy.', 'proxyAutomaticConfigurationUrl');
      const port = settings.proxyManualPort;
      if (typeof port === 'number' && (port < 1 || port > 65535)) throw invalidInput('proxyManualPort must be from 1 to 65535.', 'proxyManualPort');
      return;
    }
    case 'vpn':
      if (str(settings, 'connectionName') === undefined) throw invalidInput('connectionName is required.', 'connectionName');
      return;
    case 'email':
      if (str(settings, 'hostName') === undefined) throw invalidInput('hostName is required.', 'hostName');
      return;
    case 'imapEmail':
      checkImapEmail(settings, type);
      return;
    case 'trustedRoot':
      if (str(settings, 'trustedRootCertificate') === undefined) throw invalidInput('trustedRootCertificate is required (the DER certificate, base64).', 'trustedRootCertificate');
      return;
    case 'scep': {
      const urls = settings.scepServerUrls;
      if (!Array.isArray(urls) || urls.length === 0) throw invalidInput('scepServerUrls needs at least one URL.', 'scepServerUrls');
      for (const u of urls) {
        if (typeof u !== 'string' || !URL.canParse(u) || !/^https?:$/.test(new URL(u).protocol)) throw invalidInput(`scepServerUrls: '${String(u)}' is not an http(s) URL.`, 'scepServerUrls');
      }
      return;
    }
    case 'custom': {
      if ('payload' in settings || 'payloadName' in settings) {
        if (str(settings, 'payload') === undefined) throw invalidInput('payload is required (the .mobileconfig, base64).', 'payload');
        return;
      }
      const oma = settings.omaSettings;
      if (oma !== undefined && oma !== null && !Array.isArray(oma)) throw invalidInput('omaSettings must be an array.', 'omaSettings');
      for (const [n, s] of (Array.isArray(oma) ? oma as Record<string, unknown>[] : []).entries()) {
        const uri = s.omaUri;
        if (typeof uri !== 'string' || !uri.startsWith('./')) throw invalidInput(`omaSettings[${n}].omaUri must be an OMA-URI starting with ./`, `omaSettings[${n}].omaUri`);
      }
      return;
    }
    case 'general':
      return;
  }
}
