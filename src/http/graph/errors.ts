// The one place that knows Graph's error JSON and which HTTP status each error code gets.
// https://learn.microsoft.com/graph/errors
import type { ErrorCode } from '../../core/errors.js';

export const httpStatus: Record<ErrorCode, number> = {
  'invalid-input': 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'device-identity': 403,
  unavailable: 503,
};

export const graphCode: Record<ErrorCode, string> = {
  'invalid-input': 'BadRequest',
  unauthenticated: 'InvalidAuthenticationToken',
  forbidden: 'Forbidden',
  'not-found': 'ResourceNotFound',
  conflict: 'Conflict',
  'payload-too-large': 'RequestEntityTooLarge',
  'unsupported-media-type': 'UnsupportedMediaType',
  'device-identity': 'Forbidden',
  unavailable: 'ServiceUnavailable',
};

export interface GraphError {
  error: {
    code: string;
    message: string;
    target?: string;
    innerError: { date: string; 'request-id': string; 'client-request-id': string };
  };
}

export function graphError(code: string, message: string, requestId: string, target?: string): GraphError {
  return {
    error: {
      code,
      message,
      ...(target ? { target } : {}),
      innerError: { date: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), 'request-id': requestId, 'client-request-id': requestId },
    },
  };
}
