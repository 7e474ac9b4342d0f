// DeviceConfigurationStore on SQLite and PostgreSQL (migrations/0016-configuration.ts).
import type { Kysely, Selectable } from 'kysely';
import { deviceConfigurationSchema } from '../core/configuration/list-device-configurations.js';
import type { DeviceConfiguration, DeviceConfigurationStore } from '../core/configuration/ports.js';
import type { Dialect } from './database.js';
import { listPage } from './list-query.js';
import type { Schema } from './schema.js';
import type { DeviceConfigurationsTable } from './schema-configuration.js';
import { holdsScopeTag } from './scope.js';

function toProfile(r: Selectable<DeviceConfigurationsTable>): DeviceConfiguration {
  return {
    id: r.id,
    odataType: r.odata_type,
    displayName: r.display_name,
    description: r.description,
    version: Number(r.version),
    createdDateTime: r.created_at,
    lastModifiedDateTime: r.modified_at,
    roleScopeTagIds: JSON.parse(r.role_scope_tag_ids) as string[],
    settings: JSON.parse(r.settings) as Record<string, unknown>,
  };
}

function toRow(p: DeviceConfiguration) {
  return {
    odata_type: p.odataType, display_name: p.displayName, description: p.description, version: p.version,
    settings: JSON.stringify(p.settings), role_scope_tag_ids: JSON.stringify(p.roleScopeTagIds),
    created_at: p.createdDateTime, modified_at: p.lastModifiedDateTime,
  };
}

export function deviceConfigurationStore(db: Kysely<Schema>, dialect: Dialect): DeviceConfigurationStore {
  async function get(id: string) {
    const row = await db.selectFrom('device_configurations').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toProfile(row) : undefined;
  }
  return {
    async create(p) {
      await db.insertInto('device_configurations').values({ id: p.id, ...toRow(p) }).execute();
    },
    get,
    async list() {
      const rows = await db.selectFrom('device_configurations').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toProfile);
    },
    async page(query, heldTags) {
      const condition = holdsScopeTag(dialect, 'role_scope_tag_ids', heldTags);
      const page = await listPage<Selectable<DeviceConfigurationsTable>>(db, dialect, 'device_configurations', deviceConfigurationSchema, query, condition ? { where: (qb) => qb.where(condition) } : {});
      return { items: page.rows.map(toProfile), nextSkipToken: page.nextSkipToken, count: page.count };
    },
    async update(p, expectedVersion) {
      // The version check makes two concurrent edits (two replicas) conflict instead of one losing silently.
      const done = await db.updateTable('device_configurations').set(toRow(p))
        .where('id', '=', p.id).where('version', '=', expectedVersion).executeTakeFirst();
      return Number(done.numUpdatedRows) === 0 ? undefined : get(p.id);
    },
    async delete(id) {
      const done = await db.deleteFrom('device_configurations').where('id', '=', id).executeTakeFirst();
      return Number(done.numDeletedRows) > 0;
    },
  };
}
