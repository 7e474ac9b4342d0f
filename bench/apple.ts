// npm run bench (after bench/run.ts): Apple MDM at fleet scale. Steward runs as `steward serve` in
// its own process, so its CPU time (read from /proc) is its own, on SQLite and, when
// STEWARD_TEST_DATABASE_URL is set, on a throwaway PostgreSQL database. Simulated iPhones
// (sim/apple: Apple's protocol, signed messages, HTTPS with keep-alive) run in this process, and
// a fake APNs (bench/apple-apns.ts) makes a pushed device connect, as a real one does. Everything
// goes through the real interfaces: the CLI for the API client, the Graph API for the push
// certificate, the enrollment profile and the commands.
//
// Phases, per database:
//   enroll    N devices: profile, SCEP, Authenticate, TokenUpdate             enrollments/s, CPU each
//   first     every device connects once and answers what enrollment queued (inventory)
//   idle      ROUNDS rounds of every device connecting with nothing queued   check-ins/s, CPU each
//   /healthz  the same HTTPS stack doing nothing: the floor under a request
//   command   remoteLock (DeviceLock) on every device through Graph, one request per device,
//             pushed as queued: the time from the first admin request until every device has
//             acknowledged; then again with the pushes held until all are queued, then released
//             (queuing and delivery apart, in time and in CPU)
//   bulk      the same two runs with one executeAction request (Graph beta; rebootNow, so
//             RestartDevice: the iPhones enroll supervised) naming every device
// Figures go to docs/performance.md by hand, with the machine and the date; tests assert no time.
//
// Environment: BENCH_APPLE_DEVICES (500), BENCH_APPLE_ROUNDS (3), BENCH_APPLE_CONCURRENCY (16
// enrollments in flight), BENCH_APPLE_CONNECT_CONCURRENCY (32 check-ins in flight),
// BENCH_APPLE_ADMIN_CONCURRENCY (16 admin requests in flight), BENCH_APPLE_PROFILE=1 (write a V8
// CPU profile of the server to bench-apple-<database>.cpuprofile in the temporary directory and
// print where its time went in each phase; the profiler inflates the figures),
// BENCH_APPLE_DATABASES (sqlite,postgres: which of them to run).
import { copyFileSync, readdirSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectRound, enrollFleet, mapLimit } from '../sim/apple/fleet.js';
import { httpsTransport } from '../sim/apple/transport.js';
import { PushCertificateFactory } from '../test/support/push-certificates.js';
import { expect, managedDeviceIds, signInAdmin, type AdminApi } from './apple-admin.js';
import { startFakeApns } from './apple-apns.js';
import { commandAll, PushedFleet, type CommandWay } from './apple-command.js';
import { printProfile, summarizeProfile } from './apple-profile.js';
import { printReport, type Figures, type Measured } from './apple-report.js';
import { cpuSince, machineCpuMs, scratchDir, startSteward, throwawayPostgres, type CpuSnapshot, type StewardUnderTest, type ThrowawayPostgres } from './apple-server.js';

const DEVICES = Number(process.env.BENCH_APPLE_DEVICES ?? 500);
const ROUNDS = Number(process.env.BENCH_APPLE_ROUNDS ?? 3);
const ENROLL_CONCURRENCY = Number(process.env.BENCH_APPLE_CONCURRENCY ?? 16);
const CONNECT_CONCURRENCY = Number(process.env.BENCH_APPLE_CONNECT_CONCURRENCY ?? 32);
const ADMIN_CONCURRENCY = Number(process.env.BENCH_APPLE_ADMIN_CONCURRENCY ?? 16);
const PROFILE = process.env.BENCH_APPLE_PROFILE === '1';

interface Snapshot { server: number; db: CpuSnapshot | undefined; client: number; machine: number; us: number }

const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function snapshot(server: StewardUnderTest, db: ThrowawayPostgres | undefined): Promise<Snapshot> {
  const dbCpu = await db?.backendCpu();
  const u = process.cpuUsage();
  return { server: server.cpuMs(), db: dbCpu, client: (u.user + u.system) / 1000, machine: machineCpuMs(), us: nowUs() };
}

function between(a: Snapshot, b: Snapshot): Measured {
  return {
    wallMs: (b.us - a.us) / 1000, serverCpuMs: b.server - a.server, dbCpuMs: cpuSince(a.db, b.db),
    clientCpuMs: b.client - a.client, machineCpuMs: b.machine - a.machine, startUs: a.us, endUs: b.us,
  };
}

async function measure<T>(server: StewardUnderTest, db: ThrowawayPostgres | undefined, run: () => Promise<T>): Promise<Measured & { result: T }> {
  const before = await snapshot(server, db);
  const result = await run();
  return { ...between(before, await snapshot(server, db)), result };
}

