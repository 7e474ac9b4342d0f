// npm run bench (alone: npx tsx bench/compliance.ts): compliance evaluation of a fleet against 5
// policies, on SQLite and, when STEWARD_TEST_DATABASE_URL is set, on a throwaway PostgreSQL
// database. The fleet is written straight into the tables (users, licences, groups, devices and
// their inventory); then, through the real core and stores:
//
//   scan      every device read a batch at a time and nothing else: the floor to compare with
//   first     the first sweep: every device evaluated, every state written
//   steady    the 15-minute sweep over an unchanged fleet: read, evaluate, write nothing
//   change    a policy edited (its version goes up): the sweep rewrites its devices' states
//
// Each phase prints its wall time, its ratio to `scan` in the same run, the CPU time this process
// (Steward's core and stores; not PostgreSQL's) spent, and the most heap in use
// while it ran (sampled), to show memory bounded by batches rather than fleet size. The target on
// the 2-core machine: a sweep under 6 s for 100,000 devices. Figures go to docs/performance.md by
// hand with the machine, the date and its load (uptime): no test asserts a time.
//
// Environment: BENCH_COMPLIANCE_DEVICES (100000), BENCH_COMPLIANCE_DIALECTS (sqlite,postgres: only
// these), BENCH_FLEET_ORDER (id: devices written in id order; enrollment: in a fixed shuffle), BENCH_COMPLIANCE_PROFILE=1 (write a V8 CPU profile
// of the phases to <tmpdir>/bench-compliance-<dialect>.cpuprofile: open it in Chrome's DevTools).
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { sql, type Kysely } from 'kysely';
import { testDialects } from '../src/store/testing.js';
import { storePorts } from '../src/store/ports.js';
import type { Schema } from '../src/store/schema.js';
import { enrollmentOrder, insertAll, sortableId } from './fleet-rows.js';
import { timedWithPeakHeap } from './measure.js';
import { makeCore } from '../src/core/deps.js';
import type { Clock } from '../src/core/clock.js';
import { reevaluateFleet, type ComplianceDeps } from '../src/core/compliance/reevaluate.js';
import type { CompliancePolicy } from '../src/core/compliance/policy.js';
import { stewardSku } from '../src/core/directory/licenses.js';
import { processCpuMs } from './apple-server.js';

const DEVICES = Number(process.env.BENCH_COMPLIANCE_DEVICES ?? 100_000);
const USERS = Math.ceil(DEVICES / 4);
const PROFILE = process.env.BENCH_COMPLIANCE_PROFILE === '1';
const NOW = new Date('2026-11-25T03:00:00.000Z');

const id = sortableId;
/**
 * The order devices (and their inventory) are written in: `id` (their id order, the default, as
 * earlier figures were measured) or `enrollment` (enrollmentOrder: a fixed shuffle, as a fleet
 * enrolled over time lies in its tables, since device ids are random UUIDs).
 */
const ORDER = process.env.BENCH_FLEET_ORDER ?? 'id';
if (ORDER !== 'id' && ORDER !== 'enrollment') throw new Error(`BENCH_FLEET_ORDER: 'id' or 'enrollment', not '${ORDER}'`);
const layout = <T>(rows: T[]): T[] => (ORDER === 'enrollment' ? enrollmentOrder(rows) : rows);

