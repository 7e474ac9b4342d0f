// deviceManagement/deviceConfigurations: configuration profiles (Graph's types for iOS, macOS and
// Windows; the supported list is core/configuration/catalog.ts). Secrets are write-only.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { DeviceConfiguration } from '../../core/configuration/ports.js';
import {
  createDeviceConfiguration, deleteDeviceConfiguration, getDeviceConfiguration, listDeviceConfigurations,
  updateDeviceConfiguration, type DeviceConfigurationDeps,
} from '../../core/configuration/device-configurations.js';
import { presentDeviceConfiguration } from '../../core/configuration/present.js';
import { previewConfiguration } from '../../core/configuration/preview.js';
import { invalidInput } from '../../core/errors.js';
import { typeFromODataType } from '../../shared/graph/types.js';
import type { AuditTrail } from '../audit-trail.js';
import { contextUrl, graphVersion } from './collection.js';
import { normalizeODataType } from './odata-type.js';

const ENTITY_SET = 'deviceManagement/deviceConfigurations';

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
  const type = typeFromODataType(given);
  if (type === undefined) throw invalidInput(`@odata.type ${given} is not a Graph type Steward knows.`, '@odata.type');
  return type;
}

export const deviceConfigurationRoutes: FastifyPluginAsync<{
  deps: DeviceConfigurationDeps & { audit: AuditTrail };
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
    const items = await listDeviceConfigurations(deps, { scope: req.scope });
    return { '@odata.context': contextUrl(publicUrl, graphVersion(req), ENTITY_SET), value: items.map(presentDeviceConfiguration) };
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
    const { before, after } = await updateDeviceConfiguration(deps, { id: req.params.id, changes: body, scope: req.scope, ...(type ? { type } : {}) });
    await deps.audit.change(req, { activity: `Patch ${after.odataType}`, category: 'DeviceConfiguration', operation: 'Patch', resource: resource(after, { before, after }) });
    return reply.code(204).send();
  });

  app.delete<{ Params: { id: string } }>('/deviceManagement/deviceConfigurations/:id', {
    config: { permission: 'Microsoft.Intune_DeviceConfigurations_Delete' },
    schema: { summary: 'Delete a configuration profile', tags },
  }, async (req, reply) => {
    const p = await deleteDeviceConfiguration(deps, { id: req.params.id, scope: req.scope });
    await deps.audit.change(req, { activity: `Delete ${p.odataType}`, category: 'DeviceConfiguration', operation: 'Delete', resource: resource(p, { before: p }) });
    return reply.code(204).send();
  });

  app.get<{ Params: { id: string }; Querystring: { platform?: string } }>('/deviceManagement/deviceConfigurations/:id/stewardPreview', {
    config: { permission: 'Microsoft.Intune_DeviceConfigurations_Read' },
    schema: { summary: 'The native form of a profile (Apple plist or Windows OMA-DM settings) with secrets masked, and what is not applicable (Steward extension)', tags },
  }, async (req) => {
    const p = await getDeviceConfiguration(deps, { id: req.params.id, scope: req.scope });
    const preview = previewConfiguration(p, { organization, ...(req.query.platform !== undefined ? { platform: req.query.platform } : {}) });
    return { '@odata.type': '#microsoft.graph.stewardConfigurationPreview', id: p.id, version: p.version, ...preview };
  });
};
