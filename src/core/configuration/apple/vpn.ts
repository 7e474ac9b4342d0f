// Graph's iOS/macOS VPN profiles (appleVpnConfiguration) → com.apple.vpn.managed.
import type { PlistDict } from '../../../protocol/apple/plist.js';
import type { NotApplicable, SettingsReader } from '../translation.js';
import type { AppleFamilyTranslator } from './types.js';

/**
 * Vendor connection types → the VPN apps' provider bundle identifiers (VPNSubType), as the vendors
 * publish them for MDM profiles. A connection type not listed is reported notApplicable.
 */
const VENDOR_BUNDLE: Record<string, string> = {
  ciscoAnyConnectV2: 'com.cisco.anyconnect',
  paloAltoGlobalProtectV2: 'com.paloaltonetworks.globalprotect.vpn',
  f5Access2018: 'com.f5.access.ios',
  pulseSecure: 'net.pulsesecure.PulseSecure.vpnplugin',
  zscalerPrivateAccess: 'com.zscaler.zscaler.vpn',
  citrixSso: 'com.citrix.NetScalerGateway.ios.app',
};

const ON_DEMAND_ACTION: Record<string, string> = { connect: 'Connect', evaluateConnection: 'EvaluateConnection', ignore: 'Ignore', disconnect: 'Disconnect' };
const INTERFACE: Record<string, string> = { ethernet: 'Ethernet', wiFi: 'WiFi', cellular: 'Cellular' };
const DOMAIN_ACTION: Record<string, string> = { connectIfNeeded: 'ConnectIfNeeded', neverConnect: 'NeverConnect' };

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);

/** Graph's vpnOnDemandRule → Apple's OnDemandRules item. */
function onDemandRule(rule: Record<string, unknown>): PlistDict {
  const out: PlistDict = { Action: ON_DEMAND_ACTION[String(rule.action)] ?? 'Connect' };
  const ssids = strings(rule.ssids);
  if (ssids.length > 0) out.SSIDMatch = ssids;
  const dns = strings(rule.dnsSearchDomains);
  if (dns.length > 0) out.DNSDomainMatch = dns;
  const servers = strings(rule.dnsServerAddressMatch);
  if (servers.length > 0) out.DNSServerAddressMatch = servers;
  if (typeof rule.probeUrl === 'string' && rule.probeUrl !== '') out.URLStringProbe = rule.probeUrl;
  const iface = INTERFACE[String(rule.interfaceTypeMatch)];
  if (iface) out.InterfaceTypeMatch = iface;
  if (out.Action === 'EvaluateConnection') {
    const param: PlistDict = { Domains: strings(rule.domains), DomainAction: DOMAIN_ACTION[String(rule.domainAction)] ?? 'ConnectIfNeeded' };
    if (typeof rule.probeRequiredUrl === 'string' && rule.probeRequiredUrl !== '') param.RequiredURLStringProbe = rule.probeRequiredUrl;
    out.ActionParameters = [param];
  }
  return out;
}

function onDemand(r: SettingsReader, into: PlistDict): void {
  const rules = r.objects('onDemandRules');
  if (rules.length === 0) return;
  into.OnDemandEnabled = 1;
  into.OnDemandRules = rules.map(onDemandRule);
  if (r.on('disableOnDemandUserOverride')) into.OnDemandUserOverrideDisabled = 1;
}

function serverAddress(r: SettingsReader): string {
  const server = r.object('server');
  const address = server?.address ?? server?.ipAddressOrFqdn;
  return typeof address === 'string' ? address : '';
}

