// [MS-WSTEP] RequestSecurityToken as [MS-MDE2] §3.4 profiles it: the enrollment client sends its
// credential (header), a PKCS #10 request and AdditionalContext items describing the device; the
// server answers with a RequestSecurityTokenResponseCollection whose token is the base64 of a
// wap-provisioningdoc (provisioning.ts). Request: [MS-MDE2] §3.4.4.1.1.1.1-3 (Issue), §3.5.4.1.1.1
// (Renew), §3.6.4.1.1.1 (Recovery). Response: §3.4.4.1.1.2 and the §4.3.2 sample. Faults: §2.2.10.
import { ProtocolError } from './errors.js';
import {
  PKI_ENROLLMENT_NS, SOAP12_NS, WSA_NS, WSSE_NS, WSTRUST_NS, decodeSoapEnvelope, decodeWsseCredential, encodeSoapFault,
  type SoapFault, type WsseCredential,
} from './mde2.js';
import { attribute, child, children, el, parseXml, renderXml, textOf, type XmlElement } from './xml.js';

export const RST_ACTION = 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment/RST/wstep';
export const RSTRC_ACTION = 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment/RSTRC/wstep';
export const AUTHORIZATION_NS = 'http://schemas.xmlsoap.org/ws/2006/12/authorization';
export const WSU_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
export const DEVICE_ENROLLMENT_TOKEN_TYPE = 'http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentToken';
export const PROVISION_DOC_VALUE_TYPE = 'http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentProvisionDoc';
export const PKCS10_VALUE_TYPE = 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment#PKCS10';
export const PKCS7_VALUE_TYPE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#PKCS7';
export const BASE64_ENCODING_TYPE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary';

const requestTypes = {
  [`${WSTRUST_NS}/Issue`]: 'Issue',
  [`${WSTRUST_NS}/Renew`]: 'Renew',
  [`${WSTRUST_NS}/Recovery`]: 'Recovery',
} as const satisfies Record<string, string>;
export type RstRequestType = (typeof requestTypes)[keyof typeof requestTypes];

/** [MS-MDE2] §3.4.4.1.1.1.1: EnrollmentType MUST be Full (user MDM) or Device (device MDM). */
export type EnrollmentType = 'Full' | 'Device';

export interface RequestSecurityToken {
  messageId: string;
  to?: string;
  /** UsernameToken (OnPremise) or BinarySecurityToken (Federated user token, or X509v3 for Certificate). */
  credential: WsseCredential;
  requestType: RstRequestType;
  /** The certificate request, base64-decoded and not parsed further: a PKCS #10 for Issue and
   * Recovery; for Renew [MS-MDE2] §3.5.4.1.1.1 names a PKCS #7 ValueType. */
  csr: Uint8Array;
  csrFormat: 'pkcs10' | 'pkcs7';
  /** AdditionalContext items by Name, values trimmed, in document order. A Name can repeat (MAC, IMEI). */
  context: ReadonlyMap<string, readonly string[]>;
  /** The EnrollmentType context item, when sent. */
  enrollmentType?: EnrollmentType;
}

const BODY = '/Envelope/Body/RequestSecurityToken';

