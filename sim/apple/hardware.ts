// The fixed facts of a simulated device: identifiers, model and OS. Values follow the formats real
// devices report (UDIDs: 25 characters "00008120-001A2B3C4D5E6F70" on A12 and later iPhones and
// iPads, a UUID on Macs; 12-character serial numbers before 2021, 10 random ones since; IMEIs of
// 15 digits with a Luhn check digit), made up at random.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';

export type DeviceKind = 'iPhone' | 'iPad' | 'Mac';
export type Platform = 'iOS' | 'macOS';

export interface Hardware {
  kind: DeviceKind;
  platform: Platform;
  udid: string;
  serialNumber: string;
  deviceName: string;
  /** Model identifier, "iPhone16,1" or "Mac15,3" (Apple's ProductName). */
  productName: string;
  /** Apple's Model: the part number on iOS ("MTLX3LL/A"), the identifier on macOS. */
  model: string;
  modelNumber: string;
  modelName: string;
  osVersion: string;
  buildVersion: string;
  /** DeviceCapacity and AvailableDeviceCapacity, in GB as Apple reports them. */
  capacityGb: number;
  availableGb: number;
  wifiMac: string;
  bluetoothMac: string;
  ethernetMac?: string;
  imei?: string;
  meid?: string;
  iccid?: string;
  phoneNumber?: string;
  isAppleSilicon?: boolean;
  batteryLevel?: number;
}

interface Catalogue { productName: string; model: string; modelNumber: string; modelName: string; osVersion: string; build: string; capacity: number }
const CATALOGUE: Record<DeviceKind, Catalogue> = {
  iPhone: { productName: 'iPhone16,1', model: 'MTLX3LL/A', modelNumber: 'MTLX3', modelName: 'iPhone', osVersion: '18.1', build: '22B83', capacity: 128 },
  iPad: { productName: 'iPad14,8', model: 'MUWC3LL/A', modelNumber: 'MUWC3', modelName: 'iPad Air', osVersion: '18.1', build: '22B83', capacity: 128 },
  Mac: { productName: 'Mac15,3', model: 'Mac15,3', modelNumber: 'MRX33LL/A', modelName: 'MacBook Pro', osVersion: '15.1', build: '24B83', capacity: 512 },
};

export interface HardwareOptions {
  udid?: string;
  serialNumber?: string;
  osVersion?: string;
  buildVersion?: string;
  model?: string;
  productName?: string;
  deviceName?: string;
  /** iPhones have cellular radios; an iPad only when asked. */
  cellular?: boolean;
}

export function makeHardware(kind: DeviceKind, o: HardwareOptions = {}): Hardware {
  const c = CATALOGUE[kind];
  const platform: Platform = kind === 'Mac' ? 'macOS' : 'iOS';
  const serialNumber = o.serialNumber ?? serial();
  const hw: Hardware = {
    kind,
    platform,
    udid: o.udid ?? (kind === 'Mac' ? randomUUID().toUpperCase() : `00008120-${randomBytes(8).toString('hex').toUpperCase()}`),
    serialNumber,
    deviceName: o.deviceName ?? `${kind} ${serialNumber.slice(-4)}`,
    productName: o.productName ?? c.productName,
    model: o.model ?? c.model,
    modelNumber: c.modelNumber,
    modelName: c.modelName,
    osVersion: o.osVersion ?? c.osVersion,
    buildVersion: o.buildVersion ?? c.build,
    capacityGb: c.capacity,
    availableGb: Math.round(c.capacity * 0.6 * 100) / 100,
    wifiMac: mac(),
    bluetoothMac: mac(),
    batteryLevel: 0.87,
  };
  if (kind === 'Mac') {
    hw.ethernetMac = mac();
    hw.isAppleSilicon = true;
  }
  if (o.cellular ?? kind === 'iPhone') {
    hw.imei = imei();
    hw.meid = hw.imei.replace(/ /g, '').slice(0, 14);
    hw.iccid = `8901${Array.from({ length: 15 }, () => randomInt(10)).join('')}`;
    hw.phoneNumber = `+1555${String(randomInt(1_000_000, 9_999_999))}`;
  }
  return hw;
}

const SERIAL_ALPHABET = 'BCDFGHJKLMNPQRTVWXYZ0123456789';
function serial(): string {
  return Array.from({ length: 10 }, () => SERIAL_ALPHABET[randomInt(SERIAL_ALPHABET.length)]).join('');
}

function mac(): string {
  const b = randomBytes(6);
  b[0] = ((b[0] ?? 0) & 0xfc) | 0x02; // locally administered, unicast
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
}

/** "35 123456 789012 3": the spacing iOS uses in IMEI answers, with a Luhn check digit. */
function imei(): string {
  const body = `35${Array.from({ length: 12 }, () => randomInt(10)).join('')}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[i]);
    if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  const check = (10 - (sum % 10)) % 10;
  return `${body.slice(0, 2)} ${body.slice(2, 8)} ${body.slice(8, 14)} ${check}`;
}
