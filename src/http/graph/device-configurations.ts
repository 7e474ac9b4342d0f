// deviceManagement/deviceConfigurations: configuration profiles (Graph's types for iOS, macOS and
// Windows; the supported list is core/configuration/catalog.ts). Secrets are write-only. assign,
// PATCH and DELETE reconcile the devices they touch before answering (core/configuration/assign.ts);
// per-device status is in device-configuration-status.ts.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { DeviceConfiguration } from '../../core/configuration/ports.js';
import { createDeviceConfiguration, getDeviceConfiguration } from '../../core/configuration/device-configurations.js';
import { listDeviceConfigurationPage } from '../../core/configuration/list-device-configurations.js';
import { assignDeviceConfiguration, deleteAndRemove, listConfigurationAssignments, updateAndDeliver, type ConfigurationAssignDeps } from '../../core/configuration/assign.js';
import { decodeAssignBody } from '../../core/assignments/decode.js';
import type { PolicyAssignment } from '../../core/assignments/targets.js';
import type { ManagedDeviceStore } from '../../core/devices/ports.js';
import { presentTarget } from './compliance-present.js';
import { deviceConfigurationStatusRoutes } from './device-configuration-status.js';
import { presentDeviceConfiguration } from '../../core/configuration/present.js';
import { previewConfiguration } from '../../core/configuration/preview.js';
import { stewardTypeFromODataType } from '../../core/configuration/extension-types.js';
import { invalidInput } from '../../core/errors.js';
import { typeFromODataType } from '../../shared/graph/types.js';
import type { AuditTrail } from '../audit-trail.js';
import { collection, contextUrl, graphVersion, queryOptions } from './collection.js';
import { normalizeODataType } from './odata-type.js';

const ENTITY_SET = 'deviceManagement/deviceConfigurations';

function presentAssignment(a: PolicyAssignment) {
  return { '@odata.type': '#microsoft.graph.deviceConfigurationAssignment', id: a.id, target: presentTarget(a.target) };
}

function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidInput('The request body must be a JSON object (a deviceConfiguration).');
  }
  return body as Record<string, unknown>;
}

/** The Graph type the body names, or undefined when it names none (allowed on PATCH). */
function bodyType(body: Record<string, unknown>): string | undefined {
  const given = normalizeODataType(body['@odata.type']);
  if (given === undefined) return undefined;
  const type = stewardTypeFromODataType(given) ?? typeFromODataType(given);
  if (type === undefined) throw invalidInput(`@odata.type ${given} is not a Graph type Steward knows.`, '@odata.type');
  return type;
}