/** Admin set-up over the API: the push certificate, then an enrollment profile; returns its enrollment URL. */
async function setUp(api: AdminApi, pushes: PushCertificateFactory): Promise<string> {
  const push = pushes.issue();
  await expect(api, 200, 'PATCH', '/v1.0/deviceManagement/applePushNotificationCertificate', { certificate: push.certificate, privateKey: push.privateKey, appleIdentifier: 'bench@example.com' });
  const profile = await expect(api, 201, 'POST', '/v1.0/deviceManagement/enrollmentProfiles', { displayName: 'Bench iPhones', platform: 'iOS', ownership: 'company' }) as { enrollmentUrl: string };
  return profile.enrollmentUrl;
}

async function runOn(database: Figures['database'], adminUrl: string | undefined): Promise<Figures & { profile?: { file: string; windows: Record<string, Measured> } }> {
  const scratch = scratchDir('steward-bench-apple-');
  const pushes = new PushCertificateFactory();
  const fleet = new PushedFleet();
  const closers: (() => unknown)[] = [() => scratch.remove(), () => pushes.cleanup()];
  const close = async () => { for (const c of closers.splice(0).reverse()) await c(); };
  try {
    const pg = database === 'postgres' && adminUrl !== undefined ? await throwawayPostgres(adminUrl) : undefined;
    if (pg) closers.push(() => pg.drop());
    const apns = await startFakeApns(scratch.dir, fleet.onPush);
    closers.push(() => apns.close());
    const s = await startSteward({
      apnsUrl: apns.url, extraCaFile: apns.certificateFile,
      ...(pg === undefined ? {} : { databaseUrl: pg.url }),
      ...(PROFILE ? { cpuProfileDir: scratch.dir } : {}),
    });
    let stopped = false;
    closers.push(() => (stopped ? undefined : s.stop()));
    const api = await signInAdmin(s);
    closers.push(() => api.close());
    const enrollmentUrl = await setUp(api, pushes);
    // Each device keeps its connection between sessions, as devices do: the first pushed run opens
    // them (TLS resumed from the agent's session cache), the later ones reuse them.
    const transport = httpsTransport({ ca: s.caPem, maxFreeSockets: DEVICES });
    closers.push(() => transport.close?.());
    const start = await snapshot(s, pg);

    // 1. Enrollment; pushes meanwhile (for the first inventory) are answered and ignored.
    const pushesBefore = apns.pushes;
    const enroll = await measure(s, pg, () => enrollFleet({
      count: DEVICES, kind: 'iPhone', transport, enrollmentUrl, trust: s.caPem, concurrency: ENROLL_CONCURRENCY, device: { supervised: true },
    }));
    const pushesDuringEnrollment = apns.pushes - pushesBefore;
    const { devices, failures } = enroll.result;
    if (failures.length > 0) console.error(`${database}: ${failures.length} enrollments failed; the first: ${failures[0]?.error.stack ?? ''}`);
    fleet.setDevices(devices);

    // 2. Every device connects once and answers whatever enrollment queued for it.
    const first = await measure(s, pg, () => connectRound(devices, { concurrency: CONNECT_CONCURRENCY }));

    // 3. Idle check-ins. A device signs the same Idle body every round, and the simulator waits
    // for the next second rather than send a byte-identical (replayed) message: a round shorter
    // than a second is paced by that.
    const idleRounds: { p50Ms: number; p99Ms: number }[] = [];
    const idle = await measure(s, pg, async () => {
      let requests = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const r = await connectRound(devices, { concurrency: CONNECT_CONCURRENCY });
        if (r.failures > 0 || r.ends.idle !== devices.length) throw new Error(`${database}: idle round ${round} ended ${JSON.stringify(r.ends)}, ${r.failures} failures`);
        requests += r.latency.count;
        idleRounds.push(r.latency);
      }
      return requests;
    });

    // 4. The floor: /healthz over the same keep-alive HTTPS, after a warm-up.
    const healthUrl = new URL('/healthz', s.url).toString();
    const ping = async () => {
      const res = await transport.request('GET', healthUrl, {});
      if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
    };
    const healthCount = Math.max(1000, idle.result);
    await mapLimit(Array.from({ length: 200 }), CONNECT_CONCURRENCY, ping);
    const healthz = await measure(s, pg, () => mapLimit(Array.from({ length: healthCount }), CONNECT_CONCURRENCY, ping));

    // 5. One command to every device, pushed as queued; then again, queued first and pushed after;
    // one request per device (remoteLock), then one request for all (executeAction).
    const ids = await managedDeviceIds(api);
    const targets = devices.map((device) => {
      const id = ids.get(device.udid);
      if (id === undefined) throw new Error(`${database}: no managedDevice with UDID ${device.udid}`);
      return { device, id };
    });
    const options = { concurrency: ADMIN_CONCURRENCY };
    const held = async (way: CommandWay) => {
      let split: Snapshot | undefined;
      const before = await snapshot(s, pg);
      const run = await commandAll(api, fleet, targets, { ...options, way, holdPushes: true, afterQueuing: async () => { split = await snapshot(s, pg); } });
      const after = await snapshot(s, pg);
      return { ...between(before, after), ...run, splitUs: split?.us, queueServerCpuMs: (split?.server ?? NaN) - before.server, deliverServerCpuMs: after.server - (split?.server ?? NaN) };
    };
    await sleep(1100); // past the second of the last Idle signatures (see 3)
    const command = await measure(s, pg, () => commandAll(api, fleet, targets, { ...options, way: 'per-device', holdPushes: false }));
    await sleep(1100);
    const queued = await held('per-device');
    const locked = devices.filter((d) => d.state.locked).length;
    if (locked !== devices.length) console.error(`${database}: only ${locked} of ${devices.length} simulated devices are locked`);
    await sleep(1100);
    const bulk = await measure(s, pg, () => commandAll(api, fleet, targets, { ...options, way: 'bulk', holdPushes: false }));
    await sleep(1100);
    const bulkQueued = await held('bulk');
    const after = await snapshot(s, pg);
    const restarted = devices.filter((d) => d.state.restarts === 2).length;
    if (restarted !== devices.length) console.error(`${database}: only ${restarted} of ${devices.length} simulated devices restarted twice`);
    const whole = between(start, after);

    await s.stop();
    stopped = true;
    const figures: Figures & { profile?: { file: string; windows: Record<string, Measured> } } = {
      database,
      enroll: { ...enroll, devices: devices.length, failures: failures.length, p50Ms: enroll.result.latency.p50Ms, p99Ms: enroll.result.latency.p99Ms },
      firstRound: { ...first, requests: first.result.latency.count, commands: Object.values(first.result.commands).reduce((a, b) => a + b, 0) },
      idle: { ...idle, requests: idle.result, p50Ms: median(idleRounds.map((r) => r.p50Ms)), p99Ms: Math.max(...idleRounds.map((r) => r.p99Ms)) },
      healthz: { ...healthz, requests: healthCount },
      command: { ...command, ...command.result },
      queued,
      bulk: { ...bulk, ...bulk.result },
      bulkQueued,
      pushesDuringEnrollment,
      sessionFailures: fleet.sessionFailures,
      otherLoad: Math.max(0, whole.machineCpuMs - whole.serverCpuMs - whole.clientCpuMs - (whole.dbCpuMs ?? 0)) / (whole.wallMs * cpus().length),
    };
    if (PROFILE) {
      const file = readdirSync(scratch.dir).find((f) => f.endsWith('.cpuprofile'));
      if (file === undefined) console.error(`${database}: the server wrote no CPU profile`);
      else {
        const kept = join(tmpdir(), `bench-apple-${database}.cpuprofile`);
        copyFileSync(join(scratch.dir, file), kept);
        figures.profile = {
          file: kept,
          windows: {
            enrollment: enroll,
            'signed idle check-in': idle,
            '/healthz': healthz,
            'remoteLock requests (queue + push)': { ...queued, endUs: queued.splitUs ?? queued.endUs },
            'command delivery (fetch + acknowledge)': { ...queued, startUs: queued.splitUs ?? queued.startUs },
            'executeAction (queue + push)': { ...bulkQueued, endUs: bulkQueued.splitUs ?? bulkQueued.endUs },
            'executeAction delivery (fetch + acknowledge)': { ...bulkQueued, startUs: bulkQueued.splitUs ?? bulkQueued.startUs },
          },
        };
      }
    }
    return figures;
  } finally {
    await close();
  }
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

