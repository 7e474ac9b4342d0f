// Graph's remote actions as Apple MDM commands (Apple's "Device Management" command reference):
//   remoteLock      DeviceLock (Message, PhoneNumber; a generated 6-digit PIN on macOS)
//   wipe            EraseDevice (PIN = macOsUnlockCode on macOS, PreserveDataPlan = persistEsimDataPlan)
//   retire          RemoveApplication for each managed app, RemoveProfile for each profile this
//                   server installed, then RemoveProfile of the enrollment profile
//   resetPasscode   ClearPasscode with the UnlockToken the device escrowed at TokenUpdate
//   rebootNow       RestartDevice          shutDown         ShutDownDevice
//   syncDevice      the inventory commands
//   locateDevice    DeviceLocation (supervised iOS in lost mode)
//   enableLostMode  EnableLostMode         disableLostMode  DisableLostMode
//   setDeviceName   Settings with the DeviceName item, then the inventory commands
// What a device cannot do (Apple's support table, enrollment state, the UnlockToken, lost mode) is
// refused here with the reason, before anything is queued.
import { randomInt } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { JsonValue, NewCommand } from '../commands/ports.js';
import type { ManagedDevice } from '../devices/managed-device.js';
import type { AppleEnrollment, AppleEnrollmentStore } from '../enrollment/ports.js';
import { APPLE_ENROLLMENT_PROFILE_IDENTIFIER } from '../enrollment/apple-profile.js';
import { StewardError, invalidInput } from '../errors.js';
import type { ActionPlan, ActionPlanner, RemoteActionRequest } from '../actions/planner.js';
import type { RequestType } from '../../protocol/apple/connect.js';
import type { DeviceInventoryStore } from './inventory-ports.js';
import { appleCommand } from './checked-command.js';
import { appleOsOf, isUserEnrollment, unsupportedReason } from './command-support.js';
import { inventoryCommandsFor } from './inventory-commands.js';

export interface ApplePlannerDeps {
  appleEnrollments: Pick<AppleEnrollmentStore, 'get' | 'update'>;
  deviceInventory: Pick<DeviceInventoryStore, 'get' | 'markRequested'>;
  clock: Clock;
  /** A 6-digit PIN (tests pass a fixed one). */
  newPin?: () => string;
}

const randomPin = () => String(randomInt(0, 1_000_000)).padStart(6, '0');
const SIX_DIGITS = /^\d{6}$/;

/**
 * A restart or shutdown the device has not fetched within a day expires (the action fails saying
 * so) rather than surprising its user days later; locks, wipes and lost mode wait for the device.
 */
export const POWER_COMMAND_TTL_MS = 24 * 3600_000;

const refuse = (action: string, reason: string) => new StewardError('conflict', `${action}: ${reason}`, 'id');