/** Decodes a RequestSecurityToken request. Throws only ProtocolError. */
export function decodeRequestSecurityToken(input: Uint8Array | string): RequestSecurityToken {
  const env = decodeSoapEnvelope(input);
  if (env.action !== RST_ACTION) throw new ProtocolError('unsupported-action', `action ${JSON.stringify(env.action.slice(0, 200))} is not RequestSecurityToken (${RST_ACTION})`, '/Envelope/Header/Action');
  if (env.messageId === undefined || env.messageId === '') throw new ProtocolError('missing-element', 'WS-Addressing MessageID header is missing (the response must relate to it)', '/Envelope/Header');
  const rst = env.body;
  if (rst.name !== 'RequestSecurityToken') throw new ProtocolError('unexpected-element', `expected <RequestSecurityToken>, found <${rst.name}>`, '/Envelope/Body');
  if (rst.ns !== WSTRUST_NS) throw new ProtocolError('wrong-namespace', `<RequestSecurityToken> is in namespace ${JSON.stringify(rst.ns)}, expected ${WSTRUST_NS}`, '/Envelope/Body');

  const text = (name: string): string => {
    const c = child(rst, WSTRUST_NS, name);
    if (!c) throw new ProtocolError('missing-element', `<${name}> is required in <RequestSecurityToken>`, BODY);
    return textOf(c);
  };
  const tokenType = text('TokenType');
  if (tokenType !== DEVICE_ENROLLMENT_TOKEN_TYPE) throw new ProtocolError('invalid-value', `TokenType ${JSON.stringify(tokenType.slice(0, 200))} is not ${DEVICE_ENROLLMENT_TOKEN_TYPE}`, `${BODY}/TokenType`);
  const requestTypeUri = text('RequestType');
  const requestType = Object.hasOwn(requestTypes, requestTypeUri) ? requestTypes[requestTypeUri as keyof typeof requestTypes] : undefined;
  if (requestType === undefined) throw new ProtocolError('invalid-value', `RequestType ${JSON.stringify(requestTypeUri.slice(0, 200))} is not Issue, Renew or Recovery`, `${BODY}/RequestType`);

  const credential = decodeWsseCredential(env);
  const { csr, csrFormat } = decodeCsr(rst, requestType);
  const context = decodeAdditionalContext(rst);
  const out: RequestSecurityToken = { messageId: env.messageId, credential, requestType, csr, csrFormat, context };
  if (env.to !== undefined) out.to = env.to;
  const et = context.get('EnrollmentType');
  if (et !== undefined) {
    if (et.length !== 1 || (et[0] !== 'Full' && et[0] !== 'Device')) throw new ProtocolError('invalid-value', `EnrollmentType must be sent once, as Full or Device (got ${JSON.stringify(et.map((v) => v.slice(0, 32)))})`, `${BODY}/AdditionalContext`);
    out.enrollmentType = et[0];
  }
  return out;
}

function decodeCsr(rst: XmlElement, requestType: RstRequestType): { csr: Uint8Array; csrFormat: 'pkcs10' | 'pkcs7' } {
  const path = `${BODY}/BinarySecurityToken`;
  const tokens = children(rst, WSSE_NS, 'BinarySecurityToken');
  const [bst, ...more] = tokens;
  if (!bst) throw new ProtocolError('missing-element', 'the certificate request (wsse:BinarySecurityToken) is missing in <RequestSecurityToken>', BODY);
  if (more.length > 0) throw new ProtocolError('unexpected-element', 'more than one wsse:BinarySecurityToken in <RequestSecurityToken>', path);
  const valueType = attribute(bst, '', 'ValueType') ?? attribute(bst, WSSE_NS, 'ValueType');
  const csrFormat = valueType === PKCS10_VALUE_TYPE ? 'pkcs10' : valueType === PKCS7_VALUE_TYPE ? 'pkcs7' : undefined;
  if (csrFormat === undefined) throw new ProtocolError('invalid-value', `certificate request ValueType ${JSON.stringify((valueType ?? '(none)').slice(0, 200))} is neither PKCS10 nor PKCS7`, path);
  if (csrFormat === 'pkcs7' && requestType !== 'Renew') throw new ProtocolError('invalid-value', `a PKCS7 certificate request is only sent to Renew, not to ${requestType}`, path);
  const encodingType = attribute(bst, '', 'EncodingType') ?? attribute(bst, WSSE_NS, 'EncodingType');
  if (encodingType !== undefined && encodingType.toLowerCase() !== BASE64_ENCODING_TYPE.toLowerCase()) throw new ProtocolError('invalid-value', `certificate request EncodingType ${JSON.stringify(encodingType.slice(0, 200))} is not base64binary`, path);
  const compact = textOf(bst).replace(/[ \t\r\n]/g, '');
  if (compact === '') throw new ProtocolError('missing-element', 'the certificate request is empty', path);
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) throw new ProtocolError('invalid-value', 'the certificate request is not base64', path);
  const csr = new Uint8Array(Buffer.from(compact, 'base64'));
  // A DER SEQUENCE at least; the CA parses and verifies it.
  if (csr[0] !== 0x30) throw new ProtocolError('invalid-value', 'the certificate request is not a DER SEQUENCE', path);
  return { csr, csrFormat };
}

