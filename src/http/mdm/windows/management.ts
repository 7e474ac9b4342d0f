// The OMA-DM management endpoint of enrolled Windows PCs ([MS-MDM]; the w7 ADDR of the
// provisioning document): POST /ManagementServer/MDM.svc, SyncML 1.2 over mutual TLS. Thin: the
// client certificate says which enrollment (before the body is read), decode, one core call
// (answerSyncML), encode. Refusals are plain text, never SyncML and never 401: 400 for a message
// that is not SyncML Steward can answer, 403 for a certificate that is unknown, revoked
// (unenrolled), expired or not Steward's, 415 for WBXML.
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Core } from '../../../core/deps.js';
import { StewardError, type ErrorCode } from '../../../core/errors.js';
import type { WindowsEnrollment } from '../../../core/enrollment/ports.js';
import { windowsEnrollmentForCertificate } from '../../../core/enrollment/windows-identity.js';
import { WINDOWS_PATHS } from '../../../core/enrollment/windows-paths.js';
import { answerSyncML, type WindowsSessionDeps } from '../../../core/windows/answer-session.js';
import { windowsResultHandler } from '../../../core/windows/result-handler.js';
import { windowsSessionStart } from '../../../core/windows/session-start.js';
import { SessionTable } from '../../../core/windows/session-table.js';
import { ProtocolError } from '../../../protocol/windows/errors.js';
import { decodeSyncML } from '../../../protocol/windows/syncml.js';
import { clientCertificates, type ClientCertificateOptions } from './client-certificate.js';
import { deviceStatus } from '../device-errors.js';

export interface WindowsManagementDeps {
  core: Core;
  certificates: ClientCertificateOptions;
  /**
   * A PC unenrolled itself (Alert 1226): the same hook as Apple's CheckOut. Without one, the
   * device's record goes (core.deviceRecords), as Intune's does when a PC leaves.
   */
  onUnenrolled?: (enrollmentId: string) => Promise<void>;
  /** Session state; one per process by default (tests pass their own to drop it). */
  sessions?: SessionTable;
  /** Inventory older than this is asked for again at the next session (default 8 hours). */
  inventoryRefreshMs?: number;
}

/** The largest SyncML message accepted: inventory answers are a few kilobytes. */
export const MAX_SYNCML_BYTES = 4 * 1024 * 1024;
export const SYNCML_CONTENT_TYPE = 'application/vnd.syncml.dm+xml';

// As every device endpoint, except that a message too large is answered as any bad message: 400.
const status: Record<ErrorCode, number> = { ...deviceStatus, 'payload-too-large': 400 };

function isClientError(err: unknown): err is FastifyError & { statusCode: number } {
  const status = (err as Partial<FastifyError> | undefined)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

function refuse(req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  let code: number;
  let reason: string;
  let message: string;
  if (err instanceof ProtocolError) {
    [code, reason, message] = [400, err.code, err.message];
  } else if (err instanceof StewardError) {
    [code, reason, message] = [status[err.code], err.code, err.message];
  } else if (isClientError(err)) {
    // Fastify's own refusals (body too large, unreadable body): a bad message, 400; 415 kept.
    code = err.statusCode === 415 ? 415 : 400;
    reason = err.code;
    message = err.statusCode === 413 ? `the message is larger than ${MAX_SYNCML_BYTES} bytes` : err.message;
  } else {
    throw err;
  }
  req.log.warn({ reason, detail: message, what: 'OMA-DM message', status: code }, 'device message refused');
  return reply.code(code).type('text/plain; charset=utf-8').send(`${message}\n`);
}

function checkContentType(req: FastifyRequest): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/vnd.syncml.dm+wbxml') {
    throw new StewardError('unsupported-media-type', `WBXML is not accepted: Steward enrolls PCs with DEFAULTENCODING ${SYNCML_CONTENT_TYPE}`);
  }
  if (type !== '' && type !== SYNCML_CONTENT_TYPE && type !== 'application/xml' && type !== 'text/xml') {
    throw new StewardError('unsupported-media-type', `content type ${type.slice(0, 80)} is not ${SYNCML_CONTENT_TYPE}`);
  }
}

export const windowsManagementRoutes: FastifyPluginAsync<{ deps: WindowsManagementDeps }> = async (app, { deps }) => {
  const core = deps.core;
  const certificates = clientCertificates(deps.certificates);
  const sessionDeps: Omit<WindowsSessionDeps, 'log'> = {
    windowsEnrollments: core.windowsEnrollments,
    commands: core.commands,
    clock: core.clock,
    sessions: deps.sessions ?? new SessionTable(),
    results: windowsResultHandler(core),
    onSessionStart: windowsSessionStart({ ...core, ...(deps.inventoryRefreshMs === undefined ? {} : { inventoryRefreshMs: deps.inventoryRefreshMs }) }),
    onUnenrolled: deps.onUnenrolled ?? (async (id) => { await core.deviceRecords.removeDevice(id, core.clock.now()); }),
  };
  const identified = new WeakMap<FastifyRequest, WindowsEnrollment>();

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_SYNCML_BYTES }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err, req, reply) => refuse(req, reply, err));

  app.post(WINDOWS_PATHS.management, {
    config: { permission: 'device' },
    // Which PC, before the body is read: a stranger's upload is refused unread.
    onRequest: async (req) => {
      req.markAuthorized(); // every outcome below is answered in words, by the handler or refuse()
      const certificate = certificates.presented(req);
      if (!certificate) throw new StewardError('device-identity', 'no client certificate: the management endpoint needs the certificate issued at enrollment (mutual TLS)');
      certificates.check(certificate);
      const found = await windowsEnrollmentForCertificate(core, certificate);
      switch (found.outcome) {
        case 'enrolled':
          identified.set(req, found.enrollment);
          return;
        case 'unknown':
          throw new StewardError('device-identity', `client certificate ${certificate.serialNumber} belongs to no Windows enrollment`);
        case 'unenrolled':
          throw new StewardError('device-identity', `enrollment ${found.enrollment.id} has ended (${found.enrollment.unenrolledAt ?? 'unenrolled'})`);
        case 'expired':
          throw new StewardError('device-identity', `the client certificate of enrollment ${found.enrollment.id} has expired`);
      }
    },
  }, async (req, reply) => {
    const enrollment = identified.get(req);
    if (!enrollment) throw new StewardError('device-identity', 'the client certificate was not checked');
    checkContentType(req);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const message = decodeSyncML(body, { maxBytes: MAX_SYNCML_BYTES });
    const out = await answerSyncML({ ...sessionDeps, log: req.log }, { enrollment, message });
    if (out.unenrolled) req.log.info({ enrollmentId: enrollment.id }, 'Windows PC unenrolled');
    return reply.type(SYNCML_CONTENT_TYPE).send(out.xml);
  });
};
