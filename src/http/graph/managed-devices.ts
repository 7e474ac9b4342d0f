import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { listManagedDevices } from '../../core/devices/list-managed-devices.js';
import { getManagedDevice } from '../../core/devices/get-managed-device.js';
import { setDeviceScopeTags } from '../../core/devices/set-device-scope-tags.js';
import type { ManagedDevice } from '../../core/devices/managed-device.js';
import type { GraphDeps } from './routes.js';
import { collection, contextUrl, graphVersion, queryOptions } from './collection.js';
import { withODataType } from './odata-type.js';
import { decodeBody } from './body.js';
import type { DeviceAction } from '../../core/actions/ports.js';
import { presentDeviceActionResults } from './device-actions.js';

const ENTITY_SET = 'deviceManagement/managedDevices';

const deviceChanges = z.object({ roleScopeTagIds: z.array(z.string().min(1).max(128)).max(100, 'at most 100 scope tags') }).partial().strict();

/**
 * The Graph JSON of a managed device (a presenter: no row ever goes out as it is stored).
 * roleScopeTagIds is a beta property, given under /v1.0 too, as the rest of Steward's beta
 * properties are. deviceActionResults are given when the caller loaded the device's actions.
 */
export function presentManagedDevice(d: ManagedDevice, actions?: readonly DeviceAction[]) {
  return withODataType('#microsoft.graph.managedDevice', { ...d, ...(actions ? { deviceActionResults: presentDeviceActionResults(actions) } : {}) });
}

/** Whether a response shows deviceActionResults ($select may leave them out: then they are not loaded). */
const wantsActions = (select: string[] | undefined) => !select || select.includes('deviceActionResults');

export const managedDeviceRoutes: FastifyPluginAsync<{ deps: GraphDeps; publicUrl: URL }> = async (app, { deps, publicUrl }) => {
  app.get('/deviceManagement/managedDevices', {
    config: { permission: 'Microsoft.Intune_ManagedDevices_Read' },
    schema: { summary: 'List managed devices', tags: ['managedDevices'] },
  }, async (req) => {
    const page = await listManagedDevices(deps, { queryOptions: queryOptions(req), scope: req.scope });
    // One query for the whole page's actions, never one per device.
    const actions = wantsActions(page.select) ? await deps.deviceActions.forDevices(page.items.map((d) => d.id)) : undefined;
    return collection(req, publicUrl, graphVersion(req), ENTITY_SET, page, (d) => presentManagedDevice(d, actions ? (actions.get(d.id) ?? []) : undefined));
  });

  app.get<{ Params: { id: string } }>('/deviceManagement/managedDevices/:id', {
    config: { permission: 'Microsoft.Intune_ManagedDevices_Read' },
    schema: { summary: 'Get a managed device', tags: ['managedDevices'] },
  }, async (req) => {
    const device = await getManagedDevice(deps, { id: req.params.id, scope: req.scope });
    const actions = await deps.deviceActions.forDevice(device.id, 20);
    return { '@odata.context': `${contextUrl(publicUrl, graphVersion(req), ENTITY_SET)}/$entity`, ...presentManagedDevice(device, actions) };
  });

  // Only roleScopeTagIds can be changed so far; other properties are refused by name.
  app.patch<{ Params: { id: string } }>('/deviceManagement/managedDevices/:id', {
    config: { permission: 'Microsoft.Intune_ManagedDevices_Update' },
    schema: { summary: 'Update a managed device (its scope tags)', tags: ['managedDevices'] },
  }, async (req, reply) => {
    const body = decodeBody(deviceChanges, req.body, 'microsoft.graph.managedDevice');
    if (body.roleScopeTagIds !== undefined) {
      const { before, after } = await setDeviceScopeTags(deps, { id: req.params.id, scope: req.scope, roleScopeTagIds: body.roleScopeTagIds });
      await deps.audit.change(req, {
        activity: 'Update managed device scope tags', category: 'Device', operation: 'Patch',
        resource: { type: 'ManagedDevice', id: after.id, displayName: after.deviceName, before: { roleScopeTagIds: before.roleScopeTagIds }, after: { roleScopeTagIds: after.roleScopeTagIds } },
      });
    } else {
      await getManagedDevice(deps, { id: req.params.id, scope: req.scope });
    }
    return reply.code(204).send();
  });
};
