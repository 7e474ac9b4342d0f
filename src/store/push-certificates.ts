// PushCertificateStore on SQLite and PostgreSQL (migrations/0011-push-certificate.ts). The private
// keys are stored as PEM text, like every other secret in the database (signing-keys.ts);
// protecting the database and its backups protects them.
import type { Kysely, Selectable } from 'kysely';
import type { PendingPushCertificateRequest, PushCertificateStore, StoredPushCertificate } from '../core/push/ports.js';
import type { Schema } from './schema.js';
import type { PushCertificatesTable } from './schema-push.js';

/** The one row of each table: Steward has one MDM push certificate. */
const SLOT = 'mdm';

function toCertificate(r: Selectable<PushCertificatesTable>): StoredPushCertificate {
  return {
    certificatePem: r.certificate_pem,
    privateKeyPem: r.private_key_pem,
    serialNumber: r.serial_number,
    topic: r.topic,
    appleIdentifier: r.apple_identifier,
    notBefore: new Date(r.not_before),
    notAfter: new Date(r.not_after),
    uploadedAt: new Date(r.uploaded_at),
    modifiedAt: new Date(r.modified_at),
    uploadStatus: r.upload_status === 'failed' ? 'failed' : 'succeeded',
    uploadFailureReason: r.upload_failure_reason,
  };
}

function toRow(c: StoredPushCertificate): Omit<PushCertificatesTable, 'id'> {
  return {
    certificate_pem: c.certificatePem,
    private_key_pem: c.privateKeyPem,
    serial_number: c.serialNumber,
    topic: c.topic,
    apple_identifier: c.appleIdentifier,
    not_before: c.notBefore.toISOString(),
    not_after: c.notAfter.toISOString(),
    uploaded_at: c.uploadedAt.toISOString(),
    modified_at: c.modifiedAt.toISOString(),
    upload_status: c.uploadStatus,
    upload_failure_reason: c.uploadFailureReason,
  };
}

export function pushCertificateStore(db: Kysely<Schema>): PushCertificateStore {
  return {
    async current() {
      const row = await db.selectFrom('push_certificates').selectAll().where('id', '=', SLOT).executeTakeFirst();
      return row ? toCertificate(row) : undefined;
    },

    async replace(next, expectedSerial, consumedRequestId) {
      return db.transaction().execute(async (tx) => {
        const row = toRow(next);
        // One statement each way, so that of two concurrent uploads exactly one wins: the insert
        // of the first certificate conflicts on the primary key, a replacement must still find
        // the serial it was checked against.
        const written = expectedSerial === null
          ? await tx.insertInto('push_certificates').values({ id: SLOT, ...row })
            .onConflict((oc) => oc.column('id').doNothing())
            .returning('id').executeTakeFirst()
          : await tx.updateTable('push_certificates').set(row)
            .where('id', '=', SLOT).where('serial_number', '=', expectedSerial)
            .returning('id').executeTakeFirst();
        if (written === undefined) return false;
        if (consumedRequestId !== undefined) {
          await tx.deleteFrom('push_certificate_requests').where('id', '=', SLOT).where('request_id', '=', consumedRequestId).execute();
        }
        return true;
      });
    },

    async recordUploadFailure(reason) {
      await db.updateTable('push_certificates').set({ upload_status: 'failed', upload_failure_reason: reason })
        .where('id', '=', SLOT).execute();
    },

    async pendingRequest(): Promise<PendingPushCertificateRequest | undefined> {
      const row = await db.selectFrom('push_certificate_requests').selectAll().where('id', '=', SLOT).executeTakeFirst();
      return row ? { id: row.request_id, privateKeyPem: row.private_key_pem, createdAt: new Date(row.created_at) } : undefined;
    },

    async savePendingRequest(request) {
      const values = { request_id: request.id, private_key_pem: request.privateKeyPem, created_at: request.createdAt.toISOString() };
      await db.insertInto('push_certificate_requests').values({ id: SLOT, ...values })
        .onConflict((oc) => oc.column('id').doUpdateSet(values))
        .execute();
    },
  };
}
