// Notification message template use cases. Scope tags limit who sees a template, as for
// compliance policies. A template's messages keep one default at most: the first message created
// becomes the default, and setting isDefault on one takes it from the others (Graph: "This flag can
// only be set. To unset, set this property to true on another Localized Notification Message").
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { invalidInput, notFound } from '../errors.js';
import { heldScopeTags, type Scope } from '../rbac/scope.js';
import type { MessageInput, TemplateInput } from './decode-template.js';
import type { LocalizedNotificationMessage, NotificationMessageTemplate, NotificationTemplateStore } from './template.js';

export interface TemplateDeps {
  notificationTemplates: NotificationTemplateStore;
  clock: Clock;
}

function visible(t: NotificationMessageTemplate, scope: Scope): boolean {
  const held = heldScopeTags(scope);
  return held === 'all' || t.roleScopeTagIds.some((tag) => held.has(tag));
}

function assertMayTag(tags: readonly string[], scope: Scope): void {
  const held = heldScopeTags(scope);
  if (held === 'all') return;
  const missing = tags.find((t) => !held.has(t));
  if (missing !== undefined) throw invalidInput(`roleScopeTagIds: scope tag ${missing} is not one of yours.`, 'roleScopeTagIds');
}

export async function listTemplates(deps: Pick<TemplateDeps, 'notificationTemplates'>, input: { scope: Scope }): Promise<NotificationMessageTemplate[]> {
  return (await deps.notificationTemplates.list()).filter((t) => visible(t, input.scope));
}

export async function getTemplate(deps: Pick<TemplateDeps, 'notificationTemplates'>, input: { id: string; scope: Scope }): Promise<NotificationMessageTemplate> {
  const t = await deps.notificationTemplates.get(input.id);
  if (!t || !visible(t, input.scope)) throw notFound(`No notificationMessageTemplate has id '${input.id}'.`);
  return t;
}

export async function createTemplate(deps: TemplateDeps, input: { body: TemplateInput; scope: Scope }): Promise<NotificationMessageTemplate> {
  const tags = input.body.roleScopeTagIds ?? ['0'];
  assertMayTag(tags, input.scope);
  const now = deps.clock.now().toISOString();
  const given = input.body.localizedNotificationMessages ?? [];
  const locales = new Set<string>();
  for (const [i, m] of given.entries()) {
    if (locales.has(m.locale ?? '')) throw invalidInput(`localizedNotificationMessages[${i}].locale: ${m.locale ?? ''} is given twice.`, `localizedNotificationMessages[${i}].locale`);
    locales.add(m.locale ?? '');
  }
  const defaultAt = Math.max(0, given.findLastIndex((m) => m.isDefault === true));
  const template: NotificationMessageTemplate = {
    id: randomUUID(), displayName: input.body.displayName ?? '', description: input.body.description ?? null,
    defaultLocale: input.body.defaultLocale ?? null, brandingOptions: input.body.brandingOptions ?? ['none'],
    roleScopeTagIds: tags, lastModifiedDateTime: now,
    localizedNotificationMessages: given.map((m, i) => ({
      id: randomUUID(), locale: m.locale ?? '', subject: m.subject ?? '', messageTemplate: m.messageTemplate ?? '', isDefault: i === defaultAt, lastModifiedDateTime: now,
    })),
  };
  await deps.notificationTemplates.create(template);
  return template;
}

export async function updateTemplate(deps: TemplateDeps, input: { id: string; body: TemplateInput; scope: Scope }): Promise<{ before: NotificationMessageTemplate; after: NotificationMessageTemplate }> {
  const before = await getTemplate(deps, input);
  if (input.body.roleScopeTagIds) assertMayTag(input.body.roleScopeTagIds, input.scope);
  const { localizedNotificationMessages: _m, ...changes } = input.body;
  const after: NotificationMessageTemplate = { ...before, ...changes, lastModifiedDateTime: deps.clock.now().toISOString() };
  if (!(await deps.notificationTemplates.update(after))) throw notFound(`No notificationMessageTemplate has id '${input.id}'.`);
  return { before, after };
}

export async function deleteTemplate(deps: TemplateDeps, input: { id: string; scope: Scope }): Promise<NotificationMessageTemplate> {
  const t = await getTemplate(deps, input);
  await deps.notificationTemplates.delete(t.id);
  return t;
}

export async function getMessage(deps: Pick<TemplateDeps, 'notificationTemplates'>, input: { templateId: string; messageId: string; scope: Scope }): Promise<{ template: NotificationMessageTemplate; message: LocalizedNotificationMessage }> {
  const template = await getTemplate(deps, { id: input.templateId, scope: input.scope });
  const message = template.localizedNotificationMessages.find((m) => m.id === input.messageId);
  if (!message) throw notFound(`No localizedNotificationMessage has id '${input.messageId}' in template '${template.id}'.`);
  return { template, message };
}

async function save(deps: TemplateDeps, templateId: string, message: LocalizedNotificationMessage): Promise<void> {
  const outcome = await deps.notificationTemplates.putMessage(templateId, message);
  if (outcome === 'duplicate-locale') throw invalidInput(`locale: the template already has a message for ${message.locale}.`, 'locale');
  if (outcome === 'missing') throw notFound(`No notificationMessageTemplate has id '${templateId}'.`);
}

export async function createMessage(deps: TemplateDeps, input: { templateId: string; body: MessageInput; scope: Scope }): Promise<LocalizedNotificationMessage> {
  const template = await getTemplate(deps, { id: input.templateId, scope: input.scope });
  const message: LocalizedNotificationMessage = {
    id: randomUUID(), locale: input.body.locale ?? '', subject: input.body.subject ?? '', messageTemplate: input.body.messageTemplate ?? '',
    // The first message is the default whatever it says: a template always has one to fall back on.
    isDefault: input.body.isDefault === true || template.localizedNotificationMessages.length === 0,
    lastModifiedDateTime: deps.clock.now().toISOString(),
  };
  await save(deps, template.id, message);
  return message;
}

export async function updateMessage(deps: TemplateDeps, input: { templateId: string; messageId: string; body: MessageInput; scope: Scope }): Promise<{ before: LocalizedNotificationMessage; after: LocalizedNotificationMessage }> {
  const { template, message: before } = await getMessage(deps, input);
  if (input.body.isDefault === false && before.isDefault) throw invalidInput('isDefault cannot be unset: set it to true on another message of the template instead.', 'isDefault');
  const after: LocalizedNotificationMessage = { ...before, ...input.body, lastModifiedDateTime: deps.clock.now().toISOString() };
  await save(deps, template.id, after);
  return { before, after };
}

export async function deleteMessage(deps: TemplateDeps, input: { templateId: string; messageId: string; scope: Scope }): Promise<LocalizedNotificationMessage> {
  const { template, message } = await getMessage(deps, input);
  await deps.notificationTemplates.deleteMessage(template.id, message.id);
  return message;
}
