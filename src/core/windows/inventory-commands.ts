// The Get commands that refresh a Windows PC's inventory, and when to queue them.
//
// A Windows PC comes on its own poll schedule (the DMClient Poll node of the provisioning document),
// or when a remote action wakes it through WNS (wns-channel.ts). So inventory is queued when
// the PC opens a session and its inventory is due — the first session after enrollment, then
// every INVENTORY_REFRESH_MS — and goes out in that same session: a sweep queuing ahead of time
// could not reach the PC any sooner. syncDevice queues it at once, for the next poll.
//
// One Get per group of nodes that appear together (a node a PC lacks answers 404 for its item,
// and a group with one new node must not cost the older nodes' answers): a few commands, not one
// per node, to keep the queue's rows per refresh near Apple's six (six here).
import type { Clock } from '../clock.js';
import type { CommandQueue, NewCommand, QueuedCommand } from '../commands/ports.js';
import type { DeviceInventoryStore } from '../apple/inventory-ports.js';
import { INVENTORY_COMMAND_TTL_MS, type InventoryReason } from '../apple/inventory-commands.js';
import { INVENTORY_REFRESH_MS } from '../apple/refresh-inventory.js';
import { DEV_DETAIL, DEV_INFO, DEVICE_STATUS, POLICY_RESULT } from '../../protocol/windows/csp.js';
import { syncml, windowsCommand } from './command-payload.js';

const PRIORITY: Record<InventoryReason, number> = { syncDevice: 5, enrollment: 1, scheduled: 0 };

/** In the order queued: the managedDevice properties first. */
export const INVENTORY_GETS: readonly (readonly string[])[] = [
  // Present on every Windows 10 and 11 PC.
  [DEV_DETAIL.swV, DEV_DETAIL.oem, DEV_DETAIL.devTyp, DEV_DETAIL.fwV, DEV_DETAIL.hwV, DEV_DETAIL.osPlatform, DEV_DETAIL.localTime, DEV_DETAIL.deviceName,
    DEV_INFO.devId, DEV_INFO.man, DEV_INFO.mod, DEV_INFO.dmV, DEV_INFO.lang],
  // Newer DevDetail nodes (SMBIOSSerialNumber: 1809; DNSComputerName: 1803).
  [DEV_DETAIL.smbiosSerialNumber, DEV_DETAIL.totalRam, DEV_DETAIL.processorArchitecture, DEV_DETAIL.dnsComputerName],
  // DeviceStatus: security state (1607 and later; DomainName 1709).
  [DEVICE_STATUS.secureBootState, DEVICE_STATUS.encryptionCompliance, DEVICE_STATUS.osEdition, DEVICE_STATUS.osMode, DEVICE_STATUS.firewallStatus,
    DEVICE_STATUS.uacStatus, DEVICE_STATUS.antivirusStatus, DEVICE_STATUS.antivirusSignatureStatus, DEVICE_STATUS.antispywareStatus,
    DEVICE_STATUS.antispywareSignatureStatus, DEVICE_STATUS.domainName],
  // Hardware a PC may lack: a TPM, Device Guard support.
  [DEVICE_STATUS.tpmSpecificationVersion, DEVICE_STATUS.vbsHardwareRequirements, DEVICE_STATUS.vbsStatus, DEVICE_STATUS.credentialGuardStatus],
  // A desktop has no battery.
  [DEVICE_STATUS.batteryStatus, DEVICE_STATUS.batteryEstimatedChargeRemaining, DEVICE_STATUS.batteryEstimatedRuntime],
  // The device lock in effect (Policy CSP Result), which passwordRequired compliance reads.
  [POLICY_RESULT.devicePasswordEnabled],
];

/** Every LocURI the inventory reads. */
export const INVENTORY_TARGETS: ReadonlySet<string> = new Set(INVENTORY_GETS.flat());

export function windowsInventoryCommands(reason: InventoryReason, now: Date): NewCommand[] {
  return INVENTORY_GETS.map((targets) => windowsCommand(syncml.get(...targets), { priority: PRIORITY[reason], expiresAt: new Date(now.getTime() + INVENTORY_COMMAND_TTL_MS) }));
}

// Built once when the module loads: a bad LocURI fails every test.
windowsInventoryCommands('scheduled', new Date(0));

export interface WindowsInventoryDeps {
  commands: CommandQueue;
  deviceInventory: Pick<DeviceInventoryStore, 'get' | 'claimRefresh' | 'markRequested'>;
  clock: Clock;
}

/** Queues the inventory Gets for these PCs: one batch (one transaction) per command. */
export async function enqueueWindowsInventory(deps: WindowsInventoryDeps, input: { enrollmentIds: readonly string[]; reason: InventoryReason; alreadyMarked?: boolean }): Promise<Map<string, QueuedCommand[]>> {
  const ids = [...new Set(input.enrollmentIds)];
  const out = new Map<string, QueuedCommand[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const now = deps.clock.now();
  for (const command of windowsInventoryCommands(input.reason, now)) {
    for (const c of await deps.commands.enqueue(ids, command)) out.get(c.enrollmentId)?.push(c);
  }
  if (input.alreadyMarked !== true) await deps.deviceInventory.markRequested(ids, 'windows', now);
  return out;
}

/**
 * At the start of a session: queues inventory if the PC never had it asked for, or the last ask
 * is older than the refresh interval and was answered (or its commands have expired). One read;
 * a claim (one statement, so two replicas seeing the same PC queue it once) only when due.
 */
export async function refreshInventoryIfDue(
  deps: WindowsInventoryDeps,
  enrollmentId: string,
  options: { olderThanMs?: number; /** The device's inventory row if the caller read it already (null: it has none). */ row?: { requestedAt: string | null; reportedAt: string | null } | null } = {},
): Promise<boolean> {
  const now = deps.clock.now();
  const requestedBefore = new Date(now.getTime() - (options.olderThanMs ?? INVENTORY_REFRESH_MS));
  const unansweredBefore = new Date(now.getTime() - INVENTORY_COMMAND_TTL_MS);
  const row = options.row === undefined ? await deps.deviceInventory.get(enrollmentId) : options.row ?? undefined;
  const requested = row?.requestedAt == null ? undefined : Date.parse(row.requestedAt);
  const reported = row?.reportedAt == null ? undefined : Date.parse(row.reportedAt);
  const due = requested === undefined
    || (requested < requestedBefore.getTime() && ((reported !== undefined && reported >= requested) || requested < unansweredBefore.getTime()));
  if (!due) return false;
  const claimed = await deps.deviceInventory.claimRefresh([enrollmentId], 'windows', { requestedBefore, unansweredBefore, now });
  if (claimed.length === 0) return false;
  await enqueueWindowsInventory(deps, { enrollmentIds: claimed, reason: requested === undefined ? 'enrollment' : 'scheduled', alreadyMarked: true });
  return true;
}
