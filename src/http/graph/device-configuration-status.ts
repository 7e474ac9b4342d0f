// Where configuration profiles stand on devices, in Graph's shapes: a profile's deviceStatuses
// (deviceConfigurationDeviceStatus) and deviceStatusOverview (deviceConfigurationDeviceOverview),
// and a managed device's deviceConfigurationStates (deviceConfigurationState with settingStates).
// Graph reports with complianceStatus: pending → unknown, succeeded → compliant, error, conflict
// (a setting in conflict wins), notApplicable. The overview has no conflict count in v1.0:
// conflicts are counted as failedCount (docs/api.md).
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { SUPPORTED_TYPES } from '../../core/configuration/catalog.js';
import type { ConfigurationDeliveryStore, ConfigurationDeviceState } from '../../core/configuration/delivery-ports.js';
import { getDeviceConfiguration, listDeviceConfigurations, type DeviceConfigurationDeps } from '../../core/configuration/device-configurations.js';
import type { DeviceConfiguration } from '../../core/configuration/ports.js';
import { isSet } from '../../core/configuration/translation.js';
import { getManagedDevice } from '../../core/devices/get-managed-device.js';
import type { ManagedDeviceStore } from '../../core/devices/ports.js';
import { contextUrl, graphVersion } from './collection.js';

const SET = 'deviceManagement/deviceConfigurations';
const tags = ['deviceConfigurations'];

/** Graph's complianceStatus for a stored state. */
export function graphStatus(s: Pick<ConfigurationDeviceState, 'status' | 'settingStates'>): string {
  if (s.settingStates.some((x) => x.state === 'conflict')) return 'conflict';
  switch (s.status) {
    case 'pending': return 'unknown';
    case 'succeeded': return 'compliant';
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

export function presentConfigurationOverview(p: DeviceConfiguration, states: readonly ConfigurationDeviceState[]) {
  const count = (status: string) => states.filter((s) => graphStatus(s) === status).length;
  const last = states.reduce<string | null>((m, s) => (m === null || s.lastReportedDateTime > m ? s.lastReportedDateTime : m), null);
  return {
    '@odata.type': '#microsoft.graph.deviceConfigurationDeviceOverview',
    id: `${p.id}_overview`,
    pendingCount: count('unknown'),
    notApplicableCount: count('notApplicable'),
    successCount: count('compliant'),
    errorCount: count('error'),
    failedCount: count('conflict'),
    lastUpdateDateTime: last ?? p.lastModifiedDateTime,
    configurationVersion: p.version,
  };
}

const PLATFORM_TYPE = { iOS: 'iOS', macOS: 'macOS', windows: 'windows10AndLater' } as const;

export function presentConfigurationState(s: ConfigurationDeviceState, p: DeviceConfiguration) {
  const platform = SUPPORTED_TYPES[p.odataType]?.platform;
  return {
    '@odata.type': '#microsoft.graph.deviceConfigurationState',
    id: p.id,
    displayName: p.displayName,
    version: s.version,
    platformType: platform ? PLATFORM_TYPE[platform] : 'all',
    state: graphStatus(s),
    settingCount: Object.values(p.settings).filter(isSet).length,
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
      sources: x.sources.map((src) => ({ id: src.id, displayName: src.displayName, sourceType: 'deviceConfiguration' })),
      currentValue: x.currentValue,
    })),
  };
}

export const deviceConfigurationStatusRoutes: FastifyPluginAsync<{
  deps: DeviceConfigurationDeps & { configurationDelivery: ConfigurationDeliveryStore; devices: ManagedDeviceStore };
  publicUrl: URL;
}> = async (app, { deps, publicUrl }) => {
  /** A profile's states on the devices the caller may see (one query for the lot). */
  const visibleStates = async (req: FastifyRequest, id: string) => {
    const states = await deps.configurationDelivery.forConfiguration(id);
    const visible = new Set((await deps.devices.getMany(states.map((s) => s.deviceId), req.scope)).map((d) => d.id));
    return states.filter((s) => visible.has(s.deviceId));
  };

  app.get<{ Params: { id: string } }>('/deviceManagement/deviceConfigurations/:id/deviceStatuses', {
    config: { permission: 'Microsoft.Intune_DeviceConfigurations_Read' }, schema: { summary: 'Where the profile stands on each device', tags },
  }, async (req) => {
    const p = await getDeviceConfiguration(deps, { id: req.params.id, scope: req.scope });
    return { '@odata.context': contextUrl(publicUrl, graphVersion(req), `${SET}('${p.id}')/deviceStatuses`), value: (await visibleStates(req, p.id)).map(presentConfigurationDeviceStatus) };
  });

  app.get<{ Params: { id: string } }>('/deviceManagement/deviceConfigurations/:id/deviceStatusOverview', {
    config: { permission: 'Microsoft.Intune_DeviceConfigurations_Read' }, schema: { summary: 'Counts of devices per status of the profile', tags },
  }, async (req) => {
    const p = await getDeviceConfiguration(deps, { id: req.params.id, scope: req.scope });
    return { '@odata.context': `${contextUrl(publicUrl, graphVersion(req), `${SET}('${p.id}')/deviceStatusOverview`)}/$entity`, ...presentConfigurationOverview(p, await visibleStates(req, p.id)) };
  });

  app.get<{ Params: { id: string } }>('/deviceManagement/managedDevices/:id/deviceConfigurationStates', {
    config: { permission: 'Microsoft.Intune_ManagedDevices_Read' }, schema: { summary: 'The device\'s configuration profiles, with setting states', tags: ['managedDevices'] },
  }, async (req) => {
    const device = await getManagedDevice(deps, { id: req.params.id, scope: req.scope });
    // Profiles shown as the caller's scope tags allow, as on deviceConfigurations.
    const [states, profiles] = await Promise.all([deps.configurationDelivery.forDevices([device.id]), listDeviceConfigurations(deps, { scope: req.scope })]);
    const byId = new Map(profiles.map((p) => [p.id, p]));
    const value = (states.get(device.id) ?? []).flatMap((s) => {
      const p = byId.get(s.configurationId);
      return p ? [presentConfigurationState(s, p)] : [];
    });
    return { '@odata.context': contextUrl(publicUrl, graphVersion(req), `deviceManagement/managedDevices('${device.id}')/deviceConfigurationStates`), value };
  });
};
