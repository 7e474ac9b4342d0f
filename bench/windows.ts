// npm run bench (after bench/run.ts and bench/apple.ts; alone: npx tsx bench/windows.ts): Windows
// enrollments (MS-MDE2) and OMA-DM sessions of the enrolled PCs. Steward runs as `steward serve`
// in its own process (bench/apple-server.ts: its CPU time read from /proc, so it is the server's
// and nobody else's), with the HTTPS listener asking for client certificates as main.ts builds
// it; on SQLite and, when STEWARD_TEST_DATABASE_URL is set, on a throwaway PostgreSQL database. Simulated PCs
// (sim/windows) enroll with an enrollment profile's link, then open sessions over mutual TLS with
// their client certificates (keep-alive, as a PC keeps its connection through a session).
//
// Phases, per database:
//   enroll      ENROLL PCs enrolling with the profile's ms-device-enrollment: link, as Settings
//               runs it: discovery (GET, Discover → Federated), the sign-in page taking the link's
//               accesstoken, GetPolicies (MS-XCEP), then RequestSecurityToken (MS-WSTEP) with a
//               fresh RSA-2048 key and its PKCS #10: enrollments/s (wall), the server's CPU per
//               enrollment and PostgreSQL's. The PCs' keys are made in this process, so the same
//               number of keys is then made alone, at the same concurrency: what share of the
//               phase's wall time the simulator's key generation is on this machine.
//   warm-up     every PC's first session (inventory Gets and answers) and a second, empty one
//   /healthz    the same HTTPS stack answering nothing: a floor to compare with
//   sessions    SESSIONS sessions with nothing queued (Alert 1201, DevInfo → statuses, Final):
//               sessions/s, and the server's CPU per SyncML message (the target: ≤ 1 ms)
//   check-in    after a minute's pause, one session per PC: what a PC's scheduled session costs
//               when its check-in is stamped (the enrollment's lastSeenAt and the device's
//               lastSyncDateTime are written at most once a minute), still with nothing queued
// Figures go to docs/performance.md by hand with the machine and the date; tests never assert times.
//
// Environment: BENCH_WINDOWS_ENROLL (200 PCs enrolled in the measured phase), BENCH_WINDOWS_PCS (64
// of them, or more if more are asked for, run the sessions), BENCH_WINDOWS_SESSIONS (3000),
// BENCH_WINDOWS_CONCURRENCY (16 sessions in flight), BENCH_WINDOWS_ENROLL_CONCURRENCY (16
// enrollments in flight), BENCH_WINDOWS_CHECKIN=0 (skip the
// check-in phase and its minute of waiting), BENCH_WINDOWS_PROFILE=1 (print where the server's CPU
// went in each phase; figures are then inflated by the profiler).
import { generateKeyPair } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mapLimit, summarize } from '../sim/apple/fleet.js';
import { httpsTransport, type Transport } from '../sim/windows/transport.js';
import { SimulatedWindowsPC } from '../sim/windows/pc.js';
import { ManagedWindowsPC } from '../sim/windows/management-pc.js';
import { ROOT } from '../test/support/process.js';
import { expect, signInAdmin } from './apple-admin.js';
import { cpuSince, machineCpuMs, scratchDir, startSteward, throwawayPostgres, type StewardUnderTest, type ThrowawayPostgres } from './apple-server.js';
import { printProfile, summarizeProfile } from './apple-profile.js';

const PCS = Number(process.env.BENCH_WINDOWS_PCS ?? 64);
const SESSIONS = Number(process.env.BENCH_WINDOWS_SESSIONS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_WINDOWS_CONCURRENCY ?? 16);
const ENROLL = Number(process.env.BENCH_WINDOWS_ENROLL ?? 200);
const ENROLL_CONCURRENCY = Number(process.env.BENCH_WINDOWS_ENROLL_CONCURRENCY ?? 16);
const TARGET_CPU_MS_PER_MESSAGE = 1;
const PROFILE = process.env.BENCH_WINDOWS_PROFILE === '1';
const CHECKIN = process.env.BENCH_WINDOWS_CHECKIN !== '0';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const generateKeyPairAsync = promisify(generateKeyPair);

