// DeviceInformation: the queries Steward asks, and what their answers fill, in Graph's
// managedDevice and in the device's hardware facts. Pure. Query names and response keys are
// Apple's ("Device Information Command", mdm/commands/information.device.yaml).
import type { JsonValue } from '../commands/ports.js';
import type { ManagedDevice } from '../devices/managed-device.js';
import type { HardwareFacts } from './inventory-ports.js';
import { arr, bool, date, dictOf, num, text, type JsonDict } from './json-read.js';
import { modelOf } from './model-names.js';

/** What Steward asks for: the managedDevice properties, then what compliance and actions need. */
export const DEVICE_INFORMATION_QUERIES = [
  'DeviceName', 'OSVersion', 'BuildVersion', 'ProductName', 'ModelName', 'Model', 'ModelNumber', 'SerialNumber', 'UDID',
  'DeviceCapacity', 'AvailableDeviceCapacity', 'IMEI', 'MEID', 'ICCID', 'PhoneNumber', 'SubscriberCarrierNetwork',
  'ServiceSubscriptions', 'WiFiMAC', 'EthernetMAC', 'BluetoothMAC', 'IsSupervised', 'IsMultiUser', 'IsAppleSilicon',
  'BatteryLevel', 'IsActivationLockEnabled', 'IsDeviceLocatorServiceEnabled', 'IsMDMLostModeEnabled', 'IsCloudBackupEnabled',
  'LastCloudBackupDate', 'PINRequiredForDeviceLock', 'PINRequiredForEraseDevice', 'TimeZone',
] as const;

/** The managedDevice properties DeviceInformation can fill. */
export type DeviceInformationFields = Partial<Pick<ManagedDevice,
  | 'deviceName' | 'osVersion' | 'model' | 'manufacturer' | 'serialNumber' | 'udid' | 'imei' | 'meid' | 'wiFiMacAddress'
  | 'ethernetMacAddress' | 'phoneNumber' | 'subscriberCarrier' | 'isSupervised' | 'totalStorageSpaceInBytes' | 'freeStorageSpaceInBytes'>>;

/** Apple gives capacities in base-10 gigabytes, as floats. */
const gbToBytes = (gb: number) => Math.round(gb * 1e9);

/**
 * The cellular subscriptions, data-preferred first. iOS 12 and later report IMEI, MEID, phone
 * number and carrier per SIM in ServiceSubscriptions; the top-level keys are older devices' way.
 */
function subscriptions(q: JsonDict): JsonDict[] {
  const subs = (arr(q, 'ServiceSubscriptions') ?? []).map(dictOf).filter((d): d is JsonDict => d !== undefined);
  return subs.sort((a, b) => Number(bool(b, 'IsDataPreferred') ?? false) - Number(bool(a, 'IsDataPreferred') ?? false));
}

function fromSubscriptions(q: JsonDict, key: string): string | undefined {
  return text(q, key) ?? subscriptions(q).map((s) => text(s, key)).find((v) => v !== undefined);
}

/** The QueryResponses dictionary of a DeviceInformation answer, if any. */
export function queryResponsesOf(response: JsonValue | undefined): JsonDict | undefined {
  return dictOf(dictOf(response)?.QueryResponses);
}

/** The managedDevice properties in a DeviceInformation answer; a key the device left out changes nothing. */
export function deviceFieldsFromInformation(q: JsonDict, operatingSystem: string | null): DeviceInformationFields {
  const out: DeviceInformationFields = {};
  const set = <K extends keyof DeviceInformationFields>(k: K, v: DeviceInformationFields[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  const isMac = operatingSystem === 'macOS' || /^Mac/.test(text(q, 'ProductName') ?? '') || (text(q, 'ModelName') ?? '').startsWith('Mac');
  set('deviceName', text(q, 'DeviceName'));
  set('osVersion', text(q, 'OSVersion'));
  const model = modelOf({ productName: text(q, 'ProductName'), modelName: text(q, 'ModelName'), isMac });
  if (model !== undefined) {
    set('model', model);
    set('manufacturer', 'Apple');
  }
  set('serialNumber', text(q, 'SerialNumber'));
  set('udid', text(q, 'UDID'));
  set('imei', fromSubscriptions(q, 'IMEI'));
  set('meid', fromSubscriptions(q, 'MEID'));
  set('phoneNumber', fromSubscriptions(q, 'PhoneNumber'));
  set('subscriberCarrier', fromSubscriptions(q, 'SubscriberCarrierNetwork'));
  set('wiFiMacAddress', text(q, 'WiFiMAC'));
  set('ethernetMacAddress', text(q, 'EthernetMAC'));
  set('isSupervised', bool(q, 'IsSupervised'));
  const total = num(q, 'DeviceCapacity');
  const free = num(q, 'AvailableDeviceCapacity');
  if (total !== undefined && total >= 0) set('totalStorageSpaceInBytes', gbToBytes(total));
  if (free !== undefined && free >= 0) set('freeStorageSpaceInBytes', gbToBytes(free));
  return out;
}

/** The hardware facts in a DeviceInformation answer (only the keys it carries). */
export function hardwareFactsFromInformation(q: JsonDict): HardwareFacts {
  const facts: HardwareFacts = {
    productName: text(q, 'ProductName'),
    modelName: text(q, 'ModelName'),
    modelNumber: text(q, 'ModelNumber') ?? text(q, 'Model'),
    buildVersion: text(q, 'BuildVersion'),
    isAppleSilicon: bool(q, 'IsAppleSilicon'),
    iccid: fromSubscriptions(q, 'ICCID'),
    bluetoothMac: text(q, 'BluetoothMAC'),
    batteryLevel: num(q, 'BatteryLevel'),
    isActivationLockEnabled: bool(q, 'IsActivationLockEnabled'),
    isDeviceLocatorServiceEnabled: bool(q, 'IsDeviceLocatorServiceEnabled'),
    isMdmLostModeEnabled: bool(q, 'IsMDMLostModeEnabled'),
    pinRequiredForDeviceLock: bool(q, 'PINRequiredForDeviceLock'),
    pinRequiredForEraseDevice: bool(q, 'PINRequiredForEraseDevice'),
    isMultiUser: bool(q, 'IsMultiUser'),
    isCloudBackupEnabled: bool(q, 'IsCloudBackupEnabled'),
    lastCloudBackupDateTime: date(q, 'LastCloudBackupDate'),
    timeZone: text(q, 'TimeZone'),
  };
  return Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined));
}
