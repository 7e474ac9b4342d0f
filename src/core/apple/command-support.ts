// Whether an Apple device can run a command, from Apple's own support table (COMMAND_SUPPORTED_OS,
// generated from the schema's supportedOS): the OS and its version, supervision, and User
// Enrollment. Pure; the answer is a reason in words, for the admin who asked.
import { COMMAND_SUPPORTED_OS, type RequestType } from '../../protocol/apple/connect.js';
import type { ManagedDevice } from '../devices/managed-device.js';
import type { AppleEnrollment } from '../enrollment/ports.js';

/** Apple's OS key for a managedDevice.operatingSystem: iPadOS is 'iOS' in Apple's tables. */
export function appleOsOf(operatingSystem: string | null): 'iOS' | 'macOS' | undefined {
  switch (operatingSystem) {
    case 'iOS': case 'iPadOS': return 'iOS';
    case 'macOS': return 'macOS';
    default: return undefined;
  }
}

/** Negative, zero or positive as dotted version a is before, equal to or after b ('17.4' < '17.10'). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export const isUserEnrollment = (e: Pick<AppleEnrollment, 'enrollmentType'>) => (e.enrollmentType ?? '').toLowerCase().startsWith('user');

/** Why the device cannot run the command, or undefined when it can. */
export function unsupportedReason(
  requestType: RequestType,
  device: Pick<ManagedDevice, 'operatingSystem' | 'osVersion' | 'isSupervised'>,
  enrollment: Pick<AppleEnrollment, 'enrollmentType'>,
): string | undefined {
  const os = appleOsOf(device.operatingSystem);
  const name = device.operatingSystem ?? 'this platform';
  if (!os) return `${requestType} is an Apple command; the device runs ${name}.`;
  const support = COMMAND_SUPPORTED_OS[requestType][os];
  if (!support) return `Apple's ${requestType} command is not available on ${name}.`;
  const version = device.osVersion;
  if (version) {
    if (compareVersions(version, support.introduced) < 0) return `${requestType} needs ${name} ${support.introduced} or later; the device runs ${version}.`;
    if (support.removed && compareVersions(version, support.removed) >= 0) return `${requestType} was removed in ${name} ${support.removed}; the device runs ${version}.`;
  }
  if (support.supervised === true && !device.isSupervised) return `${requestType} needs a supervised device (Automated Device Enrollment or Apple Configurator); this ${name} device is not supervised.`;
  if (support.userEnrollment === 'forbidden' && isUserEnrollment(enrollment)) return `${requestType} is not allowed on a User Enrollment (a personal device enrolled with a Managed Apple Account).`;
  return undefined;
}
