// The push port: wake devices so that they check in for queued commands. Implemented by
// src/push/ (APNs for Apple devices; WNS and others later). Core never imports an implementation.

/** One device to wake, with what its platform's push service needs to address it. */
export interface PushTarget {
  enrollmentId: string;
  /** The device token from TokenUpdate, hex-encoded. */
  token: string;
  /** The PushMagic string from TokenUpdate; the device ignores a push without the right one. */
  pushMagic: string;
  /** The APNs topic: the UID of the MDM push certificate (com.apple.mgmt.External.<uuid>). */
  topic: string;
}

/**
 * - `sent`: the push service accepted the notification (delivery is still best effort).
 * - `unregistered`: the token is no longer valid for the topic; stop pushing to it until the
 *   device sends a new TokenUpdate.
 * - `failed`: anything else (throttled after retries, timeout, certificate problem…); try again later.
 */
export type PushStatus = 'sent' | 'failed' | 'unregistered';

export interface PushOutcome {
  enrollmentId: string;
  status: PushStatus;
  /** The push service's reason (`Unregistered`, `BadDeviceToken`, `TooManyRequests`…) or ours (`timeout`). */
  reason?: string;
  /** APNs' identifier of the notification, when it returned one. */
  apnsId?: string;
}

export interface PushSender {
  /**
   * Pushes to every target and reports one outcome per target, in the order given. Never
   * rejects because of a device or the push service: failures are outcomes. Duplicate targets
   * in one call are pushed once and share the outcome.
   */
  send(targets: readonly PushTarget[]): Promise<PushOutcome[]>;
}

/**
 * Wakes devices so that they fetch their queued commands (an APNs push to Apple devices; WNS or
 * nothing for Windows, which polls). Fire and forget: resolves when the pushes are handed off
 * and never rejects; failures are recorded, never thrown into the request that queued commands.
 */
export interface DeviceWaker {
  wake(enrollmentIds: readonly string[]): Promise<void>;
}

/** The MDM push certificate in use (Graph's applePushNotificationCertificate), with its key. */
export interface StoredPushCertificate {
  /** The certificate alone, PEM. */
  certificatePem: string;
  /** Unencrypted PKCS #8 PEM. A secret: never in a response, a log or an audit event. */
  privateKeyPem: string;
  /** Lowercase hex. */
  serialNumber: string;
  /** The APNs topic, the certificate subject's UID: com.apple.mgmt.External.<uuid>. */
  topic: string;
  /** The Apple ID the certificate was created with, as the admin gave it (renewal needs the same one). */
  appleIdentifier: string | null;
  notBefore: Date;
  notAfter: Date;
  /** When this certificate was uploaded. */
  uploadedAt: Date;
  /** When anything about it last changed (Graph's lastModifiedDateTime). */
  modifiedAt: Date;
  /** The last upload attempt: `failed` when a replacement was refused (this certificate stays in use). */
  uploadStatus: 'succeeded' | 'failed';
  uploadFailureReason: string | null;
}

/** The private key of the last certificate signing request handed out, waiting for its certificate. */
export interface PendingPushCertificateRequest {
  id: string;
  /** Unencrypted PKCS #8 PEM. A secret. */
  privateKeyPem: string;
  createdAt: Date;
}

export interface PushCertificateStore {
  current(): Promise<StoredPushCertificate | undefined>;
  /**
   * Makes `next` the current certificate if the current one is still the one with serial
   * `expectedSerial` (null: there is none), and in the same transaction deletes the pending
   * request `consumedRequestId` when given. False when another upload got there first.
   */
  replace(next: StoredPushCertificate, expectedSerial: string | null, consumedRequestId?: string): Promise<boolean>;
  /** Notes a refused upload on the current certificate (which stays in use); nothing when there is none. */
  recordUploadFailure(reason: string): Promise<void>;
  pendingRequest(): Promise<PendingPushCertificateRequest | undefined>;
  /** Replaces any pending request: only the key of the last signing request handed out is kept. */
  savePendingRequest(request: PendingPushCertificateRequest): Promise<void>;
}