export const deviceConfigurationRoutes: FastifyPluginAsync<{
  deps: ConfigurationAssignDeps & { audit: AuditTrail; devices: ManagedDeviceStore };
  publicUrl: URL;
  /** PayloadOrganization of Apple profiles. */
  organization?: string;
}> = async (app, { deps, publicUrl, organization = 'Steward' }) => {
  const tags = ['deviceConfigurations'];
  const entity = (req: FastifyRequest) => `${contextUrl(publicUrl, graphVersion(req), ENTITY_SET)}/$entity`;
  // Audit entries carry the presented (masked) form only: a secret never reaches the audit log.
  const resource = (p: DeviceConfiguration, { before, after }: { before?: DeviceConfiguration; after?: DeviceConfiguration }) => ({
    type: 'DeviceConfiguration', id: p.id, displayName: p.displayName,
    ...(before ? { before: presentDeviceConfiguration(before) } : {}),
    ...(after ? { after: presentDeviceConfiguration(after) } : {}),
  });

  app.get('/deviceManagement/deviceConfigurations', {
    config: { permission: 'Microsoft.Intune_DeviceConfigurations_Read' },
    schema: { summary: 'List configuration profiles', tags },
  }, async (req) => {
    const page = await listDeviceConfigurationPage(deps, { queryOptions: queryOptions(req), scope: req.scope });
    return collection(req, publicUrl, graphVersion(req), ENTITY_SET, page, presentDeviceConfiguration, { polymorphic: true });
  });

  app.post('/deviceManagement/deviceConfigurations', {
    config: { permission: 'Microsoft.Intune_DeviceConfigurations_Create' },
    schema: { summary: 'Create a configuration profile (@odata.type names its kind)', tags },
  }, async (req, reply) => {
    const body = bodyObject(req.body);
    const type = bodyType(body);
    if (type === undefined) throw invalidInput('@odata.type is required, such as #microsoft.graph.iosWiFiConfiguration.', '@odata.type');
    const p = await createDeviceConfiguration(deps, { type, body, scope: req.scope });
    await deps.audit.change(req, { activity: `Create ${p.odataType}`, category: 'DeviceConfiguration', operation: 'Create', resource: resource(p, { after: p }) });
    return reply.code(201).header('location', `${contextUrl(publicUrl, graphVersion(req), ENTITY_SET).replace('$metadata#', '')}/${p.id}`)
      .send({ '@odata.context': entity(req), ...presentDeviceConfiguration(p) });
  });

  app.get<{ Params: { id: string } }>('/deviceManagement/deviceConfigurations/:id', {
    config: { permission: 'Microsoft.Intune_DeviceConfigurations_Read' },
    schema: { summary: 'Get a configuration profile (secrets masked)', tags },
  }, async (req) => {
    const p = await getDeviceConfiguration(deps, { id: req.params.id, scope: req.scope });
    return { '@odata.context': entity(req), ...presentDeviceConfiguration(p) };
  });

  app.patch<{ Params: { id: string } }>('/deviceManagement/deviceConfigurations/:id', {
    config: { permission: 'Microsoft.Intune_DeviceConfigurations_Update' },
    schema: { summary: 'Update a configuration profile (a secret sent as **** keeps its value)', tags },
  }, async (req, reply) => {
    const body = bodyObject(req.body);
    const type = bodyType(body);
    const { before, after } = await updateAndDeliver(deps, { id: req.params.id, changes: body, scope: req.scope, ...(type ? { type } : {}) });
    await deps.audit.change(req, { activity: `Patch ${after.odataType}`, category: 'DeviceConfiguration', operation: 'Patch', resource: resource(after, { before, after }) });
    return reply.code(204).send();
  });

  app.delete<{ Params: { id: string } }>('/deviceManagement/deviceConfigurations/:id', {
    config: { permission: 'Microsoft.Intune_DeviceConfigurations_Delete' },
    schema: { summary: 'Delete a configuration profile', tags },
  }, async (req, reply) => {
    const p = await deleteAndRemove(deps, { id: req.params.id, scope: req.scope });
    await deps.audit.change(req, { activity: `Delete ${p.odataType}`, category: 'DeviceConfiguration', operation: 'Delete', resource: resource(p, { before: p }) });
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>('/deviceManagement/deviceConfigurations/:id/assign', {
    config: { permission: 'Microsoft.Intune_DeviceConfigurations_Assign' },
    schema: { summary: 'Assign a configuration profile (replaces its assignments; devices are reconciled before the answer)', tags },
  }, async (req) => {
    const targets = decodeAssignBody(req.body, graphVersion(req), 'deviceConfigurationAssignment');
    const { profile, before, assignments } = await assignDeviceConfiguration(deps, { id: req.params.id, targets, scope: req.scope });
    await deps.audit.change(req, {
      activity: `Assign ${profile.odataType}`, category: 'DeviceConfiguration', operation: 'Action',
      resource: { type: 'DeviceConfiguration', id: profile.id, displayName: profile.displayName, before: { assignments: before.map(presentAssignment) }, after: { assignments: assignments.map(presentAssignment) } },
    });
    return { '@odata.context': contextUrl(publicUrl, graphVersion(req), 'Collection(microsoft.graph.deviceConfigurationAssignment)'), value: assignments.map(presentAssignment) };
  });

  app.get<{ Params: { id: string } }>('/deviceManagement/deviceConfigurations/:id/assignments', {
    config: { permission: 'Microsoft.Intune_DeviceConfigurations_Read' }, schema: { summary: 'The profile\'s assignments', tags },
  }, async (req) => {
    const assignments = await listConfigurationAssignments(deps, { id: req.params.id, scope: req.scope });
    return { '@odata.context': contextUrl(publicUrl, graphVersion(req), `${ENTITY_SET}('${req.params.id}')/assignments`), value: assignments.map(presentAssignment) };
  });

  await app.register(deviceConfigurationStatusRoutes, { deps, publicUrl });

  app.get<{ Params: { id: string }; Querystring: { platform?: string } }>('/deviceManagement/deviceConfigurations/:id/stewardPreview', {
    config: { permission: 'Microsoft.Intune_DeviceConfigurations_Read' },
    schema: { summary: 'The native form of a profile (Apple plist or Windows OMA-DM settings) with secrets masked, and what is not applicable (Steward extension)', tags },
  }, async (req) => {
    const p = await getDeviceConfiguration(deps, { id: req.params.id, scope: req.scope });
    const preview = previewConfiguration(p, { organization, ...(req.query.platform !== undefined ? { platform: req.query.platform } : {}) });
    return { '@odata.type': '#microsoft.graph.stewardConfigurationPreview', id: p.id, version: p.version, ...preview };
  });
};
