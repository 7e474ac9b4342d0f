import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { GroupStore } from '../core/directory/ports.js';
import type { DirectoryObjectRef, Group, MemberType } from '../core/directory/group.js';
import { groupSchema } from '../core/directory/directory-schemas.js';
import { invalidInput } from '../core/errors.js';
import type { Dialect } from './database.js';
import type { GroupsTable, Schema } from './schema.js';
import { listPage } from './list-query.js';

type Row = Selectable<GroupsTable>;

function toGroup(r: Row): Group {
  return {
    id: r.id,
    displayName: r.display_name,
    description: r.description,
    mailNickname: r.mail_nickname,
    mailEnabled: r.mail_enabled === 1,
    securityEnabled: r.security_enabled === 1,
    groupTypes: JSON.parse(r.group_types) as string[],
    membershipRule: r.membership_rule,
    membershipRuleProcessingState: r.membership_rule_processing_state as Group['membershipRuleProcessingState'],
    createdDateTime: r.created_date_time,
  };
}

function toColumns(g: Partial<Group>): Updateable<GroupsTable> {
  const out: Updateable<GroupsTable> = {};
  if (g.displayName !== undefined) out.display_name = g.displayName;
  if (g.description !== undefined) out.description = g.description;
  if (g.mailNickname !== undefined) out.mail_nickname = g.mailNickname;
  if (g.mailEnabled !== undefined) out.mail_enabled = g.mailEnabled ? 1 : 0;
  if (g.securityEnabled !== undefined) out.security_enabled = g.securityEnabled ? 1 : 0;
  if (g.groupTypes !== undefined) out.group_types = JSON.stringify(g.groupTypes);
  if (g.membershipRule !== undefined) out.membership_rule = g.membershipRule;
  if (g.membershipRuleProcessingState !== undefined) out.membership_rule_processing_state = g.membershipRuleProcessingState;
  return out;
}

/** Opaque cursor over member ids: base64url of the last id. */
function encodeMemberToken(id: string): string {
  return Buffer.from(`m:${id}`).toString('base64url');
}
function decodeMemberToken(token: string): string {
  const text = Buffer.from(token, 'base64url').toString();
  if (!text.startsWith('m:')) throw invalidInput('$skiptoken is not valid for this collection.', '$skiptoken');
  return text.slice(2);
}

