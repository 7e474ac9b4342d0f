// Where configuration profiles stand on devices, in Graph's shapes: a profile's deviceStatuses
// (deviceConfigurationDeviceStatus) and deviceStatusOverview (deviceConfigurationDeviceOverview),
// userStatuses (deviceConfigurationUserStatus) and userStatusOverview (deviceConfigurationUserOverview),
// and a managed device's deviceConfigurationStates (deviceConfigurationState with settingStates).
// Graph reports with complianceStatus: pending → unknown, succeeded → compliant, error, conflict
// (a setting in conflict wins), notApplicable; a removal not yet answered is unknown, a refused one
// error (delivery-ports.ts). The overviews have no conflict count in v1.0:
// conflicts are counted as failedCount (docs/api.md); beta's overviews have conflictCount.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { SUPPORTED_TYPES } from '../../core/configuration/catalog.js';
import { platformOf, type DevicePlatform } from '../../core/compliance/device-facts.js';
import { isRemoval, type ConfigurationDeliveryStore, type ConfigurationDeviceState } from '../../core/configuration/delivery-ports.js';
import { getDeviceConfiguration, listDeviceConfigurations, type DeviceConfigurationDeps } from '../../core/configuration/device-configurations.js';
import type { DeviceConfiguration } from '../../core/configuration/ports.js';
import { isSet } from '../../core/configuration/translation.js';
import { getManagedDevice } from '../../core/devices/get-managed-device.js';
import { heldScopeTags } from '../../core/rbac/scope.js';
import type { ManagedDeviceStore } from '../../core/devices/ports.js';
import type { ManagedDevice } from '../../core/devices/managed-device.js';
import { userStatuses, type UserStatus } from '../../core/devices/user-statuses.js';
import { contextUrl, graphVersion } from './collection.js';
import { presentStatusOverview, presentUserStatus, type OverviewCounts } from './status-present.js';

const SET = 'deviceManagement/deviceConfigurations';
const tags = ['deviceConfigurations'];

/** Graph's complianceStatus for a stored state. */
export function graphStatus(s: Pick<ConfigurationDeviceState, 'status' | 'settingStates'>): string {
  if (s.settingStates.some((x) => x.state === 'conflict')) return 'conflict';
  switch (s.status) {
    case 'pending': return 'unknown';
    case 'succeeded': return 'compliant';
    // A profile on its way off the device: pending until the device confirms, an error if it refused.
    case 'removing': return 'unknown';
    case 'removalFailed': return 'error';
    default: return s.status;
  }
}

export function presentConfigurationDeviceStatus(s: ConfigurationDeviceState) {
  return {
    '@odata.type': '#microsoft.graph.deviceConfigurationDeviceStatus',
    id: `${s.configurationId}_${s.deviceId}`,
    deviceDisplayName: s.deviceName,
    userName: s.userName,
    deviceModel: s.deviceModel,
    complianceGracePeriodExpirationDateTime: '9999-12-31T23:59:59Z',
    status: graphStatus(s),
    lastReportedDateTime: s.lastReportedDateTime,
    userPrincipalName: s.userPrincipalName,
  };
}

/** Overview counts of profile statuses: v1.0 has no conflictCount, so conflicts are failedCount there. */
const profileCounts = (conflictCount: boolean): OverviewCounts => ({
  pendingCount: ['unknown'], notApplicableCount: ['notApplicable'], successCount: ['compliant'], errorCount: ['error'],
  ...(conflictCount ? { failedCount: [], conflictCount: ['conflict'] } : { failedCount: ['conflict'] }),
});

/** Each device's Graph status, with when it last changed. */
const reports = (states: readonly ConfigurationDeviceState[]) => states.map((s) => ({ deviceId: s.deviceId, status: graphStatus(s), lastReportedDateTime: s.lastReportedDateTime }));

/**
 * Graph's deviceConfigurationDeviceOverview; under beta with conflictCount and
 * notApplicablePlatformCount, always 0: a profile is never delivered to, and keeps no state on, a
 * device of another platform (reconcile.ts), so Steward has nothing to count (docs/api.md).
 */
