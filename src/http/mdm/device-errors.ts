// Errors on device endpoints: plain text, the status from the code, and never 401 (Apple devices
// unenroll on 401; DESIGN.md). The reason is logged with the request id.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { StewardError, type ErrorCode } from '../../core/errors.js';
import { httpStatus } from '../graph/errors.js';
import { ProtocolError } from '../../protocol/apple/errors.js';

/** The admin API's statuses, except that nothing is ever a 401 to a device. */
export const deviceStatus: Record<ErrorCode, number> = { ...httpStatus, unauthenticated: 403 };

/** Answers a refused device message; rethrows what is not a coded error (a 500 with the request id). */
export function refuseDevice(req: FastifyRequest, reply: FastifyReply, err: unknown, what: string): FastifyReply {
  if (err instanceof ProtocolError) {
    req.log.warn({ reason: err.code, detail: err.message, what }, 'device message refused');
    return reply.code(400).type('text/plain').send(`${err.message}\n`);
  }
  if (err instanceof StewardError) {
    const status = deviceStatus[err.code];
    req.log.warn({ reason: err.code, detail: err.message, what, status }, 'device message refused');
    return reply.code(status).type('text/plain').send(`${err.message}\n`);
  }
  throw err;
}