function decodeAdditionalContext(rst: XmlElement): Map<string, string[]> {
  const context = new Map<string, string[]>();
  const ac = child(rst, AUTHORIZATION_NS, 'AdditionalContext');
  // Nothing in the context is needed to read the request; the use case decides which items it requires.
  if (!ac) return context;
  for (const item of children(ac, AUTHORIZATION_NS, 'ContextItem')) {
    const name = attribute(item, '', 'Name');
    if (name === undefined || name === '') throw new ProtocolError('invalid-value', 'a ContextItem has no Name', `${BODY}/AdditionalContext/ContextItem`);
    const value = child(item, AUTHORIZATION_NS, 'Value');
    const v = value === undefined ? '' : textOf(value);
    const list = context.get(name);
    if (list) list.push(v);
    else context.set(name, [v]);
  }
  return context;
}

/** The first value of a context item, e.g. contextValue(rst, 'DeviceID'). */
export function contextValue(rst: Pick<RequestSecurityToken, 'context'>, name: string): string | undefined {
  return rst.context.get(name)?.[0];
}

// ---- response ----

export interface RequestSecurityTokenResponseInput {
  /** The request's MessageID. */
  relatesTo: string;
  /** The wap-provisioningdoc (provisioning.ts); sent base64-encoded as UTF-8. */
  provisioningXml: string;
  /** [MS-WSTEP] RequestID; "0" as in the [MS-MDE2] §4.3.2 sample when absent. */
  requestId?: string;
  /** WS-Security timestamp of the response, as the §4.3.2 sample carries one. */
  timestamp?: { created: Date; expires: Date };
}

/**
 * Encodes the RequestSecurityTokenResponseCollection. SOAP 1.2, like the request and the §2.2.10
 * fault samples: the §4.3.2 sample's SOAP 1.1 envelope namespace does not match the SOAP 1.2
 * request it answers.
 */
export function encodeRequestSecurityTokenResponse(r: RequestSecurityTokenResponseInput): string {
  if (r.relatesTo === '') throw new ProtocolError('invalid-value', 'relatesTo must be the request MessageID');
  // The token must be a well-formed provisioning document; catch a bad one here, not on the device.
  const doc = parseXml(r.provisioningXml);
  if (doc.name !== 'wap-provisioningdoc' || doc.ns !== '') throw new ProtocolError('invalid-value', `provisioningXml has root <${doc.name}>, not <wap-provisioningdoc>`);
  const requestId = r.requestId ?? '0';
  if (requestId === '') throw new ProtocolError('invalid-value', 'requestId must not be empty');
  if (r.timestamp !== undefined && !(r.timestamp.created.getTime() <= r.timestamp.expires.getTime())) throw new ProtocolError('invalid-value', 'timestamp must expire after it is created');
  const token = Buffer.from(r.provisioningXml, 'utf8').toString('base64');
  return renderXml(el('s:Envelope', { 'xmlns:s': SOAP12_NS, 'xmlns:a': WSA_NS, 'xmlns:u': WSU_NS },
    el('s:Header', undefined,
      el('a:Action', { 's:mustUnderstand': '1' }, RSTRC_ACTION),
      el('a:RelatesTo', undefined, r.relatesTo),
      r.timestamp === undefined ? undefined : el('o:Security', { 's:mustUnderstand': '1', 'xmlns:o': WSSE_NS },
        el('u:Timestamp', { 'u:Id': '_0' },
          el('u:Created', undefined, r.timestamp.created.toISOString()),
          el('u:Expires', undefined, r.timestamp.expires.toISOString())))),
    el('s:Body', undefined,
      el('RequestSecurityTokenResponseCollection', { xmlns: WSTRUST_NS },
        el('RequestSecurityTokenResponse', undefined,
          el('TokenType', undefined, DEVICE_ENROLLMENT_TOKEN_TYPE),
          el('DispositionMessage', { xmlns: PKI_ENROLLMENT_NS }),
          el('RequestedSecurityToken', undefined,
            el('BinarySecurityToken', { ValueType: PROVISION_DOC_VALUE_TYPE, EncodingType: BASE64_ENCODING_TYPE, xmlns: WSSE_NS }, token)),
          el('RequestID', { xmlns: PKI_ENROLLMENT_NS }, requestId))))), { declaration: true });
}

/** A fault from the enrollment service, with the RSTRC action of the [MS-MDE2] §2.2.10 samples. */
export function encodeEnrollmentFault(f: Omit<SoapFault, 'action'>): string {
  return encodeSoapFault({ ...f, action: RSTRC_ACTION });
}