export function presentConfigurationOverview(p: DeviceConfiguration, states: readonly ConfigurationDeviceState[], version: 'v1.0' | 'beta') {
  const counts = version === 'beta' ? { ...profileCounts(true), notApplicablePlatformCount: [] } : profileCounts(false);
  return presentStatusOverview('#microsoft.graph.deviceConfigurationDeviceOverview', p, reports(states), counts);
}

/**
 * A user's status is the worst over their devices: the device refused it (error), then a setting
 * in conflict (which the device resolves as it likes), then not answered yet, then applied;
 * notApplicable only when it applies to none of them.
 */
const PROFILE_STATUSES_WORST_FIRST = ['error', 'conflict', 'unknown', 'compliant', 'notApplicable'];

/** The profile's statuses per primary user of these states' devices (devices without one are left out). */
export function configurationUserStatuses(states: readonly ConfigurationDeviceState[], devices: ReadonlyMap<string, ManagedDevice>) {
  return userStatuses(reports(states), devices, PROFILE_STATUSES_WORST_FIRST);
}

/** Graph's deviceConfigurationUserOverview (beta's conflictCount under /beta). */
export function presentConfigurationUserOverview(p: DeviceConfiguration, users: readonly UserStatus<string>[], version: 'v1.0' | 'beta') {
  return presentStatusOverview('#microsoft.graph.deviceConfigurationUserOverview', p, users, profileCounts(version === 'beta'));
}

/** Graph's policyPlatformType of a platform; 'all' for one Steward delivers no profile to. */
const PLATFORM_TYPE: Readonly<Partial<Record<DevicePlatform, string>>> = { iOS: 'iOS', macOS: 'macOS', windows: 'windows10AndLater' };
const platformType = (platform: DevicePlatform | undefined) => (platform && PLATFORM_TYPE[platform]) ?? 'all';

/** What a deviceConfigurationState shows of its profile. */
interface StateProfile {
  id: string;
  displayName: string;
  platformType: string;
  settingCount: number;
}

export function presentConfigurationState(s: ConfigurationDeviceState, p: DeviceConfiguration) {
  const platform = SUPPORTED_TYPES[p.odataType]?.platform;
  return presentState(s, { id: p.id, displayName: p.displayName, platformType: platformType(platform), settingCount: Object.values(p.settings).filter(isSet).length });
}

/**
 * The state of a deleted profile whose removal is queued or was refused: the profile and its name
 * are gone (the state keeps neither), so `displayName` is its id, the platform the device's and
 * settingCount 0.
 */
export function presentDeletedConfigurationState(s: ConfigurationDeviceState, device: ManagedDevice) {
  return presentState(s, { id: s.configurationId, displayName: s.configurationId, platformType: platformType(platformOf(device)), settingCount: 0 });
}

function presentState(s: ConfigurationDeviceState, p: StateProfile) {
  return {
    '@odata.type': '#microsoft.graph.deviceConfigurationState',
    id: p.id,
    displayName: p.displayName,
    version: s.version,
    platformType: p.platformType,
    state: graphStatus(s),
    settingCount: p.settingCount,
    settingStates: s.settingStates.map((x) => ({
      setting: x.setting,
      settingName: x.settingName,
      instanceDisplayName: null,
      state: x.state,
      errorCode: x.errorCode,
      errorDescription: x.errorDescription,
      userId: null,
      userName: s.userName,
      userEmail: null,
      userPrincipalName: s.userPrincipalName,
      // A refused removal names its profile without a name (delivery-results.ts): the profile's own.
      sources: x.sources.map((src) => ({ id: src.id, displayName: src.displayName || (src.id === p.id ? p.displayName : src.id), sourceType: 'deviceConfiguration' })),
      currentValue: x.currentValue,
    })),
  };
}