export const appleVpn: AppleFamilyTranslator = (r, target) => {
  const notApplicable: NotApplicable[] = [];
  const type = r.str('connectionType') ?? 'ikEv2';
  const method = r.str('authenticationMethod') ?? 'usernameAndPassword';
  const name = r.str('connectionName') ?? target.profile.displayName;
  const c: PlistDict = { UserDefinedName: name };
  const address = serverAddress(r);
  const idle = r.on('disconnectOnIdle') ? r.int('disconnectOnIdleTimerInSeconds') : (r.touch('disconnectOnIdleTimerInSeconds'), undefined);

  if (type === 'ikEv2') {
    const ike: PlistDict = { RemoteAddress: address, RemoteIdentifier: address };
    if (method === 'certificate') ike.AuthenticationMethod = 'Certificate';
    else {
      // EAP with the user's name and password: IKEv2 "None" plus extended authentication.
      ike.AuthenticationMethod = 'None';
      ike.ExtendedAuthEnabled = 1;
      if (method !== 'usernameAndPassword') notApplicable.push({ setting: 'authenticationMethod', reason: `${method} is not available for IKEv2 on Apple devices; username and password is used.` });
    }
    if (idle !== undefined) { ike.DisconnectOnIdle = 1; ike.DisconnectOnIdleTimer = idle; }
    if (r.on('includeAllNetworks')) ike.IncludeAllNetworks = 1;
    if (r.on('excludeLocalNetworks')) ike.ExcludeLocalNetworks = 1;
    onDemand(r, ike);
    c.VPNType = 'IKEv2';
    c.IKEv2 = ike;
  } else if (type === 'ciscoIPSec') {
    const ipsec: PlistDict = { RemoteAddress: address, AuthenticationMethod: 'Certificate' };
    if (method !== 'certificate') { ipsec.XAuthEnabled = 1; ipsec.AuthenticationMethod = 'SharedSecret'; }
    if (idle !== undefined) { ipsec.DisconnectOnIdle = 1; ipsec.DisconnectOnIdleTimer = idle; }
    onDemand(r, ipsec);
    c.VPNType = 'IPSec';
    c.IPSec = ipsec;
  } else {
    const bundle = type === 'customVpn' ? r.str('identifier') : VENDOR_BUNDLE[type];
    if (bundle === undefined) {
      notApplicable.push({ setting: 'connectionType', reason: `${type} has no VPN provider Steward knows for ${target.platform}; use customVpn with the app's bundle identifier.` });
      return { payloads: [], notApplicable };
    }
    r.touch('identifier');
    // RemoteAddress in the VPN dictionary is where Apple Configurator puts a vendor VPN's server.
    const vpn: PlistDict = { RemoteAddress: address, AuthenticationMethod: method === 'certificate' ? 'Certificate' : 'Password' };
    if (idle !== undefined) { vpn.DisconnectOnIdle = 1; vpn.DisconnectOnIdleTimer = idle; }
    if (r.on('includeAllNetworks')) vpn.IncludeAllNetworks = 1;
    if (r.on('excludeLocalNetworks')) vpn.ExcludeLocalNetworks = 1;
    onDemand(r, vpn);
    const vendor: PlistDict = {};
    for (const [key, name] of [['realm', 'Realm'], ['role', 'Role'], ['loginGroupOrDomain', 'LoginGroupOrDomain']] as const) {
      const v = r.str(key);
      if (v !== undefined) vendor[name] = v;
    }
    for (const kv of [...r.objects('customData'), ...r.objects('customKeyValueData')]) {
      const k = kv.key ?? kv.name;
      if (typeof k === 'string' && typeof kv.value === 'string') vendor[k] = kv.value;
    }
    c.VPNType = 'VPN';
    c.VPNSubType = bundle;
    c.VPN = vpn;
    if (Object.keys(vendor).length > 0) c.VendorConfig = vendor;
  }
  // Split tunnelling: without it, all traffic goes through the VPN (OverridePrimary).
  c.IPv4 = { OverridePrimary: r.on('enableSplitTunneling') ? 0 : 1 };
  const proxy = r.object('proxyServer');
  if (proxy) {
    const proxies: PlistDict = {};
    if (typeof proxy.automaticConfigurationScriptUrl === 'string' && proxy.automaticConfigurationScriptUrl !== '') {
      proxies.ProxyAutoConfigEnable = 1;
      proxies.ProxyAutoConfigURLString = proxy.automaticConfigurationScriptUrl;
    }
    if (typeof proxy.address === 'string' && proxy.address !== '') {
      proxies.HTTPEnable = 1; proxies.HTTPProxy = proxy.address; proxies.HTTPSEnable = 1; proxies.HTTPSProxy = proxy.address;
      if (typeof proxy.port === 'number') { proxies.HTTPPort = proxy.port; proxies.HTTPSPort = proxy.port; }
    }
    if (Object.keys(proxies).length > 0) c.Proxies = proxies;
  }
  return { payloads: [{ type: 'com.apple.vpn.managed', suffix: 'vpn', displayName: `VPN ${name}`, content: c }], notApplicable };
};
