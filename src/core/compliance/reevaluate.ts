// Re-evaluation, always by batch: a batch's devices with their inventory facts and users come in
// one query and their stored states in another (never a query per device), every policy's targets
// are resolved once per run, and the batch's changes are written in one transaction. Only what
// changed is written (a state compared with the stored one by its JSON text, not parsed), so a
// sweep over a steady fleet reads and writes nothing back; replicas evaluating the same devices at
// once write the same rows (idempotent), and the periodic sweep repairs any write a race undid.
// Sweeps read the next page and write the two before while the current one is judged.
import type { Clock } from '../clock.js';
import type { ComplianceState } from '../devices/managed-device.js';
import type { GroupStore } from '../directory/ports.js';
import { stewardSku } from '../directory/licenses.js';
import type { SettingsStore } from '../settings/ports.js';
import type { SecurityFacts } from '../apple/inventory-ports.js';
import type { WindowsFacts } from '../windows/inventory-ports.js';
import { readTenantSettings, type TenantSettings } from '../settings/tenant-settings.js';
import { countsAsLicensed, isTargeted, isTargetedByMembership, resolveTargets, type MemberCache, type ResolvedTargets, type TargetedDevice } from './assignment-targets.js';
import { evaluateDevice, platformOfPolicy } from './evaluate-device.js';
import { platformOf } from './device-facts.js';
import type { CompliancePolicy } from './policy.js';
import type { CompliancePolicyStore, ComplianceStateStore, DevicePolicyState, EvaluationInput, StateWrite, StoredState } from './ports.js';

export interface ComplianceDeps {
  groups: Pick<GroupStore, 'transitiveMembers' | 'transitiveMemberOf' | 'getMany'>;
  settings: SettingsStore;
  compliancePolicies: CompliancePolicyStore;
  complianceStates: ComplianceStateStore;
  clock: Clock;
  /**
   * Called with the devices a batch found newly or still noncompliant (states written), so that
   * actions for noncompliance due at once happen right after evaluation (noncompliance-actions.ts).
   */
  actOnNoncompliance?: ((deviceIds: readonly string[]) => Promise<unknown>) | undefined;
}

export const EVALUATION_BATCH = 1000;

/** Batches of a fleet sweep whose changes are written at once (reevaluateFleet). */
const WRITES_IN_FLIGHT = 2;

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
  return {
    settings,
    policiesFor: (d) => {
      const out: CompliancePolicy[] = [];
      for (const p of resolved) if (isTargeted(p.targets, d)) out.push(p.policy);
      return out;
    },
    load: () => Promise.resolve(),
  };
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

interface Page {
  inputs: EvaluationInput[];
  previous: Map<string, StoredState[]>;
}

const isApple = (platform: string) => platform === 'iOS' || platform === 'macOS';

function targetOf(input: EvaluationInput): TargetedDevice {
  const u = input.user;
  const userLicensed = u !== undefined && countsAsLicensed({ accountEnabled: u.accountEnabled, assignedLicenses: u.stewardDisabledPlans === null ? [] : [{ skuId: stewardSku.skuId, disabledPlans: u.stewardDisabledPlans }] });
  return { id: input.device.id, userId: input.device.userId, userLicensed };
}

function sameState(stored: StoredState, s: DevicePolicyState, json: string): boolean {
  return stored.status === s.status && stored.policyVersion === s.policyVersion && stored.noncompliantSince === s.noncompliantSince
    && stored.graceExpiresAt === s.graceExpiresAt && stored.evaluatedAt === s.evaluatedAt && stored.deviceName === s.deviceName
    && stored.deviceModel === s.deviceModel && stored.userName === s.userName && stored.userPrincipalName === s.userPrincipalName
    && stored.settingStatesJson === json;
}

/** What a batch's evaluation changed: the states and devices to write. */
interface Changes {
  upserts: StateWrite[];
  removals: { deviceId: string; policyId: string }[];
  overall: Map<string, ComplianceState>;
  /** Devices found newly or still noncompliant, for their actions once written. */
  noncompliant: string[];
}

/** Devices judged between two turns of the event loop, so a write in flight meanwhile is served. */
const YIELD_EVERY = 20;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Evaluates a batch against the stored states: only what changed comes back. */
async function judge(deps: ComplianceDeps, run: Run, page: Page): Promise<Changes> {
  const changes: Changes = { upserts: [], removals: [], overall: new Map(), noncompliant: [] };
  if (page.inputs.length === 0) return changes;
  const targets = page.inputs.map(targetOf);
  await run.load(targets);
  const now = deps.clock.now();
  for (let i = 0; i < page.inputs.length; i++) {
    if (i > 0 && i % YIELD_EVERY === 0) await turn();
    const input = page.inputs[i]!;
    const device = input.device;
    const policies = run.policiesFor(targets[i]!);
    // Inventory is parsed only for the devices a policy of their platform reaches: the rest need none.
    const platform = platformOf(device);
    const needsFacts = policies.some((p) => platformOfPolicy(p.type) === platform);
    const security = needsFacts && isApple(platform) && input.securityJson !== null ? JSON.parse(input.securityJson) as SecurityFacts | null : null;
    const windows = needsFacts && platform === 'windows' && input.windowsJson !== null ? JSON.parse(input.windowsJson) as WindowsFacts | null : null;
    const previous = page.previous.get(device.id) ?? [];
    const result = evaluateDevice({
      facts: { device, inventory: security ? { security } : undefined, windows: windows ?? undefined },
      policies, previous, settings: run.settings, userName: input.user?.displayName ?? device.userDisplayName, now,
    });
    // A device has a few states: plain loops, no maps, keep the sweep's garbage down.
    let changed = device.complianceState !== result.overall;
    for (const s of result.states) {
      const json = s.settingStates.length === 0 ? '[]' : JSON.stringify(s.settingStates);
      const stored = previous.find((p) => p.policyId === s.policyId);
      if (stored && sameState(stored, s, json)) continue;
      changes.upserts.push({
        deviceId: s.deviceId, policyId: s.policyId, status: s.status, settingStates: s.settingStates, settingStatesJson: json, policyVersion: s.policyVersion,
        noncompliantSince: s.noncompliantSince, graceExpiresAt: s.graceExpiresAt, evaluatedAt: s.evaluatedAt, deviceName: s.deviceName, deviceModel: s.deviceModel,
        userName: s.userName, userPrincipalName: s.userPrincipalName, replaces: stored !== undefined,
      });
      changed = true;
    }
    for (const p of previous) {
      if (result.states.some((s) => s.policyId === p.policyId)) continue;
      changes.removals.push({ deviceId: device.id, policyId: p.policyId });
      changed = true;
    }
    // Only what changed is written: a sweep over a steady fleet writes nothing back.
    if (!changed) continue;
    changes.overall.set(device.id, result.overall);
    if (result.states.some((s) => s.status === 'nonCompliant')) changes.noncompliant.push(device.id);
  }
  return changes;
}