export const deviceConfigurationStatusRoutes: FastifyPluginAsync<{
  deps: DeviceConfigurationDeps & { configurationDelivery: ConfigurationDeliveryStore; devices: ManagedDeviceStore };
  publicUrl: URL;
}> = async (app, { deps, publicUrl }) => {
  /** A profile's states on the devices the caller may see, with those devices (one query for the lot). */
  const visibleStates = async (req: FastifyRequest<{ Params: { id: string } }>) => {
    const p = await getDeviceConfiguration(deps, { id: req.params.id, scope: req.scope });
    const all = await deps.configurationDelivery.forConfiguration(p.id);
    const devices = new Map((await deps.devices.getMany(all.map((s) => s.deviceId), req.scope)).map((d) => [d.id, d]));
    return { p, states: all.filter((s) => devices.has(s.deviceId)), devices };
  };
  const entity = (req: FastifyRequest, p: DeviceConfiguration, path: string) => `${contextUrl(publicUrl, graphVersion(req), `${SET}('${p.id}')/${path}`)}/$entity`;

  app.get<{ Params: { id: string } }>('/deviceManagement/deviceConfigurations/:id/deviceStatuses', {
    config: { permission: 'Microsoft.Intune_DeviceConfigurations_Read' }, schema: { summary: 'Where the profile stands on each device', tags },
  }, async (req) => {
    const { p, states } = await visibleStates(req);
    return { '@odata.context': contextUrl(publicUrl, graphVersion(req), `${SET}('${p.id}')/deviceStatuses`), value: states.map(presentConfigurationDeviceStatus) };
  });

  app.get<{ Params: { id: string } }>('/deviceManagement/deviceConfigurations/:id/deviceStatusOverview', {
    config: { permission: 'Microsoft.Intune_DeviceConfigurations_Read' }, schema: { summary: 'Counts of devices per status of the profile', tags },
  }, async (req) => {
    const { p, states } = await visibleStates(req);
    return { '@odata.context': entity(req, p, 'deviceStatusOverview'), ...presentConfigurationOverview(p, states, graphVersion(req)) };
  });

  app.get<{ Params: { id: string } }>('/deviceManagement/deviceConfigurations/:id/userStatuses', {
    config: { permission: 'Microsoft.Intune_DeviceConfigurations_Read' }, schema: { summary: 'Where the profile stands for each user (the worst of their devices)', tags },
  }, async (req) => {
    const { p, states, devices } = await visibleStates(req);
    const value = configurationUserStatuses(states, devices).map((u) => presentUserStatus('#microsoft.graph.deviceConfigurationUserStatus', p.id, u));
    return { '@odata.context': contextUrl(publicUrl, graphVersion(req), `${SET}('${p.id}')/userStatuses`), value };
  });

  app.get<{ Params: { id: string } }>('/deviceManagement/deviceConfigurations/:id/userStatusOverview', {
    config: { permission: 'Microsoft.Intune_DeviceConfigurations_Read' }, schema: { summary: 'Counts of users per status of the profile', tags },
  }, async (req) => {
    const { p, states, devices } = await visibleStates(req);
    return { '@odata.context': entity(req, p, 'userStatusOverview'), ...presentConfigurationUserOverview(p, configurationUserStatuses(states, devices), graphVersion(req)) };
  });

  app.get<{ Params: { id: string } }>('/deviceManagement/managedDevices/:id/deviceConfigurationStates', {
    config: { permission: 'Microsoft.Intune_ManagedDevices_Read' }, schema: { summary: 'The device\'s configuration profiles, with setting states', tags: ['managedDevices'] },
  }, async (req) => {
    const device = await getManagedDevice(deps, { id: req.params.id, scope: req.scope });
    // Profiles shown as the caller's scope tags allow, as on deviceConfigurations. A deleted
    // profile's removal still under way has no scope tags left: shown to holders of every tag only.
    const [states, profiles] = await Promise.all([deps.configurationDelivery.forDevices([device.id]), listDeviceConfigurations(deps, { scope: req.scope })]);
    const byId = new Map(profiles.map((p) => [p.id, p]));
    const allTags = heldScopeTags(req.scope) === 'all';
    const value = (states.get(device.id) ?? []).flatMap((s) => {
      const p = byId.get(s.configurationId);
      if (p) return [presentConfigurationState(s, p)];
      // Every profile is listed for such a caller: one not found is deleted.
      return allTags && isRemoval(s.status) ? [presentDeletedConfigurationState(s, device)] : [];
    });
    return { '@odata.context': contextUrl(publicUrl, graphVersion(req), `deviceManagement/managedDevices('${device.id}')/deviceConfigurationStates`), value };
  });
};
