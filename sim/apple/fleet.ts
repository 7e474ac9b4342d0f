// Many simulated devices at once, for benchmarks and demos: enroll N devices with a concurrency
// limit, then run connect rounds over all of them (as if each had just been pushed), and report
// counts and latency percentiles. No assertion on time here: bench/ compares figures.
import { SimulatedAppleDevice, type ConnectResult, type SimulatedAppleDeviceOptions } from './device.js';
import type { DeviceKind } from './hardware.js';
import type { Transport } from './transport.js';

export interface LatencySummary {
  count: number;
  minMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

export interface EnrollFleetOptions {
  count: number;
  transport: Transport;
  /** One kind for all, or a kind per index (a mixed fleet). */
  kind: DeviceKind | ((index: number) => DeviceKind);
  /** One URL for all, or one per device (a single-use token each). */
  enrollmentUrl: string | ((index: number) => string | Promise<string>);
  trust?: string | string[];
  /** Enrollments in flight at once (default 16). */
  concurrency?: number;
  /** Anything else every device gets (supervised, osVersion …). */
  device?: Partial<Omit<SimulatedAppleDeviceOptions, 'kind' | 'transport'>>;
}

export interface EnrollFleetResult {
  devices: SimulatedAppleDevice[];
  failures: { index: number; error: Error }[];
  elapsedMs: number;
  /** Whole enrollments (profile, SCEP, Authenticate, TokenUpdate) per second. */
  perSecond: number;
  latency: LatencySummary;
}

export async function enrollFleet(o: EnrollFleetOptions): Promise<EnrollFleetResult> {
  const devices: SimulatedAppleDevice[] = [];
  const failures: { index: number; error: Error }[] = [];
  const times: number[] = [];
  const started = performance.now();
  await mapLimit(range(o.count), o.concurrency ?? 16, async (i) => {
    const device = new SimulatedAppleDevice({
      ...o.device,
      kind: typeof o.kind === 'function' ? o.kind(i) : o.kind,
      transport: o.transport,
      ...(o.trust === undefined ? {} : { trust: o.trust }),
    });
    const t0 = performance.now();
    try {
      const url = typeof o.enrollmentUrl === 'function' ? await o.enrollmentUrl(i) : o.enrollmentUrl;
      await device.installEnrollmentProfile(url);
      times.push(performance.now() - t0);
      devices.push(device);
    } catch (err) {
      failures.push({ index: i, error: err instanceof Error ? err : new Error(String(err)) });
    }
  });
  const elapsedMs = performance.now() - started;
  return { devices, failures, elapsedMs, perSecond: devices.length / (elapsedMs / 1000), latency: summarize(times) };
}

export interface ConnectRoundResult {
  sessions: number;
  /** Sessions that threw (network errors), not HTTP statuses: those are in `ends`. */
  failures: number;
  ends: Partial<Record<ConnectResult['end'], number>>;
  /** Commands answered, by the status the device reported. */
  commands: Record<string, number>;
  elapsedMs: number;
  /** Requests (every PUT of every session) per second. */
  requestsPerSecond: number;
  /** Per PUT round trip. */
  latency: LatencySummary;
}

/** One connect session for every device, `concurrency` at a time (default 32). */
export async function connectRound(devices: readonly SimulatedAppleDevice[], o: { concurrency?: number } = {}): Promise<ConnectRoundResult> {
  const result: ConnectRoundResult = { sessions: 0, failures: 0, ends: {}, commands: {}, elapsedMs: 0, requestsPerSecond: 0, latency: summarize([]) };
  const times: number[] = [];
  const started = performance.now();
  await mapLimit(devices.filter((d) => d.enrolled), o.concurrency ?? 32, async (d) => {
    result.sessions++;
    try {
      const r = await d.connect();
      times.push(...r.latenciesMs);
      result.ends[r.end] = (result.ends[r.end] ?? 0) + 1;
      for (const c of r.commands) result.commands[c.Status] = (result.commands[c.Status] ?? 0) + 1;
    } catch {
      result.failures++;
    }
  });
  result.elapsedMs = performance.now() - started;
  result.requestsPerSecond = times.length / (result.elapsedMs / 1000);
  result.latency = summarize(times);
  return result;
}

/** `rounds` connect rounds, starting one every `intervalMs` (or back to back). */
export async function runConnectRounds(
  devices: readonly SimulatedAppleDevice[],
  o: { rounds: number; intervalMs?: number; concurrency?: number; onRound?: (round: number, r: ConnectRoundResult) => void; signal?: AbortSignal },
): Promise<ConnectRoundResult[]> {
  const out: ConnectRoundResult[] = [];
  for (let round = 0; round < o.rounds && o.signal?.aborted !== true; round++) {
    const t0 = performance.now();
    const r = await connectRound(devices, o.concurrency === undefined ? {} : { concurrency: o.concurrency });
    out.push(r);
    o.onRound?.(round, r);
    const wait = (o.intervalMs ?? 0) - (performance.now() - t0);
    if (wait > 0 && round + 1 < o.rounds) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  return out;
}

export function summarize(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) return { count: 0, minMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, maxMs: 0, meanMs: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    count: sorted.length,
    minMs: round(sorted[0] ?? 0),
    p50Ms: round(at(0.5)),
    p90Ms: round(at(0.9)),
    p99Ms: round(at(0.99)),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
    meanMs: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
