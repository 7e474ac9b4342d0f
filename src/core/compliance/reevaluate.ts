// Re-evaluation, always by batch: a batch's devices, users, inventory and stored states are read
// in a few queries (never one per device), every policy's targets are resolved once per run, and
// the batch's states and complianceStates are written in one transaction. Writes replace a
// device's states with what evaluation gives, so replicas evaluating the same devices at once
// leave the same rows (idempotent), and the periodic sweep repairs any write a race undid.
import type { Clock } from '../clock.js';
import type { ComplianceState, ManagedDevice } from '../devices/managed-device.js';
import type { ManagedDeviceStore } from '../devices/ports.js';
import type { GroupStore, UserStore } from '../directory/ports.js';
import type { DeviceInventoryStore } from '../apple/inventory-ports.js';
import type { WindowsInventoryStore } from '../windows/inventory-ports.js';
import type { SettingsStore } from '../settings/ports.js';
import { readTenantSettings, type TenantSettings } from '../settings/tenant-settings.js';
import { allScope } from '../rbac/scope.js';
import { countsAsLicensed, isTargeted, isTargetedByMembership, resolveTargets, type MemberCache, type ResolvedTargets, type TargetedDevice } from './assignment-targets.js';
import { evaluateDevice, platformOfPolicy } from './evaluate-device.js';
import { platformOf, type DevicePlatform } from './device-facts.js';
import type { CompliancePolicy } from './policy.js';
import type { CompliancePolicyStore, ComplianceStateStore, DevicePolicyState } from './ports.js';

export interface ComplianceDeps {
  devices: Pick<ManagedDeviceStore, 'getMany' | 'batches'>;
  users: Pick<UserStore, 'getMany'>;
  groups: Pick<GroupStore, 'transitiveMembers' | 'transitiveMemberOf' | 'getMany'>;
  deviceInventory: Pick<DeviceInventoryStore, 'getMany'>;
  windowsInventory: Pick<WindowsInventoryStore, 'getMany'>;
  settings: SettingsStore;
  compliancePolicies: CompliancePolicyStore;
  complianceStates: ComplianceStateStore;
  clock: Clock;
}

export const EVALUATION_BATCH = 500;

/** Up to this many devices, targets are checked from each device's groups rather than by reading every assigned group. */
const FEW_DEVICES = 20;

interface Run {
  settings: TenantSettings;
  /** The policies assigned to a device (read for a whole batch first by `load`). */
  policiesFor(device: TargetedDevice): CompliancePolicy[];
  load(devices: readonly TargetedDevice[]): Promise<void>;
}

/** Targets resolved once by reading the assigned groups (sweeps and large sets). */
async function prepare(deps: ComplianceDeps): Promise<Run> {
  const [policies, settings] = await Promise.all([deps.compliancePolicies.list(), readTenantSettings(deps)]);
  const cache: MemberCache = new Map();
  const resolved: { policy: CompliancePolicy; targets: ResolvedTargets }[] = [];
  for (const policy of policies) resolved.push({ policy, targets: await resolveTargets(deps, policy.assignments.map((a) => a.target), cache) });
  return { settings, policiesFor: (d) => resolved.filter((p) => isTargeted(p.targets, d)).map((p) => p.policy), load: () => Promise.resolve() };
}

/** Targets checked from each device's and user's groups (two queries a device, for a few devices). */
async function prepareFew(deps: ComplianceDeps): Promise<Run> {
  const [policies, settings] = await Promise.all([deps.compliancePolicies.list(), readTenantSettings(deps)]);
  const memberOf = new Map<string, Set<string>>();
  return {
    settings,
    async load(devices) {
      for (const d of devices) {
        const groups = await Promise.all([deps.groups.transitiveMemberOf(d.id), d.userId ? deps.groups.transitiveMemberOf(d.userId) : Promise.resolve([])]);
        memberOf.set(d.id, new Set(groups.flat().map((g) => g.id)));
      }
    },
    policiesFor: (d) => policies.filter((p) => isTargetedByMembership(p.assignments.map((a) => a.target), memberOf.get(d.id) ?? new Set(), d)),
  };
}