async function populate(db: Kysely<Schema>): Promise<{ users: string; devices: string; excluded: string }> {
  const at = NOW.toISOString();
  const users = Array.from({ length: USERS }, (_, i) => ({
    id: id('u', i), user_principal_name: `user${i}@contoso.test`, upn_lower: `user${i}@contoso.test`, display_name: `User ${i}`, mail: `user${i}@contoso.test`,
    account_enabled: 1, created_date_time: at,
  }));
  await insertAll(db, 'users', users, 7);
  await insertAll(db, 'user_licenses', users.filter((_, i) => i % 2 === 0).map((u) => ({ user_id: u.id, sku_id: stewardSku.skuId, disabled_plans: '[]', assigned_date_time: at })), 4);
  const groups = { users: id('g', 1), devices: id('g', 2), excluded: id('g', 3) };
  await insertAll(db, 'groups', Object.values(groups).map((g) => ({
    id: g, display_name: g, description: null, mail_nickname: g.slice(0, 9), mail_enabled: 0, security_enabled: 1, group_types: '[]', membership_rule: null, membership_rule_processing_state: null, created_date_time: at,
  })), 11);
  const member = (groupId: string, memberId: string, type: 'user' | 'device') => ({ group_id: groupId, member_id: memberId, member_type: type, source: 'assigned', added_date_time: at });
  const devices = Array.from({ length: DEVICES }, (_, i) => {
    const kind = i % 5; // 0,1 iOS; 2 macOS; 3,4 Windows
    const os = kind < 2 ? 'iOS' : kind === 2 ? 'macOS' : 'Windows';
    const version = os === 'iOS' ? (i % 7 === 0 ? '16.7.2' : '17.5.1') : os === 'macOS' ? (i % 9 === 0 ? '13.6' : '14.5') : (i % 11 === 0 ? '10.0.19044.1' : '10.0.22631.3880');
    return {
      id: id('d', i), device_name: `bench-${i}`, operating_system: os, os_version: version, model: os === 'Windows' ? 'Surface' : 'iPhone 15', manufacturer: os === 'Windows' ? 'Microsoft' : 'Apple',
      user_id: i % 8 === 7 ? null : id('u', i % USERS), user_principal_name: i % 8 === 7 ? null : `user${i % USERS}@contoso.test`, user_display_name: i % 8 === 7 ? null : `User ${i % USERS}`,
      jail_broken: 'False', enrolled_date_time: at, last_sync_date_time: new Date(NOW.getTime() - (i % 3600) * 1000).toISOString(),
    };
  });
  await insertAll(db, 'managed_devices', layout(devices), 12);
  await insertAll(db, 'group_members', [
    ...users.filter((_, i) => i % 3 !== 0).map((u) => member(groups.users, u.id, 'user')),
    ...users.filter((_, i) => i % 97 === 0).map((u) => member(groups.excluded, u.id, 'user')),
    ...devices.filter((d, i) => d.operating_system === 'Windows' && i % 10 === 3).map((d) => member(groups.devices, d.id, 'device')),
  ], 5);
  await insertAll(db, 'device_inventory', layout(devices.map((d, i) => (d.operating_system === 'Windows'
    ? { device_id: d.id, platform: 'windows', reported_at: at, windows: JSON.stringify({ encryptionCompliant: i % 13 !== 0, secureBootState: 'enabled', firewallStatus: 0, antivirusStatus: i % 17 === 0 ? 1 : 0, antispywareStatus: 0, tpmSpecificationVersion: '2.0' }) }
    : { device_id: d.id, platform: 'apple', reported_at: at, security_info_at: at, security: JSON.stringify({ passcodePresent: i % 10 !== 0, fileVaultEnabled: true, firewallEnabled: i % 6 !== 0, systemIntegrityProtectionEnabled: true }) }))), 6);
  return groups;
}

function policies(groups: { users: string; devices: string; excluded: string }): CompliancePolicy[] {
  const at = NOW.toISOString();
  const block = (hours: number) => [{ ruleName: 'PasswordRequired', scheduledActionConfigurations: [{ actionType: 'block' as const, gracePeriodHours: hours, notificationTemplateId: null, notificationMessageCCList: [] }] }];
  const p = (n: number, type: CompliancePolicy['type'], settings: Record<string, unknown>, targets: CompliancePolicy['assignments'][number]['target'][], hours = 0): CompliancePolicy => ({
    id: id('p', n), type, displayName: `bench ${type} ${n}`, description: null, createdDateTime: at, lastModifiedDateTime: at, version: 1, roleScopeTagIds: ['0'],
    settings, scheduledActionsForRule: block(hours), assignments: targets.map((target, i) => ({ id: `a${i}`, target })),
  });
  return [
    p(1, 'iosCompliancePolicy', { passcodeRequired: true, osMinimumVersion: '17.0' }, [{ kind: 'allDevices' }, { kind: 'exclusionGroup', groupId: groups.excluded }], 24),
    p(2, 'iosCompliancePolicy', { securityBlockJailbrokenDevices: true, osMaximumVersion: '19.0' }, [{ kind: 'allLicensedUsers' }]),
    p(3, 'macOSCompliancePolicy', { osMinimumVersion: '14.0', firewallEnabled: true, storageRequireEncryption: true, systemIntegrityProtectionEnabled: true }, [{ kind: 'allDevices' }], 72),
    p(4, 'windows10CompliancePolicy', { osMinimumVersion: '10.0.19045', bitLockerEnabled: true, secureBootEnabled: true, activeFirewallRequired: true, tpmRequired: true }, [{ kind: 'group', groupId: groups.users }, { kind: 'group', groupId: groups.devices }]),
    p(5, 'windows10CompliancePolicy', { antivirusRequired: true, antiSpywareRequired: true }, [{ kind: 'allLicensedUsers' }], 48),
  ];
}

