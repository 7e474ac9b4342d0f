// Graph's Intune audit log: /deviceManagement/auditEvents, read-only (Steward writes it itself),
// the functions getAuditCategories() and getAuditActivityTypes(category='…'), and the Steward
// extension /deviceManagement/auditEvents/export (CSV). Reading needs Intune's "Audit data: Read".
import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AuditEvent } from '../../core/audit/audit-event.js';
import { exportAuditEventsCsv } from '../../core/audit/export-csv.js';
import {
  getAuditActivityTypes, getAuditCategories, getAuditEvent, listAuditEvents,
} from '../../core/audit/list-audit-events.js';
import type { AuditLog } from '../../core/audit/ports.js';
import type { ResourceOperation } from '../../core/auth/principal.js';
import { invalidInput } from '../../core/errors.js';
import { apiBase, collection, contextUrl, graphVersion, queryOptions } from './collection.js';
import { withODataType } from './odata-type.js';

const ENTITY_SET = 'deviceManagement/auditEvents';
export const AUDIT_READ: ResourceOperation = 'Microsoft.Intune_Audit_Read';

export interface AuditEventRoutesOptions {
  deps: { audit: AuditLog };
  publicUrl: URL;
}

/**
 * The Graph JSON of an audit event. beta also has auditActor.type and auditResource.type, the
 * same values as auditActorType and auditResourceType.
 */
export function presentAuditEvent(e: AuditEvent, version: 'v1.0' | 'beta') {
  const beta = version === 'beta';
  return withODataType('#microsoft.graph.auditEvent', {
    id: e.id,
    displayName: e.displayName,
    componentName: e.componentName,
    actor: beta ? { type: e.actor.auditActorType, ...e.actor } : { ...e.actor },
    activity: e.activity,
    activityDateTime: e.activityDateTime,
    activityType: e.activityType,
    activityOperationType: e.activityOperationType,
    activityResult: e.activityResult,
    correlationId: e.correlationId,
    resources: e.resources.map((r) => ({
      displayName: r.displayName,
      ...(beta ? { type: r.auditResourceType } : {}),
      auditResourceType: r.auditResourceType,
      resourceId: r.resourceId,
      modifiedProperties: r.modifiedProperties.map((p) => ({ ...p })),
    })),
    category: e.category,
  });
}

/** getAuditActivityTypes(category='x'), with '' for a quote inside as OData writes strings. */
const activityTypesCall = /^getAuditActivityTypes\(category='((?:[^']|'')*)'\)$/;

function stringCollection(req: FastifyRequest, publicUrl: URL, value: string[]) {
  return { '@odata.context': `${apiBase(publicUrl)}/${graphVersion(req)}/$metadata#Collection(Edm.String)`, value };
}

export const auditEventRoutes: FastifyPluginAsync<AuditEventRoutesOptions> = async (app, { deps, publicUrl }) => {
  const config = { permission: AUDIT_READ };

  app.get('/deviceManagement/auditEvents', {
    config,
    schema: { summary: 'List audit events', tags: ['auditEvents'] },
  }, async (req) => {
    const version = graphVersion(req);
    const page = await listAuditEvents(deps, { queryOptions: queryOptions(req) });
    return collection(req, publicUrl, version, ENTITY_SET, page, (e) => presentAuditEvent(e, version));
  });

  app.get('/deviceManagement/auditEvents/getAuditCategories()', {
    config,
    schema: { summary: 'The audit categories (Graph function getAuditCategories)', tags: ['auditEvents'] },
  }, async (req) => stringCollection(req, publicUrl, getAuditCategories()));

  app.get('/deviceManagement/auditEvents/export', {
    config,
    schema: { summary: 'Export matching audit events as CSV ($filter, $orderby); a Steward extension', tags: ['auditEvents'] },
  }, async (req, reply) => {
    const chunks = await exportAuditEventsCsv(deps, { queryOptions: queryOptions(req) });
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="audit-events.csv"')
      .header('cache-control', 'no-store')
      .send(Readable.from(chunks));
  });

  // One audit event, or the function getAuditActivityTypes(category='…'), whose parameter sits
  // in the path segment where the router cannot name it.
  app.get<{ Params: { id: string } }>('/deviceManagement/auditEvents/:id', {
    config,
    schema: { summary: "Get an audit event; also getAuditActivityTypes(category='…')", tags: ['auditEvents'] },
  }, async (req) => {
    const id = req.params.id;
    if (id.startsWith('getAuditActivityTypes')) {
      const m = activityTypesCall.exec(id);
      if (!m) throw invalidInput("getAuditActivityTypes takes one parameter: getAuditActivityTypes(category='Device')", 'category');
      const category = m[1]!.replaceAll("''", "'");
      return stringCollection(req, publicUrl, await getAuditActivityTypes(deps, { category }));
    }
    const event = await getAuditEvent(deps, { id });
    const version = graphVersion(req);
    return { '@odata.context': `${contextUrl(publicUrl, version, ENTITY_SET)}/$entity`, ...presentAuditEvent(event, version) };
  });
};
