// Graph's deviceManagement/notificationMessageTemplates (under /v1.0 and /beta): CRUD, their
// localizedNotificationMessages and sendTestMessage. The templates compliance policies' notification
// actions e-mail from (core/compliance/noncompliance-actions.ts). Permissions are those of device
// compliance policies, as in Intune's roles. Thin: decode, one core call, present.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Core } from '../../core/deps.js';
import { invalidInput } from '../../core/errors.js';
import { decodeMessageBody, decodeTemplateBody } from '../../core/notifications/decode-template.js';
import {
  createMessage, createTemplate, deleteMessage, deleteTemplate, getMessage, getTemplate, listTemplates, updateMessage, updateTemplate,
} from '../../core/notifications/save-template.js';
import { sendTestMessage } from '../../core/notifications/send-test-message.js';
import type { LocalizedNotificationMessage, NotificationMessageTemplate } from '../../core/notifications/template.js';
import type { AuditTrail } from '../audit-trail.js';
import { contextUrl, graphVersion, queryOptions } from './collection.js';

export type NotificationTemplateRouteDeps = Pick<Core, 'notificationTemplates' | 'users' | 'clock' | 'mailer'> & { audit: AuditTrail };

const SET = 'deviceManagement/notificationMessageTemplates';
const tags = ['notificationMessageTemplates'];
const READ = 'Microsoft.Intune_DeviceCompliancePolices_Read';

export function presentMessage(m: LocalizedNotificationMessage) {
  return {
    '@odata.type': '#microsoft.graph.localizedNotificationMessage',
    id: m.id, lastModifiedDateTime: m.lastModifiedDateTime, locale: m.locale, subject: m.subject, messageTemplate: m.messageTemplate, isDefault: m.isDefault,
  };
}

export function presentTemplate(t: NotificationMessageTemplate, version: 'v1.0' | 'beta', expand = false) {
  return {
    '@odata.type': '#microsoft.graph.notificationMessageTemplate',
    id: t.id,
    lastModifiedDateTime: t.lastModifiedDateTime,
    displayName: t.displayName,
    // description is Graph beta's.
    ...(version === 'beta' ? { description: t.description } : {}),
    defaultLocale: t.defaultLocale,
    brandingOptions: t.brandingOptions.join(','),
    roleScopeTagIds: t.roleScopeTagIds,
    ...(expand ? { localizedNotificationMessages: t.localizedNotificationMessages.map(presentMessage) } : {}),
  };
}