const adminUrl = process.env.STEWARD_TEST_DATABASE_URL || undefined;
console.log(`\n# Steward Apple MDM benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}\n`);
console.log(`${DEVICES} simulated iPhones over HTTPS with keep-alive: ${ENROLL_CONCURRENCY} enrollments, ${CONNECT_CONCURRENCY} check-ins and ${ADMIN_CONCURRENCY} admin requests in flight, `
  + `${ROUNDS} idle rounds. Steward in its own process; the simulators, the fake APNs and the admin client in this one.${PROFILE ? ' CPU PROFILER ON: figures inflated.' : ''}`);
if (adminUrl === undefined) console.log('STEWARD_TEST_DATABASE_URL is not set: SQLite only.');
const figures: (Figures & { profile?: { file: string; windows: Record<string, Measured> } })[] = [];
// BENCH_APPLE_DATABASES=postgres (or sqlite) runs one of them only.
const only = process.env.BENCH_APPLE_DATABASES;
for (const database of adminUrl === undefined ? ['sqlite' as const] : ['sqlite' as const, 'postgres' as const]) {
  if (only === undefined || only.split(',').includes(database)) figures.push(await runOn(database, adminUrl));
}
printReport(figures);
for (const f of figures) {
  if (f.profile === undefined) continue;
  console.log(`\n## Where the server's time went on ${f.database} (${f.profile.file}; main thread, wall-clock samples)`);
  for (const [title, window] of Object.entries(f.profile.windows)) printProfile(`${f.database}, ${title}`, summarizeProfile(f.profile.file, window));
}
