// Keeps every device's configuration profiles as their assignments say, by batch: a batch's
// devices, users and stored states are read in a few queries (never one per device), every
// profile's targets are resolved once per run, each profile is translated (and, for Apple,
// signed) once per run unless it varies per device (per-user variables, a SCEP challenge), and
// the batch's commands and states are written in one transaction. What a device should have and what its stored states say decide everything, so
// replicas reconciling the same devices at once queue at worst a duplicate install (harmless: a
// device replaces a profile with the same identifier) and write the same rows; the periodic sweep
// repairs anything a race or a crash left behind.
import type { Clock } from '../clock.js';
import { randomUUID } from 'node:crypto';
import type { NewCommand } from '../commands/ports.js';
import type { ManagedDevice } from '../devices/managed-device.js';
import type { ManagedDeviceStore } from '../devices/ports.js';
import type { GroupStore, UserStore } from '../directory/ports.js';
import type { User } from '../directory/user.js';
import type { DeviceWaker } from '../push/ports.js';
import type { ScepStore } from '../scep/ports.js';
import { createScepChallenge, MAX_CHALLENGE_TTL_MS } from '../scep/create-challenge.js';
import { StewardError } from '../errors.js';
import { allScope } from '../rbac/scope.js';
import { platformOf } from '../compliance/device-facts.js';
import {
  countsAsLicensed, isTargeted, isTargetedByMembership, resolveTargets, type AssignmentTarget, type MemberCache, type ResolvedTargets, type TargetedDevice,
} from '../assignments/targets.js';
import { MASK, SUPPORTED_TYPES, type ConfigurationPlatform } from './catalog.js';
import { conflictsOn, contestedKeys, fingerprint, type ProfileSettings } from './conflicts.js';
import { isRemoval, type ConfigurationDeliveryStore, type ConfigurationDeviceState, type DeliveryCommand, type DeliveryRemoval, type DeliverySettingState } from './delivery-ports.js';
import { caThumbprint, installCommand, nodeKey, removalCommand, type ConfigurationDeliverySettings, type NativeInstall } from './native-command.js';
import type { DeviceConfiguration, DeviceConfigurationStore } from './ports.js';
import { translateConfiguration } from './translate.js';
import type { Translation, TranslationContext } from './translation.js';

export interface ReconcileDeps {
  devices: Pick<ManagedDeviceStore, 'getMany' | 'batches'>;
  users: Pick<UserStore, 'getMany'>;
  groups: Pick<GroupStore, 'transitiveMembers' | 'transitiveMemberOf'>;
  deviceConfigurations: Pick<DeviceConfigurationStore, 'list'>;
  configurationDelivery: ConfigurationDeliveryStore;
  scep: ScepStore;
  waker: DeviceWaker;
  clock: Clock;
  /** Organization and signer for Apple profiles; unsigned, "Steward", without. */
  deliverySettings?: ConfigurationDeliverySettings;
}

export const RECONCILE_BATCH = 500;
/** How long a profile the device refused waits before it is sent again. */
export const RETRY_ERRORS_AFTER_MS = 24 * 3600_000;
/** Up to this many devices, targets are checked from each device's groups rather than by reading every assigned group. */
const FEW_DEVICES = 20;

interface Profile {
  profile: DeviceConfiguration;
  platform: ConfigurationPlatform;
  targets: AssignmentTarget[];
  /** Translated per device: per-user or per-device variables, or a SCEP challenge. */
  perDevice: boolean;
  /** The device-independent translation (a preview with variables kept, for a per-device profile). */
  shared: Translation | undefined;
  /** Why the profile cannot be translated at all (shown as every device's error). */
  error: string | undefined;
  notApplicable: DeliverySettingState[];
  settings: ProfileSettings;
}

interface Run {
  settings: ConfigurationDeliverySettings;
  profiles: Profile[];
  contested: ReadonlySet<string>;
  profilesFor(device: TargetedDevice): Profile[];
  load(devices: readonly TargetedDevice[]): Promise<void>;
  /** Shared installs, one per profile version and first-time flag. */
  installs: Map<string, Promise<NativeInstall | undefined>>;
}

