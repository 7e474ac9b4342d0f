// The tables and the verdicts bench/apple.ts prints: markdown, to paste into docs/performance.md.
import type { CommandRun } from './apple-command.js';

export interface Measured {
  wallMs: number;
  /** Steward's process. */
  serverCpuMs: number;
  /** PostgreSQL's backends for Steward's database (undefined on SQLite). */
  dbCpuMs: number | undefined;
  /** This process: the simulators, the fake APNs and the admin client. */
  clientCpuMs: number;
  /** The whole machine, every process. */
  machineCpuMs: number;
  /** Monotonic microseconds, for the CPU profile's window. */
  startUs: number;
  endUs: number;
}

export interface Figures {
  database: 'sqlite' | 'postgres';
  enroll: Measured & { devices: number; failures: number; p50Ms: number; p99Ms: number };
  firstRound: Measured & { requests: number; commands: number };
  idle: Measured & { requests: number; p50Ms: number; p99Ms: number };
  healthz: Measured & { requests: number };
  /** remoteLock for every device (a request each), each push waking its device at once. */
  command: Measured & CommandRun;
  /** The same with the pushes held until every request was answered: queuing, then delivery. */
  queued: Measured & CommandRun & { queueServerCpuMs: number; deliverServerCpuMs: number };
  /** One executeAction (rebootNow) for every device, each push waking its device at once. */
  bulk: Measured & CommandRun;
  /** The same with the pushes held until the request was answered. */
  bulkQueued: Measured & CommandRun & { queueServerCpuMs: number; deliverServerCpuMs: number };
  pushesDuringEnrollment: number;
  sessionFailures: number;
  /** Share of the machine's CPU that other processes took during the run. */
  otherLoad: number;
}

export const TARGETS = { idleCpuMs: 0.5, commandMs: 1500, postgresRatio: 2 };
/** Other processes' share of the machine above which wall-clock figures are not trusted. */
const QUIET = 0.1;

const per = (ms: number | undefined, n: number) => (ms === undefined || n === 0 ? undefined : ms / n);
const sum = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : a + b);
const rate = (n: number, ms: number) => (n * 1000) / ms;
const fmt = (x: number | undefined, digits = 2) => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));

interface Column { title: string; digits: number; value(f: Figures): number | undefined }

const THROUGHPUT: Column[] = [
  { title: 'enrollments/s', digits: 1, value: (f) => rate(f.enroll.devices, f.enroll.wallMs) },
  { title: 'idle check-ins/s', digits: 0, value: (f) => rate(f.idle.requests, f.idle.wallMs) },
  { title: 'idle check-in p50 ms', digits: 1, value: (f) => f.idle.p50Ms },
  { title: 'executeAction to all, pushed as queued: all acknowledged ms', digits: 0, value: (f) => complete(f.bulk) },
  { title: '… of which the request ms', digits: 0, value: (f) => f.bulk.queuingMs },
  { title: 'executeAction already queued: all acknowledged after the pushes ms', digits: 0, value: (f) => complete(f.bulkQueued) },
  { title: 'remoteLock per device, pushed as queued: all acknowledged ms', digits: 0, value: (f) => complete(f.command) },
  { title: '… of which the requests ms', digits: 0, value: (f) => f.command.queuingMs },
  { title: 'command round trips/s (delivery)', digits: 0, value: (f) => rate(f.bulkQueued.requests, f.bulkQueued.allAcknowledgedMs) },
];

const CPU: Column[] = [
  { title: 'per enrollment', digits: 2, value: (f) => per(f.enroll.serverCpuMs, f.enroll.devices) },
  { title: 'per signed idle check-in', digits: 3, value: (f) => per(f.idle.serverCpuMs, f.idle.requests) },
  { title: 'per /healthz', digits: 3, value: (f) => per(f.healthz.serverCpuMs, f.healthz.requests) },
  { title: 'per remoteLock request (queue + push)', digits: 2, value: (f) => per(f.queued.queueServerCpuMs, f.queued.devices) },
  { title: 'per device in executeAction (queue + push)', digits: 2, value: (f) => per(f.bulkQueued.queueServerCpuMs, f.bulkQueued.devices) },
  { title: 'per command delivered (fetch + acknowledge)', digits: 2, value: (f) => per(f.bulkQueued.deliverServerCpuMs, f.bulkQueued.devices) },
  { title: 'PostgreSQL per idle check-in', digits: 3, value: (f) => per(f.idle.dbCpuMs, f.idle.requests) },
  { title: 'Steward + PostgreSQL per idle check-in', digits: 3, value: (f) => per(sum(f.idle.serverCpuMs, f.idle.dbCpuMs), f.idle.requests) },
];

