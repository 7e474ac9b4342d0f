// What the answers to the inventory Gets fill: Graph's managedDevice properties and the Windows
// facts compliance reads. Pure. Node meanings are the CSP pages' (devdetail-csp, devicestatus-csp).
import type { ManagedDevice } from '../devices/managed-device.js';
import { DEV_DETAIL, DEV_INFO, DEVICE_STATUS, POLICY_RESULT } from '../../protocol/windows/csp.js';
import { isSyncmlSuccess } from '../../protocol/windows/syncml-status.js';
import type { WindowsCommandResponse } from './command-answer.js';
import type { SecureBootState, WindowsFacts } from './inventory-ports.js';

export type WindowsDeviceFields = Partial<Pick<ManagedDevice, 'deviceName' | 'osVersion' | 'model' | 'manufacturer' | 'serialNumber' | 'isEncrypted' | 'physicalMemoryInBytes'>>;

/**
 * The same node as Steward names it: case-insensitive (Microsoft's samples write both DevId and
 * DevID), and ./Device/… is the device-targeted form of ./… ("User targeted vs. Device targeted").
 */
export function nodeKey(locUri: string): string {
  return locUri.trim().replace(/^\.\/device\//i, './').replace(/\/+$/, '').toLowerCase();
}

const int = (v: string): number | undefined => (/^-?\d{1,15}$/.test(v.trim()) ? Number(v.trim()) : undefined);
const textOf = (v: string): string | undefined => (v.trim() === '' ? undefined : v.trim());

type FactKey = keyof Omit<WindowsFacts, 'reportedAt' | 'loginStatus'>;

/** How each node's text becomes a fact (undefined: not understood, the fact keeps its value). */
const FACTS: ReadonlyMap<string, { key: FactKey; read: (v: string) => WindowsFacts[FactKey] | undefined }> = new Map(([
  [DEV_INFO.dmV, 'dmClientVersion', textOf],
  [DEV_INFO.lang, 'language', textOf],
  [DEV_DETAIL.osPlatform, 'osPlatform', textOf],
  [DEV_DETAIL.fwV, 'firmwareVersion', textOf],
  [DEV_DETAIL.hwV, 'hardwareVersion', textOf],
  [DEV_DETAIL.localTime, 'localTime', textOf],
  [DEV_DETAIL.dnsComputerName, 'dnsComputerName', textOf],
  [DEV_DETAIL.processorArchitecture, 'processorArchitecture', textOf],
  [DEV_DETAIL.totalRam, 'totalRamMb', int],
  [DEVICE_STATUS.secureBootState, 'secureBootState', (v: string): SecureBootState | undefined => ({ 0: 'notSupported', 1: 'enabled', 2: 'disabled' } as Record<number, SecureBootState>)[int(v) ?? -1]],
  [DEVICE_STATUS.encryptionCompliance, 'encryptionCompliant', (v: string) => (int(v) === 1 ? true : int(v) === 0 ? false : undefined)],
  [DEVICE_STATUS.tpmSpecificationVersion, 'tpmSpecificationVersion', textOf],
  [DEVICE_STATUS.osEdition, 'osEdition', textOf],
  [DEVICE_STATUS.osMode, 'sMode', (v: string) => (int(v) === 1 ? true : int(v) === 0 ? false : undefined)],
  [DEVICE_STATUS.antivirusStatus, 'antivirusStatus', int],
  [DEVICE_STATUS.antivirusSignatureStatus, 'antivirusSignatureStatus', int],
  [DEVICE_STATUS.antispywareStatus, 'antispywareStatus', int],
  [DEVICE_STATUS.antispywareSignatureStatus, 'antispywareSignatureStatus', int],
  [DEVICE_STATUS.firewallStatus, 'firewallStatus', int],
  [DEVICE_STATUS.uacStatus, 'uacStatus', int],
  [DEVICE_STATUS.batteryStatus, 'batteryStatus', int],
  [DEVICE_STATUS.batteryEstimatedChargeRemaining, 'batteryEstimatedChargeRemaining', int],
  [DEVICE_STATUS.batteryEstimatedRuntime, 'batteryEstimatedRuntime', int],
  // DomainName is '' when the PC is not domain-joined: an answer, kept as such.
  [DEVICE_STATUS.domainName, 'domainName', (v: string) => v.trim()],
  [DEVICE_STATUS.vbsHardwareRequirements, 'vbsHardwareRequirements', int],
  [DEVICE_STATUS.vbsStatus, 'vbsStatus', int],
  [DEVICE_STATUS.credentialGuardStatus, 'credentialGuardStatus', int],
  // 0 means enabled: the CSP's inverted sense.
  [POLICY_RESULT.devicePasswordEnabled, 'devicePasswordEnabled', (v: string) => (int(v) === 0 ? true : int(v) === 1 ? false : undefined)],
] as const).map(([uri, key, read]) => [nodeKey(uri), { key, read: read }]));

/** How each node's text becomes a managedDevice property. */
const FIELDS: ReadonlyMap<string, (v: string, out: WindowsDeviceFields) => void> = new Map<string, (v: string, out: WindowsDeviceFields) => void>([
  [nodeKey(DEV_DETAIL.swV), (v, o) => { const t = textOf(v); if (t !== undefined) o.osVersion = t; }],
  [nodeKey(DEV_DETAIL.oem), (v, o) => { const t = textOf(v); if (t !== undefined) o.manufacturer = t; }],
  [nodeKey(DEV_DETAIL.devTyp), (v, o) => { const t = textOf(v); if (t !== undefined) o.model = t; }],
  [nodeKey(DEV_DETAIL.deviceName), (v, o) => { const t = textOf(v); if (t !== undefined) o.deviceName = t; }],
  [nodeKey(DEV_DETAIL.smbiosSerialNumber), (v, o) => { const t = textOf(v); if (t !== undefined) o.serialNumber = t; }],
  [nodeKey(DEV_DETAIL.totalRam), (v, o) => { const mb = int(v); if (mb !== undefined && mb >= 0) o.physicalMemoryInBytes = mb * 1024 * 1024; }],
  [nodeKey(DEVICE_STATUS.encryptionCompliance), (v, o) => { const n = int(v); if (n === 0 || n === 1) o.isEncrypted = n === 1; }],
]);

/** The managedDevice properties and facts in an inventory answer; a node not answered changes nothing. */
export function inventoryFromResponse(response: WindowsCommandResponse): { fields: WindowsDeviceFields; facts: WindowsFacts } {
  const fields: WindowsDeviceFields = {};
  const facts: WindowsFacts = {};
  const factsOut = facts as Record<FactKey, WindowsFacts[FactKey]>;
  for (const r of response.results) {
    const key = nodeKey(r.target);
    const data = r.data ?? '';
    FIELDS.get(key)?.(data, fields);
    const fact = FACTS.get(key);
    if (fact) {
      const v = fact.read(data);
      if (v !== undefined) factsOut[fact.key] = v;
    }
  }
  // A node the PC does not have (404 for its item): the fact is known to be absent.
  for (const s of response.statuses) {
    if (s.target === undefined || isSyncmlSuccess(s.code) || s.code !== '404') continue;
    const fact = FACTS.get(nodeKey(s.target));
    if (fact && !(fact.key in facts)) factsOut[fact.key] = null;
  }
  return { fields, facts };
}