export function appleActionPlanner(deps: ApplePlannerDeps): ActionPlanner {
  const newPin = deps.newPin ?? randomPin;

  async function enrolled(device: ManagedDevice, action: string): Promise<AppleEnrollment> {
    const enrollment = await deps.appleEnrollments.get(device.id);
    if (!enrollment) throw refuse(action, 'the device has no Apple MDM enrollment, so it cannot receive commands.');
    if (enrollment.state !== 'enrolled') {
      throw refuse(action, `the device is not enrolled (its enrollment is ${enrollment.state}), so it cannot receive commands.`);
    }
    return enrollment;
  }

  return {
    platform: 'apple',

    handles: (device) => appleOsOf(device.operatingSystem) !== undefined,

    async plan(device, request: RemoteActionRequest): Promise<ActionPlan> {
      const action = request.action;
      const enrollment = await enrolled(device, action);
      const os = appleOsOf(device.operatingSystem);
      const isMac = os === 'macOS';
      const need = (requestType: RequestType) => {
        const reason = unsupportedReason(requestType, device, enrollment);
        if (reason) throw refuse(action, reason);
      };
      const one = (requestType: RequestType, payload: { readonly [key: string]: JsonValue } = {}, options: { expiresAt?: Date } = {}): NewCommand[] => {
        need(requestType);
        return [appleCommand(requestType, payload, options)];
      };
      const powerExpiry = () => ({ expiresAt: new Date(deps.clock.now().getTime() + POWER_COMMAND_TTL_MS) });
      const lostMode = async () => (await deps.deviceInventory.get(device.id))?.hardware?.isMdmLostModeEnabled;

      switch (request.action) {
        case 'remoteLock': {
          const payload: Record<string, JsonValue> = {};
          if (request.message) payload.Message = request.message;
          if (request.phoneNumber) payload.PhoneNumber = request.phoneNumber;
          // A Mac locked remotely asks for this PIN at its firmware lock screen (Apple: DeviceLock
          // PIN, "required on macOS"); the admin reads it in deviceActionResults (unlockPin).
          if (!isMac) return { commands: one('DeviceLock', payload) };
          const pin = newPin();
          return { commands: one('DeviceLock', { ...payload, PIN: pin }), details: { unlockPin: pin } };
        }

        case 'wipe': {
          need('EraseDevice');
          if (request.keepUserData) throw invalidInput('keepUserData: Apple devices cannot keep user data when erased; use retire to remove only company data.', 'keepUserData');
          if (request.keepEnrollmentData) throw invalidInput('keepEnrollmentData: Steward does not support Return to Service yet; an erased Apple device enrolls again from Setup Assistant.', 'keepEnrollmentData');
          const payload: Record<string, JsonValue> = {};
          if (isMac) {
            if (!request.macOsUnlockCode) throw invalidInput('macOsUnlockCode is required to wipe a Mac: a 6-digit PIN the Mac asks for after it is erased (keep it to use the Mac again).', 'macOsUnlockCode');
            if (!SIX_DIGITS.test(request.macOsUnlockCode)) throw invalidInput('macOsUnlockCode must be exactly 6 digits.', 'macOsUnlockCode');
            if (request.persistEsimDataPlan) throw invalidInput('persistEsimDataPlan: a Mac has no eSIM data plan to keep.', 'persistEsimDataPlan');
            payload.PIN = request.macOsUnlockCode;
          } else {
            if (request.macOsUnlockCode) throw invalidInput(`macOsUnlockCode applies to Macs only; this device runs ${device.operatingSystem ?? 'iOS'}.`, 'macOsUnlockCode');
            if (request.persistEsimDataPlan) payload.PreserveDataPlan = true;
          }
          return { commands: [appleCommand('EraseDevice', payload)], managementState: 'wipePending' };
        }

        case 'retire': {
          need('RemoveProfile');
          const inventory = await deps.deviceInventory.get(device.id);
          const commands: NewCommand[] = [];
          // Managed apps first, while the device is still managed; RemoveApplication where the
          // device supports it (a Mac's User Enrollment does not, and removing the enrollment
          // profile removes them anyway).
          if (unsupportedReason('RemoveApplication', device, enrollment) === undefined) {
            for (const app of inventory?.managedApps ?? []) {
              if (app.status === 'ManagedButUninstalled') continue;
              commands.push(appleCommand('RemoveApplication', { Identifier: app.identifier }));
            }
          }
          for (const profile of inventory?.profiles ?? []) {
            if (!profile.isManaged || profile.identifier === APPLE_ENROLLMENT_PROFILE_IDENTIFIER) continue;
            commands.push(appleCommand('RemoveProfile', { Identifier: profile.identifier }));
          }
          // Last: the enrollment profile itself. Its removal ends management and takes every
          // remaining managed setting with it; personal data stays.
          commands.push(appleCommand('RemoveProfile', { Identifier: APPLE_ENROLLMENT_PROFILE_IDENTIFIER }));
          return { commands, managementState: 'retirePending' };
        }

        case 'resetPasscode': {
          need('ClearPasscode');
          if (!enrollment.unlockToken) {
            throw refuse(action, 'the device gave Steward no UnlockToken (it had no passcode when it enrolled, or it is not a supervised or device enrollment), so its passcode cannot be cleared remotely.');
          }
          return { commands: [appleCommand('ClearPasscode', { UnlockToken: { $data: enrollment.unlockToken } })] };
        }

        case 'rebootNow':
          return { commands: one('RestartDevice', {}, powerExpiry()) };

        case 'shutDown':
          return { commands: one('ShutDownDevice', {}, powerExpiry()) };

        case 'syncDevice': {
          need('DeviceInformation');
          const commands = inventoryCommandsFor(device, enrollment, 'syncDevice', deps.clock.now());
          return {
            commands,
            afterQueued: () => deps.deviceInventory.markRequested([device.id], 'apple', deps.clock.now()),
          };
        }

        case 'locateDevice': {
          need('DeviceLocation');
          if ((await lostMode()) === false) throw refuse(action, 'the device is not in lost mode; Apple devices report their location only in lost mode (enableLostMode first).');
          return { commands: one('DeviceLocation') };
        }

        case 'enableLostMode': {
          need('EnableLostMode');
          // Apple: the command needs a Message or a PhoneNumber to show on the lock screen.
          if (!request.message && !request.phoneNumber) throw invalidInput('enableLostMode needs a message or a phoneNumber to show on the lock screen.', 'message');
          const payload: Record<string, JsonValue> = {};
          if (request.message) payload.Message = request.message;
          if (request.phoneNumber) payload.PhoneNumber = request.phoneNumber;
          if (request.footer) payload.Footnote = request.footer;
          return { commands: one('EnableLostMode', payload) };
        }

        case 'disableLostMode': {
          need('DisableLostMode');
          if ((await lostMode()) === false) throw refuse(action, 'the device is not in lost mode.');
          return { commands: one('DisableLostMode') };
        }

        case 'setDeviceName': {
          // Settings' DeviceName item: supervised iOS/iPadOS, any macOS, never a User Enrollment
          // (Apple's Settings command reference). The inventory after it brings the new name back.
          need('Settings');
          if (!isMac && !device.isSupervised) throw refuse(action, `only a supervised ${device.operatingSystem ?? 'iOS'} device can be renamed remotely; rename it on the device in Settings > General > About > Name.`);
          if (isUserEnrollment(enrollment)) throw refuse(action, 'a User Enrollment (a personal device enrolled with a Managed Apple Account) cannot be renamed remotely; rename it on the device.');
          const commands = [appleCommand('Settings', { Settings: [{ Item: 'DeviceName', DeviceName: request.deviceName }] }), ...inventoryCommandsFor(device, enrollment, 'syncDevice', deps.clock.now())];
          return { commands, afterQueued: () => deps.deviceInventory.markRequested([device.id], 'apple', deps.clock.now()) };
        }
      }
    },

    async release(device, now) {
      const enrollment = await deps.appleEnrollments.get(device.id);
      if (enrollment && enrollment.state !== 'unenrolled') {
        await deps.appleEnrollments.update(device.id, { state: 'unenrolled', unenrolledAt: now.toISOString() });
      }
    },
  };
}
