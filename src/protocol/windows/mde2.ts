// MS-MDE2 SOAP messages: the discovery request and response (§3.1.4.1), the WS-Security
// credential in the header of GetPolicies / RequestSecurityToken (§3.3, §3.4), and SOAP faults
// (§2.2.10). Samples: learn.microsoft.com "On-premises authentication device enrollment".
import { ProtocolError } from './errors.js';
import { XML_NS, attribute, child, children, el, parseXml, renderXml, textOf, type XmlElement, type XmlLimits, type XmlNode } from './xml.js';

export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
export const WSA_NS = 'http://www.w3.org/2005/08/addressing';
export const ENROLLMENT_2012_NS = 'http://schemas.microsoft.com/windows/management/2012/01/enrollment';
export const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
export const WSTRUST_NS = 'http://docs.oasis-open.org/ws-sx/ws-trust/200512';
export const PKI_ENROLLMENT_NS = 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment';
const DIAGNOSTICS_NS = 'http://schemas.microsoft.com/2004/09/servicemodel/diagnostics';

export const DISCOVER_ACTION = `${ENROLLMENT_2012_NS}/IDiscoveryService/Discover`;
export const DISCOVER_RESPONSE_ACTION = `${ENROLLMENT_2012_NS}/IDiscoveryService/DiscoverResponse`;
export const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';
export const USER_TOKEN_VALUE_TYPE = 'http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentUserToken';

export const soapXmlLimits: Partial<XmlLimits> = { maxBytes: 256 * 1024, maxDepth: 16, maxElements: 2_000 };

export interface SoapEnvelope {
  action: string;
  messageId?: string;
  to?: string;
  header: XmlElement | undefined;
  /** The first element child of s:Body. */
  body: XmlElement;
}

/** Parses a SOAP 1.2 envelope as Windows enrollment clients send it. */
export function decodeSoapEnvelope(input: Uint8Array | string, limits: Partial<XmlLimits> = {}): SoapEnvelope {
  const root = parseXml(input, { ...soapXmlLimits, ...limits });
  if (root.name !== 'Envelope') throw new ProtocolError('unexpected-element', `root element is <${root.name}>, not a SOAP Envelope`, '/');
  if (root.ns !== SOAP12_NS) throw new ProtocolError('wrong-namespace', `Envelope is in namespace ${JSON.stringify(root.ns)}, expected SOAP 1.2`, '/Envelope');
  const header = child(root, SOAP12_NS, 'Header');
  const bodyEl = child(root, SOAP12_NS, 'Body');
  if (!bodyEl) throw new ProtocolError('missing-element', 'SOAP Body is missing', '/Envelope');
  const [body, ...rest] = bodyEl.children;
  if (!body || rest.length > 0) throw new ProtocolError('unexpected-element', 'SOAP Body must hold exactly one element', '/Envelope/Body');
  const text = (name: string): string | undefined => {
    const c = header === undefined ? undefined : child(header, WSA_NS, name);
    return c === undefined ? undefined : textOf(c);
  };
  const action = text('Action');
  if (action === undefined) throw new ProtocolError('missing-element', 'WS-Addressing Action header is missing', '/Envelope/Header');
  const messageId = text('MessageID');
  const to = text('To');
  return { action, header, body, ...(messageId !== undefined ? { messageId } : {}), ...(to !== undefined ? { to } : {}) };
}

// ---- discovery ----

export type AuthPolicy = 'OnPremise' | 'Federated' | 'Certificate';
const authPolicies: readonly AuthPolicy[] = ['OnPremise', 'Federated', 'Certificate'];

export interface DiscoveryRequest {
  messageId?: string;
  emailAddress: string;
  requestVersion: string;
  deviceType?: string;
  applicationVersion?: string;
  osEdition?: number;
  /** Policies the client supports, in its order; values Steward does not know are dropped. */
  authPolicies: AuthPolicy[];
}

// The on-premises sample writes the namespace with a trailing slash on <Discover>.
const isEnrollmentNs = (ns: string): boolean => ns === ENROLLMENT_2012_NS || ns === `${ENROLLMENT_2012_NS}/`;

