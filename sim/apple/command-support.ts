// Whether a device runs a command at all, from Apple's schema (COMMAND_SUPPORTED_OS): the OS must
// support it, at the device's OS version, on this channel, for this kind of enrollment, on a
// supervised device when Apple says so, and the enrollment profile's AccessRights must grant the
// right the command needs. A refusal is an Error with an ErrorChain, as devices answer.
import { COMMAND_SUPPORTED_OS, type ErrorChainItem, type RequestType } from '../../src/protocol/apple/connect.js';
import type { Platform } from './hardware.js';

export type Channel = 'device' | 'user';

/** MCMDMErrorDomain code the simulator answers for any command it will not run (see sim/README.md). */
export const UNSUPPORTED_CODE = 12021;

/** com.apple.mdm AccessRights bits by the right names Apple's schema uses. */
export const ACCESS_RIGHT_BITS: Readonly<Record<string, number>> = {
  AllowInspection: 1,
  AllowInstallationRemoval: 2,
  AllowPasscodeRemovalAndLock: 4,
  DeviceLockAndRemovePasscode: 4,
  AllowDeviceErase: 8,
  AllowQueryDeviceInformation: 16,
  AllowQueryNetworkInformation: 32,
  AllowProvisioningInspection: 64,
  AllowProvisioningInstallationRemoval: 128,
  AllowQueryApplications: 256,
  QueryInstalledApps: 256,
  AllowQueryRestrictions: 512,
  AllowQuerySecurity: 1024,
  AllowSettings: 2048,
  AllowAppInstallation: 4096,
};

export interface SupportContext {
  platform: Platform;
  osVersion: string;
  supervised: boolean;
  enrolledViaDEP: boolean;
  userEnrollment: boolean;
  channel: Channel;
  accessRights: number;
}

export function mdmError(code: number, text: string, domain = 'MCMDMErrorDomain'): ErrorChainItem {
  return { ErrorCode: code, ErrorDomain: domain, LocalizedDescription: text, USEnglishDescription: text };
}

/** Why the device will not run `requestType`, or undefined when it will. */
export function refusal(requestType: string, ctx: SupportContext): ErrorChainItem[] | undefined {
  const support = (COMMAND_SUPPORTED_OS as Readonly<Record<string, (typeof COMMAND_SUPPORTED_OS)[RequestType] | undefined>>)[requestType];
  const no = (why: string) => [mdmError(UNSUPPORTED_CODE, `The MDM command “${requestType}” is not supported: ${why}.`)];
  if (support === undefined) return no('unknown request type');
  const os = support[ctx.platform];
  if (os === undefined) return no(`not available on ${ctx.platform}`);
  if (compareVersions(ctx.osVersion, os.introduced) < 0) return no(`needs ${ctx.platform} ${os.introduced}`);
  if (os.removed !== undefined && compareVersions(ctx.osVersion, os.removed) >= 0) return no(`removed in ${ctx.platform} ${os.removed}`);
  // Only macOS has a user channel here (Shared iPad, the other one, is not simulated).
  if (ctx.channel === 'device' && os.deviceChannel === false) return no('user channel only');
  if (ctx.channel === 'user' && os.userChannel === false) return no('device channel only');
  if (ctx.userEnrollment && os.userEnrollment === 'forbidden') return no('not allowed on a user enrollment');
  if (os.supervised === true && !ctx.supervised) return no('the device is not supervised');
  if (os.requiresDEP === true && !ctx.enrolledViaDEP) return no('the device was not enrolled through Automated Device Enrollment');
  const bit = os.accessRights === undefined ? undefined : ACCESS_RIGHT_BITS[os.accessRights];
  if (!ctx.userEnrollment && bit !== undefined && (ctx.accessRights & bit) === 0) {
    return no(`the MDM profile's AccessRights do not grant ${os.accessRights}`);
  }
  return undefined;
}

/** Numeric comparison of dotted versions ("10.13.6" < "10.14"); "n/a" sorts after everything. */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  if (b === 'n/a') return -1;
  if (a === 'n/a') return 1;
  const x = a.split('.').map(Number), y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