const message = (err: unknown) => (err instanceof StewardError ? err.message : err instanceof Error ? err.message : String(err));

function prepareProfile(profile: DeviceConfiguration, targets: AssignmentTarget[], settings: ConfigurationDeliverySettings): Profile | undefined {
  const type = SUPPORTED_TYPES[profile.odataType];
  if (!type) return undefined;
  // SCEP (a challenge, a subject from the user) and e-mail (the user's address) are per device by nature.
  const perDevice = type.family === 'scep' || type.family === 'email' || type.family === 'imapEmail' || JSON.stringify(profile.settings).includes('{{');
  let shared: Translation | undefined;
  let error: string | undefined;
  try {
    shared = translateConfiguration(profile, {
      organization: settings.organization,
      ...(perDevice ? { preview: true, scep: { challenge: MASK, caThumbprint: caThumbprint(settings) } } : {}),
    }, { keepUnresolvedVariables: perDevice });
  } catch (err) {
    if (!(err instanceof StewardError)) throw err;
    error = message(err);
  }
  const source = [{ id: profile.id, displayName: profile.displayName }];
  return {
    profile, platform: type.platform, targets, perDevice, shared, error,
    notApplicable: (shared?.notApplicable ?? []).map((n) => ({
      setting: n.setting, settingName: n.setting, state: 'notApplicable', errorCode: 0, errorDescription: n.reason, currentValue: null, sources: source,
    })),
    settings: { id: profile.id, displayName: profile.displayName, settings: shared ? fingerprint(shared) : new Map() },
  };
}

async function prepareProfiles(deps: ReconcileDeps, settings: ConfigurationDeliverySettings): Promise<Profile[]> {
  const [profiles, assignments] = await Promise.all([deps.deviceConfigurations.list(), deps.configurationDelivery.allAssignments()]);
  return profiles.flatMap((p) => {
    const targets = (assignments.get(p.id) ?? []).map((a) => a.target);
    if (targets.length === 0) return [];
    const prepared = prepareProfile(p, targets, settings);
    return prepared ? [prepared] : [];
  });
}

const settingsOf = (deps: ReconcileDeps): ConfigurationDeliverySettings => deps.deliverySettings ?? { organization: 'Steward' };

/** Targets resolved once by reading the assigned groups (sweeps and large sets). */
async function prepare(deps: ReconcileDeps): Promise<Run> {
  const settings = settingsOf(deps);
  const profiles = await prepareProfiles(deps, settings);
  const cache: MemberCache = new Map();
  const resolved: { p: Profile; targets: ResolvedTargets }[] = [];
  for (const p of profiles) resolved.push({ p, targets: await resolveTargets(deps, p.targets, cache) });
  return {
    settings, profiles, contested: contestedKeys(profiles.map((p) => p.settings)), installs: new Map(),
    profilesFor: (d) => resolved.filter((r) => isTargeted(r.targets, d)).map((r) => r.p),
    load: () => Promise.resolve(),
  };
}

/** Targets checked from each device's and user's groups (two queries a device, for a few devices). */
async function prepareFew(deps: ReconcileDeps): Promise<Run> {
  const settings = settingsOf(deps);
  const profiles = await prepareProfiles(deps, settings);
  const memberOf = new Map<string, Set<string>>();
  return {
    settings, profiles, contested: contestedKeys(profiles.map((p) => p.settings)), installs: new Map(),
    async load(devices) {
      for (const d of devices) {
        const groups = await Promise.all([deps.groups.transitiveMemberOf(d.id), d.userId ? deps.groups.transitiveMemberOf(d.userId) : Promise.resolve([])]);
        memberOf.set(d.id, new Set(groups.flat().map((g) => g.id)));
      }
    },
    profilesFor: (d) => profiles.filter((p) => isTargetedByMembership(p.targets, memberOf.get(d.id) ?? new Set(), d)),
  };
}