export function decodeDiscoveryRequest(input: Uint8Array | string): DiscoveryRequest {
  const env = decodeSoapEnvelope(input);
  if (env.action !== DISCOVER_ACTION) throw new ProtocolError('unsupported-action', `action ${JSON.stringify(env.action.slice(0, 200))} is not Discover`, '/Envelope/Header/Action');
  const discover = env.body;
  if (discover.name !== 'Discover' || !isEnrollmentNs(discover.ns)) throw new ProtocolError('unexpected-element', `expected <Discover> in ${ENROLLMENT_2012_NS}, found <${discover.name}>`, '/Envelope/Body');
  const ns = discover.ns;
  const request = child(discover, ns, 'request');
  if (!request) throw new ProtocolError('missing-element', '<request> is required in <Discover>', '/Envelope/Body/Discover');
  const path = '/Envelope/Body/Discover/request';
  const opt = (name: string): string | undefined => {
    const c = child(request, ns, name);
    return c === undefined ? undefined : textOf(c);
  };
  const emailAddress = opt('EmailAddress');
  if (emailAddress === undefined) throw new ProtocolError('missing-element', '<EmailAddress> is required', path);
  const requestVersion = opt('RequestVersion') ?? '1.0';
  if (!/^[0-9]{1,3}(\.[0-9]{1,3})?$/.test(requestVersion)) throw new ProtocolError('invalid-value', 'RequestVersion is not a version number', `${path}/RequestVersion`);
  const out: DiscoveryRequest = { emailAddress, requestVersion, authPolicies: [] };
  if (env.messageId !== undefined) out.messageId = env.messageId;
  const deviceType = opt('DeviceType');
  const applicationVersion = opt('ApplicationVersion');
  const osEdition = opt('OSEdition');
  if (deviceType !== undefined) out.deviceType = deviceType;
  if (applicationVersion !== undefined) out.applicationVersion = applicationVersion;
  if (osEdition !== undefined) {
    if (!/^[0-9]{1,10}$/.test(osEdition) || Number(osEdition) > 0xffffffff) throw new ProtocolError('invalid-value', 'OSEdition is not an unsigned int', `${path}/OSEdition`);
    out.osEdition = Number(osEdition);
  }
  const policies = child(request, ns, 'AuthPolicies');
  for (const p of policies ? children(policies, ns, 'AuthPolicy') : []) {
    const v = textOf(p);
    const known = authPolicies.find((a) => a === v);
    if (known && !out.authPolicies.includes(known)) out.authPolicies.push(known);
  }
  return out;
}

export interface DiscoveryResponse {
  relatesTo?: string;
  activityId?: string;
  authPolicy: AuthPolicy;
  enrollmentVersion?: string;
  enrollmentPolicyServiceUrl?: string;
  enrollmentServiceUrl: string;
  /** Federated only: the sign-in page the client opens in its web authentication broker. */
  authenticationServiceUrl?: string;
}

export function encodeDiscoveryResponse(r: DiscoveryResponse): string {
  if (r.authPolicy === 'Federated' && r.authenticationServiceUrl === undefined) {
    throw new ProtocolError('missing-element', 'a Federated discovery response needs AuthenticationServiceUrl');
  }
  const opt = (name: string, v: string | undefined): XmlNode | undefined => (v === undefined ? undefined : el(name, undefined, v));
  return renderXml(el('s:Envelope', { 'xmlns:s': SOAP12_NS, 'xmlns:a': WSA_NS },
    el('s:Header', undefined,
      el('a:Action', { 's:mustUnderstand': '1' }, DISCOVER_RESPONSE_ACTION),
      r.activityId === undefined ? undefined : el('ActivityId', { xmlns: DIAGNOSTICS_NS }, r.activityId),
      opt('a:RelatesTo', r.relatesTo)),
    el('s:Body', undefined,
      el('DiscoverResponse', { xmlns: ENROLLMENT_2012_NS },
        el('DiscoverResult', undefined,
          el('AuthPolicy', undefined, r.authPolicy),
          opt('EnrollmentVersion', r.enrollmentVersion),
          opt('EnrollmentPolicyServiceUrl', r.enrollmentPolicyServiceUrl),
          el('EnrollmentServiceUrl', undefined, r.enrollmentServiceUrl),
          opt('AuthenticationServiceUrl', r.authenticationServiceUrl))))), { declaration: true });
}

