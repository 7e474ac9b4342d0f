// Graph's remote actions as OMA-DM commands for Windows PCs (the CSP pages on learn.microsoft.com):
//   wipe        Exec ./Device/Vendor/MSFT/RemoteWipe/doWipe; keepUserData → doWipePersistUserData
//               ("Keep my files"), keepEnrollmentData → doWipePersistProvisionedData
//   remoteLock  Exec ./Vendor/MSFT/RemoteLock/Lock, which only Windows 10 Mobile and Windows
//               Holographic have ("The RemoteLock CSP is only supported in Windows 10 Mobile"):
//               refused on desktop editions
//   rebootNow   Exec ./Device/Vendor/MSFT/Reboot/RebootNow
//   retire      Exec ./Vendor/MSFT/DMClient/Provider/<ProviderID>/Unenroll: the PC drops its MDM
//               account and what came with it. Steward sets no policies, apps or certificates on
//               Windows yet, so there is nothing to remove first.
//   syncDevice  the inventory Gets (inventory-commands.ts)
//   setDeviceName  Add ./Device/Vendor/MSFT/Accounts/Domain/ComputerName: the new name applies at
//               the PC's next restart
// Windows has no CSP for shutDown, resetPasscode on desktop editions, locateDevice or lost mode:
// refused with the reason. A PC is woken by WNS when Steward has it (not yet): until then the
// commands go out at the PC's next scheduled session (DMClient Poll, set at enrollment).
import type { Clock } from '../clock.js';
import type { NewCommand } from '../commands/ports.js';
import type { ManagedDevice } from '../devices/managed-device.js';
import type { DeviceInventoryStore } from '../apple/inventory-ports.js';
import type { WindowsEnrollment, WindowsEnrollmentStore } from '../enrollment/ports.js';
import { WINDOWS_SERVER_ID } from '../enrollment/windows-paths.js';
import { StewardError, invalidInput } from '../errors.js';
import type { ActionPlan, ActionPlanner, RemoteActionRequest } from '../actions/planner.js';
import { ACCOUNTS, dmClientUnenroll, REBOOT, REMOTE_LOCK, REMOTE_WIPE } from '../../protocol/windows/csp.js';
import { syncml, windowsCommand } from './command-payload.js';
import { windowsInventoryCommands } from './inventory-commands.js';
import type { WindowsInventoryStore } from './inventory-ports.js';

export interface WindowsPlannerDeps {
  windowsEnrollments: Pick<WindowsEnrollmentStore, 'get' | 'update'>;
  windowsInventory: Pick<WindowsInventoryStore, 'get'>;
  deviceInventory: Pick<DeviceInventoryStore, 'markRequested'>;
  clock: Clock;
  /** The DMClient provider id written at enrollment (windows-paths.ts). */
  providerId?: string;
}

const refuse = (action: string, reason: string) => new StewardError('conflict', `${action}: ${reason}`, 'id');

/** Windows SKUs (GetProductInfo's PRODUCT_*) with a RemoteLock CSP: Mobile and Holographic. */
const LOCKABLE_SKUS: ReadonlySet<string> = new Set(['104', '133', '135', '136']);

/** Whether the PC runs an edition the RemoteLock CSP applies to, from what Steward knows of it. */
export function hasRemoteLock(enrollment: Pick<WindowsEnrollment, 'osEdition'>, facts: { osEdition?: string | null; osPlatform?: string | null } | undefined): boolean {
  const editions = [enrollment.osEdition, facts?.osEdition].filter((e): e is string => typeof e === 'string').map((e) => e.trim());
  if (editions.some((e) => LOCKABLE_SKUS.has(e))) return true;
  return /\b(mobile|holographic)\b/i.test(facts?.osPlatform ?? '');
}

