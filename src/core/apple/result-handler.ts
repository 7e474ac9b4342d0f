// What an Apple device's answer changes, once it is recorded (answerConnect's CommandResultHandler):
// - inventory answers fill Graph's managedDevice and the device's inventory;
// - lost-mode, erase and retire answers update what Steward knows of the device and enrollment;
// - every answer sets lastSyncDateTime (the device talked to Steward);
// - a changed device record is re-evaluated for dynamic groups;
// - the remote action the command belongs to, if any, moves on (done / failed with the reason).
import type { Clock } from '../clock.js';
import type { CommandReport, CommandResultHandler } from '../commands/answer-connect.js';
import type { CommandQueue, QueuedCommand } from '../commands/ports.js';
import type { ManagedDevice } from '../devices/managed-device.js';
import { applyDeviceChanges } from '../devices/apply-device-changes.js';
import type { ManagedDeviceStore } from '../devices/ports.js';
import type { MembershipEngine } from '../directory/dynamic-membership.js';
import type { AppleEnrollmentStore } from '../enrollment/ports.js';
import { APPLE_ENROLLMENT_PROFILE_IDENTIFIER } from '../enrollment/apple-profile.js';
import type { DeviceActionDetails, DeviceActionStore } from '../actions/ports.js';
import { settleAction } from '../actions/settle-action.js';
import { allScope } from '../rbac/scope.js';
import type { DeviceInventoryStore } from './inventory-ports.js';
import { deviceFieldsFromInformation, hardwareFactsFromInformation, queryResponsesOf, type DeviceInformationFields } from './device-information.js';
import { isEncryptedFrom, securityFacts, securityInfoOf } from './security-info.js';
import { installedApps, managedApps } from './installed-apps.js';
import { installedProfiles } from './profile-list.js';
import { installedCertificates } from './certificate-list.js';
import { deviceLocation } from './device-location.js';
import { dictOf, str } from './json-read.js';
import { recordConfigurationAnswer } from '../configuration/delivery-results.js';
import type { ConfigurationDeliveryStore } from '../configuration/delivery-ports.js';

export interface AppleResultDeps {
  devices: ManagedDeviceStore;
  deviceInventory: DeviceInventoryStore;
  deviceActions: DeviceActionStore;
  commands: CommandQueue;
  memberships: MembershipEngine;
  appleEnrollments: Pick<AppleEnrollmentStore, 'get' | 'update'>;
  clock: Clock;
  /** After DeviceInformation or SecurityInfo is stored (compliance re-evaluates the device). */
  afterInventory?: (deviceIds: readonly string[]) => Promise<void>;
  /** Configuration profiles' per-device states: an InstallProfile's answer moves its profile's state. */
  configurationDelivery?: Pick<ConfigurationDeliveryStore, 'byCommand' | 'report' | 'removed'>;
}

/** lastSyncDateTime alone is rewritten at most this often (six inventory answers, one write). */

type DeviceChanges = DeviceInformationFields & Partial<Pick<ManagedDevice, 'isEncrypted'>>;

export function appleResultHandler(deps: AppleResultDeps): CommandResultHandler {
  /** Applies an acknowledged answer; returns the device changes and the action details it yields. */
  async function applyAnswer(command: QueuedCommand, report: CommandReport, device: ManagedDevice | undefined, now: Date): Promise<{ changes: DeviceChanges; details?: DeviceActionDetails }> {
    if (report.result.status !== 'acknowledged') return { changes: {} };
    const response = report.result.response;
    const id = command.enrollmentId;
    const os = device?.operatingSystem ?? null;
    switch (command.requestType) {
      case 'DeviceInformation': {
        const q = queryResponsesOf(response);
        if (!q) return { changes: {} };
        await deps.deviceInventory.apply(id, 'apple', { kind: 'hardware', facts: hardwareFactsFromInformation(q) }, now);
        return { changes: deviceFieldsFromInformation(q, os) };
      }
      case 'SecurityInfo': {
        const s = securityInfoOf(response);
        if (!s) return { changes: {} };
        const facts = securityFacts(s);
        await deps.deviceInventory.apply(id, 'apple', { kind: 'security', facts }, now);
        const isEncrypted = isEncryptedFrom(facts, os);
        return { changes: isEncrypted === undefined ? {} : { isEncrypted } };
      }
      case 'InstalledApplicationList': {
        const apps = installedApps(response);
        if (apps) await deps.deviceInventory.apply(id, 'apple', { kind: 'apps', apps }, now);
        return { changes: {} };
      }
      case 'ManagedApplicationList': {
        const apps = managedApps(response);
        if (apps) await deps.deviceInventory.apply(id, 'apple', { kind: 'managedApps', apps }, now);
        return { changes: {} };
      }
      case 'ProfileList': {
        const profiles = installedProfiles(response);
        if (profiles) await deps.deviceInventory.apply(id, 'apple', { kind: 'profiles', profiles }, now);
        return { changes: {} };
      }
      case 'CertificateList': {
        const certificates = installedCertificates(response);
        if (certificates) await deps.deviceInventory.apply(id, 'apple', { kind: 'certificates', certificates }, now);
        return { changes: {} };
      }
      case 'EnableLostMode':
      case 'DisableLostMode':
        await deps.deviceInventory.apply(id, 'apple', { kind: 'hardware', facts: { isMdmLostModeEnabled: command.requestType === 'EnableLostMode' } }, now);
        return { changes: {} };
      case 'DeviceLocation': {
        const location = deviceLocation(response, now);
        return location ? { changes: {}, details: { deviceLocation: location } } : { changes: {} };
      }
      case 'EraseDevice':
        // The device erases itself now and comes back, if ever, as a new enrollment.
        await unenroll(id, now);
        return { changes: {} };
      case 'RemoveProfile':
        if (str(dictOf(command.payload) ?? {}, 'Identifier') === APPLE_ENROLLMENT_PROFILE_IDENTIFIER) await unenroll(id, now);
        return { changes: {} };
      default:
        return { changes: {} };
    }
  }

  async function unenroll(id: string, now: Date): Promise<void> {
    const enrollment = await deps.appleEnrollments.get(id);
    if (enrollment && enrollment.state !== 'unenrolled') await deps.appleEnrollments.update(id, { state: 'unenrolled', unenrolledAt: now.toISOString() });
  }

  const updateDevice = (device: ManagedDevice, changes: DeviceChanges, now: Date) => applyDeviceChanges(deps, device, changes, now);

  return {
    async handle(command, report) {
      if (command.platform !== 'apple' || report.result.status === 'not-now') return;
      const now = deps.clock.now();
      const device = await deps.devices.get(command.enrollmentId, allScope);
      const { changes, details } = await applyAnswer(command, report, device, now);
      if (device) await updateDevice(device, changes, now);
      if (device && report.result.status === 'acknowledged' && (command.requestType === 'DeviceInformation' || command.requestType === 'SecurityInfo')) await deps.afterInventory?.([device.id]);
      if (deps.configurationDelivery) await recordConfigurationAnswer({ configurationDelivery: deps.configurationDelivery, clock: deps.clock }, command, report);
      const action = await deps.deviceActions.byCommand(command.uuid);
      // The answered command as stored by recordAnswer: settling it needs no second read.
      if (action) await settleAction(deps, action, { known: [command], ...(details ? { details } : {}) });
    },
  };
}
