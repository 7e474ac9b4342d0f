import type { Kysely } from 'kysely';
import type { ResourceOperation } from '../core/auth/principal.js';
import { defaultScopeTag, type ApiClientStore, type RbacStore, type RoleAssignment, type RoleDefinition, type ScopeTaggedType, type ScopeType } from '../core/rbac/model.js';
import type { Schema } from './schema.js';
import { isUniqueViolation } from './errors.js';

const json = (s: string) => JSON.parse(s) as string[];

export function rbacStore(db: Kysely<Schema>): RbacStore {
  return {
    async customRoles() {
      const rows = await db.selectFrom('role_definitions').selectAll().orderBy('display_name').execute();
      return rows.map((r): RoleDefinition => ({ id: r.id, displayName: r.display_name, description: r.description, isBuiltIn: false, allowed: json(r.allowed) as ResourceOperation[], roleScopeTagIds: json(r.role_scope_tag_ids) }));
    },
    async saveRole(role) {
      const values = { display_name: role.displayName, description: role.description, allowed: JSON.stringify(role.allowed), role_scope_tag_ids: JSON.stringify(role.roleScopeTagIds) };
      try {
        await db.insertInto('role_definitions').values({ id: role.id, ...values }).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
        return 'saved';
      } catch (err) {
        if (isUniqueViolation(err)) return 'duplicate';
        throw err;
      }
    },
    async deleteRole(id) {
      return (await db.deleteFrom('role_definitions').where('id', '=', id).executeTakeFirst()).numDeletedRows > 0n;
    },
    async assignments() {
      const rows = await db.selectFrom('role_assignments').selectAll().orderBy('display_name').orderBy('id').execute();
      return rows.map((r): RoleAssignment => ({
        id: r.id, displayName: r.display_name, description: r.description, roleDefinitionId: r.role_definition_id,
        members: json(r.members), resourceScopes: json(r.resource_scopes), scopeType: r.scope_type as ScopeType, roleScopeTagIds: json(r.role_scope_tag_ids),
      }));
    },
    async saveAssignment(a) {
      const values = {
        display_name: a.displayName, description: a.description, role_definition_id: a.roleDefinitionId, members: JSON.stringify(a.members),
        resource_scopes: JSON.stringify(a.resourceScopes), scope_type: a.scopeType, role_scope_tag_ids: JSON.stringify(a.roleScopeTagIds),
      };
      await db.insertInto('role_assignments').values({ id: a.id, ...values }).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
    },
    async deleteAssignment(id) {
      return (await db.deleteFrom('role_assignments').where('id', '=', id).executeTakeFirst()).numDeletedRows > 0n;
    },
    async scopeTags() {
      const rows = await db.selectFrom('role_scope_tags').selectAll().orderBy('display_name').execute();
      return rows.map((r) => ({ id: r.id, displayName: r.display_name, description: r.description, isBuiltIn: false }));
    },
    async saveScopeTag(tag) {
      const values = { display_name: tag.displayName, description: tag.description };
      try {
        await db.insertInto('role_scope_tags').values({ id: tag.id, ...values }).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
        return 'saved';
      } catch (err) {
        if (isUniqueViolation(err)) return 'duplicate';
        throw err;
      }
    },
    async deleteScopeTag(id) {
      return (await db.deleteFrom('role_scope_tags').where('id', '=', id).executeTakeFirst()).numDeletedRows > 0n;
    },
    async setObjectScopeTags(type, id, tagIds) {
      const tags = [...new Set(tagIds)];
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('object_scope_tags').where('object_type', '=', type).where('object_id', '=', id).execute();
        // Default alone is what no row means: one way to store it.
        if (tags.length === 0 || (tags.length === 1 && tags[0] === defaultScopeTag.id)) return;
        await tx.insertInto('object_scope_tags').values(tags.map((tag) => ({ object_type: type, object_id: id, tag_id: tag }))).execute();
      });
    },
    async scopeTagUsage(tagId) {
      const rows = await db.selectFrom('object_scope_tags').select((eb) => ['object_type', eb.fn.countAll<number | string>().as('count')])
        .where('tag_id', '=', tagId).groupBy('object_type').execute();
      return rows.map((r) => ({ type: r.object_type as ScopeTaggedType, count: Number(r.count) }));
    },
  };
}

export function apiClientStore(db: Kysely<Schema>): ApiClientStore {
  const present = (r: { id: string; client_id: string; display_name: string; account_enabled: number; created_date_time: string; secret_hint: string }) => ({
    id: r.id, clientId: r.client_id, displayName: r.display_name, accountEnabled: r.account_enabled === 1, createdDateTime: r.created_date_time, secretHint: r.secret_hint,
  });
  return {
    async create(client, secretHash) {
      await db.insertInto('api_clients').values({
        id: client.id, client_id: client.clientId, display_name: client.displayName, secret_hash: secretHash, secret_hint: client.secretHint,
        account_enabled: client.accountEnabled ? 1 : 0, created_date_time: client.createdDateTime,
      }).execute();
    },
    async byClientId(clientId) {
      const r = await db.selectFrom('api_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
      return r ? { ...present(r), secretHash: r.secret_hash } : undefined;
    },
    async get(id) {
      const r = await db.selectFrom('api_clients').select(['id', 'client_id', 'display_name', 'account_enabled', 'created_date_time', 'secret_hint']).where('id', '=', id).executeTakeFirst();
      return r ? present(r) : undefined;
    },
    async list() {
      const rows = await db.selectFrom('api_clients').select(['id', 'client_id', 'display_name', 'account_enabled', 'created_date_time', 'secret_hint']).orderBy('display_name').execute();
      return rows.map(present);
    },
    async delete(id) {
      return db.transaction().execute(async (tx) => {
        await tx.deleteFrom('group_members').where('member_id', '=', id).execute();
        return (await tx.deleteFrom('api_clients').where('id', '=', id).executeTakeFirst()).numDeletedRows > 0n;
      });
    },
  };
}
