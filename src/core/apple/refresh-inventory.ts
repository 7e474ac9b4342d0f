// The inventory refresh sweep: queues inventory for enrolled Apple devices whose last inventory
// request is older than the threshold (8 hours by default, Intune's check-in cadence), a batch at
// a time: one query finds a batch, one statement claims it (so replicas sweeping together queue
// each device once), one batch per command queues it. Never one query per device.
//
// A device that has not answered its last request is asked again only once those commands have
// expired (INVENTORY_COMMAND_TTL_MS): an offline device holds one set of inventory commands.
import { enqueueInventory, INVENTORY_COMMAND_TTL_MS, type EnqueueInventoryDeps } from './inventory-commands.js';

export const INVENTORY_REFRESH_MS = 8 * 3600_000;

export interface RefreshInventoryOptions {
  /** Refresh devices whose inventory was last asked for longer ago than this. */
  olderThanMs?: number;
  /** Devices per query and per enqueue batch. */
  batchSize?: number;
  /**
   * At most this many devices per run, so that a fleet coming due at once (after an outage) is
   * woken over several runs instead of checking in all at once.
   */
  maxDevices?: number;
}

export async function refreshInventory(deps: EnqueueInventoryDeps, options: RefreshInventoryOptions = {}): Promise<{ queued: number; batches: number }> {
  const batchSize = options.batchSize ?? 500;
  const maxDevices = options.maxDevices ?? 10_000;
  const now = deps.clock.now();
  const due = {
    requestedBefore: new Date(now.getTime() - (options.olderThanMs ?? INVENTORY_REFRESH_MS)),
    unansweredBefore: new Date(now.getTime() - INVENTORY_COMMAND_TTL_MS),
  };
  let afterId = '';
  let queued = 0;
  let batches = 0;
  while (queued < maxDevices) {
    const ids = await deps.deviceInventory.appleRefreshCandidates({ ...due, afterId, limit: Math.min(batchSize, maxDevices - queued) });
    if (ids.length === 0) break;
    afterId = ids[ids.length - 1]!;
    const claimed = await deps.deviceInventory.claimRefresh(ids, 'apple', { ...due, now });
    if (claimed.length > 0) {
      await enqueueInventory(deps, { enrollmentIds: claimed, reason: 'scheduled', alreadyMarked: true });
      queued += claimed.length;
      batches++;
    }
  }
  return { queued, batches };
}
