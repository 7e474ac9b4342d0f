// The Steward under test for bench/apple.ts: `steward serve` in its own process, so that its CPU
// time (utime + stime in /proc/<pid>/stat, every thread) is the server's and nobody else's; and,
// for PostgreSQL, a throwaway database whose backends' CPU time is read the same way.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTestSchema } from '../src/store/testing.js';
import { exited, freePort, ROOT, steward, waitForOutput } from '../test/support/process.js';

const TICKS_PER_SECOND = clockTicks();

function clockTicks(): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
}

/** CPU time (user + system, all threads) of a process so far, in milliseconds; undefined when it cannot be read. */
export function processCpuMs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 (utime) and 15 (stime) of proc(5); fields[0] is field 3.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : undefined;
}

/** CPU time the whole machine spent busy so far (every CPU, every process, the kernel), ms. */
export function machineCpuMs(): number {
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user)
  const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
  return ((user + nice + system + irq + softirq + steal) * 1000) / TICKS_PER_SECOND;
}

export interface StewardUnderTest {
  pid: number;
  /** https://localhost:<port>, the public URL too. */
  url: string;
  dataDir: string;
  /** Steward's CA (<data-dir>/pki/ca.crt): what the simulated devices and the admin client trust. */
  caPem: string;
  /** Server CPU so far, ms. */
  cpuMs(): number;
  /** Runs `steward <args>` against the same database (--data-dir and --database-url added) and returns its stdout. */
  cli(args: string[]): Promise<string>;
  /** SIGTERM, then waits for the exit (a --cpu-prof profile is written then). */
  stop(): Promise<void>;
}

export interface StartOptions {
  databaseUrl?: string;
  apnsUrl: string;
  /** PEM file the server trusts besides Node's roots (the fake APNs' certificate). */
  extraCaFile: string;
  /** Write a V8 CPU profile of the server into this directory when it exits. */
  cpuProfileDir?: string;
}

export async function startSteward(o: StartOptions): Promise<StewardUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), 'steward-bench-'));
  const port = await freePort();
  const url = `https://localhost:${port}`;
  const data = ['--data-dir', dataDir, ...(o.databaseUrl === undefined ? [] : ['--database-url', o.databaseUrl])];
  const env = { NODE_EXTRA_CA_CERTS: o.extraCaFile };
  const profile = o.cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfileDir}`, '--cpu-prof-interval=250'];
  const child = spawnSteward(profile, ['serve', ...data, '--host', '127.0.0.1', '--port', String(port), '--public-url', url, '--log-level', 'warn', '--apns-url', o.apnsUrl], env);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    // Warnings and errors from the server belong in the bench's output: a failure must be seen.
    process.stderr.write(`[steward] ${d.toString()}`);
  });
  const done = exited(child);
  try {
    await waitForOutput(child, /is running at/, 120_000);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error('steward serve has no pid');
  const caPem = readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8');
  return {
    pid, url, dataDir, caPem,
    cpuMs() {
      const ms = processCpuMs(pid);
      if (ms === undefined) throw new Error(`cannot read /proc/${pid}/stat (steward exited? stderr: ${stderr.slice(-2000)})`);
      return ms;
    },
    async cli(args) {
      const r = await exited(steward([...args, ...data]));
      if (r.code !== 0) throw new Error(`steward ${args.join(' ')} exited with ${String(r.code)}: ${r.stderr}`);
      return r.stdout;
    },
    async stop() {
      child.kill('SIGTERM');
      await done;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** steward() of test/support/process.ts, with Node flags (--cpu-prof) before the script. */
function spawnSteward(nodeFlags: string[], args: string[], env: Record<string, string>): ChildProcessWithoutNullStreams {
  if (nodeFlags.length === 0) return steward(args, env);
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('STEWARD_')));
  return spawn(process.execPath, [...nodeFlags, '--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT, env: { ...clean, ...env } });
}

/** CPU so far of each process, ms, by pid. */
export type CpuSnapshot = ReadonlyMap<number, number>;

/** What the processes alive at `after` spent since `before` (a process born in between: all of it). */
export function cpuSince(before: CpuSnapshot | undefined, after: CpuSnapshot | undefined): number | undefined {
  if (before === undefined || after === undefined) return undefined;
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

export interface ThrowawayPostgres {
  url: string;
  /** The backends serving this database (Steward's pool); undefined when /proc does not show them (another host). */
  backendCpu(): Promise<CpuSnapshot | undefined>;
  drop(): Promise<void>;
}

/** A fresh database on the server at `adminUrl` (as src/store/testing.ts makes them for tests). */
export async function throwawayPostgres(adminUrl: string): Promise<ThrowawayPostgres> {
  const created = await createTestSchema(adminUrl);
  const watcher = new pg.Client({ connectionString: created.url });
  await watcher.connect();
  // A backend that exits within a phase takes its CPU time with it; Steward's pooled connections
  // live through a phase, so the sum over the ones alive at its end is what the phase cost.
  return {
    url: created.url,
    async backendCpu() {
      const { rows } = await watcher.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
      const snapshot = new Map<number, number>();
      for (const { pid } of rows) {
        const ms = processCpuMs(pid);
        if (ms === undefined) return undefined;
        snapshot.set(pid, ms);
      }
      return snapshot;
    },
    async drop() {
      await watcher.end();
      await created.drop();
    },
  };
}

/** A directory for scratch files, removed by the returned function. */
export function scratchDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
