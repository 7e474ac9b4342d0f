// DeviceWaker for Windows PCs: a raw WNS notification to the channel URI a PC reported
// (core/windows/wns-channel.ts) makes its DM client open an OMA-DM session at once, instead of at
// its next scheduled poll ("Push notification support for device management"). PCs without a
// channel, and every id that is not a Windows enrollment, are left alone: they poll.
import type { WindowsEnrollmentStore } from '../enrollment/ports.js';
import type { DeviceWaker, PushOutcome } from './ports.js';
import type { WakeLog } from './wake-devices.js';

/** One PC to notify: its enrollment and the channel URI it reported. */
export interface WnsTarget {
  enrollmentId: string;
  channelUri: string;
}

/**
 * Posts raw notifications (src/push/wns.ts). One outcome per target, in order; never rejects.
 * `unregistered`: WNS no longer knows the channel (404, 410); the PC reports a new one later.
 */
export interface WnsPushSender {
  send(targets: readonly WnsTarget[]): Promise<PushOutcome[]>;
  close(): Promise<void>;
}

export interface WindowsWakerDeps {
  enrollments: Pick<WindowsEnrollmentStore, 'wnsChannels' | 'clearWnsChannel'>;
  /** Undefined when WNS is not configured: nothing is sent and PCs keep to their poll schedule. */
  sender: WnsPushSender | undefined;
  log: WakeLog;
}

/** A waker that holds connections: closed when Steward stops. */
export interface ClosableDeviceWaker extends DeviceWaker {
  close(): Promise<void>;
}

const LOOKUP_BATCH = 500;
const MAX_FAILURES_LOGGED = 20;

export function createWindowsWaker(deps: WindowsWakerDeps): ClosableDeviceWaker {
  let closed = false;

  async function wake(enrollmentIds: readonly string[]): Promise<void> {
    const sender = deps.sender;
    if (closed || sender === undefined || enrollmentIds.length === 0) return;
    const ids = [...new Set(enrollmentIds)];
    const targets: WnsTarget[] = [];
    for (let i = 0; i < ids.length; i += LOOKUP_BATCH) targets.push(...await deps.enrollments.wnsChannels(ids.slice(i, i + LOOKUP_BATCH)));
    if (targets.length === 0 || closed) return;
    const outcomes = await sender.send(targets);
    const counts = { sent: 0, failed: 0, unregistered: 0 };
    let logged = 0;
    for (const [i, o] of outcomes.entries()) {
      counts[o.status]++;
      if (o.status === 'unregistered') {
        const target = targets[i] as WnsTarget;
        // The PC is asked for its channel again at its next session (session-start.ts).
        await deps.enrollments.clearWnsChannel(target.enrollmentId, target.channelUri);
      }
      if (o.status === 'sent' || logged >= MAX_FAILURES_LOGGED) continue;
      logged++;
      deps.log.warn({ enrollmentId: o.enrollmentId, status: o.status, reason: o.reason }, o.status === 'unregistered'
        ? 'WNS channel expired: the PC is woken again once it reports a new one, and polls meanwhile'
        : 'WNS notification failed: the PC fetches its commands at its next poll');
    }
    const summary = { ...counts, noChannel: ids.length - targets.length };
    if (counts.failed + counts.unregistered > 0) deps.log.warn(summary, 'Windows PCs woken, with failures');
    else deps.log.debug(summary, 'Windows PCs woken');
  }

  return {
    wake: (enrollmentIds) => wake(enrollmentIds).catch((err: unknown) => {
      deps.log.error({ err, devices: enrollmentIds.length }, 'waking Windows PCs failed');
    }),
    async close() {
      closed = true;
      await deps.sender?.close();
    },
  };
}

/**
 * One waker for every platform: each is given all the ids and wakes its own devices, ignoring
 * the others (the Apple waker finds no push token for a PC, this one no channel for an iPhone).
 */
export function combineWakers(...wakers: readonly ClosableDeviceWaker[]): ClosableDeviceWaker {
  return {
    async wake(enrollmentIds) {
      await Promise.all(wakers.map((w) => w.wake(enrollmentIds)));
    },
    async close() {
      await Promise.all(wakers.map((w) => w.close()));
    },
  };
}
