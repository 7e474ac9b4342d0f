// CredentialStore on SQLite and PostgreSQL: user_credentials (migrations/0002-directory.ts) and
// totp_enrollments (0006-sessions.ts). Every change that guards a security decision (an attempt
// counted, a TOTP step used, a set-up token taken) is one conditional UPDATE or DELETE, so that
// concurrent requests on any number of replicas cannot both win.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Credential, CredentialStore } from '../core/auth/sign-in-ports.js';
import type { Schema, UserCredentialsTable } from './schema.js';

function toCredential(r: Selectable<UserCredentialsTable>): Credential {
  return {
    userId: r.user_id,
    passwordHash: r.password_hash,
    forceChangePassword: r.force_change_password === 1,
    totpSecret: r.totp_secret,
    totpLastStep: r.totp_last_step === null ? null : Number(r.totp_last_step),
    failures: { count: r.failed_attempts, lastFailureAt: r.last_failure_at === null ? null : new Date(r.last_failure_at) },
  };
}

export function credentialStore(db: Kysely<Schema>): CredentialStore {
  return {
    async get(userId) {
      const row = await db.selectFrom('user_credentials').selectAll().where('user_id', '=', userId).executeTakeFirst();
      return row ? toCredential(row) : undefined;
    },
    async claimAttempt(userId, seen, at) {
      const r = await db.updateTable('user_credentials')
        .set({ failed_attempts: seen.count + 1, last_failure_at: at.toISOString() })
        .where('user_id', '=', userId).where('failed_attempts', '=', seen.count)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
    async releaseAttempt(userId, seen) {
      await db.updateTable('user_credentials')
        .set({ failed_attempts: seen.count, last_failure_at: seen.lastFailureAt?.toISOString() ?? null })
        .where('user_id', '=', userId).where('failed_attempts', '=', seen.count + 1)
        .execute();
    },
    async resetFailures(userId) {
      await db.updateTable('user_credentials').set({ failed_attempts: 0, last_failure_at: null }).where('user_id', '=', userId).execute();
    },
    async useTotpStep(userId, step) {
      const r = await db.updateTable('user_credentials')
        .set({ totp_last_step: step })
        .where('user_id', '=', userId)
        .where('totp_secret', 'is not', null)
        .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
    async changePassword(userId, passwordHash, at) {
      await db.updateTable('user_credentials')
        .set({ password_hash: passwordHash, force_change_password: 0, updated_date_time: at.toISOString() })
        .where('user_id', '=', userId).execute();
    },
    async setTotp(userId, secret, step, at) {
      await db.updateTable('user_credentials')
        .set({ totp_secret: secret, totp_last_step: step, updated_date_time: at.toISOString() })
        .where('user_id', '=', userId).execute();
    },
    async putPendingTotp(userId, tokenHash, secret, at, expiresAt) {
      await db.insertInto('totp_enrollments')
        .values({ user_id: userId, token_hash: tokenHash, secret, expires_at: expiresAt.toISOString(), created_at: at.toISOString() })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({
          token_hash: sql.ref('excluded.token_hash'), secret: sql.ref('excluded.secret'),
          expires_at: sql.ref('excluded.expires_at'), created_at: sql.ref('excluded.created_at'),
        }))
        .execute();
    },
    async findPendingTotp(tokenHash, now) {
      const row = await db.selectFrom('totp_enrollments').select(['user_id', 'secret', 'expires_at'])
        .where('token_hash', '=', tokenHash).where('expires_at', '>', now.toISOString())
        .executeTakeFirst();
      return row ? { userId: row.user_id, secret: row.secret, expiresAt: new Date(row.expires_at) } : undefined;
    },
    async takePendingTotp(tokenHash) {
      const r = await db.deleteFrom('totp_enrollments').where('token_hash', '=', tokenHash).executeTakeFirst();
      return r.numDeletedRows > 0n;
    },
  };
}
