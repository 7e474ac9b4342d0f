// npm run bench (alone: npx tsx bench/configuration.ts): reconcile of a fleet with 20 configuration
// profiles after an assignment change, on SQLite and, when STEWARD_TEST_DATABASE_URL is set, on a
// throwaway PostgreSQL database. The fleet (users, groups, devices) is written straight into the
// tables; then, through the real core, stores and command queue:
//
//   scan      every device read a batch at a time and nothing else: the floor to compare with
//   assign    19 profiles already delivered, one more assigned to all devices: every device of
//             its platform gets a command queued (the target: under 30 s for 100,000 devices)
//   first     the 20 profiles to a fleet that has none: every profile's command to every device
//   steady    the sweep over an unchanged fleet: read, compare, queue and write nothing
//   edit      one profile edited (version 2): its devices get the new version queued
//
// Apple profiles are signed by a CA made for the run (once per profile and run, not per device);
// no profile varies per device (per-user variables and SCEP are translated and queued per device,
// which this does not measure). Each phase prints its wall time, its ratio to `scan`, the commands
// queued, and the most heap in use while it ran (sampled): memory bounded by batches, not fleet.
// Figures go to docs/performance.md by hand with the machine, the date and its load.
//
// Environment: BENCH_CONFIGURATION_DEVICES (100000).
import { cpus, loadavg } from 'node:os';
import type { Kysely } from 'kysely';
import { testDialects } from '../src/store/testing.js';
import { storePorts } from '../src/store/ports.js';
import type { Schema } from '../src/store/schema.js';
import { insertAll, sortableId } from './fleet-rows.js';
import { timedWithPeakHeap } from './measure.js';
import { makeCore } from '../src/core/deps.js';
import type { Clock } from '../src/core/clock.js';
import { reconcileConfiguration, reconcileFleet, type ReconcileDeps } from '../src/core/configuration/reconcile.js';
import type { DeviceConfiguration } from '../src/core/configuration/ports.js';
import type { AssignmentTarget } from '../src/core/assignments/targets.js';
import { caProfileSigner } from '../src/core/configuration/profile-signer.js';
import { createCertificateAuthority } from '../src/pki/certificate-authority.js';

const DEVICES = Number(process.env.BENCH_CONFIGURATION_DEVICES ?? 100_000);
const USERS = Math.ceil(DEVICES / 4);
const NOW = new Date('2026-11-25T03:00:00.000Z');

const id = sortableId;

async function populate(db: Kysely<Schema>): Promise<{ users: string; devices: string; excluded: string }> {
  const at = NOW.toISOString();
  const users = Array.from({ length: USERS }, (_, i) => ({
    id: id('u', i), user_principal_name: `user${i}@contoso.test`, upn_lower: `user${i}@contoso.test`, display_name: `User ${i}`, mail: `user${i}@contoso.test`, account_enabled: 1, created_date_time: at,
  }));
  await insertAll(db, 'users', users, 7);
  const groups = { users: id('g', 1), devices: id('g', 2), excluded: id('g', 3) };
  await insertAll(db, 'groups', Object.values(groups).map((g) => ({
    id: g, display_name: g, description: null, mail_nickname: g.slice(0, 9), mail_enabled: 0, security_enabled: 1, group_types: '[]', membership_rule: null, membership_rule_processing_state: null, created_date_time: at,
  })), 11);
  const devices = Array.from({ length: DEVICES }, (_, i) => {
    const kind = i % 5; // 0,1 iOS; 2 macOS; 3,4 Windows
    const os = kind < 2 ? 'iOS' : kind === 2 ? 'macOS' : 'Windows';
    return {
      id: id('d', i), device_name: `bench-${i}`, operating_system: os, os_version: '1', model: 'bench', manufacturer: 'bench',
      user_id: i % 8 === 7 ? null : id('u', i % USERS), user_principal_name: i % 8 === 7 ? null : `user${i % USERS}@contoso.test`, user_display_name: null,
      jail_broken: 'False', enrolled_date_time: at, last_sync_date_time: at,
    };
  });
  await insertAll(db, 'managed_devices', devices, 12);
  const member = (groupId: string, memberId: string, type: 'user' | 'device') => ({ group_id: groupId, member_id: memberId, member_type: type, source: 'assigned', added_date_time: at });
  await insertAll(db, 'group_members', [
    ...users.filter((_, i) => i % 3 !== 0).map((u) => member(groups.users, u.id, 'user')),
    ...users.filter((_, i) => i % 97 === 0).map((u) => member(groups.excluded, u.id, 'user')),
    ...devices.filter((_, i) => i % 10 === 3).map((d) => member(groups.devices, d.id, 'device')),
  ], 5);
  return groups;
}

