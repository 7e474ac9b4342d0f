// Coded errors for the Windows protocol codecs. They know nothing of HTTP: the Windows
// endpoints map a code to a SOAP fault (enrollment) or a SyncML status (management).
export type ProtocolErrorCode =
  // XML well-formedness and the safety limits of xml.ts
  | 'xml-malformed'
  | 'xml-doctype-forbidden'
  | 'xml-entity-forbidden'
  | 'xml-encoding'
  | 'xml-namespace'
  | 'xml-too-large'
  | 'xml-too-deep'
  | 'xml-too-many-elements'
  | 'xml-too-many-attributes'
  | 'xml-invalid-character'
  // Structure of a well-formed document
  | 'wrong-namespace'
  | 'unexpected-element'
  | 'missing-element'
  | 'invalid-value'
  | 'unsupported-version'
  | 'unsupported-action'
  | 'message-too-large';

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    /** Character offset in the input (XML errors) or an element path (structure errors). */
    readonly where?: number | string,
  ) {
    super(where === undefined ? message : `${message} (at ${String(where)})`);
  }
}
