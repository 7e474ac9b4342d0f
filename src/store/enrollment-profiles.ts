// EnrollmentProfileStore on SQLite and PostgreSQL (migrations/0010-enrollment.ts).
import type { Kysely, Selectable } from 'kysely';
import type { EnrollmentPlatform, EnrollmentProfile, EnrollmentProfileStore } from '../core/enrollment/ports.js';
import type { Schema } from './schema.js';
import type { EnrollmentProfilesTable } from './schema-enrollment.js';
import { addTo } from './batches.js';

type Row = Selectable<EnrollmentProfilesTable>;

function toProfile(r: Row, tags: string[]): EnrollmentProfile {
  return {
    id: r.id,
    displayName: r.display_name,
    description: r.description,
    platform: r.platform as EnrollmentPlatform,
    ownership: r.ownership as EnrollmentProfile['ownership'],
    tokenExpirationDateTime: r.token_expires_at,
    maximumUses: r.maximum_uses === null ? null : Number(r.maximum_uses),
    usageCount: Number(r.usage_count),
    isRevoked: r.revoked_at !== null,
    revokedDateTime: r.revoked_at,
    createdDateTime: r.created_at,
    lastModifiedDateTime: r.modified_at,
    roleScopeTagIds: tags.length > 0 ? tags : ['0'],
  };
}

export function enrollmentProfileStore(db: Kysely<Schema>): EnrollmentProfileStore {
  async function tagsOf(ids: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (ids.length === 0) return out;
    const rows = await db.selectFrom('object_scope_tags').select(['object_id', 'tag_id'])
      .where('object_type', '=', 'enrollmentProfile').where('object_id', 'in', ids).orderBy('tag_id').execute();
    for (const r of rows) addTo(out, r.object_id, r.tag_id);
    return out;
  }
  async function read(id: string): Promise<EnrollmentProfile | undefined> {
    const row = await db.selectFrom('enrollment_profiles').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toProfile(row, (await tagsOf([id])).get(id) ?? []) : undefined;
  }
  async function writeTags(id: string, tags: readonly string[]) {
    await db.deleteFrom('object_scope_tags').where('object_type', '=', 'enrollmentProfile').where('object_id', '=', id).execute();
    const own = tags.filter((t) => t !== '0');
    if (own.length > 0) {
      await db.insertInto('object_scope_tags').values(own.map((tag) => ({ object_type: 'enrollmentProfile', object_id: id, tag_id: tag }))).execute();
    }
  }
  return {
    async create(p, tokenHash) {
      await db.insertInto('enrollment_profiles').values({
        id: p.id, display_name: p.displayName, description: p.description, platform: p.platform, ownership: p.ownership,
        token_hash: tokenHash, token_expires_at: p.tokenExpirationDateTime, maximum_uses: p.maximumUses, usage_count: p.usageCount,
        revoked_at: p.revokedDateTime, created_at: p.createdDateTime, modified_at: p.lastModifiedDateTime,
      }).execute();
      await writeTags(p.id, p.roleScopeTagIds);
    },
    get: read,
    async list() {
      const rows = await db.selectFrom('enrollment_profiles').selectAll().orderBy('created_at').orderBy('id').execute();
      const tags = await tagsOf(rows.map((r) => r.id));
      return rows.map((r) => toProfile(r, tags.get(r.id) ?? []));
    },
    async update(p) {
      const done = await db.updateTable('enrollment_profiles').set({
        display_name: p.displayName, description: p.description, ownership: p.ownership,
        token_expires_at: p.tokenExpirationDateTime, maximum_uses: p.maximumUses, revoked_at: p.revokedDateTime,
        modified_at: p.lastModifiedDateTime,
      }).where('id', '=', p.id).executeTakeFirst();
      if (Number(done.numUpdatedRows) === 0) return undefined;
      await writeTags(p.id, p.roleScopeTagIds);
      return read(p.id);
    },
    async setTokenHash(id, tokenHash, now) {
      const done = await db.updateTable('enrollment_profiles').set({ token_hash: tokenHash, usage_count: 0, modified_at: now.toISOString() })
        .where('id', '=', id).executeTakeFirst();
      return Number(done.numUpdatedRows) > 0;
    },
    async delete(id) {
      await db.deleteFrom('object_scope_tags').where('object_type', '=', 'enrollmentProfile').where('object_id', '=', id).execute();
      const done = await db.deleteFrom('enrollment_profiles').where('id', '=', id).executeTakeFirst();
      return Number(done.numDeletedRows) > 0;
    },
    async redeem(tokenHash, now) {
      const at = now.toISOString();
      // One statement: of two replicas racing for the last use, exactly one gets it.
      const used = await db.updateTable('enrollment_profiles')
        .set((eb) => ({ usage_count: eb('usage_count', '+', 1) }))
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('token_expires_at', 'is', null), eb('token_expires_at', '>', at)]))
        .where((eb) => eb.or([eb('maximum_uses', 'is', null), eb('usage_count', '<', eb.ref('maximum_uses'))]))
        .returning('id').executeTakeFirst();
      if (used) {
        const profile = await read(used.id);
        if (profile) return { outcome: 'redeemed', profile };
      }
      const row = await db.selectFrom('enrollment_profiles').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      if (!row) return { outcome: 'unknown' };
      if (row.revoked_at !== null) return { outcome: 'revoked' };
      if (row.token_expires_at !== null && row.token_expires_at <= at) return { outcome: 'expired' };
      return { outcome: 'exhausted' };
    },
    async byTokenHash(tokenHash) {
      const row = await db.selectFrom('enrollment_profiles').select('id').where('token_hash', '=', tokenHash).executeTakeFirst();
      return row ? read(row.id) : undefined;
    },
  };
}
