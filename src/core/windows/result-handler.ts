// What a Windows PC's answer changes, once recorded (answerSyncML's CommandResultHandler):
// - the inventory Gets fill Graph's managedDevice and the device's Windows facts;
// - an accepted RemoteWipe or DMClient Unenroll ends the enrollment (the PC resets, or drops its
//   MDM account, and comes back, if ever, as a new enrollment);
// - every answer sets lastSyncDateTime (the PC talked to Steward); a changed record is
//   re-evaluated for dynamic groups;
// - the remote action the command belongs to, if any, moves on (done / failed with the reason).
import type { Clock } from '../clock.js';
import type { CommandResultHandler } from '../commands/answer-connect.js';
import type { CommandQueue, JsonValue, QueuedCommand } from '../commands/ports.js';
import type { ManagedDevice } from '../devices/managed-device.js';
import { applyDeviceChanges } from '../devices/apply-device-changes.js';
import type { ManagedDeviceStore } from '../devices/ports.js';
import type { MembershipEngine } from '../directory/dynamic-membership.js';
import type { WindowsEnrollmentStore } from '../enrollment/ports.js';
import type { DeviceActionStore } from '../actions/ports.js';
import { settleAction } from '../actions/settle-action.js';
import { allScope } from '../rbac/scope.js';
import { REMOTE_WIPE } from '../../protocol/windows/csp.js';
import { windowsResponseOf } from './command-answer.js';
import { parseWindowsCommand, WindowsCommandError, type WindowsCommandPayload } from './command-payload.js';
import { INVENTORY_TARGETS } from './inventory-commands.js';
import { pfnSetBy, readsWnsChannel, wnsChannelFromResponse } from './wns-channel.js';
import type { WindowsInventoryStore } from './inventory-ports.js';
import { inventoryFromResponse, nodeKey, type WindowsDeviceFields } from './inventory-results.js';
import { recordConfigurationAnswer } from '../configuration/delivery-results.js';
import type { ConfigurationDeliveryStore } from '../configuration/delivery-ports.js';

export interface WindowsResultDeps {
  devices: ManagedDeviceStore;
  windowsInventory: Pick<WindowsInventoryStore, 'apply'>;
  deviceActions: DeviceActionStore;
  commands: CommandQueue;
  memberships: MembershipEngine;
  windowsEnrollments: Pick<WindowsEnrollmentStore, 'get' | 'update'>;
  clock: Clock;
  /** After inventory is stored (compliance re-evaluates the device). */
  afterInventory?: (deviceIds: readonly string[]) => Promise<void>;
  /** Configuration profiles' per-device states: the answer to a profile's nodes moves its state. */
  configurationDelivery?: Pick<ConfigurationDeliveryStore, 'byCommand' | 'report' | 'removed'>;
}

/** lastSyncDateTime alone is rewritten at most this often (five inventory answers, one write). */

const inventoryKeys = new Set([...INVENTORY_TARGETS].map(nodeKey));
const wipeKeys = new Set(Object.values(REMOTE_WIPE).map(nodeKey));
const isUnenroll = (target: string) => /^\.\/vendor\/msft\/dmclient\/(provider\/[^/]+\/)?unenroll$/.test(nodeKey(target));

function payloadOf(command: QueuedCommand): WindowsCommandPayload | undefined {
  try {
    return parseWindowsCommand(command.payload);
  } catch (err) {
    if (err instanceof WindowsCommandError) return undefined;
    throw err;
  }
}

export function windowsResultHandler(deps: WindowsResultDeps): CommandResultHandler {
  async function unenroll(id: string, now: Date): Promise<void> {
    const enrollment = await deps.windowsEnrollments.get(id);
    if (enrollment && enrollment.state !== 'unenrolled') await deps.windowsEnrollments.update(id, { state: 'unenrolled', unenrolledAt: now.toISOString() });
  }

  /** WNS (wns-channel.ts): the PFN the PC accepted, the channel URI it reported. */
  async function noteWnsChannel(id: string, payload: WindowsCommandPayload, response: JsonValue | undefined, now: Date): Promise<void> {
    const pfn = pfnSetBy(payload);
    if (pfn !== undefined) await deps.windowsEnrollments.update(id, { wnsPfn: pfn });
    if (!readsWnsChannel(payload)) return;
    const answer = windowsResponseOf(response);
    if (!answer) return;
    const { channelUri, status } = wnsChannelFromResponse(answer);
    await deps.windowsEnrollments.update(id, { wnsChannelUri: channelUri, wnsChannelStatus: status, wnsChannelAt: now.toISOString() });
  }

  const updateDevice = (device: ManagedDevice, changes: WindowsDeviceFields, now: Date) => applyDeviceChanges(deps, device, changes, now);

  return {
    async handle(command, report) {
      if (command.platform !== 'windows' || report.result.status === 'not-now') return;
      const now = deps.clock.now();
      const id = command.enrollmentId;
      const payload = payloadOf(command);
      let changes: WindowsDeviceFields = {};
      let inventoryStored = false;
      if (payload && report.result.status === 'acknowledged') {
        if (payload.verb === 'Get' && payload.items.some((i) => inventoryKeys.has(nodeKey(i.target)))) {
          const response = windowsResponseOf(report.result.response);
          if (response) {
            const { fields, facts } = inventoryFromResponse(response);
            await deps.windowsInventory.apply(id, facts, now);
            changes = fields;
            inventoryStored = true;
          }
        }
        if (payload.verb === 'Exec' && payload.items.some((i) => wipeKeys.has(nodeKey(i.target)) || isUnenroll(i.target))) await unenroll(id, now);
        await noteWnsChannel(id, payload, report.result.response, now);
      }
      const device = await deps.devices.get(id, allScope);
      if (device) await updateDevice(device, changes, now);
      if (device && inventoryStored) await deps.afterInventory?.([device.id]);
      if (deps.configurationDelivery) await recordConfigurationAnswer({ configurationDelivery: deps.configurationDelivery, clock: deps.clock }, command, report);
      const action = await deps.deviceActions.byCommand(command.uuid);
      if (action) await settleAction(deps, action, { known: [command] });
    },
  };
}
