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