/** The commands of a batch: each device's own uuid, devices given the same command sharing its payload. */
class Outbox {
  readonly commands: DeliveryCommand[] = [];
  private readonly shared = new Map<string, NewCommand>();
  /** Queues `command` (or the one already queued under `key`) for the device; returns its uuid. */
  add(key: string, command: NewCommand, deviceId: string): string {
    let c = this.shared.get(key);
    if (!c) { c = command; this.shared.set(key, c); }
    const uuid = randomUUID();
    this.commands.push({ uuid, deviceId, command: c });
    return uuid;
  }
}

function context(run: Run, device: ManagedDevice, user: User | undefined): TranslationContext {
  return {
    organization: run.settings.organization,
    device: { id: device.id, deviceName: device.deviceName, serialNumber: device.serialNumber },
    ...(user ? { user: { id: user.id, userPrincipalName: user.userPrincipalName, mail: user.mail, displayName: user.displayName } } : {}),
  };
}

const sameSettingStates = (a: readonly DeliverySettingState[], b: readonly DeliverySettingState[]) => JSON.stringify(a) === JSON.stringify(b);

function removalKey(removal: DeliveryRemoval): string {
  return removal.platform === 'apple' ? `remove:${removal.identifier}` : `remove:${JSON.stringify(removal.locUris)}`;
}

