// What the start of a Windows PC's OMA-DM session changes (answerSyncML's onSessionStart): the
// device checked in (lastSyncDateTime), its login status and DevInfo are noted, and its inventory
// is queued when due (inventory-commands.ts), so that the Gets go out in this very session.
import { SYNC_STAMP_INTERVAL_MS } from '../devices/apply-device-changes.js';
import type { Clock } from '../clock.js';
import type { CommandQueue } from '../commands/ports.js';
import type { ManagedDeviceStore } from '../devices/ports.js';
import type { DeviceInventoryStore } from '../apple/inventory-ports.js';
import type { WindowsEnrollment } from '../enrollment/ports.js';
import { allScope } from '../rbac/scope.js';
import type { SessionStartInfo } from './answer-session.js';
import { refreshInventoryIfDue } from './inventory-commands.js';
import { wnsChannelCommands, type WnsDeviceSettings } from './wns-channel.js';
import type { WindowsFacts, WindowsInventoryStore } from './inventory-ports.js';

export interface WindowsSessionStartDeps {
  devices: ManagedDeviceStore;
  commands: CommandQueue;
  deviceInventory: Pick<DeviceInventoryStore, 'get' | 'claimRefresh' | 'markRequested'>;
  windowsInventory: Pick<WindowsInventoryStore, 'status' | 'apply'>;
  clock: Clock;
  /** Inventory older than this is asked for again (default 8 hours, as Apple's). */
  inventoryRefreshMs?: number;
  /** WNS configured: the PFN and the channel Gets go out with each inventory (wns-channel.ts). */
  wns?: WnsDeviceSettings;
}

/** lastSyncDateTime is rewritten at most this often (a session of several messages, one write). */

/**
 * The PC accepted the PFN but had no channel yet when asked (it registers with WNS after the
 * PFN is set): asked again in a later session, at most this often, until it has one.
 */
const WNS_CHANNEL_RETRY_MS = 2 * 60_000;

function channelPending(wns: WnsDeviceSettings, e: WindowsEnrollment, now: Date): boolean {
  if (e.wnsPfn !== wns.packageFamilyName || (e.wnsChannelUri ?? null) !== null) return false;
  const asked = e.wnsChannelAt == null ? NaN : Date.parse(e.wnsChannelAt);
  return !Number.isFinite(asked) || now.getTime() - asked >= WNS_CHANNEL_RETRY_MS;
}

export function windowsSessionStart(deps: WindowsSessionStartDeps): (enrollment: WindowsEnrollment, info: SessionStartInfo) => Promise<void> {
  return async (enrollment, info) => {
    const now = deps.clock.now();
    const status = await deps.windowsInventory.status(enrollment.id);
    const queued = await refreshInventoryIfDue(deps, enrollment.id, { row: status ?? null, ...(deps.inventoryRefreshMs === undefined ? {} : { olderThanMs: deps.inventoryRefreshMs }) });
    if (deps.wns !== undefined && (queued || channelPending(deps.wns, enrollment, now))) {
      for (const command of wnsChannelCommands(deps.wns, enrollment, now)) await deps.commands.enqueue([enrollment.id], command);
    }

    // The login status and the DM client's own DevInfo, written only when they changed.
    const facts: WindowsFacts = {};
    if (info.loginStatus !== undefined) facts.loginStatus = info.loginStatus;
    if (info.devInfo.dmV !== undefined) facts.dmClientVersion = info.devInfo.dmV;
    if (info.devInfo.lang !== undefined) facts.language = info.devInfo.lang;
    if (Object.keys(facts).length > 0) {
      const changed = (Object.keys(facts) as (keyof WindowsFacts)[]).some((k) => status?.facts?.[k] !== facts[k]);
      if (changed) await deps.windowsInventory.apply(enrollment.id, facts, now, { inventoryAnswer: false });
    }

    // The managed device checked in. Its record is made at enrollment (windows-enroll.ts).
    if (!info.checkIn) return;
    const device = await deps.devices.get(enrollment.id, allScope);
    if (!device) return;
    const last = Date.parse(device.lastSyncDateTime);
    if (Number.isFinite(last) && last <= now.getTime() && now.getTime() - last < SYNC_STAMP_INTERVAL_MS) return;
    const { roleScopeTagIds: _tags, ...record } = device;
    await deps.devices.put({ ...record, lastSyncDateTime: now.toISOString() });
  };
}