interface Phase {
  startUs: number;
  endUs: number;
  wallMs: number;
  serverCpuMs: number;
  dbCpuMs: number | undefined;
  /** This process: the simulated PCs (and their RSA keys) and the admin client. */
  clientCpuMs: number;
  /** The whole machine, every process. */
  machineCpuMs: number;
  count: number;
}

const clientCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Share of the machine's CPU that other processes (other test runs) took during a phase. */
const otherLoad = (p: Phase) => Math.max(0, p.machineCpuMs - p.serverCpuMs - p.clientCpuMs - (p.dbCpuMs ?? 0)) / (p.wallMs * cpus().length);

async function measure(server: StewardUnderTest, db: ThrowawayPostgres | undefined, run: () => Promise<number>): Promise<Phase> {
  const dbBefore = await db?.backendCpu();
  const cpu0 = server.cpuMs();
  const client0 = clientCpuMs();
  const machine0 = machineCpuMs();
  const t0 = performance.now();
  const startUs = Number(process.hrtime.bigint() / 1000n);
  const count = await run();
  const endUs = Number(process.hrtime.bigint() / 1000n);
  const wallMs = performance.now() - t0;
  const serverCpuMs = server.cpuMs() - cpu0;
  const client = clientCpuMs() - client0;
  const machine = machineCpuMs() - machine0;
  return { startUs, endUs, wallMs, serverCpuMs, dbCpuMs: db === undefined ? undefined : cpuSince(dbBefore, await db.backendCpu()), clientCpuMs: client, machineCpuMs: machine, count };
}

interface Enrolled { pc: SimulatedWindowsPC; identity: Awaited<ReturnType<SimulatedWindowsPC['enroll']>> }

/** `count` PCs enrolling through the profile's link, `ENROLL_CONCURRENCY` at a time. */
async function enrollPCs(transport: Transport, link: string, first: number, count: number) {
  const enrolled: Enrolled[] = [];
  const failures: Error[] = [];
  const times: number[] = [];
  await mapLimit(Array.from({ length: count }, (_, i) => first + i), ENROLL_CONCURRENCY, async (i) => {
    const pc = new SimulatedWindowsPC({ transport, deviceName: `BENCH-PC-${i}` });
    const t0 = performance.now();
    try {
      const identity = await pc.enroll({ link });
      times.push(performance.now() - t0);
      enrolled.push({ pc, identity });
    } catch (err) {
      failures.push(err instanceof Error ? err : new Error(String(err)));
    }
  });
  return { enrolled, failures, latency: summarize(times) };
}