async function evaluateBatch(deps: ComplianceDeps, run: Run, devices: readonly ManagedDevice[]): Promise<void> {
  if (devices.length === 0) return;
  const ids = devices.map((d) => d.id);
  const userIds = [...new Set(devices.flatMap((d) => (d.userId ? [d.userId] : [])))];
  const [users, previous] = await Promise.all([deps.users.getMany(userIds, allScope), deps.complianceStates.forDevices(ids)]);
  const userById = new Map(users.map((u) => [u.id, u]));
  const targets = devices.map((device): TargetedDevice => {
    const user = device.userId ? userById.get(device.userId) : undefined;
    return { id: device.id, userId: device.userId, userLicensed: user ? countsAsLicensed(user) : false };
  });
  await run.load(targets);
  const assigned = targets.map((t) => run.policiesFor(t));
  // Inventory only of the devices a policy of their platform reaches: the rest need none.
  const needs = (platforms: readonly DevicePlatform[]) => devices.filter((d, i) => platforms.includes(platformOf(d)) && assigned[i]!.some((p) => platforms.includes(platformOfPolicy(p.type)))).map((d) => d.id);
  const [inventory, windows] = await Promise.all([deps.deviceInventory.getMany(needs(['iOS', 'macOS'])), deps.windowsInventory.getMany(needs(['windows']))]);
  const now = deps.clock.now();
  const states: DevicePolicyState[] = [];
  const overall = new Map<string, ComplianceState>();
  const changed: string[] = [];
  for (const [i, device] of devices.entries()) {
    const user = device.userId ? userById.get(device.userId) : undefined;
    const policies = assigned[i]!;
    const result = evaluateDevice({
      facts: { device, inventory: inventory.get(device.id), windows: windows.get(device.id) },
      policies, previous: previous.get(device.id) ?? [], settings: run.settings, userName: user?.displayName ?? device.userDisplayName, now,
    });
    // Only what changed is written: a sweep over a steady fleet reads and writes nothing back.
    if (device.complianceState === result.overall && sameStates(previous.get(device.id) ?? [], result.states)) continue;
    changed.push(device.id);
    states.push(...result.states);
    overall.set(device.id, result.overall);
  }
  if (changed.length > 0) await deps.complianceStates.replace(changed, states, overall);
}

function sameStates(a: readonly DevicePolicyState[], b: readonly DevicePolicyState[]): boolean {
  if (a.length !== b.length) return false;
  const key = (s: DevicePolicyState) => JSON.stringify([s.policyId, s.status, s.settingStates, s.policyVersion, s.noncompliantSince, s.graceExpiresAt, s.evaluatedAt, s.deviceName, s.deviceModel, s.userName, s.userPrincipalName]);
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.every((k, i) => k === right[i]);
}

/** Re-evaluates these devices (after their inventory changed), in batches. */
export async function reevaluateDevices(deps: ComplianceDeps, deviceIds: readonly string[]): Promise<void> {
  if (deviceIds.length === 0) return;
  const unique = [...new Set(deviceIds)];
  const run = unique.length <= FEW_DEVICES ? await prepareFew(deps) : await prepare(deps);
  for (let i = 0; i < unique.length; i += EVALUATION_BATCH) {
    await evaluateBatch(deps, run, await deps.devices.getMany(unique.slice(i, i + EVALUATION_BATCH), allScope));
  }
}

/** Re-evaluates every device, a batch at a time (the periodic sweep, and changes that may touch any device). */
export async function reevaluateFleet(deps: ComplianceDeps, batchSize = EVALUATION_BATCH): Promise<{ devices: number }> {
  const run = await prepare(deps);
  let count = 0;
  for await (const batch of deps.devices.batches(batchSize)) {
    await evaluateBatch(deps, run, batch);
    count += batch.length;
  }
  return { devices: count };
}

/**
 * Re-evaluates what a policy's change may have touched: the devices that had a state for it and
 * those its assignments name now. Targets that reach users or every device mean a fleet sweep.
 */
export async function reevaluateForPolicy(deps: ComplianceDeps, policy: Pick<CompliancePolicy, 'assignments'> | undefined, previousDeviceIds: readonly string[]): Promise<void> {
  const targets = policy?.assignments.map((a) => a.target) ?? [];
  if (targets.some((t) => t.kind === 'allDevices' || t.kind === 'allLicensedUsers')) { await reevaluateFleet(deps); return; }
  const resolved = await resolveTargets(deps, targets.filter((t) => t.kind === 'group'));
  if (resolved.includedUsers.size > 0) { await reevaluateFleet(deps); return; }
  await reevaluateDevices(deps, [...previousDeviceIds, ...resolved.includedDevices]);
}
