// Uploads, renews or replaces the MDM push certificate, or changes the Apple ID noted with it
// (Graph's PATCH of applePushNotificationCertificate).
//
// Every enrolled Apple device is bound to the topic of the certificate it enrolled under (the MDM
// payload's Topic). A renewed certificate keeps the topic and the devices keep answering; a new
// certificate has a new topic and every device would have to enroll again. Apple's advice is to
// renew, never replace, so a different topic is refused unless the admin says it is meant.
import type { Clock } from '../clock.js';
import { StewardError, notFound } from '../errors.js';
import { readPushCertificate } from './push-certificate.js';
import { describePushCertificate, type PushCertificateInfo } from './get-push-certificate.js';
import type { PendingPushCertificateRequest, PushCertificateStore, StoredPushCertificate } from './ports.js';

export interface PushCertificateChanges {
  /** PEM, as Apple's Push Certificates Portal issued it (a .pem, or a .cer converted to PEM). */
  certificate?: string;
  /** PEM; without it, the key of the signing request Steward handed out last. */
  privateKey?: string;
  /** For an encrypted privateKey. */
  privateKeyPassphrase?: string;
  /** The Apple ID the certificate was created with; kept across renewals when not given. */
  appleIdentifier?: string | null;
  /** Replace the certificate even though its topic differs (every enrolled device must enroll again). */
  allowTopicChange?: boolean;
}

export interface PushCertificateUpdate {
  before: PushCertificateInfo | undefined;
  after: PushCertificateInfo;
  /** A certificate was uploaded (not only the Apple ID changed). */
  uploaded: boolean;
}

type Deps = { pushCertificates: PushCertificateStore; clock: Clock };

const invalid = (message: string, target: string) => new StewardError('invalid-input', message, target);
const raced = () => new StewardError('conflict', 'Another request changed the Apple push notification certificate at the same time; read it again and retry.');

export async function updatePushCertificate(deps: Deps, changes: PushCertificateChanges): Promise<PushCertificateUpdate> {
  const current = await deps.pushCertificates.current();
  const now = deps.clock.now();
  const before = current === undefined ? undefined : describePushCertificate(current, now);

  if (changes.certificate === undefined) {
    for (const name of ['privateKey', 'privateKeyPassphrase', 'allowTopicChange'] as const) {
      if (changes[name] !== undefined) throw invalid(`${name}: only meaningful together with certificate`, name);
    }
    if (current === undefined) throw notFound('No Apple push notification certificate has been uploaded yet; upload one with certificate.');
    if (changes.appleIdentifier === undefined || changes.appleIdentifier === current.appleIdentifier) {
      return { before, after: describePushCertificate(current, now), uploaded: false };
    }
    const next: StoredPushCertificate = { ...current, appleIdentifier: changes.appleIdentifier, modifiedAt: now };
    if (!await deps.pushCertificates.replace(next, current.serialNumber)) throw raced();
    return { before, after: describePushCertificate(next, now), uploaded: false };
  }

  const pending = changes.privateKey === undefined ? await deps.pushCertificates.pendingRequest() : undefined;
  let next: StoredPushCertificate;
  try {
    next = checkUpload(changes, { certificate: changes.certificate, current, pending, clock: deps.clock });
  } catch (err) {
    // The certificate in use stays; the refusal is noted on it, as Graph's certificateUploadStatus.
    if (err instanceof StewardError && err.code === 'invalid-input') await deps.pushCertificates.recordUploadFailure(err.message);
    throw err;
  }
  if (!await deps.pushCertificates.replace(next, current?.serialNumber ?? null, pending?.id)) throw raced();
  return { before, after: describePushCertificate(next, now), uploaded: true };
}

function checkUpload(
  changes: PushCertificateChanges,
  ctx: { certificate: string; current: StoredPushCertificate | undefined; pending: PendingPushCertificateRequest | undefined; clock: Clock },
): StoredPushCertificate {
  const key = changes.privateKey ?? ctx.pending?.privateKeyPem;
  if (key === undefined) {
    throw invalid('privateKey: no private key: give the PEM key of the certificate signing request in privateKey, or download a signing request from Steward (downloadApplePushNotificationCertificateSigningRequest) and upload the certificate Apple issued for it', 'privateKey');
  }
  let cert;
  try {
    cert = readPushCertificate({
      certificatePem: ctx.certificate,
      privateKeyPem: key,
      ...(changes.privateKeyPassphrase === undefined ? {} : { passphrase: changes.privateKeyPassphrase }),
    }, ctx.clock);
  } catch (err) {
    if (!(err instanceof StewardError)) throw err;
    if (err.target === 'passphrase') throw new StewardError(err.code, err.message, 'privateKeyPassphrase');
    if (err.target === 'privateKey' && changes.privateKey === undefined) {
      throw invalid('certificate: the certificate was not issued for the signing request Steward handed out last (its public key differs); upload the certificate Apple issued for that request, or give the key it was requested with in privateKey', 'certificate');
    }
    throw err;
  }
  const now = ctx.clock.now();
  if (cert.notAfter.getTime() <= now.getTime()) {
    throw invalid(`certificate: the push certificate expired on ${cert.notAfter.toISOString()}; renew it in Apple's Push Certificates Portal with the same Apple ID and upload the renewed one`, 'certificate');
  }
  const current = ctx.current;
  if (current !== undefined && current.topic !== cert.topic && changes.allowTopicChange !== true) {
    throw invalid(`certificate: the certificate's topic ${cert.topic} differs from the current ${current.topic}; every enrolled Apple device is bound to the current topic and would have to enroll again. Renew the current certificate in Apple's Push Certificates Portal with the same Apple ID instead, or set allowTopicChange to replace it anyway`, 'certificate');
  }
  const sameTopic = current !== undefined && current.topic === cert.topic;
  return {
    certificatePem: cert.certificatePem,
    privateKeyPem: cert.privateKeyPem,
    serialNumber: cert.serialNumber,
    topic: cert.topic,
    appleIdentifier: changes.appleIdentifier !== undefined ? changes.appleIdentifier : sameTopic ? current.appleIdentifier : null,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    uploadedAt: now,
    modifiedAt: now,
    uploadStatus: 'succeeded',
    uploadFailureReason: null,
  };
}