// ---- WS-Security credential ----

export type WsseCredential =
  /** OnPremise: the user's UPN (or domain\user) and password. */
  | { type: 'username'; username: string; password: string; passwordType?: string }
  /** Federated (or an enrollment profile token): the token Steward's sign-in page returned, base64 in the header. */
  | { type: 'token'; valueType: string; encodingType?: string; token: Uint8Array };

export function decodeWsseCredential(env: SoapEnvelope): WsseCredential {
  const path = '/Envelope/Header/Security';
  const security = env.header === undefined ? undefined : child(env.header, WSSE_NS, 'Security');
  if (!security) throw new ProtocolError('missing-element', 'wsse:Security header is missing', '/Envelope/Header');
  const ut = child(security, WSSE_NS, 'UsernameToken');
  if (ut) {
    const u = child(ut, WSSE_NS, 'Username');
    const p = child(ut, WSSE_NS, 'Password');
    if (!u || !p) throw new ProtocolError('missing-element', 'UsernameToken needs Username and Password', `${path}/UsernameToken`);
    // The samples put Type on Password both unqualified (the WSS spec) and as wsse:Type.
    const passwordType = attribute(p, '', 'Type') ?? attribute(p, WSSE_NS, 'Type');
    if (passwordType !== undefined && passwordType !== PASSWORD_TEXT) throw new ProtocolError('invalid-value', 'only PasswordText passwords are accepted', `${path}/UsernameToken/Password`);
    // The password is taken as sent, apart from XML indentation around it (the RST sample wraps it).
    return { type: 'username', username: textOf(u), password: textOf(p), ...(passwordType !== undefined ? { passwordType } : {}) };
  }
  const bst = child(security, WSSE_NS, 'BinarySecurityToken');
  if (bst) {
    // The Federated RST sample of "Federated authentication device enrollment" (learn.microsoft.com)
    // qualifies these attributes as wsse:ValueType / wsse:EncodingType; [MS-MDE2] §4 leaves them unqualified.
    const valueType = attribute(bst, '', 'ValueType') ?? attribute(bst, WSSE_NS, 'ValueType') ?? '';
    const encodingType = attribute(bst, '', 'EncodingType') ?? attribute(bst, WSSE_NS, 'EncodingType');
    return { type: 'token', valueType, ...(encodingType !== undefined ? { encodingType } : {}), token: base64(textOf(bst), `${path}/BinarySecurityToken`) };
  }
  throw new ProtocolError('missing-element', 'wsse:Security holds neither a UsernameToken nor a BinarySecurityToken', path);
}

