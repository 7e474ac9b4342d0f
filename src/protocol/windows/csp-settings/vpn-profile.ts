// The VPNv2 CSP's ProfileXML (./Vendor/MSFT/VPNv2/<ProfileName>/ProfileXML): one document with
// the whole profile. Schema: learn.microsoft.com/windows/client-management/mdm/vpnv2-profile-xsd.
import { el, renderXml, type XmlNode } from '../xml.js';

export interface VpnRoute { address: string; prefixSize: number }

export type VpnConnection =
  | { kind: 'native'; protocol: 'Automatic' | 'IKEv2' | 'L2tp' | 'Pptp'; userMethod: 'Eap' | 'Mschapv2'; machineCertificate: boolean; eapXml?: string }
  | { kind: 'plugin'; packageFamilyName: string; customConfiguration?: string };

export interface VpnProfileInput {
  servers: readonly string[];
  connection: VpnConnection;
  splitTunnel: boolean;
  alwaysOn: boolean;
  rememberCredentials: boolean;
  deviceTunnel: boolean;
  registerDns: boolean;
  dnsSuffixes: readonly string[];
  trustedNetworkDomains: readonly string[];
  routes: readonly VpnRoute[];
  proxy?: { server?: string; autoConfigUrl?: string };
}

export function vpnProfileXml(input: VpnProfileInput): string {
  const servers = input.servers.join(';');
  const routing = input.splitTunnel ? 'SplitTunnel' : 'ForceTunnel';
  let connection: XmlNode;
  if (input.connection.kind === 'native') {
    const c = input.connection;
    connection = el('NativeProfile', undefined,
      el('Servers', undefined, servers),
      el('RoutingPolicyType', undefined, routing),
      el('NativeProtocolType', undefined, c.protocol),
      el('Authentication', undefined,
        c.machineCertificate ? el('MachineMethod', undefined, 'Certificate') : el('UserMethod', undefined, c.userMethod),
        !c.machineCertificate && c.userMethod === 'Eap' && c.eapXml !== undefined ? el('Eap', undefined, el('Configuration', undefined, c.eapXml)) : undefined),
    );
  } else {
    connection = el('PluginProfile', undefined,
      el('ServerUrlList', undefined, servers),
      input.connection.customConfiguration !== undefined ? el('CustomConfiguration', undefined, input.connection.customConfiguration) : undefined,
      el('PluginPackageFamilyName', undefined, input.connection.packageFamilyName));
  }
  const proxy = input.proxy && (input.proxy.server || input.proxy.autoConfigUrl)
    ? el('Proxy', undefined,
      input.proxy.server ? el('Manual', undefined, el('Server', undefined, input.proxy.server)) : undefined,
      input.proxy.autoConfigUrl ? el('AutoConfigUrl', undefined, input.proxy.autoConfigUrl) : undefined)
    : undefined;
  return renderXml(el('VPNProfile', undefined,
    connection,
    ...input.routes.map((r) => el('Route', undefined, el('Address', undefined, r.address), el('PrefixSize', undefined, String(r.prefixSize)))),
    proxy,
    input.alwaysOn ? el('AlwaysOn', undefined, 'true') : undefined,
    input.deviceTunnel ? el('DeviceTunnel', undefined, 'true') : undefined,
    el('RememberCredentials', undefined, String(input.rememberCredentials)),
    input.registerDns ? el('RegisterDNS', undefined, 'true') : undefined,
    input.dnsSuffixes.length > 0 ? el('DnsSuffix', undefined, input.dnsSuffixes.join(',')) : undefined,
    input.trustedNetworkDomains.length > 0 ? el('TrustedNetworkDetection', undefined, input.trustedNetworkDomains.join(',')) : undefined,
  ));
}
