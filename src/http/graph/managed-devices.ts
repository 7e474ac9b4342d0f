import type { FastifyPluginAsync } from 'fastify';
import { listManagedDevices } from '../../core/devices/list-managed-devices.js';
import { getManagedDevice } from '../../core/devices/get-managed-device.js';
import type { ManagedDevice } from '../../core/devices/managed-device.js';
import type { GraphDeps } from './routes.js';
import { collection, contextUrl, graphVersion, queryOptions } from './collection.js';
import { withODataType } from './odata-type.js';

const ENTITY_SET = 'deviceManagement/managedDevices';

/** The Graph JSON of a managed device (a presenter: no row ever goes out as it is stored). */
export function presentManagedDevice(d: ManagedDevice) {
  return withODataType('#microsoft.graph.managedDevice', { ...d });
}

export const managedDeviceRoutes: FastifyPluginAsync<{ deps: GraphDeps; publicUrl: URL }> = async (app, { deps, publicUrl }) => {
  app.get('/deviceManagement/managedDevices', {
    config: { permission: 'Microsoft.Intune_ManagedDevices_Read' },
    schema: { summary: 'List managed devices', tags: ['managedDevices'] },
  }, async (req) => {
    const page = await listManagedDevices(deps, { queryOptions: queryOptions(req), scope: req.scope });
    return collection(req, publicUrl, graphVersion(req), ENTITY_SET, page, presentManagedDevice);
  });

  app.get<{ Params: { id: string } }>('/deviceManagement/managedDevices/:id', {
    config: { permission: 'Microsoft.Intune_ManagedDevices_Read' },
    schema: { summary: 'Get a managed device', tags: ['managedDevices'] },
  }, async (req) => {
    const device = await getManagedDevice(deps, { id: req.params.id, scope: req.scope });
    return { '@odata.context': `${contextUrl(publicUrl, graphVersion(req), ENTITY_SET)}/$entity`, ...presentManagedDevice(device) };
  });
};