function base64(text: string, where: string): Uint8Array {
  const compact = text.replace(/[ \t\r\n]/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) throw new ProtocolError('invalid-value', 'token is not base64', where);
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

// ---- faults ----

/** s: subcodes of [MS-MDE2] §2.2.10, with the HRESULT Windows shows for each. */
export const faultSubcodes = {
  MessageFormat: 0x80180001,
  Authentication: 0x80180002,
  Authorization: 0x80180003,
  CertificateRequest: 0x80180004,
  EnrollmentServer: 0x80180005,
  InternalServiceFault: 0x80180006,
  InvalidSecurity: 0x80180007,
} as const;
export type FaultSubcode = keyof typeof faultSubcodes;
/** The [MS-MDE2] §2.2.10 table puts these two subcodes in the WS-Addressing namespace (a:), the rest in s:. */
const addressingSubcodes: ReadonlySet<FaultSubcode> = new Set(['InternalServiceFault', 'InvalidSecurity']);

/** ErrorType values of the DeviceEnrollmentServiceError detail ([MS-MDE2] §2.2.10 and errata). */
export const enrollmentErrorTypes = {
  DeviceCapReached: 0x80180013,
  DeviceNotSupported: 0x80180014,
  NotSupported: 0x80180015,
  NotEligibleToRenew: 0x80180016,
  InMaintenance: 0x80180017,
  UserLicense: 0x80180018,
  InvalidEnrollmentData: 0x80180019,
  CustomServerError: 0x8018001a,
} as const;
export type EnrollmentErrorType = keyof typeof enrollmentErrorTypes;

export interface SoapFault {
  /** Receiver for server-side refusals (the samples' choice); Sender for malformed requests. */
  code: 'Receiver' | 'Sender';
  subcode: FaultSubcode;
  /** Shown to the user by Windows; keep it readable and free of internals. */
  reason: string;
  action?: string;
  relatesTo?: string;
  activityId?: string;
  detail?: { errorType: EnrollmentErrorType; message: string; traceId?: string };
}

export function encodeSoapFault(f: SoapFault): string {
  const action = f.action ?? 'http://www.w3.org/2005/08/addressing/soap/fault';
  return renderXml(el('s:Envelope', { 'xmlns:s': SOAP12_NS, 'xmlns:a': WSA_NS },
    el('s:Header', undefined,
      el('a:Action', { 's:mustUnderstand': '1' }, action),
      f.activityId === undefined ? undefined : el('ActivityId', { CorrelationId: f.activityId, xmlns: DIAGNOSTICS_NS }, f.activityId),
      f.relatesTo === undefined ? undefined : el('a:RelatesTo', undefined, f.relatesTo)),
    el('s:Body', undefined,
      el('s:Fault', undefined,
        el('s:Code', undefined,
          el('s:Value', undefined, `s:${f.code}`),
          el('s:Subcode', undefined, el('s:Value', undefined, `${addressingSubcodes.has(f.subcode) ? 'a' : 's'}:${f.subcode}`))),
        el('s:Reason', undefined, el('s:Text', { 'xml:lang': 'en-US' }, f.reason)),
        f.detail === undefined ? undefined : el('s:Detail', undefined,
          el('DeviceEnrollmentServiceError', { xmlns: PKI_ENROLLMENT_NS },
            el('ErrorType', undefined, f.detail.errorType),
            el('Message', undefined, f.detail.message),
            f.detail.traceId === undefined ? undefined : el('TraceId', undefined, f.detail.traceId)))))), { declaration: true });
}

/** Reads a fault back (used by the simulator and tests). */
export function decodeSoapFault(input: Uint8Array | string): { code: string; subcode?: string; reason: string; errorType?: string } {
  const root = parseXml(input, soapXmlLimits);
  const body = root.ns === SOAP12_NS && root.name === 'Envelope' ? child(root, SOAP12_NS, 'Body') : undefined;
  const fault = body === undefined ? undefined : child(body, SOAP12_NS, 'Fault');
  if (!fault) throw new ProtocolError('missing-element', 'no SOAP 1.2 Fault', '/Envelope/Body');
  const code = child(fault, SOAP12_NS, 'Code');
  const value = code === undefined ? undefined : child(code, SOAP12_NS, 'Value');
  const sub = code === undefined ? undefined : child(code, SOAP12_NS, 'Subcode');
  const subValue = sub === undefined ? undefined : child(sub, SOAP12_NS, 'Value');
  const reason = child(fault, SOAP12_NS, 'Reason');
  const text = reason === undefined ? undefined : children(reason, SOAP12_NS, 'Text').find((t) => (attribute(t, XML_NS, 'lang') ?? '').toLowerCase().startsWith('en')) ?? reason?.children[0];
  const detail = child(fault, SOAP12_NS, 'Detail');
  const err = detail === undefined ? undefined : child(detail, PKI_ENROLLMENT_NS, 'DeviceEnrollmentServiceError');
  const errorType = err === undefined ? undefined : child(err, PKI_ENROLLMENT_NS, 'ErrorType');
  return {
    code: value === undefined ? '' : textOf(value),
    ...(subValue !== undefined ? { subcode: textOf(subValue) } : {}),
    reason: text === undefined ? '' : textOf(text),
    ...(errorType !== undefined ? { errorType: textOf(errorType) } : {}),
  };
}