async function reconcileBatch(deps: ReconcileDeps, run: Run, devices: readonly ManagedDevice[]): Promise<void> {
  if (devices.length === 0) return;
  const ids = devices.map((d) => d.id);
  const userIds = [...new Set(devices.flatMap((d) => (d.userId ? [d.userId] : [])))];
  const [users, stored] = await Promise.all([deps.users.getMany(userIds, allScope), deps.configurationDelivery.forDevices(ids)]);
  const userById = new Map(users.map((u) => [u.id, u]));
  const targets = devices.map((device): TargetedDevice => {
    const user = device.userId ? userById.get(device.userId) : undefined;
    return { id: device.id, userId: device.userId, userLicensed: user ? countsAsLicensed(user) : false };
  });
  await run.load(targets);
  const now = deps.clock.now().toISOString();
  // A device's error is tried again a day later (the sweep): a full disk or a busy device passes.
  const retryBefore = new Date(deps.clock.now().getTime() - RETRY_ERRORS_AFTER_MS).toISOString();
  const outbox = new Outbox();
  const put: ConfigurationDeviceState[] = [];
  const remove: { deviceId: string; configurationId: string }[] = [];

  for (const [i, device] of devices.entries()) {
    const user = device.userId ? userById.get(device.userId) : undefined;
    const platform = platformOf(device);
    const desired = run.profilesFor(targets[i]!).filter((p) => p.platform === platform);
    const conflicts = conflictsOn(desired.map((p) => p.settings), run.contested);
    const previous = new Map((stored.get(device.id) ?? []).map((s) => [s.configurationId, s]));
    // What the device keeps (never deleted by another profile's removal) and what goes, queued after.
    const keep: DeliveryRemoval[] = [];
    const removals: DeliveryRemoval[] = [];
    const base = {
      deviceId: device.id, lastReportedDateTime: now, deviceName: device.deviceName, deviceModel: device.model,
      userName: user?.displayName ?? device.userDisplayName, userPrincipalName: user?.userPrincipalName ?? device.userPrincipalName,
    };
    for (const p of desired) {
      const prev = previous.get(p.profile.id);
      previous.delete(p.profile.id);
      const staticStates = [...p.notApplicable, ...(conflicts.get(p.profile.id) ?? [])];
      // A conflict that ended (the other profile went) is delivered again: the device may hold the other's value.
      const conflictEnded = prev !== undefined && prev.settingStates.some((s) => s.state === 'conflict') && !staticStates.some((s) => s.state === 'conflict');
      // Assigned again while its removal is queued or was refused: installed again (queued after the removal, so the install wins).
      const stale = !prev || isRemoval(prev.status) || prev.version !== p.profile.version || (p.perDevice && prev.userPrincipalName !== base.userPrincipalName)
        || (prev.status === 'error' && (prev.commandUuid === null || prev.lastReportedDateTime < retryBefore)) || conflictEnded;
      if (!stale) {
        if (prev.removal) keep.push(prev.removal);
        // Only the conflicts can have changed (another profile came or went): no command.
        const kept = prev.settingStates.filter((s) => s.state === 'error');
        if (!sameSettingStates(prev.settingStates.filter((s) => s.state !== 'error'), staticStates)) put.push({ ...prev, settingStates: [...staticStates, ...kept] });
        continue;
      }
      // What the device holds of the profile: nothing once a queued removal has run before this install.
      const existing = prev?.status === 'removing' ? null : prev?.removal ?? null;
      const state: ConfigurationDeviceState = {
        ...base, configurationId: p.profile.id, version: p.profile.version, status: 'pending', errorDetail: null,
        settingStates: staticStates, commandUuid: null, removal: prev?.removal ?? null,
      };
      let install: NativeInstall | undefined;
      try {
        if (p.error !== undefined) throw new StewardError('invalid-input', p.error);
        install = await buildInstall(deps, run, p, device, user, existing);
      } catch (err) {
        if (!(err instanceof StewardError)) throw err;
        const detail = `The profile could not be made for this device: ${message(err)}`;
        // What an earlier version put on the device stays there (and is removed with the profile).
        if (prev?.removal) keep.push(prev.removal);
        if (prev?.status === 'error' && prev.commandUuid === null && prev.errorDetail === detail && prev.version === p.profile.version) continue;
        put.push({ ...state, status: 'error', errorDetail: detail });
        continue;
      }
      // A new version with fewer Windows nodes: the nodes it no longer sets go.
      const dropped = existing?.platform === 'windows' && install?.removal.platform === 'windows'
        ? existing.locUris.filter((u) => !(install.removal as { locUris: string[] }).locUris.includes(u)) : [];
      if (dropped.length > 0) removals.push({ platform: 'windows', locUris: dropped });
      if (!install) {
        if (existing) removals.push(existing);
        put.push({ ...state, status: 'notApplicable', removal: null });
        continue;
      }
      state.removal = install.removal;
      keep.push(install.removal);
      put.push(state);
      const key = p.perDevice ? `install:${p.profile.id}:${device.id}` : `install:${p.profile.id}:${p.profile.version}:${existingKey(existing)}`;
      state.commandUuid = outbox.add(key, install.command, device.id);
    }
    const kept = new Set(keep.flatMap((r) => (r.platform === 'windows' ? r.locUris.map(nodeKey) : [])));
    const left = (r: DeliveryRemoval): DeliveryRemoval => (r.platform === 'windows' ? { platform: 'windows', locUris: r.locUris.filter((u) => !kept.has(nodeKey(u))) } : r);
    for (const r of removals) queueRemoval(outbox, left(r), device.id);
    // Stored profiles the device should no longer have (unassigned, deleted, out of its groups): the
    // state stays, removing, until the device answers the removal (delivery-results.ts); one it
    // refused is sent again a day later, as a refused install is.
    for (const prev of previous.values()) {
      if (prev.status === 'removing' || (prev.status === 'removalFailed' && prev.lastReportedDateTime >= retryBefore)) continue;
      const removal = prev.removal ? left(withoutRefusedNodes(prev)) : null;
      const command = removal ? removalCommand(removal) : undefined;
      if (!removal || !command) {
        remove.push({ deviceId: device.id, configurationId: prev.configurationId });
        continue;
      }
      put.push({
        ...prev, status: 'removing', errorDetail: null, settingStates: [], removal, lastReportedDateTime: now,
        commandUuid: outbox.add(removalKey(removal), command, device.id),
      });
    }
  }
  // A steady batch writes nothing.
  if (put.length > 0 || remove.length > 0 || outbox.commands.length > 0) await deps.configurationDelivery.write(put, remove, outbox.commands);
  const woken = [...new Set(outbox.commands.map((c) => c.deviceId))];
  if (woken.length > 0) await deps.waker.wake(woken);
}

/** A Windows profile's nodes less those the PC refused to set (never set by Steward, nothing to delete: a read-only node would refuse again). */
function withoutRefusedNodes(state: ConfigurationDeviceState): DeliveryRemoval {
  const removal = state.removal!;
  if (removal.platform !== 'windows' || state.status !== 'error') return removal;
  const refused = new Set(state.settingStates.filter((s) => s.state === 'error').map((s) => nodeKey(s.setting)));
  return { platform: 'windows', locUris: removal.locUris.filter((u) => !refused.has(nodeKey(u))) };
}