export function windowsActionPlanner(deps: WindowsPlannerDeps): ActionPlanner {
  const providerId = deps.providerId ?? WINDOWS_SERVER_ID;

  async function enrolled(device: ManagedDevice, action: string): Promise<WindowsEnrollment> {
    const enrollment = await deps.windowsEnrollments.get(device.id);
    if (!enrollment) throw refuse(action, 'the PC has no Windows MDM enrollment, so it cannot receive commands.');
    if (enrollment.state !== 'enrolled') throw refuse(action, `the PC is not enrolled (its enrollment is ${enrollment.state}), so it cannot receive commands.`);
    return enrollment;
  }

  const exec = (target: string): NewCommand[] => [windowsCommand(syncml.exec(target))];

  return {
    platform: 'windows',

    handles: (device) => /^windows/i.test(device.operatingSystem ?? ''),

    async plan(device, request: RemoteActionRequest): Promise<ActionPlan> {
      const action = request.action;
      const enrollment = await enrolled(device, action);
      switch (request.action) {
        case 'wipe': {
          if (request.macOsUnlockCode) throw invalidInput('macOsUnlockCode applies to Macs only.', 'macOsUnlockCode');
          if (request.persistEsimDataPlan) throw invalidInput('persistEsimDataPlan: the RemoteWipe CSP of Windows has no option to keep an eSIM data plan.', 'persistEsimDataPlan');
          // keepUserData wins: "Keep my files" keeps the accounts, which keepEnrollmentData alone does not.
          const target = request.keepUserData ? REMOTE_WIPE.doWipePersistUserData
            : request.keepEnrollmentData ? REMOTE_WIPE.doWipePersistProvisionedData
              : REMOTE_WIPE.doWipe;
          return { commands: exec(target), managementState: 'wipePending' };
        }

        case 'remoteLock': {
          if (!hasRemoteLock(enrollment, await deps.windowsInventory.get(device.id))) {
            throw refuse(action, 'Windows desktop editions cannot be locked remotely: the RemoteLock CSP applies to Windows 10 Mobile and Windows Holographic only. Use rebootNow, or wipe a lost PC.');
          }
          return { commands: exec(REMOTE_LOCK.lock) };
        }

        case 'rebootNow':
          return { commands: exec(REBOOT.rebootNow) };

        case 'retire':
          // The provider id in Data too, as the DMClient CSP's sample sends it (Windows now ignores it).
          return { commands: [windowsCommand(syncml.exec(dmClientUnenroll(providerId), { format: 'chr', data: providerId }))], managementState: 'retirePending' };

        case 'syncDevice':
          return {
            commands: windowsInventoryCommands('syncDevice', deps.clock.now()),
            afterQueued: () => deps.deviceInventory.markRequested([device.id], 'windows', deps.clock.now()),
          };

        case 'setDeviceName': {
          const name = request.deviceName;
          if (!/^[A-Za-z0-9-]{1,15}$/.test(name) || /^\d+$/.test(name)) {
            throw invalidInput('deviceName: a Windows PC name has at most 15 characters, only letters, digits and hyphens, and not digits only.', 'deviceName');
          }
          // The Accounts CSP takes the name with Add; Windows applies it at the next restart.
          return { commands: [windowsCommand({ verb: 'Add', items: [{ target: ACCOUNTS.computerName, format: 'chr', data: name }] })] };
        }

        case 'shutDown':
          throw refuse(action, 'Windows has no management command to shut a PC down (the Reboot CSP only restarts it); use rebootNow.');
        case 'resetPasscode':
          throw refuse(action, 'Windows desktop editions have no remote passcode reset (RemoteLock LockAndResetPIN is for Windows 10 Mobile).');
        case 'locateDevice':
          throw refuse(action, 'Steward cannot locate Windows PCs.');
        case 'enableLostMode':
        case 'disableLostMode':
          throw refuse(action, 'lost mode is an Apple feature; Windows PCs have none.');
      }
    },

    async release(device, now) {
      const enrollment = await deps.windowsEnrollments.get(device.id);
      if (enrollment && enrollment.state !== 'unenrolled') await deps.windowsEnrollments.update(device.id, { state: 'unenrolled', unenrolledAt: now.toISOString() });
    },
  };
}
