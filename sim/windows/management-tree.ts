// The management tree of a simulated Windows PC: the CSP nodes a server reads and executes, with
// the values and the status codes the CSP pages document (learn.microsoft.com/windows/
// client-management/mdm/devdetail-csp, devicestatus-csp, remotewipe-csp, remotelock-csp,
// reboot-csp, dmclient-csp). Written from those pages, not from Steward's code: the simulator
// must disagree with the server where the server is wrong.

export interface PCHardware {
  osVersion: string;
  /** DevDetail/Ext/Microsoft/OSPlatform (ProductName). */
  osPlatform: string;
  /** DeviceStatus/OS/Edition: the SKU number (48 Pro, 4 Enterprise, 136 Holographic for Business). */
  edition: number;
  manufacturer: string;
  model: string;
  serialNumber: string;
  deviceName: string;
  biosVersion: string;
  totalRamMb: number;
  /** false: the PC predates Windows 10 version 1809 and has no SMBIOSSerialNumber node (404). */
  hasSmbiosSerialNode: boolean;
  /** null: no TPM (its node answers 404). */
  tpmVersion: string | null;
  /** null: a desktop without a battery (404). */
  battery: { status: number; chargeRemaining: number; runtime: number } | null;
  bitLocker: boolean;
  /** 0 not supported, 1 enabled, 2 disabled. */
  secureBoot: 0 | 1 | 2;
  firewallStatus: number;
  antivirusStatus: number;
  antivirusSignatureStatus: number;
  domainName: string;
  /** The person at the PC has set a PIN (RemoteLock answers 405 without one). */
  hasPin: boolean;
  /**
   * A password is required to sign in without any MDM policy (set locally or by Group Policy):
   * what Policy/Result/DeviceLock/DevicePasswordEnabled reports (0) unless an MDM server has
   * set Policy/Config/DeviceLock/DevicePasswordEnabled, whose value then wins.
   */
  devicePasswordEnabled: boolean;
}

export function defaultHardware(overrides: Partial<PCHardware> = {}): PCHardware {
  return {
    osVersion: '10.0.22631.4460',
    osPlatform: 'Windows 11 Pro',
    edition: 48,
    manufacturer: 'Contoso Computers',
    model: 'Contoso Laptop 14',
    serialNumber: 'CC14-0042-7731',
    deviceName: 'DESKTOP-SIM',
    biosVersion: 'CC14.1.22',
    totalRamMb: 16_384,
    hasSmbiosSerialNode: true,
    tpmVersion: '2.0',
    battery: { status: 2, chargeRemaining: 87, runtime: 14_400 },
    bitLocker: true,
    secureBoot: 1,
    firewallStatus: 0,
    antivirusStatus: 0,
    antivirusSignatureStatus: 1,
    domainName: '',
    hasPin: true,
    devicePasswordEnabled: true,
    ...overrides,
  };
}

export interface NodeValue {
  format: 'chr' | 'int' | 'bool' | 'node';
  value: string;
}

export interface ExecEffect {
  target: string;
  data: string | undefined;
}

export type Answer = { status: string; format?: string; data?: string };

const isMobileOrHolographic = (edition: number) => [104, 133, 135, 136].includes(edition);

const DEVICE_PASSWORD_CONFIG = './vendor/msft/policy/config/devicelock/devicepasswordenabled';
const DEVICE_PASSWORD_RESULT = './vendor/msft/policy/result/devicelock/devicepasswordenabled';