/** PostgreSQL backends of this database and their CPU so far, ms (SQLite: none). */
async function backendCpu(db: Kysely<Schema>, dialect: string): Promise<Map<number, number>> {
  if (dialect !== 'postgres') return new Map();
  const rows = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(db);
  return new Map(rows.rows.flatMap((r) => { const ms = processCpuMs(Number(r.pid)); return ms === undefined ? [] : [[Number(r.pid), ms]]; }));
}

/**
 * Runs fn, sampling the heap in use; returns wall seconds, this process's CPU seconds, the CPU
 * seconds of the database's PostgreSQL backends (those alive at the end; approximate) and the
 * highest heap seen, in MB.
 */
async function measure(fn: () => Promise<unknown>, db: Kysely<Schema>, dialect: string): Promise<{ s: number; cpu: number; pgCpu: number; heapMb: number }> {
  global.gc?.();
  const pg0 = await backendCpu(db, dialect);
  const cpu0 = process.cpuUsage();
  const { s, heapMb } = await timedWithPeakHeap(fn);
  const cpu = process.cpuUsage(cpu0);
  let pgMs = 0;
  for (const [pid, ms] of await backendCpu(db, dialect)) pgMs += ms - (pg0.get(pid) ?? 0);
  return { s, cpu: (cpu.user + cpu.system) / 1e6, pgCpu: pgMs / 1000, heapMb };
}

console.log(`# Steward compliance benchmark, ${new Date().toISOString()}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
console.log(`${DEVICES} devices (written in ${ORDER} order), ${USERS} users, 5 policies; load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
console.log('| database | phase | seconds | ÷ scan | devices/s | Steward CPU s | PostgreSQL CPU s | peak heap MB | load (1 min) |');
console.log('|---|---|---|---|---|---|---|---|---|');
const only = process.env.BENCH_COMPLIANCE_DIALECTS?.split(',');
for (const dialect of testDialects().filter((d) => !only || only.includes(d.name))) {
  const database = await dialect.open();
  try {
    const groups = await populate(database.db);
    // Statistics, as autovacuum (PostgreSQL) would have them for a fleet written over time.
    await sql`analyze`.execute(database.db);
    const clock: Clock = { now: () => NOW };
    const core = makeCore(storePorts(database), clock);
    for (const p of policies(groups)) {
      await core.compliancePolicies.create(p);
      await core.compliancePolicies.setAssignments(p.id, p.assignments, NOW);
    }
    const deps: ComplianceDeps = core;
    const session = PROFILE ? new Session() : undefined;
    if (session) { session.connect(); await session.post('Profiler.enable'); await session.post('Profiler.start'); }
    const scan = await measure(async () => { let n = 0; for await (const b of core.devices.batches(500)) n += b.length; return n; }, database.db, dialect.name);
    const row = (phase: string, m: { s: number; cpu: number; pgCpu: number; heapMb: number }) =>
      console.log(`| ${dialect.name} | ${phase} | ${m.s.toFixed(2)} | ${(m.s / scan.s).toFixed(1)} | ${Math.round(DEVICES / m.s)} | ${m.cpu.toFixed(2)} | ${dialect.name === 'postgres' ? m.pgCpu.toFixed(2) : '–'} | ${m.heapMb.toFixed(0)} | ${loadavg()[0]?.toFixed(2) ?? ''} |`);
    row('scan', scan);
    row('first', await measure(() => reevaluateFleet(deps), database.db, dialect.name));
    // The states table went from empty to full in one sweep: autovacuum would analyze it within a
    // minute (until then PostgreSQL plans its reads as for an empty table).
    await sql`analyze`.execute(database.db);
    row('steady', await measure(() => reevaluateFleet(deps), database.db, dialect.name));
    const ios = await core.compliancePolicies.get(id('p', 1));
    if (ios) await core.compliancePolicies.update({ ...ios, version: ios.version + 1, settings: { ...ios.settings, osMinimumVersion: '17.2' } });
    row('change', await measure(() => reevaluateFleet(deps), database.db, dialect.name));
    const counts = await database.db.selectFrom('managed_devices').select(['compliance_state']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy('compliance_state').execute();
    console.log(`|  |  | states: ${counts.map((c) => `${c.compliance_state} ${Number(c.n)}`).join(', ')} | | | | | | |`);
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      const file = join(tmpdir(), `bench-compliance-${dialect.name}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      console.log(`CPU profile: ${file}`);
      session.disconnect();
    }
  } finally {
    await database.close();
  }
}
