// Why a CMS message (RFC 5652) was refused. Messages are untrusted input: every way a SignedData
// can be wrong ends in one of these reasons, never in another kind of error.
export type CmsErrorReason =
  /** Not well-formed BER/DER, or not the structure RFC 5652 defines, or missing something required. */
  | 'malformed'
  /** Well-formed but outside what Steward handles (an algorithm, a key type, several signers). */
  | 'unsupported'
  /** The content digest or the signature does not match. */
  | 'bad-signature';

export class CmsError extends Error {
  override readonly name = 'CmsError';
  constructor(readonly reason: CmsErrorReason, message: string) {
    super(message);
  }
}
