// Refusals on the Windows enrollment endpoints as [MS-MDE2] §2.2.10 SOAP faults: the subcode
// Windows maps to its MENROLL_E_* error, a reason and a DeviceEnrollmentServiceError detail in
// words. The only place that knows these codes and their HTTP statuses.
//
// HTTP status: the SOAP 1.2 HTTP binding (W3C SOAP 1.2 Part 2 §7.5.2.2) sends an env:Sender fault
// with 400 and any other with 500. A refusal is the request's doing in SOAP 1.2's own terms
// (env:Sender: "the message … did not contain the appropriate information in order to succeed.
// For example, the message could lack the proper authentication"), so every refusal is a Sender
// fault and a 400; only Steward's own trouble is a Receiver fault and a 500. [MS-MDE2]'s one
// sample puts an authorization refusal under s:Receiver; Windows reads the subcode, not the code.
// Never a 401 (DESIGN.md: device endpoints).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { StewardError } from '../../../core/errors.js';
import { WindowsEnrollmentRefusal, type WindowsRefusalReason } from '../../../core/enrollment/windows-refusal.js';
import { ProtocolError } from '../../../protocol/windows/errors.js';
import { decodeSoapEnvelope, encodeSoapFault, type EnrollmentErrorType, type FaultSubcode, type SoapFault } from '../../../protocol/windows/mde2.js';
import { RSTRC_ACTION } from '../../../protocol/windows/wstep.js';

export type WindowsService = 'discovery' | 'policy' | 'enrollment';

const refusals: Record<WindowsRefusalReason, { subcode: FaultSubcode; errorType: EnrollmentErrorType }> = {
  'message-format': { subcode: 'MessageFormat', errorType: 'InvalidEnrollmentData' },
  authentication: { subcode: 'Authentication', errorType: 'CustomServerError' },
  authorization: { subcode: 'Authorization', errorType: 'CustomServerError' },
  license: { subcode: 'Authorization', errorType: 'UserLicense' },
  'certificate-request': { subcode: 'CertificateRequest', errorType: 'CustomServerError' },
  'invalid-security': { subcode: 'InvalidSecurity', errorType: 'CustomServerError' },
  'not-supported': { subcode: 'Authorization', errorType: 'DeviceNotSupported' },
  renewal: { subcode: 'Authorization', errorType: 'NotEligibleToRenew' },
};

export const SOAP_CONTENT_TYPE = 'application/soap+xml; charset=utf-8';

/** The request's MessageID, if the body is at least a readable envelope (for RelatesTo). */
export function messageIdOf(body: Uint8Array): string | undefined {
  try {
    const id = decodeSoapEnvelope(body).messageId;
    return id !== undefined && id.length <= 256 ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Answers a refused or failed request with a SOAP fault. Coded refusals are logged as warnings;
 * anything else is logged with its stack and answered as an InternalServiceFault quoting the
 * request id, so that no error ever leaves a device endpoint as anything but a fault.
 */
export function sendFault(req: FastifyRequest, reply: FastifyReply, err: unknown, service: WindowsService, relatesTo?: string): FastifyReply {
  const fault = faultFor(req, err, service);
  const body = encodeSoapFault({
    ...fault.fault,
    ...(service === 'enrollment' ? { action: RSTRC_ACTION } : {}),
    ...(relatesTo !== undefined ? { relatesTo } : {}),
    activityId: req.id,
  });
  return reply.code(fault.status).header('cache-control', 'no-store').type(SOAP_CONTENT_TYPE).send(body);
}

function faultFor(req: FastifyRequest, err: unknown, service: WindowsService): { status: number; fault: SoapFault } {
  if (err instanceof WindowsEnrollmentRefusal) {
    const r = refusals[err.reason];
    req.log.warn({ service, reason: err.reason, detail: err.message }, 'Windows enrollment message refused');
    return { status: 400, fault: { code: 'Sender', subcode: r.subcode, reason: err.message, detail: { errorType: r.errorType, message: err.message, traceId: req.id } } };
  }
  if (err instanceof ProtocolError) {
    req.log.warn({ service, reason: err.code, detail: err.message }, 'Windows enrollment message refused');
    // A credential Steward cannot read is a security-header problem ([MS-MDE2] §2.2.10 InvalidSecurity).
    const security = (typeof err.where === 'string' && err.where.startsWith('/Envelope/Header/Security')) || err.message.includes('wsse:Security');
    const reason = security ? 'The sign-in in the request cannot be read. Start the enrollment again.' : `The enrollment request is not valid: ${err.message}`;
    return {
      status: err.code === 'xml-too-large' ? 413 : 400,
      fault: { code: 'Sender', subcode: security ? 'InvalidSecurity' : 'MessageFormat', reason, detail: { errorType: 'InvalidEnrollmentData', message: reason, traceId: req.id } },
    };
  }
  if (isBodyTooLarge(err)) {
    req.log.warn({ service, reason: 'body-too-large' }, 'Windows enrollment message refused');
    const reason = 'The enrollment request is larger than Steward accepts.';
    return { status: 413, fault: { code: 'Sender', subcode: 'MessageFormat', reason, detail: { errorType: 'InvalidEnrollmentData', message: reason, traceId: req.id } } };
  }
  if (isClientError(err)) {
    req.log.warn({ service, reason: (err as { code?: unknown }).code, detail: (err as Error).message }, 'Windows enrollment message refused');
    const reason = 'The enrollment request could not be read.';
    return { status: 400, fault: { code: 'Sender', subcode: 'MessageFormat', reason, detail: { errorType: 'InvalidEnrollmentData', message: reason, traceId: req.id } } };
  }
  if (err instanceof StewardError && err.code === 'unavailable') {
    req.log.error({ service, detail: err.message }, 'Windows enrollment unavailable');
    const reason = `Steward cannot enroll devices right now. Quote request id ${req.id} to your administrator.`;
    return { status: 500, fault: { code: 'Receiver', subcode: 'EnrollmentServer', reason, detail: { errorType: 'InMaintenance', message: reason, traceId: req.id } } };
  }
  req.log.error({ err, service }, 'Windows enrollment failed');
  const reason = `Steward hit an unexpected problem. Quote request id ${req.id} to your administrator.`;
  return { status: 500, fault: { code: 'Receiver', subcode: 'InternalServiceFault', reason, detail: { errorType: 'CustomServerError', message: reason, traceId: req.id } } };
}

function isBodyTooLarge(err: unknown): boolean {
  const e = err as { code?: unknown; statusCode?: unknown } | null;
  return typeof e === 'object' && e !== null && (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e.statusCode === 413);
}

/** Fastify's own client errors in a device route (bad content length, aborted body, …): a fault, never a JSON error. */
function isClientError(err: unknown): boolean {
  const e = err as { statusCode?: unknown } | null;
  return typeof e === 'object' && e !== null && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500;
}