/** 20 profiles over the three platforms, each with its targets. */
function profiles(groups: { users: string; devices: string; excluded: string }): { profile: DeviceConfiguration; targets: AssignmentTarget[] }[] {
  const at = NOW.toISOString();
  const p = (n: number, odataType: string, settings: Record<string, unknown>, targets: AssignmentTarget[]) => ({
    profile: { id: id('c', n), odataType, displayName: `bench ${odataType} ${n}`, description: null, version: 1, createdDateTime: at, lastModifiedDateTime: at, roleScopeTagIds: ['0'], settings },
    targets,
  });
  const all: AssignmentTarget[] = [{ kind: 'allDevices' }, { kind: 'exclusionGroup', groupId: groups.excluded }];
  const out = [];
  // Restrictions split over profiles that do not contradict each other (a fleet in conflict
  // everywhere is not what an admin runs; conflicts cost little more, being compared per device).
  const ios = [{ passcodeRequired: true, passcodeMinimumLength: 6 }, { cameraBlocked: true }, { screenCaptureBlocked: true }, { appStoreBlocked: true }];
  const mac = [{ passwordRequired: true, passwordMinimumLength: 8 }, { cameraBlocked: true }, { passwordBlockSimple: true }, { passwordMinutesOfInactivityBeforeScreenTimeout: 15 }];
  const win = [{ passwordRequired: true, passwordMinimumLength: 8 }, { cameraBlocked: true }, { bluetoothBlocked: true }, { storageBlockRemovableStorage: true }];
  for (let i = 0; i < 4; i++) {
    out.push(p(i * 5 + 1, 'iosWiFiConfiguration', { ssid: `Staff ${i}`, wiFiSecurityType: 'wpa2Personal', preSharedKey: 'correct horse battery', connectAutomatically: true }, i % 2 ? all : [{ kind: 'group', groupId: groups.users }]));
    out.push(p(i * 5 + 2, 'iosGeneralDeviceConfiguration', ios[i]!, i === 0 ? all : [{ kind: 'allLicensedUsers' }]));
    out.push(p(i * 5 + 3, 'macOSGeneralDeviceConfiguration', mac[i]!, all));
    out.push(p(i * 5 + 4, 'windowsWifiConfiguration', { ssid: `Staff ${i}`, wifiSecurityType: 'wpa2Personal', preSharedKey: 'correct horse battery', connectAutomatically: true }, [{ kind: 'group', groupId: groups.devices }, { kind: 'group', groupId: groups.users }]));
    out.push(p(i * 5 + 5, 'windows10GeneralConfiguration', win[i]!, all));
  }
  return out;
}

async function measure(fn: () => Promise<unknown>): Promise<{ s: number; heapMb: number }> {
  global.gc?.();
  return timedWithPeakHeap(fn);
}

const ca = await createCertificateAuthority();
console.log(`# Steward configuration reconcile benchmark, ${new Date().toISOString()}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
console.log(`${DEVICES} devices, ${USERS} users, 20 profiles; load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
console.log('| database | phase | seconds | ÷ scan | commands queued | devices/s | peak heap MB | load (1 min) |');
console.log('|---|---|---|---|---|---|---|---|');
for (const dialect of testDialects()) {
  const database = await dialect.open();
  try {
    const groups = await populate(database.db);
    const clock: Clock = { now: () => NOW };
    const core = makeCore(storePorts(database), clock, { deliverySettings: { organization: 'Bench', signer: caProfileSigner(ca.ca, clock) } });
    const deps: ReconcileDeps = core;
    const list = profiles(groups);
    for (const { profile } of list) await core.deviceConfigurations.create(profile);
    const queued = async () => Number((await database.db.selectFrom('command_queue').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    let before = 0;
    const row = async (phase: string, m: { s: number; heapMb: number }, scanS: number) => {
      const now = await queued();
      console.log(`| ${dialect.name} | ${phase} | ${m.s.toFixed(2)} | ${(m.s / scanS).toFixed(1)} | ${now - before} | ${Math.round(DEVICES / m.s)} | ${m.heapMb.toFixed(0)} | ${loadavg()[0]?.toFixed(2) ?? ''} |`);
      before = now;
    };
    const scan = await measure(async () => { let n = 0; for await (const b of core.devices.batches(500)) n += b.length; return n; });
    await row('scan', scan, scan.s);
    // 19 profiles assigned and delivered first (not measured), then the 20th assigned to all devices.
    const last = list.at(-1)!;
    for (const { profile, targets } of list.slice(0, -1)) await core.configurationDelivery.setAssignments(profile.id, targets.map((target, i) => ({ id: `a${i}`, target })));
    await reconcileFleet(deps);
    before = await queued();
    await core.configurationDelivery.setAssignments(last.profile.id, last.targets.map((target, i) => ({ id: `a${i}`, target })));
    await row('assign', await measure(() => reconcileConfiguration(deps, last.profile.id, 'windows')), scan.s);
    // The same 20 profiles to a fleet that has none: every command at once.
    await database.db.deleteFrom('device_configuration_states').execute();
    await row('first', await measure(() => reconcileFleet(deps)), scan.s);
    await row('steady', await measure(() => reconcileFleet(deps)), scan.s);
    const edited = list[1]!.profile;
    await core.deviceConfigurations.update({ ...edited, version: 2, settings: { ...edited.settings, passcodeMinimumLength: 10 } }, 1);
    await row('edit', await measure(() => reconcileConfiguration(deps, edited.id, 'iOS')), scan.s);
  } finally {
    await database.close();
  }
}
