// Coded errors that know nothing of HTTP. Each transport maps a code to its own form once:
// src/http/graph/errors.ts for the admin API, the device endpoints for theirs.
export type ErrorCode =
  | 'invalid-input'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'device-identity'
  | 'unavailable';

export class StewardError extends Error {
  override readonly name = 'StewardError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The input that was wrong: a property name, a query option, a flag. */
    readonly target?: string,
  ) {
    super(message);
  }
}

export const invalidInput = (message: string, target?: string) => new StewardError('invalid-input', message, target);
export const notFound = (message: string, target?: string) => new StewardError('not-found', message, target);
