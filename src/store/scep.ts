// ScepStore on SQLite and PostgreSQL (migrations/0009-scep.ts).
import type { Kysely } from 'kysely';
import type { ScepStore } from '../core/scep/ports.js';
import type { Schema } from './schema.js';

export function scepStore(db: Kysely<Schema>): ScepStore {
  return {
    async createChallenge(c) {
      await db.insertInto('scep_challenges').values({
        hash: c.hash, enrollment_id: c.enrollmentId, created_at: c.createdAt.toISOString(), expires_at: c.expiresAt.toISOString(), used_at: null,
      }).execute();
    },
    async consumeChallenge(hash, now) {
      const at = now.toISOString();
      // One statement: of two replicas racing for the same challenge, exactly one updates the row.
      const spent = await db.updateTable('scep_challenges').set({ used_at: at })
        .where('hash', '=', hash).where('used_at', 'is', null).where('expires_at', '>', at)
        .returning('enrollment_id').executeTakeFirst();
      if (spent) return { outcome: 'consumed', enrollmentId: spent.enrollment_id };
      const row = await db.selectFrom('scep_challenges').select(['used_at']).where('hash', '=', hash).executeTakeFirst();
      if (!row) return { outcome: 'unknown' };
      return { outcome: row.used_at === null ? 'expired' : 'used' };
    },
    async recordIssued(c) {
      await db.insertInto('scep_certificates').values({
        serial_number: c.serialNumber, enrollment_id: c.enrollmentId, challenge_hash: c.challengeHash ?? null,
        issued_at: c.issuedAt.toISOString(), not_after: c.notAfter.toISOString(),
      }).execute();
    },
    async enrollmentForCertificate(serialNumber) {
      const row = await db.selectFrom('scep_certificates').select('enrollment_id').where('serial_number', '=', serialNumber).executeTakeFirst();
      return row?.enrollment_id;
    },
  };
}
