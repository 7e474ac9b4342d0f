// The company portal's view of a person's own devices: the devices whose primary user they are,
// each with its compliance per policy and, for what fails, what to do in plain words.
//
// Ownership is the device's primary user (managedDevice.userId), which enrollment sets to the
// person who enrolled it and an admin may change. A device that is not theirs answers exactly as
// one that does not exist (not-found), so that the portal never confirms another person's ids.
import type { Clock } from '../clock.js';
import type { DeviceAction, DeviceActionStore } from '../actions/ports.js';
import type { CompliancePolicy } from '../compliance/policy.js';
import type { CompliancePolicyStore, ComplianceStateStore, DevicePolicyState } from '../compliance/ports.js';
import type { ManagedDevice } from '../devices/managed-device.js';
import type { ManagedDeviceStore } from '../devices/ports.js';
import { notFound } from '../errors.js';
import { parseListQuery } from '../query/list-query.js';
import { managedDeviceSchema } from '../devices/managed-device-schema.js';
import { allScope } from '../rbac/scope.js';
import type { SettingsStore } from '../settings/ports.js';
import { readTenantSettings } from '../settings/tenant-settings.js';
import { checkInFix, howToFix } from './how-to-fix.js';
import type { SettingResult } from '../compliance/setting-result.js';

export interface MyDevicesDeps {
  devices: ManagedDeviceStore;
  deviceActions: Pick<DeviceActionStore, 'forDevices'>;
  compliancePolicies: Pick<CompliancePolicyStore, 'list'>;
  complianceStates: Pick<ComplianceStateStore, 'forDevices'>;
  settings: SettingsStore;
  clock: Clock;
}

export interface SettingFinding extends SettingResult {
  /** What to do, in words; null when nothing (compliant, not applicable). */
  howToFix: string | null;
}

export interface PolicyFinding {
  policy: CompliancePolicy;
  state: DevicePolicyState;
  settings: SettingFinding[];
}

export interface MyDevice {
  device: ManagedDevice;
  policies: PolicyFinding[];
  /** Every distinct thing to do for this device, in the order of its policies. */
  howToFix: string[];
  /** Its remote actions, newest first. */
  actions: DeviceAction[];
}

/** More devices than anyone enrolls; the portal shows them on one page. */
const MAX_DEVICES = 200;

/** The device if its primary user is `userId`; otherwise not-found, as for a device that does not exist. */
export async function getOwnDevice(deps: { devices: ManagedDeviceStore }, input: { userId: string; deviceId: string }): Promise<ManagedDevice> {
  const device = await deps.devices.get(input.deviceId, allScope);
  if (!device || device.userId === null || device.userId !== input.userId) throw notFound(`managedDevice ${input.deviceId} was not found among your devices.`, 'id');
  return device;
}

/** The person's devices (all of them, newest enrollment first), with compliance findings. */
export async function listMyDevices(deps: MyDevicesDeps, input: { userId: string }): Promise<MyDevice[]> {
  const query = parseListQuery({ $top: String(MAX_DEVICES), $orderby: 'enrolledDateTime desc' }, managedDeviceSchema);
  const page = await deps.devices.list(query, allScope, { userId: input.userId });
  return describeDevices(deps, page.items);
}

/** One of the person's devices with its findings (not-found when it is not theirs). */
export async function getMyDevice(deps: MyDevicesDeps, input: { userId: string; deviceId: string }): Promise<MyDevice> {
  const device = await getOwnDevice(deps, input);
  const [described] = await describeDevices(deps, [device]);
  return described!;
}

async function describeDevices(deps: MyDevicesDeps, devices: readonly ManagedDevice[]): Promise<MyDevice[]> {
  if (devices.length === 0) return [];
  const ids = devices.map((d) => d.id);
  // One query each for the whole list, never one per device.
  const [states, policies, actions, tenant] = await Promise.all([
    deps.complianceStates.forDevices(ids), deps.compliancePolicies.list(), deps.deviceActions.forDevices(ids), readTenantSettings(deps),
  ]);
  const byId = new Map(policies.map((p) => [p.id, p]));
  const now = deps.clock.now().getTime();
  return devices.map((device) => {
    const findings: PolicyFinding[] = [];
    for (const state of states.get(device.id) ?? []) {
      const policy = byId.get(state.policyId);
      if (!policy || state.status === 'notApplicable') continue;
      const ctx = { policyType: policy.type, policySettings: policy.settings, operatingSystem: device.operatingSystem };
      findings.push({ policy, state, settings: state.settingStates.map((s) => ({ ...s, howToFix: howToFix(ctx, s) ?? null })) });
    }
    const fixes = new Set<string>();
    for (const f of findings) for (const s of f.settings) if (s.state === 'nonCompliant' && s.howToFix) fixes.add(s.howToFix);
    // Noncompliant with no failing setting: not seen for too long, or no policy under secureByDefault.
    if (device.complianceState === 'noncompliant' && fixes.size === 0) {
      const seen = Date.parse(device.lastSyncDateTime);
      const stale = !Number.isFinite(seen) || now - seen > tenant.deviceComplianceCheckinThresholdDays * 86_400_000;
      fixes.add(!stale && findings.length === 0 && tenant.secureByDefault
        ? 'Your organization has no compliance policy for this kind of device yet, so it counts as not compliant. Contact your IT department.'
        : stale ? checkInFix(tenant.deviceComplianceCheckinThresholdDays) : 'Contact your IT department: this device is not compliant for a reason it has not reported.');
    }
    return { device, policies: findings, howToFix: [...fixes], actions: actions.get(device.id) ?? [] };
  });
}
