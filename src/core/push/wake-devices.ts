// DeviceWaker for Apple devices: an APNs push ({"mdm": PushMagic} to the device token, on the
// push certificate's topic) makes a device check in and fetch its queued commands.
//
// The sender is built from the certificate in the database, read on every wake so that an upload
// on any replica takes effect everywhere; one sender (one HTTP/2 connection) serves as long as
// the certificate's serial is the same, and is closed when it changes.
import type { Clock } from '../clock.js';
import type { AppleEnrollmentStore } from '../enrollment/ports.js';
import type { DeviceWaker, PushCertificateStore, PushOutcome, PushSender, PushTarget, StoredPushCertificate } from './ports.js';

/** The part of a logger the waker uses (pino's fits). Details never carry a device token. */
export interface WakeLog {
  debug(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface ClosablePushSender extends PushSender {
  close(): Promise<void>;
}

export interface DeviceWakerDeps {
  enrollments: Pick<AppleEnrollmentStore, 'pushTargets'>;
  certificates: Pick<PushCertificateStore, 'current'>;
  /** An APNs sender authenticated with the certificate (main.ts: createApnsSender). */
  senderFor(certificate: StoredPushCertificate): ClosablePushSender;
  clock: Clock;
  log: WakeLog;
}

export interface AppleDeviceWaker extends DeviceWaker {
  /** Closes the APNs connection after the pushes in flight; later wakes do nothing. */
  close(): Promise<void>;
}

/** Ids looked up per query: well under SQLite's and PostgreSQL's limits on bound parameters. */
const LOOKUP_BATCH = 500;
/** Failures logged one by one per wake; the rest are counted in the summary line. */
const MAX_FAILURES_LOGGED = 20;

export function createDeviceWaker(deps: DeviceWakerDeps): AppleDeviceWaker {
  let active: { serial: string; sender: ClosablePushSender } | undefined;
  let saidNoCertificate = false;
  let saidExpired: string | undefined;
  let closed = false;

  function senderFor(certificate: StoredPushCertificate): ClosablePushSender {
    if (active?.serial === certificate.serialNumber) return active.sender;
    const previous = active;
    // Swapped before any await, so two wakes that both see the new certificate share one sender.
    active = { serial: certificate.serialNumber, sender: deps.senderFor(certificate) };
    if (previous !== undefined) {
      previous.sender.close().catch((err: unknown) => deps.log.warn({ err, serialNumber: previous.serial }, 'closing the APNs connection of the previous push certificate failed'));
    }
    return active.sender;
  }

  async function wake(enrollmentIds: readonly string[]): Promise<void> {
    if (closed || enrollmentIds.length === 0) return;
    const certificate = await deps.certificates.current();
    if (certificate === undefined) {
      if (!saidNoCertificate) deps.log.debug({ devices: enrollmentIds.length }, 'no Apple push notification certificate uploaded: Apple devices are not woken and fetch commands when they next check in');
      saidNoCertificate = true;
      return;
    }
    saidNoCertificate = false;
    if (certificate.notAfter.getTime() <= deps.clock.now().getTime()) {
      if (saidExpired !== certificate.serialNumber) {
        deps.log.error({ topic: certificate.topic, expired: certificate.notAfter.toISOString() }, 'the Apple push notification certificate has expired: Apple devices cannot be woken until it is renewed');
      }
      saidExpired = certificate.serialNumber;
      return;
    }

    const ids = [...new Set(enrollmentIds)];
    const targets: PushTarget[] = [];
    const otherTopic: string[] = [];
    for (let i = 0; i < ids.length; i += LOOKUP_BATCH) {
      for (const t of await deps.enrollments.pushTargets(ids.slice(i, i + LOOKUP_BATCH))) {
        // APNs would refuse it (DeviceTokenNotForTopic): the device enrolled under another certificate.
        if (t.topic !== certificate.topic) otherTopic.push(t.id);
        else targets.push({ enrollmentId: t.id, token: t.pushToken, pushMagic: t.pushMagic, topic: t.topic });
      }
    }
    if (otherTopic.length > 0) {
      deps.log.warn({ enrollmentIds: otherTopic.slice(0, MAX_FAILURES_LOGGED), devices: otherTopic.length, topic: certificate.topic },
        'not pushed: these devices enrolled under another push certificate topic and must enroll again');
    }
    if (targets.length === 0 || closed) return;
    report(await senderFor(certificate).send(targets), ids.length - targets.length - otherTopic.length, otherTopic.length);
  }

  function report(outcomes: readonly PushOutcome[], notPushable: number, otherTopic: number): void {
    const counts = { sent: 0, failed: 0, unregistered: 0 };
    let logged = 0;
    for (const o of outcomes) {
      counts[o.status]++;
      if (o.status === 'sent' || logged >= MAX_FAILURES_LOGGED) continue;
      logged++;
      if (o.status === 'unregistered') {
        deps.log.warn({ enrollmentId: o.enrollmentId, reason: o.reason }, 'APNs no longer knows this device token: the device cannot be woken until it sends a new TokenUpdate');
      } else {
        deps.log.warn({ enrollmentId: o.enrollmentId, reason: o.reason }, 'APNs push failed');
      }
    }
    const summary = { ...counts, notPushable, otherTopic };
    if (counts.failed + counts.unregistered > 0) deps.log.warn(summary, 'devices woken, with failures');
    else deps.log.debug(summary, 'devices woken');
  }

  return {
    wake: (enrollmentIds) => wake(enrollmentIds).catch((err: unknown) => {
      deps.log.error({ err, devices: enrollmentIds.length }, 'waking devices failed');
    }),
    async close() {
      closed = true;
      const last = active;
      active = undefined;
      await last?.sender.close();
    },
  };
}
