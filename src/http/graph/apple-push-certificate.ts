// Graph's applePushNotificationCertificate: the MDM push certificate Steward wakes Apple devices
// with (under /v1.0 and /beta).
//
// GET   /deviceManagement/applePushNotificationCertificate            Microsoft.Intune_Organization_Read
// PATCH /deviceManagement/applePushNotificationCertificate            Microsoft.Intune_Organization_Update
//   { "certificate": PEM, "appleIdentifier"?, "privateKey"?, "privateKeyPassphrase"?, "allowTopicChange"? }
//   or { "appleIdentifier" } alone. Answers 200 with the resource, as Intune documents.
// GET   /deviceManagement/applePushNotificationCertificate/downloadApplePushNotificationCertificateSigningRequest[()]
//                                                                     Microsoft.Intune_Organization_Update
//   { "value": PEM CSR }. Update, not Read: each call makes a new key and replaces the pending one.
//
// Intune keeps the certificate under Tenant administration (Connectors and tokens), which its
// custom-role permissions file under Organization.
//
// Steward extensions: `warnings` in the answer (expiry, from core/push/push-certificate.ts); in
// PATCH `privateKey` (PEM; without it, the key of the last signing request), `privateKeyPassphrase`
// and `allowTopicChange` (replace with a certificate of another topic). The private key is never
// in an answer, a log line or an audit event.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import { StewardError } from '../../core/errors.js';
import type { PushCertificateStore } from '../../core/push/ports.js';
import { getPushCertificate, type PushCertificateInfo } from '../../core/push/get-push-certificate.js';
import { updatePushCertificate } from '../../core/push/update-push-certificate.js';
import { createPushCertificateRequest } from '../../core/push/create-push-certificate-request.js';
import type { AuditTrail } from '../audit-trail.js';
import { apiBase, contextUrl, graphVersion } from './collection.js';
import { decodeBody } from './body.js';

/** The id of Steward's one push certificate resource. */
export const APPLE_PUSH_CERTIFICATE_ID = 'a7d2c0e4-3b5f-4c8e-9f1a-6e2b8d4c0f37';
const PATH = '/deviceManagement/applePushNotificationCertificate';
const READ = 'Microsoft.Intune_Organization_Read';
const UPDATE = 'Microsoft.Intune_Organization_Update';
const TYPE = 'microsoft.graph.applePushNotificationCertificate';
/** A push certificate PEM is about 2 KiB, a 4096-bit key about 3 KiB; this leaves room for a chain. */
const MAX_PEM = 64 * 1024;

export interface ApplePushCertificateDeps {
  pushCertificates: PushCertificateStore;
  clock: Clock;
  audit: AuditTrail;
}

const pem = (what: string) => z.string().min(1, `must be a PEM ${what}`).max(MAX_PEM, `must be at most ${MAX_PEM} characters`);
const patchBody = z.object({
  id: z.string().optional(),
  appleIdentifier: z.string().max(256, 'must be at most 256 characters').nullable().optional(),
  certificate: pem('certificate').optional(),
  privateKey: pem('private key').optional(),
  privateKeyPassphrase: z.string().max(1024, 'must be at most 1024 characters').optional(),
  allowTopicChange: z.boolean().optional(),
}).strict();

/** The Graph JSON of the certificate (a presenter: the stored key has no way out through here). */
export function presentApplePushCertificate(c: PushCertificateInfo) {
  return {
    '@odata.type': `#${TYPE}`,
    id: APPLE_PUSH_CERTIFICATE_ID,
    appleIdentifier: c.appleIdentifier,
    topicIdentifier: c.topic,
    lastModifiedDateTime: c.modifiedAt.toISOString(),
    expirationDateTime: c.notAfter.toISOString(),
    certificateUploadStatus: c.uploadStatus,
    certificateUploadFailureReason: c.uploadFailureReason,
    certificateSerialNumber: c.serialNumber,
    certificate: c.certificatePem,
    warnings: c.warnings,
  };
}

/** What the audit log keeps of the certificate: enough to tell certificates apart, no PEM. */
const audited = (c: PushCertificateInfo | undefined) => c === undefined ? null : {
  appleIdentifier: c.appleIdentifier,
  topicIdentifier: c.topic,
  certificateSerialNumber: c.serialNumber,
  expirationDateTime: c.notAfter.toISOString(),
  certificateUploadStatus: c.uploadStatus,
};

export const applePushCertificateRoutes: FastifyPluginAsync<{ deps: ApplePushCertificateDeps; publicUrl: URL }> = async (app, { deps, publicUrl }) => {
  const entity = (req: FastifyRequest, c: PushCertificateInfo) => ({
    '@odata.context': `${contextUrl(publicUrl, graphVersion(req), 'deviceManagement/applePushNotificationCertificate')}/$entity`,
    ...presentApplePushCertificate(c),
  });
  const resource = { type: 'ApplePushNotificationCertificate', id: APPLE_PUSH_CERTIFICATE_ID, displayName: 'Apple MDM push certificate' };

  app.get(PATH, {
    config: { permission: READ },
    schema: { summary: 'The Apple MDM push certificate (without its private key)', tags: ['applePushNotificationCertificate'] },
  }, async (req) => entity(req, await getPushCertificate(deps)));

  app.patch(PATH, {
    config: { permission: UPDATE },
    schema: { summary: 'Upload, renew or replace the Apple MDM push certificate, or set its Apple ID', tags: ['applePushNotificationCertificate'] },
  }, async (req) => {
    const body = decodeBody(patchBody, req.body, TYPE);
    const { id: _id, ...changes } = body;
    try {
      const { before, after, uploaded } = await updatePushCertificate(deps, changes);
      if (JSON.stringify(audited(before)) !== JSON.stringify(audited(after))) {
        await deps.audit.change(req, {
          activity: uploaded ? 'Upload Apple push notification certificate' : 'Update Apple push notification certificate',
          category: 'Enrollment', operation: 'Patch',
          resource: { ...resource, before: audited(before), after: audited(after) },
        });
      }
      return entity(req, after);
    } catch (err) {
      if (err instanceof StewardError && err.code === 'invalid-input' && changes.certificate !== undefined) {
        await deps.audit.change(req, {
          activity: 'Upload Apple push notification certificate', category: 'Enrollment', operation: 'Patch', result: 'Failure',
          resource: { ...resource, after: { certificateUploadStatus: 'failed', certificateUploadFailureReason: err.message } },
        });
      }
      throw err;
    }
  });

  const downloadRequest = async (req: FastifyRequest) => {
    const request = await createPushCertificateRequest(deps);
    await deps.audit.change(req, {
      activity: 'Download Apple push notification certificate signing request', category: 'Enrollment', operation: 'Action',
      resource: { ...resource, after: { signingRequestCreatedDateTime: request.createdAt.toISOString() } },
    });
    return { '@odata.context': `${apiBase(publicUrl)}/${graphVersion(req)}/$metadata#Edm.String`, value: request.csrPem };
  };
  // Graph's documentation writes the function without parentheses; the SDKs call it with them.
  for (const suffix of ['', '()']) {
    app.get(`${PATH}/downloadApplePushNotificationCertificateSigningRequest${suffix}`, {
      config: { permission: UPDATE },
      schema: { summary: 'A new certificate signing request for the Apple MDM push certificate (PEM)', tags: ['applePushNotificationCertificate'] },
    }, downloadRequest);
  }
};
