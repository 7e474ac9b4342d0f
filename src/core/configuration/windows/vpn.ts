// Graph's windows10VpnConfiguration → the VPNv2 CSP's ProfileXML.
import { vpnProfile } from '../../../protocol/windows/csp-settings/paths.js';
import { vpnProfileXml, type VpnConnection } from '../../../protocol/windows/csp-settings/vpn-profile.js';
import type { NotApplicable } from '../translation.js';
import type { WindowsFamilyTranslator } from './types.js';

/** Vendor VPN apps' package family names, as Microsoft's VPNv2 documentation lists them. */
const PLUGIN: Record<string, string> = {
  dellSonicWallMobileConnect: 'SonicWALL.MobileConnect_cw5n1h2txyewy',
  f5EdgeClient: 'F5Networks.vpn.client_cw5n1h2txyewy',
  checkPointCapsuleVpn: 'CheckPoint.VPN_cw5n1h2txyewy',
  pulseSecure: 'PulseSecure.VPN_cw5n1h2txyewy',
};
const NATIVE: Record<string, 'Automatic' | 'IKEv2' | 'L2tp' | 'Pptp'> = { automatic: 'Automatic', ikEv2: 'IKEv2', l2tp: 'L2tp', pptp: 'Pptp' };

export const windowsVpn: WindowsFamilyTranslator = (r, target) => {
  const notApplicable: NotApplicable[] = [];
  const name = r.str('connectionName') ?? target.profile.displayName;
  const type = r.str('connectionType') ?? 'ikEv2';
  const method = r.str('authenticationMethod') ?? 'usernameAndPassword';
  let connection: VpnConnection;
  if (NATIVE[type]) {
    const eapXml = r.str('eapXml');
    connection = {
      kind: 'native', protocol: NATIVE[type], machineCertificate: method === 'certificate' && r.on('enableDeviceTunnel'),
      userMethod: method === 'usernameAndPassword' ? 'Mschapv2' : 'Eap',
      ...(eapXml !== undefined ? { eapXml: Buffer.from(eapXml, 'base64').toString('utf8') } : {}),
    };
  } else if (PLUGIN[type]) {
    const custom = r.str('customXml');
    connection = { kind: 'plugin', packageFamilyName: PLUGIN[type], ...(custom !== undefined ? { customConfiguration: Buffer.from(custom, 'base64').toString('utf8') } : {}) };
  } else {
    notApplicable.push({ setting: 'connectionType', reason: `${type} has no VPN plug-in Steward knows for Windows.` });
    return { settings: [], notApplicable };
  }
  const servers = r.objects('servers').map((s) => s.address).filter((a): a is string => typeof a === 'string' && a !== '');
  const routes = r.objects('routes').flatMap((x) => (typeof x.destinationPrefix === 'string' && typeof x.prefixSize === 'number' ? [{ address: x.destinationPrefix, prefixSize: x.prefixSize }] : []));
  const proxy = r.object('proxyServer');
  const xml = vpnProfileXml({
    servers,
    connection,
    splitTunnel: r.on('enableSplitTunneling'),
    alwaysOn: r.on('enableAlwaysOn'),
    rememberCredentials: r.on('rememberUserCredentials'),
    deviceTunnel: r.on('enableDeviceTunnel'),
    registerDns: r.on('enableDnsRegistration'),
    dnsSuffixes: r.strings('dnsSuffixes'),
    trustedNetworkDomains: r.strings('trustedNetworkDomains'),
    routes,
    ...(proxy ? { proxy: {
      ...(typeof proxy.address === 'string' && proxy.address !== '' ? { server: typeof proxy.port === 'number' ? `${proxy.address}:${proxy.port}` : proxy.address } : {}),
      ...(typeof proxy.automaticConfigurationScriptUrl === 'string' && proxy.automaticConfigurationScriptUrl !== '' ? { autoConfigUrl: proxy.automaticConfigurationScriptUrl } : {}),
    } } : {}),
  });
  const user = (r.str('profileTarget') ?? 'user') === 'user' && !r.on('enableDeviceTunnel');
  return { settings: [{ locUri: `${vpnProfile(name, user)}/ProfileXML`, format: 'chr', value: xml }], notApplicable };
};
