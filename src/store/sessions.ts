// SessionStore on SQLite and PostgreSQL (migrations/0006-sessions.ts). Looked up by the SHA-256
// of the token, the primary key: one indexed read per request.
import type { Kysely, Selectable } from 'kysely';
import type { Session, SessionStore } from '../core/auth/sign-in-ports.js';
import type { Schema } from './schema.js';
import type { SessionsTable } from './schema-sessions.js';

function toSession(r: Selectable<SessionsTable>): Session {
  return {
    tokenHash: r.token_hash,
    userId: r.user_id,
    createdAt: new Date(r.created_at),
    lastSeenAt: new Date(r.last_seen_at),
    expiresAt: new Date(r.expires_at),
    mfa: r.mfa === 1,
  };
}

export function sessionStore(db: Kysely<Schema>): SessionStore {
  return {
    async create(s) {
      await db.insertInto('sessions').values({
        token_hash: s.tokenHash, user_id: s.userId, created_at: s.createdAt.toISOString(),
        last_seen_at: s.lastSeenAt.toISOString(), expires_at: s.expiresAt.toISOString(), mfa: s.mfa ? 1 : 0,
      }).execute();
    },
    async get(tokenHash) {
      const row = await db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return row ? toSession(row) : undefined;
    },
    async touch(tokenHash, at) {
      // Never moves last seen backwards (two replicas touching at once).
      await db.updateTable('sessions').set({ last_seen_at: at.toISOString() })
        .where('token_hash', '=', tokenHash).where('last_seen_at', '<', at.toISOString()).execute();
    },
    async delete(tokenHash) {
      await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
    },
    async deleteForUser(userId, exceptTokenHash) {
      let q = db.deleteFrom('sessions').where('user_id', '=', userId);
      if (exceptTokenHash !== undefined) q = q.where('token_hash', '!=', exceptTokenHash);
      const r = await q.executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async deleteExpired(now, idleBefore) {
      const r = await db.deleteFrom('sessions')
        .where((eb) => eb.or([eb('expires_at', '<=', now.toISOString()), eb('last_seen_at', '<=', idleBefore.toISOString())]))
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
