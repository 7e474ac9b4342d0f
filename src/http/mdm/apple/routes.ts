// Apple's device endpoints: the enrollment profile download (GET enrollmentUrl), the check-in
// protocol (CheckInURL) and the command channel (ServerURL). Thin: identify the device, decode,
// one core call, encode. Never a 401 (devices unenroll on 401).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Core } from '../../../core/deps.js';
import { StewardError } from '../../../core/errors.js';
import { answerConnect, type CommandResultHandler } from '../../../core/commands/answer-connect.js';
import { appleCommandOf, commandReportOf } from '../../../core/apple/command-json.js';
import { handleAppleCheckin, type CheckinAnswer } from '../../../core/enrollment/apple-checkin.js';
import { APPLE_PATHS, issueAppleProfile, type ProfileSigner } from '../../../core/enrollment/apple-profile.js';
import { decodeCheckin } from '../../../protocol/apple/checkin.js';
import { decodeCommandReport, encodeCommand } from '../../../protocol/apple/connect.js';
import { encodePlist } from '../../../protocol/apple/plist.js';
import { refuseDevice } from '../device-errors.js';
import { identifyDevice, type IdentityDeps } from './identity.js';

export interface AppleMdmDeps {
  core: Core;
  identity: IdentityDeps;
  signer: ProfileSigner;
  baseUrl: string;
  organization: string;
  /** Applies answers: inventory, deviceActionResults (core/apple/result-handler.ts). */
  results?: CommandResultHandler;
  /** Queues the first inventory of a newly enrolled device. */
  onEnrolled?: (enrollmentIds: readonly string[]) => Promise<void>;
  onUnenrolled?: (enrollmentId: string) => Promise<void>;
}

/** How stale a device's last check-in time may get before a message writes it again. */
export const TOUCH_EVERY_MS = 60_000;

/** Largest check-in or report accepted: an InstalledApplicationList of a well-used Mac fits. */
export const MAX_DEVICE_MESSAGE_BYTES = 8 * 1024 * 1024;

export const appleMdmRoutes: FastifyPluginAsync<{ deps: AppleMdmDeps }> = async (app, { deps }) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_DEVICE_MESSAGE_BYTES }, (_req, body, done) => done(null, body));
  const core = deps.core;
  const pushTopic = async () => (await core.pushCertificates.current())?.topic;
  const config = { permission: 'device' as const };

  // The enrollment URL: anyone holding the token may download the profile (that is what it is
  // for). Answered in words for the person whose browser opened it.
  app.get<{ Params: { token: string } }>('/enroll/:token', { config: { permission: 'public' } }, async (req, reply) => {
    try {
      const issued = await issueAppleProfile({ ...core, signer: deps.signer, pushTopic, baseUrl: deps.baseUrl, organization: deps.organization }, { kind: 'token', token: req.params.token });
      req.log.info({ enrollmentId: issued.enrollmentId }, 'Apple enrollment profile issued');
      return await reply
        .type('application/x-apple-aspen-config')
        .header('content-disposition', 'attachment; filename="enroll.mobileconfig"')
        .header('cache-control', 'no-store')
        .send(Buffer.from(issued.signed));
    } catch (err) {
      return refuseDevice(req, reply, err, 'enrollment profile');
    }
  });

  app.put(APPLE_PATHS.checkIn, { config }, async (req, reply) => {
    const body = bodyOf(req);
    try {
      const identity = await identifyDevice(deps.identity, req.headers, body);
      req.markAuthorized();
      const message = decodeCheckin(body);
      const answer = await handleAppleCheckin({ ...core, pushTopic, onEnrolled: deps.onEnrolled, onUnenrolled: deps.onUnenrolled }, { ...identity, message });
      req.log.info({ enrollmentId: identity.enrollmentId, messageType: message.MessageType }, 'Apple check-in');
      return await sendCheckinAnswer(reply, answer);
    } catch (err) {
      req.markAuthorized(); // refused in words below: the backstop must not turn it into a 500
      return refuseDevice(req, reply, err, 'check-in');
    }
  });

  app.put(APPLE_PATHS.server, { config }, async (req, reply) => {
    const body = bodyOf(req);
    try {
      const identity = await identifyDevice(deps.identity, req.headers, body);
      req.markAuthorized();
      const report = decodeCommandReport(body);
      const now = core.clock.now();
      // The enrollment and whether anything is due, in one statement: most messages are an Idle
      // with nothing queued, and end here.
      const found = await core.appleEnrollments.getForConnect(identity.enrollmentId, now);
      const enrollment = found?.enrollment;
      if (!enrollment || enrollment.state !== 'enrolled') throw new StewardError('device-identity', `enrollment ${identity.enrollmentId} is not enrolled (${enrollment?.state ?? 'unknown'})`);
      if (enrollment.identitySerial !== identity.identitySerial) throw new StewardError('device-identity', 'the identity certificate is not the one bound at Authenticate');
      const deviceId = report.UDID ?? report.EnrollmentID;
      if (deviceId !== enrollment.udid) throw new StewardError('device-identity', `the report names device ${String(deviceId)}, but this identity belongs to another device`);
      // The user channel (macOS): Steward queues nothing there.
      if (report.EnrollmentUserID !== undefined || report.UserID !== undefined) return await reply.code(200).send();
      const reported = commandReportOf(report);
      const out = reported === 'idle' && found?.commandDue === false
        ? { recorded: undefined, next: undefined }
        : await answerConnect({ queue: core.commands, clock: core.clock, results: deps.results }, { enrollmentId: enrollment.id, report: reported, commandDue: found?.commandDue });
      if (out.recorded === 'unknown') req.log.warn({ enrollmentId: enrollment.id, status: report.Status }, 'report for a command this device was never sent');
      // The last check-in, to the minute: a write on every message would cost more than the rest.
      if (enrollment.lastSeenAt === null || now.getTime() - Date.parse(enrollment.lastSeenAt) >= TOUCH_EVERY_MS) await core.appleEnrollments.touch(enrollment.id, now);
      if (!out.next) return await reply.code(200).send();
      return await reply.type('application/xml').send(Buffer.from(encodeCommand(appleCommandOf(out.next))));
    } catch (err) {
      req.markAuthorized();
      return refuseDevice(req, reply, err, 'command report');
    }
  });
};

function bodyOf(req: FastifyRequest): Uint8Array {
  return Buffer.isBuffer(req.body) ? req.body : new Uint8Array();
}

async function sendCheckinAnswer(reply: FastifyReply, answer: CheckinAnswer): Promise<FastifyReply> {
  switch (answer.kind) {
    case 'empty': return reply.code(200).send();
    case 'gone': return reply.code(410).send();
    case 'plist': return reply.type('application/xml').send(Buffer.from(encodePlist(answer.body)));
    case 'json': return reply.type('application/json').send(JSON.stringify(answer.body));
  }
}
