// npm run bench (after bench/run.ts and bench/apple.ts; alone: npx tsx bench/windows.ts): OMA-DM
// sessions of enrolled Windows PCs. Steward runs as `steward serve` in its own process
// (bench/apple-server.ts: its CPU time read from /proc, so it is the server's and nobody else's),
// with the HTTPS listener asking for client certificates as main.ts builds it; on SQLite and,
// when STEWARD_TEST_DATABASE_URL is set, on a throwaway PostgreSQL database. Simulated PCs
// (sim/windows) enroll with an enrollment profile's link, then open sessions over mutual TLS with
// their client certificates (keep-alive, as a PC keeps its connection through a session).
//
// Phases, per database:
//   warm-up     every PC's first session (inventory Gets and answers) and a second, empty one
//   /healthz    the same HTTPS stack answering nothing: a floor to compare with
//   sessions    SESSIONS sessions with nothing queued (Alert 1201, DevInfo → statuses, Final):
//               sessions/s, and the server's CPU per SyncML message (the target: ≤ 1 ms)
//   check-in    after a minute's pause, one session per PC: what a PC's scheduled session costs
//               when its check-in is stamped (the enrollment's lastSeenAt and the device's
//               lastSyncDateTime are written at most once a minute), still with nothing queued
// Figures go to docs/performance.md by hand with the machine and the date; tests never assert times.
//
// Environment: BENCH_WINDOWS_PCS (64), BENCH_WINDOWS_SESSIONS (3000), BENCH_WINDOWS_CONCURRENCY
// (16 sessions in flight), BENCH_WINDOWS_ENROLL_CONCURRENCY (8), BENCH_WINDOWS_CHECKIN=0 (skip the
// check-in phase and its minute of waiting), BENCH_WINDOWS_PROFILE=1 (print where the server's CPU
// went in each phase; figures are then inflated by the profiler).
import { cpus } from 'node:os';
import { join } from 'node:path';
import { mapLimit } from '../sim/apple/fleet.js';
import { httpsTransport } from '../sim/windows/transport.js';
import { SimulatedWindowsPC } from '../sim/windows/pc.js';
import { ManagedWindowsPC } from '../sim/windows/management-pc.js';
import { ROOT } from '../test/support/process.js';
import { expect, signInAdmin } from './apple-admin.js';
import { cpuSince, scratchDir, startSteward, throwawayPostgres, type StewardUnderTest, type ThrowawayPostgres } from './apple-server.js';
import { printProfile, summarizeProfile } from './apple-profile.js';
import { readdirSync } from 'node:fs';

const PCS = Number(process.env.BENCH_WINDOWS_PCS ?? 64);
const SESSIONS = Number(process.env.BENCH_WINDOWS_SESSIONS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_WINDOWS_CONCURRENCY ?? 16);
const ENROLL_CONCURRENCY = Number(process.env.BENCH_WINDOWS_ENROLL_CONCURRENCY ?? 8);
const TARGET_CPU_MS_PER_MESSAGE = 1;
const PROFILE = process.env.BENCH_WINDOWS_PROFILE === '1';
const CHECKIN = process.env.BENCH_WINDOWS_CHECKIN !== '0';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Phase {
  startUs: number;
  endUs: number;
  wallMs: number;
  serverCpuMs: number;
  dbCpuMs: number | undefined;
  count: number;
}

async function measure(server: StewardUnderTest, db: ThrowawayPostgres | undefined, run: () => Promise<number>): Promise<Phase> {
  const dbBefore = await db?.backendCpu();
  const cpu0 = server.cpuMs();
  const t0 = performance.now();
  const startUs = Number(process.hrtime.bigint() / 1000n);
  const count = await run();
  const endUs = Number(process.hrtime.bigint() / 1000n);
  const wallMs = performance.now() - t0;
  const serverCpuMs = server.cpuMs() - cpu0;
  return { startUs, endUs, wallMs, serverCpuMs, dbCpuMs: db === undefined ? undefined : cpuSince(dbBefore, await db.backendCpu()), count };
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

    // Enrollment (MS-MDE2 over HTTPS): not measured here.
    const enrollTransport = httpsTransport({ ca: s.caPem });
    closers.push(enrollTransport);
    const pcs: ManagedWindowsPC[] = [];
    await mapLimit(Array.from({ length: PCS }, (_, i) => i), ENROLL_CONCURRENCY, async (i) => {
      const enroller = new SimulatedWindowsPC({ transport: enrollTransport, deviceName: `BENCH-PC-${i}` });
      const identity = await enroller.enroll({ link: profile.enrollmentUrl });
      const transport = httpsTransport({ ca: s.caPem, clientCertificate: { certPem: identity.certificatePem, keyPem: identity.privateKeyPem } });
      closers.push(transport);
      pcs.push(new ManagedWindowsPC({ transport, managementUrl: identity.managementUrl, providerId: identity.providerId, deviceId: enroller.deviceId }));
    });

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
      if (file) for (const [name, p] of [['warm-up', warm], ['sessions', sessions], ...(checkIn ? [['check-in', checkIn] as const] : [])] as const) printProfile(`${database} ${name}`, summarizeProfile(join(scratch.dir, file), p));
    }
    return { database, pcs: pcs.length, warm, healthz, sessions, messages, checkIn };
  } finally {
    for (const c of closers) c.close?.();
    await server?.stop();
    await pg?.drop();
    scratch.remove();
  }
}

const fmt = (n: number, d = 3) => n.toFixed(d);
const cpuPer = (p: Phase, n = p.count) => p.serverCpuMs / n;

console.log(`# Windows OMA-DM benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
console.log(`${PCS} PCs, ${SESSIONS} sessions with nothing queued, ${CONCURRENCY} in flight, mutual TLS with keep-alive\n`);
console.log('| database | sessions/s | server CPU ms per SyncML message | PostgreSQL CPU ms per message | /healthz CPU ms | message ÷ healthz | check-in session: CPU ms per message | first sessions (inventory): CPU ms per message |');
console.log('|---|---|---|---|---|---|---|---|');
const adminUrl = process.env.STEWARD_TEST_DATABASE_URL || undefined;
for (const database of ['sqlite', ...(adminUrl ? ['postgres' as const] : [])] as const) {
  const f = await runOn(database, adminUrl);
  const perMessage = cpuPer(f.sessions, f.messages);
  const health = cpuPer(f.healthz);
  console.log(`| ${f.database} | ${fmt(f.sessions.count / (f.sessions.wallMs / 1000), 0)} | ${fmt(perMessage)} | ${f.sessions.dbCpuMs === undefined ? '–' : fmt(f.sessions.dbCpuMs / f.messages)} | ${fmt(health)} | ${fmt(perMessage / health, 1)} | ${f.checkIn ? fmt(cpuPer(f.checkIn)) : '–'} | ${fmt(cpuPer(f.warm))} |`);
  if (perMessage > TARGET_CPU_MS_PER_MESSAGE) console.log(`  (above the target of ${TARGET_CPU_MS_PER_MESSAGE} ms of server CPU per message on ${database})`);
}
