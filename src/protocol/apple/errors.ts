// Coded errors of the Apple protocol codecs. They know nothing of HTTP: the Apple endpoints map a
// code to 400/403 (never 401: Apple devices unenroll on 401).
export type ProtocolErrorCode =
  | 'malformed-plist' // not a well-formed, safe plist (position in the message)
  | 'too-large' // over the size or depth limits
  | 'unknown-message-type' // a check-in MessageType Steward does not know
  | 'unknown-request-type' // a command RequestType not in Apple's schema
  | 'missing-key' // a key Apple's schema requires is absent
  | 'unknown-key' // a key Apple's schema does not list, in something Steward sends
  | 'invalid-value'; // a key with the wrong plist type or an out-of-range value

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    /** The key path (`Authenticate.UDID`) or `line:column` the error is about, when known. */
    readonly target?: string,
  ) {
    super(message);
  }
}
