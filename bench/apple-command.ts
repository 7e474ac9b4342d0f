// One command to every device, as bench/apple.ts measures it, two ways: remoteLock through Graph
// for each managedDevice (one admin request per device, each queuing DeviceLock and pushing), or
// one executeAction request (Graph beta's bulk action; rebootNow, RestartDevice) that queues for
// every device in one transaction and pushes in one batch. The fake APNs hands each push to the
// simulated device, which connects, fetches the command and acknowledges it, as a real device
// does on an MDM push.
import type { ConnectResult, SimulatedAppleDevice } from '../sim/apple/device.js';
import { mapLimit, summarize } from '../sim/apple/fleet.js';
import { expect, type AdminApi } from './apple-admin.js';

/**
 * What the fake APNs does with a push: nothing (`ignore`, as while devices are still enrolling),
 * make the device connect (`wake`; once more after a session in progress, as a device coalesces
 * pushes), or keep it for `release()` (`hold`).
 */
export class PushedFleet {
  mode: 'ignore' | 'wake' | 'hold' = 'ignore';
  sessionFailures = 0;
  private byToken = new Map<string, SimulatedAppleDevice>();
  private readonly held = new Set<SimulatedAppleDevice>();
  private readonly running = new Map<SimulatedAppleDevice, { again: boolean }>();
  private listener: ((device: SimulatedAppleDevice, r: ConnectResult) => void) | undefined;

  setDevices(devices: readonly SimulatedAppleDevice[]): void {
    this.byToken = new Map(devices.map((d) => [Buffer.from(d.enrollment?.pushToken ?? []).toString('hex'), d]));
  }

  /** For startFakeApns: false for a token no device has (APNs answers BadDeviceToken). */
  readonly onPush = (token: string): boolean => {
    if (this.mode === 'ignore') return true;
    const device = this.byToken.get(token);
    if (device === undefined) return false;
    if (this.mode === 'hold') this.held.add(device);
    else setImmediate(() => this.wake(device));
    return true;
  };

  /** Wakes every device whose push was held. */
  release(): number {
    const devices = [...this.held];
    this.held.clear();
    for (const d of devices) this.wake(d);
    return devices.length;
  }

  onSession(listener: ((device: SimulatedAppleDevice, r: ConnectResult) => void) | undefined): void {
    this.listener = listener;
  }

  async settled(): Promise<void> {
    while (this.running.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  private wake(device: SimulatedAppleDevice): void {
    const running = this.running.get(device);
    if (running !== undefined) {
      running.again = true;
      return;
    }
    const state = { again: true };
    this.running.set(device, state);
    void (async () => {
      while (state.again) {
        state.again = false;
        try {
          this.listener?.(device, await device.connect());
        } catch {
          this.sessionFailures++;
        }
      }
      this.running.delete(device);
    })();
  }
}

export interface CommandRun {
  devices: number;
  acknowledged: number;
  /** Device requests (PUTs to the command endpoint) in the run. */
  requests: number;
  /** From the first admin request until the last one was answered. */
  queuingMs: number;
  /** From the first admin request (or, with holdPushes, the release of the pushes) until the last acknowledgement. */
  allAcknowledgedMs: number;
  /** Per device, from its admin request (or the release) to its acknowledgement. */
  p50Ms: number;
  p99Ms: number;
}

/** How the admin asks: one remoteLock request per device, or one executeAction (rebootNow) for all. */
export type CommandWay = 'per-device' | 'bulk';

/** The device command each way queues. */
export const REQUEST_TYPE: Readonly<Record<CommandWay, string>> = { 'per-device': 'DeviceLock', bulk: 'RestartDevice' };

/**
 * One command to every target: `per-device`, remoteLock requests `concurrency` at a time; `bulk`,
 * one executeAction request naming every device. Without `holdPushes` each push wakes its device
 * at once (the whole path, as an admin sees it); with it, every push is held until the last
 * request was answered and then released together (the delivery alone).
 */
export async function commandAll(
  api: AdminApi,
  fleet: PushedFleet,
  targets: readonly { device: SimulatedAppleDevice; id: string }[],
  o: { way: CommandWay; concurrency: number; holdPushes: boolean; timeoutMs?: number; afterQueuing?: () => Promise<void> },
): Promise<CommandRun> {
  const askedAt = new Map<SimulatedAppleDevice, number>();
  const acknowledged = new Set<SimulatedAppleDevice>();
  const latencies: number[] = [];
  const requestType = REQUEST_TYPE[o.way];
  let requests = 0;
  let reference = 0;
  let allDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => { allDone = resolve; });
  fleet.onSession((device, r) => {
    requests += r.latenciesMs.length;
    if (acknowledged.has(device) || !r.commands.some((c) => c.RequestType === requestType && c.Status === 'Acknowledged')) return;
    acknowledged.add(device);
    latencies.push(performance.now() - (o.holdPushes ? reference : askedAt.get(device) ?? NaN));
    if (acknowledged.size === targets.length) allDone();
  });
  fleet.mode = o.holdPushes ? 'hold' : 'wake';
  try {
    const t0 = performance.now();
    if (o.way === 'per-device') {
      await mapLimit(targets, o.concurrency, async ({ device, id }) => {
        askedAt.set(device, performance.now());
        await expect(api, 204, 'POST', `/v1.0/deviceManagement/managedDevices/${id}/remoteLock`, {});
      });
    } else {
      for (const { device } of targets) askedAt.set(device, t0);
      const result = await expect(api, 200, 'POST', '/beta/deviceManagement/managedDevices/executeAction', {
        actionName: 'rebootNow', deviceIds: targets.map((t) => t.id),
      }) as { successfulDeviceIds?: string[] };
      const queued = result.successfulDeviceIds?.length ?? 0;
      if (queued !== targets.length) throw new Error(`executeAction queued for ${queued} of ${targets.length} devices: ${JSON.stringify(result).slice(0, 2000)}`);
    }
    const queuingMs = performance.now() - t0;
    await o.afterQueuing?.();
    reference = o.holdPushes ? performance.now() : t0;
    if (o.holdPushes) {
      fleet.mode = 'wake';
      fleet.release();
    }
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), o.timeoutMs ?? 60_000).unref());
    await Promise.race([done, timeout]);
    const allAcknowledgedMs = performance.now() - reference;
    const lat = summarize(latencies);
    return { devices: targets.length, acknowledged: acknowledged.size, requests, queuingMs, allAcknowledgedMs, p50Ms: lat.p50Ms, p99Ms: lat.p99Ms };
  } finally {
    fleet.mode = 'ignore';
    await fleet.settled();
    fleet.onSession(undefined);
  }
}