async function runOn(database: 'sqlite' | 'postgres', adminUrl: string | undefined) {
  const pg = database === 'postgres' && adminUrl !== undefined ? await throwawayPostgres(adminUrl) : undefined;
  let server: StewardUnderTest | undefined;
  const scratch = scratchDir('steward-bench-windows-');
  const closers: { close?(): void }[] = [];
  try {
    // No APNs in this bench: Windows PCs are not pushed (no WNS yet); the URL is never called.
    server = await startSteward({
      apnsUrl: 'https://127.0.0.1:9', extraCaFile: join(ROOT, 'src/protocol/windows/testdata/enroll-root-ca.pem'),
      ...(pg === undefined ? {} : { databaseUrl: pg.url }),
      ...(PROFILE ? { cpuProfileDir: scratch.dir } : {}),
    });
    const s = server;
    const api = await signInAdmin(s);
    closers.push(api);
    const profile = await expect(api, 201, 'POST', '/v1.0/deviceManagement/enrollmentProfiles', { displayName: 'Bench PCs', platform: 'windows10AndLater', ownership: 'company' }) as { enrollmentUrl: string };

    // Enrollment (MS-MDE2 over HTTPS, one keep-alive agent for every PC, as bench/apple.ts does).
    const enrollTransport = httpsTransport({ ca: s.caPem });
    closers.push(enrollTransport);
    let enrollRun: Awaited<ReturnType<typeof enrollPCs>> | undefined;
    const enroll = await measure(s, pg, async () => {
      enrollRun = await enrollPCs(enrollTransport, profile.enrollmentUrl, 0, ENROLL);
      return enrollRun.enrolled.length;
    });
    if (enrollRun === undefined) throw new Error('no enrollment run');
    const enrolled = enrollRun.enrolled;
    const enrollFailures = enrollRun.failures.length;
    if (enrollFailures > 0) console.error(`${database}: ${enrollFailures} of ${ENROLL} enrollments failed; the first: ${enrollRun.failures[0]?.stack ?? ''}`);
    // The same number of RSA-2048 keys alone, as the PCs make them (async, on libuv's threads).
    const keys = await measure(s, pg, async () => {
      await mapLimit(Array.from({ length: ENROLL }), ENROLL_CONCURRENCY, async () => { await generateKeyPairAsync('rsa', { modulusLength: 2048 }); });
      return ENROLL;
    });
    if (enrolled.length < PCS) {
      const more = await enrollPCs(enrollTransport, profile.enrollmentUrl, ENROLL, PCS - enrolled.length);
      const failed = more.failures[0];
      if (failed !== undefined) throw failed;
      enrolled.push(...more.enrolled);
    }

    const pcs: ManagedWindowsPC[] = [];
    for (const { pc, identity } of enrolled.slice(0, PCS)) {
      const transport = httpsTransport({ ca: s.caPem, clientCertificate: { certPem: identity.certificatePem, keyPem: identity.privateKeyPem } });
      closers.push(transport);
      pcs.push(new ManagedWindowsPC({ transport, managementUrl: identity.managementUrl, providerId: identity.providerId, deviceId: pc.deviceId }));
    }

    const warm = await measure(s, pg, async () => {
      let messages = 0;
      await mapLimit(pcs, CONCURRENCY, async (pc) => {
        for (let i = 0; i < 2; i++) {
          const r = await pc.sync();
          messages += r.replies.length;
        }
      });
      return messages;
    });

    // The floor: the same TLS listener and Fastify answering /healthz (no client certificate).
    const healthTransport = httpsTransport({ ca: s.caPem });
    closers.push(healthTransport);
    const healthz = await measure(s, pg, async () => {
      const n = Math.min(SESSIONS, 2000);
      await mapLimit(Array.from({ length: n }, (_, i) => i), CONCURRENCY, async () => {
        const res = await healthTransport.request('GET', `${s.url}/healthz`, {});
        if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
      });
      return n;
    });

    let extraMessages = 0;
    const sessions = await measure(s, pg, async () => {
      // Each PC runs its sessions one after another, as a PC's schedule does; PCs run side by side.
      const perPc = Math.ceil(SESSIONS / pcs.length);
      let done = 0;
      await mapLimit(pcs, CONCURRENCY, async (pc) => {
        for (let i = 0; i < perPc && done < SESSIONS; i++) {
          done++;
          const r = await pc.sync();
          if (r.replies.length !== 1 || r.handled.length !== 0) extraMessages += r.replies.length - 1;
        }
      });
      return done;
    });
    const messages = sessions.count + extraMessages;

    let checkIn: Phase | undefined;
    if (CHECKIN) {
      await sleep(61_000);
      checkIn = await measure(s, pg, async () => {
        let n = 0;
        await mapLimit(pcs, CONCURRENCY, async (pc) => {
          const r = await pc.sync();
          n += r.replies.length;
        });
        return n;
      });
    }
    for (const c of closers) c.close?.();
    closers.length = 0;
    await server.stop();
    server = undefined;
    if (PROFILE) {
      const file = readdirSync(scratch.dir).find((f) => f.endsWith('.cpuprofile'));
      if (file) for (const [name, p] of [['enrollment', enroll], ['warm-up', warm], ['sessions', sessions], ...(checkIn ? [['check-in', checkIn] as const] : [])] as const) printProfile(`${database} ${name}`, summarizeProfile(join(scratch.dir, file), p));
    }
    return { database, pcs: pcs.length, enroll: { ...enroll, latency: enrollRun.latency, failures: enrollFailures }, keys, warm, healthz, sessions, messages, checkIn };
  } finally {
    for (const c of closers) c.close?.();
    await server?.stop();
    await pg?.drop();
    scratch.remove();
  }
}

