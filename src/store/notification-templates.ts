// NotificationTemplateStore (core/notifications/template.ts) on the tables of
// migrations/0019-compliance-actions.ts, on SQLite and PostgreSQL.
import type { Kysely, Selectable } from 'kysely';
import type { BrandingOption, LocalizedNotificationMessage, NotificationMessageTemplate, NotificationTemplateStore } from '../core/notifications/template.js';
import type { Schema } from './schema.js';
import type { LocalizedNotificationMessagesTable, NotificationMessageTemplatesTable } from './schema-compliance-actions.js';

const BATCH = 400;

function toMessage(r: Selectable<LocalizedNotificationMessagesTable>): LocalizedNotificationMessage {
  return { id: r.id, locale: r.locale, subject: r.subject, messageTemplate: r.message_template, isDefault: Number(r.is_default) === 1, lastModifiedDateTime: r.last_modified_date_time };
}

function toTemplate(r: Selectable<NotificationMessageTemplatesTable>, messages: LocalizedNotificationMessage[]): NotificationMessageTemplate {
  return {
    id: r.id, displayName: r.display_name, description: r.description, defaultLocale: r.default_locale,
    brandingOptions: r.branding_options.split(',') as BrandingOption[], roleScopeTagIds: JSON.parse(r.role_scope_tag_ids) as string[],
    lastModifiedDateTime: r.last_modified_date_time, localizedNotificationMessages: messages,
  };
}

function templateColumns(t: Omit<NotificationMessageTemplate, 'localizedNotificationMessages'>) {
  return {
    display_name: t.displayName, description: t.description, default_locale: t.defaultLocale, branding_options: t.brandingOptions.join(','),
    role_scope_tag_ids: JSON.stringify(t.roleScopeTagIds), last_modified_date_time: t.lastModifiedDateTime,
  };
}

function messageColumns(templateId: string, m: LocalizedNotificationMessage) {
  return { template_id: templateId, id: m.id, locale: m.locale, subject: m.subject, message_template: m.messageTemplate, is_default: m.isDefault ? 1 : 0, last_modified_date_time: m.lastModifiedDateTime };
}

export function notificationTemplateStore(db: Kysely<Schema>): NotificationTemplateStore {
  async function withMessages(rows: Selectable<NotificationMessageTemplatesTable>[]): Promise<NotificationMessageTemplate[]> {
    const byTemplate = new Map<string, LocalizedNotificationMessage[]>();
    for (let i = 0; i < rows.length; i += BATCH) {
      const ids = rows.slice(i, i + BATCH).map((r) => r.id);
      const messages = await db.selectFrom('localized_notification_messages').selectAll().where('template_id', 'in', ids).orderBy('template_id').orderBy('locale').execute();
      for (const m of messages) byTemplate.set(m.template_id, [...(byTemplate.get(m.template_id) ?? []), toMessage(m)]);
    }
    return rows.map((r) => toTemplate(r, byTemplate.get(r.id) ?? []));
  }

  return {
    async list() {
      return withMessages(await db.selectFrom('notification_message_templates').selectAll().orderBy('display_name').orderBy('id').execute());
    },
    async get(id) {
      const [t] = await withMessages(await db.selectFrom('notification_message_templates').selectAll().where('id', '=', id).execute());
      return t;
    },
    async getMany(ids) {
      const unique = [...new Set(ids)];
      const rows: Selectable<NotificationMessageTemplatesTable>[] = [];
      for (let i = 0; i < unique.length; i += BATCH) {
        rows.push(...await db.selectFrom('notification_message_templates').selectAll().where('id', 'in', unique.slice(i, i + BATCH)).execute());
      }
      return withMessages(rows);
    },
    async create(t) {
      await db.transaction().execute(async (tx) => {
        await tx.insertInto('notification_message_templates').values({ id: t.id, ...templateColumns(t) }).execute();
        if (t.localizedNotificationMessages.length > 0) {
          await tx.insertInto('localized_notification_messages').values(t.localizedNotificationMessages.map((m) => messageColumns(t.id, m))).execute();
        }
      });
    },
    async update(t) {
      const r = await db.updateTable('notification_message_templates').set(templateColumns(t)).where('id', '=', t.id).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async delete(id) {
      return db.transaction().execute(async (tx) => {
        await tx.deleteFrom('localized_notification_messages').where('template_id', '=', id).execute();
        const r = await tx.deleteFrom('notification_message_templates').where('id', '=', id).executeTakeFirst();
        return Number(r.numDeletedRows) > 0;
      });
    },
    async putMessage(templateId, m) {
      return db.transaction().execute(async (tx) => {
        // Locks the template row (PostgreSQL) so that two default-setters do not both win.
        const touched = await tx.updateTable('notification_message_templates').set({ last_modified_date_time: m.lastModifiedDateTime }).where('id', '=', templateId).executeTakeFirst();
        if (Number(touched.numUpdatedRows) === 0) return 'missing' as const;
        const clash = await tx.selectFrom('localized_notification_messages').select('id').where('template_id', '=', templateId).where('locale', '=', m.locale).where('id', '<>', m.id).executeTakeFirst();
        if (clash) return 'duplicate-locale' as const;
        if (m.isDefault) await tx.updateTable('localized_notification_messages').set({ is_default: 0 }).where('template_id', '=', templateId).where('id', '<>', m.id).execute();
        const cols = messageColumns(templateId, m);
        await tx.insertInto('localized_notification_messages').values(cols)
          .onConflict((oc) => oc.columns(['template_id', 'id']).doUpdateSet({ locale: cols.locale, subject: cols.subject, message_template: cols.message_template, is_default: cols.is_default, last_modified_date_time: cols.last_modified_date_time }))
          .execute();
        return 'saved' as const;
      });
    },
    async deleteMessage(templateId, messageId) {
      return db.transaction().execute(async (tx) => {
        const r = await tx.deleteFrom('localized_notification_messages').where('template_id', '=', templateId).where('id', '=', messageId).executeTakeFirst();
        if (Number(r.numDeletedRows) === 0) return false;
        // The default went: the first remaining message (by locale) becomes it.
        const hasDefault = await tx.selectFrom('localized_notification_messages').select('id').where('template_id', '=', templateId).where('is_default', '=', 1).executeTakeFirst();
        if (!hasDefault) {
          const first = await tx.selectFrom('localized_notification_messages').select('id').where('template_id', '=', templateId).orderBy('locale').limit(1).executeTakeFirst();
          if (first) await tx.updateTable('localized_notification_messages').set({ is_default: 1 }).where('template_id', '=', templateId).where('id', '=', first.id).execute();
        }
        return true;
      });
    },
  };
}