/** The same node however a server writes it: case-insensitive, ./Device/… as ./… . */
export function canonical(uri: string): string {
  return uri.trim().replace(/^\.\/device\//i, './').toLowerCase();
}

export class ManagementTree {
  private readonly nodes = new Map<string, NodeValue>();
  /** Exec commands carried out, in order (wipes, reboots, locks, unenroll). */
  readonly executed: ExecEffect[] = [];
  /** Nodes whose Delete is refused, with the status to answer (refuseDelete). */
  private readonly undeletable = new Map<string, string>();

  constructor(readonly hardware: PCHardware, readonly ids: { deviceId: string; providerId: string; language?: string }) {
    const h = hardware;
    const set = (uri: string, value: string | number | null | undefined, format: NodeValue['format'] = typeof value === 'number' ? 'int' : 'chr') => {
      if (value === null || value === undefined) return;
      this.nodes.set(canonical(uri), { format, value: String(value) });
    };
    set('./DevInfo/DevId', ids.deviceId);
    set('./DevInfo/Man', 'Microsoft Corporation');
    set('./DevInfo/Mod', h.osPlatform);
    set('./DevInfo/DmV', '1.3');
    set('./DevInfo/Lang', ids.language ?? 'en-US');
    set('./DevDetail/DevTyp', h.model);
    set('./DevDetail/OEM', h.manufacturer);
    set('./DevDetail/FwV', h.biosVersion);
    set('./DevDetail/SwV', h.osVersion);
    set('./DevDetail/HwV', h.biosVersion);
    set('./DevDetail/Ext/Microsoft/OSPlatform', h.osPlatform);
    set('./DevDetail/Ext/Microsoft/LocalTime', '2026-03-02T11:00:05.0000000+01:00');
    set('./DevDetail/Ext/Microsoft/DeviceName', h.deviceName);
    set('./DevDetail/Ext/Microsoft/DNSComputerName', h.deviceName);
    set('./DevDetail/Ext/Microsoft/TotalRAM', h.totalRamMb);
    set('./DevDetail/Ext/Microsoft/ProcessorArchitecture', '9');
    if (h.hasSmbiosSerialNode) set('./DevDetail/Ext/Microsoft/SMBIOSSerialNumber', h.serialNumber);
    const ds = './Vendor/MSFT/DeviceStatus';
    set(`${ds}/SecureBootState`, h.secureBoot);
    set(`${ds}/Compliance/EncryptionCompliance`, h.bitLocker ? 1 : 0);
    set(`${ds}/TPM/SpecificationVersion`, h.tpmVersion);
    set(`${ds}/OS/Edition`, String(h.edition));
    set(`${ds}/OS/Mode`, 0);
    set(`${ds}/Antivirus/Status`, h.antivirusStatus);
    set(`${ds}/Antivirus/SignatureStatus`, h.antivirusSignatureStatus);
    set(`${ds}/Antispyware/Status`, 0);
    set(`${ds}/Antispyware/SignatureStatus`, 1);
    set(`${ds}/Firewall/Status`, h.firewallStatus);
    set(`${ds}/UAC/Status`, 1);
    if (h.battery) {
      set(`${ds}/Battery/Status`, h.battery.status);
      set(`${ds}/Battery/EstimatedChargeRemaining`, h.battery.chargeRemaining);
      set(`${ds}/Battery/EstimatedRuntime`, h.battery.runtime);
    }
    set(`${ds}/DomainName`, h.domainName);
    set(`${ds}/DeviceGuard/VirtualizationBasedSecurityHwReq`, 0);
    set(`${ds}/DeviceGuard/VirtualizationBasedSecurityStatus`, 0);
    set(`${ds}/DeviceGuard/LsaCfgCredGuardStatus`, 0);
  }

  value(uri: string): string | undefined {
    return this.nodes.get(canonical(uri))?.value;
  }

  get(uri: string): Answer {
    // Policy CSP Result: the value in effect, from the MDM policy when one is set, else the PC's own (0 enabled, 1 disabled).
    if (canonical(uri) === DEVICE_PASSWORD_RESULT) {
      const configured = this.nodes.get(DEVICE_PASSWORD_CONFIG)?.value;
      return { status: '200', format: 'int', data: configured ?? (this.hardware.devicePasswordEnabled ? '0' : '1') };
    }
    const node = this.nodes.get(canonical(uri));
    return node ? { status: '200', format: node.format, data: node.value } : { status: '404' };
  }

  replace(uri: string, data: string | undefined, format: string | undefined): Answer {
    const key = canonical(uri);
    // DevDetail: "you can't use the Replace command unless the node already exists"; most of it is read-only.
    if (key.startsWith('./devdetail/') || key.startsWith('./devinfo/') || key.startsWith('./vendor/msft/devicestatus/') || key.startsWith('./vendor/msft/policy/result/')) return { status: '405' };
    this.nodes.set(key, { format: (format as NodeValue['format'] | undefined) ?? 'chr', value: data ?? '' });
    return { status: '200' };
  }

  add(uri: string, data: string | undefined, format: string | undefined): Answer {
    if (this.nodes.has(canonical(uri))) return { status: '418' };
    return this.replace(uri, data, format);
  }

  /**
   * Makes the PC refuse to Delete this node with `status` (405: a CSP node without the Delete
   * access type, or one a local policy holds), until allowDelete.
   */
  refuseDelete(uri: string, status = '405'): void {
    this.undeletable.set(canonical(uri), status);
  }

  allowDelete(uri: string): void {
    this.undeletable.delete(canonical(uri));
  }

  /** Deletes a node and everything under it (an interior node such as a Wi-Fi profile takes its leaves along). */
  delete(uri: string): Answer {
    const key = canonical(uri);
    const refused = this.undeletable.get(key);
    if (refused !== undefined) return { status: refused };
    const below = [...this.nodes.keys()].filter((k) => k.startsWith(`${key}/`));
    if (!this.nodes.has(key) && below.length === 0) return { status: '404' };
    if (key.startsWith('./devdetail/') || key.startsWith('./devinfo/')) return { status: '405' };
    this.nodes.delete(key);
    for (const k of below) this.nodes.delete(k);
    return { status: '200' };
  }

  /** Windows Update installed a newer build: DevDetail/SwV reports it from now on. */
  installUpdate(osVersion: string): void {
    this.hardware.osVersion = osVersion;
    this.nodes.set(canonical('./DevDetail/SwV'), { format: 'chr', value: osVersion });
  }

  /** The person (or a local policy) turns the sign-in password on or off, outside MDM. */
  setDevicePassword(enabled: boolean): void {
    this.hardware.devicePasswordEnabled = enabled;
  }

  /** The nodes under a path (what a Wi-Fi profile or an account holds), by their canonical URI. */
  under(uri: string): Map<string, string> {
    const key = canonical(uri);
    return new Map([...this.nodes].filter(([k]) => k === key || k.startsWith(`${key}/`)).map(([k, v]) => [k, v.value]));
  }

  exec(uri: string, data: string | undefined): Answer {
    const key = canonical(uri);
    const done = (): Answer => {
      this.executed.push({ target: uri, data });
      return { status: '200' };
    };
    if (/^\.\/vendor\/msft\/remotewipe\/(dowipe|dowipeprotected|dowipepersistuserdata|dowipepersistprovisioneddata)$/.test(key)) return done();
    if (key === './vendor/msft/reboot/rebootnow') return done();
    if (key === './vendor/msft/remotelock/lock') {
      // remotelock-csp: Windows 10 Mobile (and Holographic) only; 405 when no PIN is set.
      if (!isMobileOrHolographic(this.hardware.edition)) return { status: '404' };
      return this.hardware.hasPin ? done() : { status: '405' };
    }
    const unenroll = /^\.\/vendor\/msft\/dmclient\/provider\/([^/]+)\/unenroll$/.exec(key);
    if (unenroll) return decodeURIComponent(unenroll[1] ?? '') === this.ids.providerId.toLowerCase() ? done() : { status: '404' };
    return { status: this.nodes.has(key) ? '405' : '404' };
  }
}