function expanded(req: FastifyRequest): boolean {
  const raw = queryOptions(req).$expand ?? queryOptions(req).expand;
  const parts = (raw ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  for (const p of parts) if (p !== 'localizedNotificationMessages') throw invalidInput(`$expand: ${p} cannot be expanded here; expand localizedNotificationMessages.`, '$expand');
  return parts.length > 0;
}

export const notificationTemplateRoutes: FastifyPluginAsync<{ deps: NotificationTemplateRouteDeps; publicUrl: URL }> = async (app, { deps, publicUrl }) => {
  const entity = (req: FastifyRequest, path = SET) => `${contextUrl(publicUrl, graphVersion(req), path)}/$entity`;
  const resource = (t: NotificationMessageTemplate) => ({ type: 'NotificationMessageTemplate', id: t.id, displayName: t.displayName });

  app.get('/deviceManagement/notificationMessageTemplates', { config: { permission: READ }, schema: { summary: 'List notification message templates', tags } }, async (req) => {
    const expand = expanded(req);
    const value = (await listTemplates(deps, { scope: req.scope })).map((t) => presentTemplate(t, graphVersion(req), expand));
    return { '@odata.context': contextUrl(publicUrl, graphVersion(req), SET), value };
  });

  app.post('/deviceManagement/notificationMessageTemplates', {
    config: { permission: 'Microsoft.Intune_DeviceCompliancePolices_Create' }, schema: { summary: 'Create a notification message template', tags },
  }, async (req, reply) => {
    const t = await createTemplate(deps, { body: decodeTemplateBody(req.body, 'create'), scope: req.scope });
    const shown = presentTemplate(t, graphVersion(req), t.localizedNotificationMessages.length > 0);
    await deps.audit.change(req, { activity: 'Create notification message template', category: 'Compliance', operation: 'Create', resource: { ...resource(t), after: shown } });
    return reply.code(201).send({ '@odata.context': entity(req), ...shown });
  });

  app.get<{ Params: { id: string } }>('/deviceManagement/notificationMessageTemplates/:id', { config: { permission: READ }, schema: { summary: 'Get a notification message template', tags } }, async (req) => {
    const expand = expanded(req);
    return { '@odata.context': entity(req), ...presentTemplate(await getTemplate(deps, { id: req.params.id, scope: req.scope }), graphVersion(req), expand) };
  });

  app.patch<{ Params: { id: string } }>('/deviceManagement/notificationMessageTemplates/:id', {
    config: { permission: 'Microsoft.Intune_DeviceCompliancePolices_Update' }, schema: { summary: 'Update a notification message template', tags },
  }, async (req, reply) => {
    const { before, after } = await updateTemplate(deps, { id: req.params.id, body: decodeTemplateBody(req.body, 'update'), scope: req.scope });
    await deps.audit.change(req, { activity: 'Update notification message template', category: 'Compliance', operation: 'Patch', resource: { ...resource(after), before: presentTemplate(before, 'beta'), after: presentTemplate(after, 'beta') } });
    return reply.code(204).send();
  });

  app.delete<{ Params: { id: string } }>('/deviceManagement/notificationMessageTemplates/:id', {
    config: { permission: 'Microsoft.Intune_DeviceCompliancePolices_Delete' }, schema: { summary: 'Delete a notification message template', tags },
  }, async (req, reply) => {
    const t = await deleteTemplate(deps, { id: req.params.id, scope: req.scope });
    await deps.audit.change(req, { activity: 'Delete notification message template', category: 'Compliance', operation: 'Delete', resource: { ...resource(t), before: presentTemplate(t, 'beta', true) } });
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>('/deviceManagement/notificationMessageTemplates/:id/sendTestMessage', {
    config: { permission: READ }, schema: { summary: 'E-mail the template\'s default message to the signed-in administrator', tags },
  }, async (req, reply) => {
    const userId = req.principal?.kind === 'user' ? req.principal.id : null;
    const { recipient } = await sendTestMessage(deps, { templateId: req.params.id, scope: req.scope, userId });
    await deps.audit.change(req, { activity: 'Send test notification message', category: 'Compliance', operation: 'Action', resource: { type: 'NotificationMessageTemplate', id: req.params.id, after: { recipient } } });
    return reply.code(204).send();
  });

  const MESSAGES = '/deviceManagement/notificationMessageTemplates/:id/localizedNotificationMessages';
  const messagesPath = (id: string) => `${SET}('${id}')/localizedNotificationMessages`;

  app.get<{ Params: { id: string } }>(MESSAGES, { config: { permission: READ }, schema: { summary: 'A template\'s localized messages', tags } }, async (req) => {
    const t = await getTemplate(deps, { id: req.params.id, scope: req.scope });
    return { '@odata.context': contextUrl(publicUrl, graphVersion(req), messagesPath(t.id)), value: t.localizedNotificationMessages.map(presentMessage) };
  });

  app.post<{ Params: { id: string } }>(MESSAGES, {
    config: { permission: 'Microsoft.Intune_DeviceCompliancePolices_Update' }, schema: { summary: 'Add a localized message to a template', tags },
  }, async (req, reply) => {
    const m = await createMessage(deps, { templateId: req.params.id, body: decodeMessageBody(req.body, 'create'), scope: req.scope });
    await deps.audit.change(req, { activity: 'Create localized notification message', category: 'Compliance', operation: 'Create', resource: { type: 'LocalizedNotificationMessage', id: m.id, displayName: m.locale, after: presentMessage(m) } });
    return reply.code(201).send({ '@odata.context': entity(req, messagesPath(req.params.id)), ...presentMessage(m) });
  });

  app.get<{ Params: { id: string; messageId: string } }>(`${MESSAGES}/:messageId`, { config: { permission: READ }, schema: { summary: 'One localized message', tags } }, async (req) => {
    const { message } = await getMessage(deps, { templateId: req.params.id, messageId: req.params.messageId, scope: req.scope });
    return { '@odata.context': entity(req, messagesPath(req.params.id)), ...presentMessage(message) };
  });

  app.patch<{ Params: { id: string; messageId: string } }>(`${MESSAGES}/:messageId`, {
    config: { permission: 'Microsoft.Intune_DeviceCompliancePolices_Update' }, schema: { summary: 'Update a localized message', tags },
  }, async (req, reply) => {
    const { before, after } = await updateMessage(deps, { templateId: req.params.id, messageId: req.params.messageId, body: decodeMessageBody(req.body, 'update'), scope: req.scope });
    await deps.audit.change(req, { activity: 'Update localized notification message', category: 'Compliance', operation: 'Patch', resource: { type: 'LocalizedNotificationMessage', id: after.id, displayName: after.locale, before: presentMessage(before), after: presentMessage(after) } });
    return reply.code(204).send();
  });

  app.delete<{ Params: { id: string; messageId: string } }>(`${MESSAGES}/:messageId`, {
    config: { permission: 'Microsoft.Intune_DeviceCompliancePolices_Update' }, schema: { summary: 'Delete a localized message', tags },
  }, async (req, reply) => {
    const m = await deleteMessage(deps, { templateId: req.params.id, messageId: req.params.messageId, scope: req.scope });
    await deps.audit.change(req, { activity: 'Delete localized notification message', category: 'Compliance', operation: 'Delete', resource: { type: 'LocalizedNotificationMessage', id: m.id, displayName: m.locale, before: presentMessage(m) } });
    return reply.code(204).send();
  });
};