export function groupStore(db: Kysely<Schema>, dialect: Dialect): GroupStore {
  // Groups that contain `memberId`, directly or through nesting (a recursive walk upwards).
  const ancestorIds = (memberId: string) => sql<{ id: string }>`with recursive up(id) as (
      select group_id from group_members where member_id = ${memberId}
      union
      select m.group_id from group_members m join up on m.member_id = up.id where m.member_type = 'group'
    ) select id from up`;

  return {
    async list(query) {
      const page = await listPage<Row>(db, dialect, 'groups', groupSchema, query);
      return { items: page.rows.map(toGroup), nextSkipToken: page.nextSkipToken, count: page.count };
    },
    async get(id) {
      const row = await db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toGroup(row) : undefined;
    },
    async getMany(ids) {
      if (ids.length === 0) return [];
      return (await db.selectFrom('groups').selectAll().where('id', 'in', ids).execute()).map(toGroup);
    },
    async create(group) {
      const row: Insertable<GroupsTable> = {
        ...toColumns(group),
        id: group.id,
        display_name: group.displayName,
        mail_nickname: group.mailNickname,
        mail_enabled: group.mailEnabled ? 1 : 0,
        security_enabled: group.securityEnabled ? 1 : 0,
        group_types: JSON.stringify(group.groupTypes),
        created_date_time: group.createdDateTime,
      };
      await db.insertInto('groups').values(row).execute();
    },
    async update(id, changes) {
      const values = toColumns(changes);
      if (Object.keys(values).length === 0) return (await this.get(id)) !== undefined;
      const r = await db.updateTable('groups').set(values).where('id', '=', id).executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
    async delete(id) {
      return db.transaction().execute(async (tx) => {
        await tx.deleteFrom('group_members').where((eb) => eb.or([eb('group_id', '=', id), eb('member_id', '=', id)])).execute();
        const r = await tx.deleteFrom('groups').where('id', '=', id).executeTakeFirst();
        return r.numDeletedRows > 0n;
      });
    },
    async objectType(id) {
      const [user, group, device, client] = await Promise.all([
        db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst(),
        db.selectFrom('groups').select('id').where('id', '=', id).executeTakeFirst(),
        db.selectFrom('managed_devices').select('id').where('id', '=', id).executeTakeFirst(),
        db.selectFrom('api_clients').select('id').where('id', '=', id).executeTakeFirst(),
      ]);
      const type: MemberType | undefined = user ? 'user' : group ? 'group' : device ? 'device' : client ? 'servicePrincipal' : undefined;
      return type;
    },
    async addMembers(groupId, members, source, now) {
      if (members.length === 0) return;
      const at = now.toISOString();
      for (let i = 0; i < members.length; i += 500) {
        await db.insertInto('group_members')
          .values(members.slice(i, i + 500).map((m) => ({ group_id: groupId, member_id: m.id, member_type: m.type, source, added_date_time: at })))
          .onConflict((oc) => oc.columns(['group_id', 'member_id']).doNothing())
          .execute();
      }
    },
    async removeMembers(groupId, memberIds) {
      for (let i = 0; i < memberIds.length; i += 500) {
        await db.deleteFrom('group_members').where('group_id', '=', groupId).where('member_id', 'in', memberIds.slice(i, i + 500)).execute();
      }
    },
    async isDirectMember(groupId, memberId) {
      return (await db.selectFrom('group_members').select('member_id').where('group_id', '=', groupId).where('member_id', '=', memberId).executeTakeFirst()) !== undefined;
    },
    async members(groupId, page) {
      let q = db.selectFrom('group_members').select(['member_id', 'member_type']).where('group_id', '=', groupId).orderBy('member_id').limit(page.top + 1);
      if (page.skipToken) q = q.where('member_id', '>', decodeMemberToken(page.skipToken));
      const rows = await q.execute();
      const items = rows.slice(0, page.top).map((r) => ({ id: r.member_id, type: r.member_type }));
      return rows.length > page.top ? { items, nextSkipToken: encodeMemberToken(items.at(-1)!.id) } : { items };
    },
    async transitiveMembers(groupId) {
      const { rows } = await sql<{ member_id: string; member_type: MemberType }>`with recursive down(id) as (
          select ${groupId}
          union
          select m.member_id from group_members m join down on m.group_id = down.id where m.member_type = 'group'
        )
        select distinct m.member_id, m.member_type from group_members m join down on m.group_id = down.id
        order by m.member_id`.execute(db);
      return rows.map((r): DirectoryObjectRef => ({ id: r.member_id, type: r.member_type }));
    },
    async memberOf(memberId) {
      const rows = await db.selectFrom('groups').selectAll()
        .where('id', 'in', db.selectFrom('group_members').select('group_id').where('member_id', '=', memberId))
        .orderBy('display_name').orderBy('id').execute();
      return rows.map(toGroup);
    },
    async transitiveMemberOf(memberId) {
      const rows = await db.selectFrom('groups').selectAll()
        .where(sql<boolean>`id in (${ancestorIds(memberId)})`)
        .orderBy('display_name').orderBy('id').execute();
      return rows.map(toGroup);
    },
    async dynamicGroups() {
      const rows = await db.selectFrom('groups').selectAll()
        .where('membership_rule', 'is not', null).where('membership_rule_processing_state', '=', 'On').execute();
      return rows.map(toGroup);
    },
    async memberIds(groupId) {
      const rows = await db.selectFrom('group_members').select('member_id').where('group_id', '=', groupId).execute();
      return rows.map((r) => r.member_id);
    },
    async setMemberSource(groupId, source) {
      await db.updateTable('group_members').set({ source }).where('group_id', '=', groupId).where('source', '<>', source).execute();
    },
  };
}