function queueRemoval(outbox: Outbox, removal: DeliveryRemoval, deviceId: string): void {
  const command = removalCommand(removal);
  if (command) outbox.add(removalKey(removal), command, deviceId);
}

/** Windows installs differ by the nodes the device already has (Add or Replace); Apple's never do. */
const existingKey = (existing: DeliveryRemoval | null) => (existing?.platform === 'windows' ? JSON.stringify(existing.locUris) : '');

async function buildInstall(deps: ReconcileDeps, run: Run, p: Profile, device: ManagedDevice, user: User | undefined, existing: DeliveryRemoval | null): Promise<NativeInstall | undefined> {
  if (!p.perDevice) {
    const key = `${p.profile.id}:${p.profile.version}:${existingKey(existing)}`;
    let install = run.installs.get(key);
    if (!install) {
      install = installCommand(p.shared!, { configurationId: p.profile.id, existing, settings: run.settings });
      run.installs.set(key, install);
    }
    return install;
  }
  const ctx = context(run, device, user);
  if (SUPPORTED_TYPES[p.profile.odataType]?.family === 'scep') {
    // A fresh one-time challenge for this device, bound to its enrollment (RFC 8894 §2.3).
    const { challenge } = await createScepChallenge(deps, { enrollmentId: device.id, ttl: MAX_CHALLENGE_TTL_MS });
    ctx.scep = { challenge, caThumbprint: caThumbprint(run.settings) };
  }
  return installCommand(translateConfiguration(p.profile, ctx), { configurationId: p.profile.id, existing, settings: run.settings });
}

/** Reconciles these devices (enrolled, changed user, changed groups), in batches. */
export async function reconcileDevices(deps: ReconcileDeps, deviceIds: readonly string[]): Promise<void> {
  const unique = [...new Set(deviceIds)];
  if (unique.length === 0) return;
  const run = unique.length <= FEW_DEVICES ? await prepareFew(deps) : await prepare(deps);
  for (let i = 0; i < unique.length; i += RECONCILE_BATCH) {
    await reconcileBatch(deps, run, await deps.devices.getMany(unique.slice(i, i + RECONCILE_BATCH), allScope));
  }
}

/**
 * Reconciles every device, a batch at a time (the periodic sweep, and changes that may touch any
 * device); with `platform`, only that platform's devices (one profile changed: no other can be touched).
 */
export async function reconcileFleet(deps: ReconcileDeps, batchSize = RECONCILE_BATCH, platform?: ConfigurationPlatform): Promise<{ devices: number }> {
  const run = await prepare(deps);
  let count = 0;
  for await (const batch of deps.devices.batches(batchSize)) {
    const devices = platform === undefined ? batch : batch.filter((d) => platformOf(d) === platform);
    await reconcileBatch(deps, run, devices);
    count += devices.length;
  }
  return { devices: count };
}

/**
 * Reconciles what a profile's change may touch: the devices that have it and those its
 * assignments name now. Targets that reach users or every device mean the whole fleet of the
 * profile's platform (`platform`; every platform when not given).
 */
export async function reconcileConfiguration(deps: ReconcileDeps, configurationId: string, platform?: ConfigurationPlatform): Promise<void> {
  const [assignments, states] = await Promise.all([deps.configurationDelivery.assignments(configurationId), deps.configurationDelivery.forConfiguration(configurationId)]);
  const targets = assignments.map((a) => a.target);
  if (targets.some((t) => t.kind === 'allDevices' || t.kind === 'allLicensedUsers')) { await reconcileFleet(deps, RECONCILE_BATCH, platform); return; }
  const resolved = await resolveTargets(deps, targets.filter((t) => t.kind === 'group'));
  if (resolved.includedUsers.size > 0) { await reconcileFleet(deps, RECONCILE_BATCH, platform); return; }
  await reconcileDevices(deps, [...states.map((s) => s.deviceId), ...resolved.includedDevices]);
}
