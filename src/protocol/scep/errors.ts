// Why a SCEP message could not be decoded. The transport logs `reason` and answers 400.
export type ScepProtocolErrorReason =
  | 'malformed'
  | 'unsupported'
  | 'bad-signature'
  | 'decrypt-failed';

export class ScepProtocolError extends Error {
  override readonly name = 'ScepProtocolError';
  constructor(readonly reason: ScepProtocolErrorReason, message: string) {
    super(message);
  }
}