/** Writes a batch's changes (one transaction), then acts on its noncompliant devices. */
async function commit(deps: ComplianceDeps, changes: Changes): Promise<void> {
  if (changes.overall.size === 0) return;
  await deps.complianceStates.write(changes);
  if (deps.actOnNoncompliance && changes.noncompliant.length > 0) await deps.actOnNoncompliance(changes.noncompliant);
}

/** A page and its stored states: a page of the fleet (`range`) reads them as one id range, a list of devices by id. */
async function pageOf(deps: ComplianceDeps, inputs: EvaluationInput[], range = false): Promise<Page> {
  const first = inputs[0]?.device.id;
  const last = inputs.at(-1)?.device.id;
  if (first === undefined || last === undefined) return { inputs, previous: new Map() };
  return { inputs, previous: await deps.complianceStates.storedStates(range ? { from: first, to: last } : inputs.map((i) => i.device.id)) };
}

/** Re-evaluates these devices (after their inventory changed), in batches. */
export async function reevaluateDevices(deps: ComplianceDeps, deviceIds: readonly string[]): Promise<void> {
  if (deviceIds.length === 0) return;
  const unique = [...new Set(deviceIds)];
  const run = unique.length <= FEW_DEVICES ? await prepareFew(deps) : await prepare(deps);
  for (let i = 0; i < unique.length; i += EVALUATION_BATCH) {
    const page = await pageOf(deps, await deps.complianceStates.evaluationInputs(unique.slice(i, i + EVALUATION_BATCH)));
    await commit(deps, await judge(deps, run, page));
  }
}

/** Re-evaluates every device, a batch at a time (the periodic sweep, and changes that may touch any device). */
export async function reevaluateFleet(deps: ComplianceDeps, batchSize = EVALUATION_BATCH): Promise<{ devices: number }> {
  const run = await prepare(deps);
  const fetch = async (afterId: string | undefined) => pageOf(deps, await deps.complianceStates.evaluationPage({ limit: batchSize, ...(afterId === undefined ? {} : { afterId }) }), true);
  let next = fetch(undefined);
  // Writes in flight, oldest first: up to WRITES_IN_FLIGHT batches are written (each in its own
  // transaction, on its own connection) while the next is judged and the one after read, so on
  // PostgreSQL the database works on both cores while Steward computes. Batches are disjoint
  // devices: their writes do not wait for each other.
  const writing: Promise<void>[] = [];
  let count = 0;
  try {
    for (;;) {
      const page = await next;
      const last = page.inputs.at(-1)?.device.id;
      if (last === undefined) break;
      next = page.inputs.length < batchSize ? Promise.resolve({ inputs: [], previous: new Map() }) : fetch(last);
      next.catch(() => undefined); // awaited above on the next turn; no unhandled rejection meanwhile
      const changes = await judge(deps, run, page);
      if (writing.length >= WRITES_IN_FLIGHT) await writing.shift();
      const write = commit(deps, changes);
      write.catch(() => undefined); // awaited in turn, or below
      writing.push(write);
      count += page.inputs.length;
    }
  } finally {
    await Promise.all(writing);
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

/**
 * Re-evaluates the devices a group membership change touched (directory/membership-changes.ts):
 * the devices among the members, the devices of the users among them, and the same for the members
 * of a nested group. Nothing when no compliance policy is assigned to the group or a group it is in.
 */
export async function reevaluateForMembership(deps: ComplianceDeps, change: { groupId: string; memberIds: readonly string[] }): Promise<void> {
  const policies = await deps.compliancePolicies.list();
  const assigned = new Set(policies.flatMap((p) => p.assignments.flatMap((a) => (a.target.kind === 'group' || a.target.kind === 'exclusionGroup' ? [a.target.groupId] : []))));
  if (assigned.size === 0) return;
  if (!assigned.has(change.groupId) && !(await deps.groups.transitiveMemberOf(change.groupId)).some((g) => assigned.has(g.id))) return;
  const ids = new Set(change.memberIds);
  for (let i = 0; i < change.memberIds.length; i += EVALUATION_BATCH) {
    for (const nested of await deps.groups.getMany(change.memberIds.slice(i, i + EVALUATION_BATCH))) {
      for (const m of await deps.groups.transitiveMembers(nested.id)) ids.add(m.id);
    }
  }
  await reevaluateDevices(deps, await deps.complianceStates.devicesOfMembers([...ids]));
}