const fmt = (n: number | undefined, d = 3) => (n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(d));
const cpuPer = (p: Phase, n = p.count) => p.serverCpuMs / n;
const pct = (x: number) => `${fmt(100 * x, 0)}%`;

console.log(`# Windows OMA-DM benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
const adminUrl = process.env.STEWARD_TEST_DATABASE_URL || undefined;
const runs: Awaited<ReturnType<typeof runOn>>[] = [];
for (const database of ['sqlite', ...(adminUrl ? ['postgres' as const] : [])] as const) runs.push(await runOn(database, adminUrl));

console.log(`\n${ENROLL} PCs enrolling with an enrollment profile's link (discovery, sign-in page with the accesstoken, GetPolicies, RequestSecurityToken with an RSA-2048 key made in the bench process), ${ENROLL_CONCURRENCY} in flight\n`);
console.log('| database | enrollments/s | enrollment p50 ms | enrollment p99 ms | server CPU ms per enrollment | PostgreSQL CPU ms per enrollment | bench process CPU ms per enrollment | RSA-2048 key alone: CPU ms | the keys: share of the phase\'s CPU (server, PostgreSQL, bench) | the keys alone: wall time, share of the phase\'s | other processes\' share of the machine |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const f of runs) {
  const e = f.enroll;
  console.log(`| ${f.database} | ${fmt(e.count / (e.wallMs / 1000), 1)} | ${fmt(e.latency.p50Ms, 0)} | ${fmt(e.latency.p99Ms, 0)} | ${fmt(cpuPer(e), 2)} | ${e.dbCpuMs === undefined ? '–' : fmt(e.dbCpuMs / e.count, 2)} | ${fmt(e.clientCpuMs / e.count, 1)} | ${fmt(f.keys.clientCpuMs / f.keys.count, 1)} | ${pct(f.keys.clientCpuMs / (e.serverCpuMs + (e.dbCpuMs ?? 0) + e.clientCpuMs))} | ${pct(f.keys.wallMs / e.wallMs)} (${fmt(f.keys.wallMs / 1000, 1)} s of ${fmt(e.wallMs / 1000, 1)} s) | ${pct(otherLoad(e))} |`);
  if (e.failures > 0) console.log(`  (${e.failures} of ${ENROLL} enrollments FAILED on ${f.database})`);
}

console.log(`\n${PCS} PCs, ${SESSIONS} sessions with nothing queued, ${CONCURRENCY} in flight, mutual TLS with keep-alive\n`);
console.log('| database | sessions/s | server CPU ms per SyncML message | PostgreSQL CPU ms per message | /healthz CPU ms | message ÷ healthz | check-in session: CPU ms per message | first sessions (inventory): CPU ms per message | other processes\' share of the machine (sessions) |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const f of runs) {
  const perMessage = cpuPer(f.sessions, f.messages);
  const health = cpuPer(f.healthz);
  console.log(`| ${f.database} | ${fmt(f.sessions.count / (f.sessions.wallMs / 1000), 0)} | ${fmt(perMessage)} | ${f.sessions.dbCpuMs === undefined ? '–' : fmt(f.sessions.dbCpuMs / f.messages)} | ${fmt(health)} | ${fmt(perMessage / health, 1)} | ${f.checkIn ? fmt(cpuPer(f.checkIn)) : '–'} | ${fmt(cpuPer(f.warm))} | ${pct(otherLoad(f.sessions))} |`);
  if (perMessage > TARGET_CPU_MS_PER_MESSAGE) console.log(`  (above the target of ${TARGET_CPU_MS_PER_MESSAGE} ms of server CPU per message on ${f.database})`);
}