function complete(r: CommandRun): number {
  return r.acknowledged === r.devices ? r.allAcknowledgedMs : Infinity;
}

function table(columns: Column[], figures: readonly Figures[]): string[] {
  const lines = [`| database | ${columns.map((c) => c.title).join(' | ')} |`, `|---|${columns.map(() => '---').join('|')}|`];
  for (const f of figures) lines.push(`| ${f.database} | ${columns.map((c) => fmt(c.value(f), c.digits)).join(' | ')} |`);
  const [a, b] = figures;
  if (a !== undefined && b !== undefined) {
    lines.push(`| ${b.database} ÷ ${a.database} | ${columns.map((c) => {
      const x = c.value(a);
      const y = c.value(b);
      return fmt(x === undefined || y === undefined ? undefined : y / x, 2);
    }).join(' | ')} |`);
  }
  return lines;
}

export function printReport(figures: readonly Figures[]): void {
  console.log('\nThroughput and latency (wall clock)\n');
  for (const line of table(THROUGHPUT, figures)) console.log(line);
  console.log('\nServer CPU, ms (the steward process, from /proc; PostgreSQL\'s backends apart)\n');
  for (const line of table(CPU, figures)) console.log(line);

  for (const f of figures) {
    const notes = [
      `${f.enroll.devices} enrolled${f.enroll.failures > 0 ? `, ${f.enroll.failures} FAILED` : ''} (p50 ${fmt(f.enroll.p50Ms, 0)} ms, p99 ${fmt(f.enroll.p99Ms, 0)} ms each; the simulator spent ${fmt(per(f.enroll.clientCpuMs, f.enroll.devices), 0)} ms CPU per device, mostly its RSA-2048 key)`,
      `${f.pushesDuringEnrollment} pushes during enrollment; the first connect after it: ${f.firstRound.requests} requests, ${f.firstRound.commands} commands answered, ${fmt(per(f.firstRound.serverCpuMs, f.firstRound.requests), 2)} ms server CPU per request`,
      `idle check-in p99 ${fmt(f.idle.p99Ms, 1)} ms; the simulator spent ${fmt(per(f.idle.clientCpuMs, f.idle.requests), 2)} ms CPU per check-in`,
      `executeAction pushed as queued: request → acknowledged p50 ${fmt(f.bulk.p50Ms, 0)} ms, p99 ${fmt(f.bulk.p99Ms, 0)} ms, ${fmt(per(f.bulk.serverCpuMs, f.bulk.devices), 2)} ms server CPU per device${f.bulk.dbCpuMs === undefined ? '' : ` (+ ${fmt(per(f.bulk.dbCpuMs, f.bulk.devices), 2)} ms in PostgreSQL's backends)`}, the simulators ${fmt(per(f.bulk.clientCpuMs, f.bulk.devices), 2)} ms; already queued: push → acknowledged p50 ${fmt(f.bulkQueued.p50Ms, 0)} ms, p99 ${fmt(f.bulkQueued.p99Ms, 0)} ms`,
      `remoteLock per device pushed as queued: request → acknowledged p50 ${fmt(f.command.p50Ms, 0)} ms, p99 ${fmt(f.command.p99Ms, 0)} ms, ${fmt(per(f.command.serverCpuMs, f.command.devices), 2)} ms server CPU per device; already queued: all acknowledged ${fmt(complete(f.queued), 0)} ms after the pushes (p50 ${fmt(f.queued.p50Ms, 0)} ms, p99 ${fmt(f.queued.p99Ms, 0)} ms), ${fmt(per(f.queued.deliverServerCpuMs, f.queued.devices), 2)} ms server CPU per command delivered`,
      ...([f.command, f.queued, f.bulk, f.bulkQueued].some((r) => r.acknowledged < r.devices) ? [`NOT ALL ACKNOWLEDGED: ${[f.command, f.queued, f.bulk, f.bulkQueued].map((r) => r.acknowledged).join(', ')} of ${f.command.devices}`] : []),
      ...(f.sessionFailures > 0 ? [`${f.sessionFailures} pushed sessions failed`] : []),
      `other processes used ${fmt(100 * f.otherLoad, 0)}% of the machine meanwhile${f.otherLoad > QUIET ? ' (wall-clock figures are not trustworthy)' : ''}`,
    ];
    console.log(`\n${f.database}:\n${notes.map((n) => `- ${n}`).join('\n')}`);
  }

  console.log('\nTargets');
  for (const f of figures) {
    const idle = per(f.idle.serverCpuMs, f.idle.requests) ?? Infinity;
    console.log(`- ${f.database}: a signed idle check-in costs ${fmt(idle, 3)} ms server CPU (target ≤ ${TARGETS.idleCpuMs}): ${idle <= TARGETS.idleCpuMs ? 'met' : 'MISSED'}`);
    const all = complete(f.bulk);
    const delivered = complete(f.bulkQueued);
    console.log(`- ${f.database}: one command to ${f.bulk.devices} devices (executeAction) acknowledged ${fmt(all, 0)} ms after the admin request, ${fmt(delivered, 0)} ms after the pushes when already queued (target ≤ ${TARGETS.commandMs}): ${all <= TARGETS.commandMs ? 'met' : delivered <= TARGETS.commandMs ? 'MISSED end to end, met for the delivery' : 'MISSED'}`);
  }
  const [lite, pg] = figures;
  if (lite !== undefined && pg !== undefined) {
    // Higher is slower. CPU ratios hold on a busy machine; wall-clock ones only on a quiet one.
    const cpuRatio = (f: (x: Figures) => number | undefined) => (f(pg) ?? NaN) / (f(lite) ?? NaN);
    const cpu: [string, number][] = [
      ['Steward CPU per enrollment', cpuRatio((f) => per(f.enroll.serverCpuMs, f.enroll.devices))],
      ['per idle check-in', cpuRatio((f) => per(f.idle.serverCpuMs, f.idle.requests))],
      ['Steward + PostgreSQL per idle check-in', cpuRatio((f) => per(sum(f.idle.serverCpuMs, f.idle.dbCpuMs), f.idle.requests))],
      ['per command delivered', cpuRatio((f) => per(f.bulkQueued.deliverServerCpuMs, f.bulkQueued.devices))],
    ];
    const wall: [string, number][] = [
      ['enrollment time', rate(lite.enroll.devices, lite.enroll.wallMs) / rate(pg.enroll.devices, pg.enroll.wallMs)],
      ['idle check-in time', rate(lite.idle.requests, lite.idle.wallMs) / rate(pg.idle.requests, pg.idle.wallMs)],
      ['command time', complete(pg.bulk) / complete(lite.bulk)],
      ['delivery time', complete(pg.bulkQueued) / complete(lite.bulkQueued)],
    ];
    const quiet = Math.max(lite.otherLoad, pg.otherLoad) <= QUIET;
    const judged = [...cpu, ...(quiet ? wall : [])].map(([, v]) => v).filter(Number.isFinite);
    const list = (xs: [string, number][]) => xs.map(([k, v]) => `${k} ${fmt(v)}`).join(', ');
    console.log(`- PostgreSQL ÷ SQLite, higher is slower (target ≤ ${TARGETS.postgresRatio}): ${Math.max(...judged) <= TARGETS.postgresRatio ? 'met' : 'MISSED'}`
      + `\n  - CPU: ${list(cpu)}\n  - wall clock${quiet ? '' : ` (not judged: other processes took ${fmt(100 * Math.max(lite.otherLoad, pg.otherLoad), 0)}% of the machine)`}: ${list(wall)}`);
  }
}
