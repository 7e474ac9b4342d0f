// The messages a Windows 10/11 enrollment client sends, written the way Microsoft's published
// samples lay them out ("On-premises authentication device enrollment" and "Federated
// authentication device enrollment" on learn.microsoft.com; [MS-MDE2] §4), and readers for what a
// server answers. Deliberately not built with Steward's own encoders: the simulator must speak
// Microsoft's shapes, not whatever the server happens to emit. The reading side uses the safe XML
// reader of src/protocol/windows/xml.ts, which is a plain namespace-aware parser.
import { randomUUID } from 'node:crypto';
import { attribute, child, children, parseXml, textOf, type XmlElement } from '../../src/protocol/windows/xml.js';

const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const WSA = 'http://www.w3.org/2005/08/addressing';
const ENROLLMENT = 'http://schemas.microsoft.com/windows/management/2012/01/enrollment';
const XCEP = 'http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy';
const WSTRUST = 'http://docs.oasis-open.org/ws-sx/ws-trust/200512';
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const PKI = 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';
const USER_TOKEN = 'http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentUserToken';
const BASE64 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary';

export const escapeXml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

export type SimCredential =
  | { type: 'password'; username: string; password: string }
  /** The wresult of the sign-in page (or a link's accesstoken): sent base64-encoded. */
  | { type: 'token'; token: string };

export const newMessageId = (): string => `urn:uuid:${randomUUID()}`;

export interface DiscoverInput {
  messageId: string;
  to: string;
  email: string;
  osEdition: number;
  requestVersion: string;
  applicationVersion: string;
  authPolicies: readonly string[];
}

/** The Windows 10 Discover of the Federated sample (note the trailing slash on the namespace). */
export function discoverRequest(d: DiscoverInput): string {
  return `<?xml version="1.0"?>
<s:Envelope xmlns:a="${WSA}" xmlns:s="${SOAP12}">
  <s:Header>
    <a:Action s:mustUnderstand="1">${ENROLLMENT}/IDiscoveryService/Discover</a:Action>
    <a:MessageID>${escapeXml(d.messageId)}</a:MessageID>
    <a:ReplyTo><a:Address>http://www.w3.org/2005/08/addressing/anonymous</a:Address></a:ReplyTo>
    <a:To s:mustUnderstand="1">${escapeXml(d.to)}</a:To>
  </s:Header>
  <s:Body>
    <Discover xmlns="${ENROLLMENT}/">
      <request xmlns:i="${XSI}">
        <EmailAddress>${escapeXml(d.email)}</EmailAddress>
        <OSEdition>${d.osEdition}</OSEdition>
        <RequestVersion>${escapeXml(d.requestVersion)}</RequestVersion>
        <DeviceType>CIMClient_Windows</DeviceType>
        <ApplicationVersion>${escapeXml(d.applicationVersion)}</ApplicationVersion>
        <AuthPolicies>
${d.authPolicies.map((p) => `          <AuthPolicy>${escapeXml(p)}</AuthPolicy>`).join('\n')}
        </AuthPolicies>
      </request>
    </Discover>
  </s:Body>
</s:Envelope>`;
}

function security(c: SimCredential): string {
  if (c.type === 'password') {
    return `<wsse:Security s:mustUnderstand="1">
      <wsse:UsernameToken u:Id="uuid-${randomUUID()}-4">
        <wsse:Username>${escapeXml(c.username)}</wsse:Username>
        <wsse:Password wsse:Type="${PASSWORD_TEXT}">${escapeXml(c.password)}</wsse:Password>
      </wsse:UsernameToken>
    </wsse:Security>`;
  }
  // "The enrollment client uses the security token received from the authentication server and
  // base64-encodes the token to populate the <wsse:BinarySecurityToken> element."
  return `<wsse:Security s:mustUnderstand="1">
      <wsse:BinarySecurityToken ValueType="${USER_TOKEN}" EncodingType="${BASE64}" xmlns="${WSSE}">${Buffer.from(c.token, 'utf8').toString('base64')}</wsse:BinarySecurityToken>
    </wsse:Security>`;
}

const envelopeOpen = `<s:Envelope xmlns:s="${SOAP12}" xmlns:a="${WSA}" xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" xmlns:wsse="${WSSE}" xmlns:wst="${WSTRUST}" xmlns:ac="http://schemas.xmlsoap.org/ws/2006/12/authorization">`;

function header(action: string, messageId: string, to: string, credential: SimCredential): string {
  return `  <s:Header>
    <a:Action s:mustUnderstand="1">${action}</a:Action>
    <a:MessageID>${escapeXml(messageId)}</a:MessageID>
    <a:ReplyTo><a:Address>http://www.w3.org/2005/08/addressing/anonymous</a:Address></a:ReplyTo>
    <a:To s:mustUnderstand="1">${escapeXml(to)}</a:To>
    ${security(credential)}
  </s:Header>`;
}

/** GetPolicies as [MS-MDE2] §3.3.4.1.1.1 sends it: lastUpdate, preferredLanguage and requestFilter nil. */
export function getPoliciesRequest(g: { messageId: string; to: string; credential: SimCredential }): string {
  return `${envelopeOpen}
${header(`${XCEP}/IPolicy/GetPolicies`, g.messageId, g.to, g.credential)}
  <s:Body xmlns:xsi="${XSI}" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
    <GetPolicies xmlns="${XCEP}">
      <client>
        <lastUpdate xsi:nil="true"/>
        <preferredLanguage xsi:nil="true"/>
      </client>
      <requestFilter xsi:nil="true"/>
    </GetPolicies>
  </s:Body>
</s:Envelope>`;
}

export interface RstInput {
  messageId: string;
  to: string;
  credential: SimCredential;
  csr: Uint8Array;
  /** AdditionalContext items in order; a name may repeat (MAC). */
  context: readonly (readonly [string, string])[];
}

/** RequestSecurityToken (Issue) as the samples send it. */
export function requestSecurityToken(r: RstInput): string {
  const items = r.context.map(([name, value]) => `          <ac:ContextItem Name="${escapeXml(name)}"><ac:Value>${escapeXml(value)}</ac:Value></ac:ContextItem>`).join('\n');
  return `${envelopeOpen}
${header('http://schemas.microsoft.com/windows/pki/2009/01/enrollment/RST/wstep', r.messageId, r.to, r.credential)}
  <s:Body>
    <wst:RequestSecurityToken>
      <wst:TokenType>http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentToken</wst:TokenType>
      <wst:RequestType>${WSTRUST}/Issue</wst:RequestType>
      <wsse:BinarySecurityToken ValueType="${PKI}#PKCS10" EncodingType="${BASE64}">${Buffer.from(r.csr).toString('base64')}</wsse:BinarySecurityToken>
      <ac:AdditionalContext xmlns="http://schemas.xmlsoap.org/ws/2006/12/authorization">
${items}
      </ac:AdditionalContext>
    </wst:RequestSecurityToken>
  </s:Body>
</s:Envelope>`;
}

// ---- reading answers ----

export class SoapFaultError extends Error {
  override readonly name = 'SoapFaultError';
  constructor(readonly status: number, readonly code: string, readonly subcode: string, readonly reason: string, readonly errorType: string | undefined, readonly detailMessage: string | undefined) {
    super(`${status} ${subcode}${errorType ? `/${errorType}` : ''}: ${reason}`);
  }
}

function body(xml: Uint8Array | string): { body: XmlElement; header: XmlElement | undefined; soap: string } {
  const root = parseXml(xml);
  if (root.name !== 'Envelope' || (root.ns !== SOAP12 && root.ns !== SOAP11)) throw new Error(`answer is not a SOAP envelope: <${root.name}> in ${root.ns}`);
  const b = child(root, root.ns, 'Body');
  const first = b?.children[0];
  if (!first) throw new Error('SOAP answer has an empty Body');
  return { body: first, header: child(root, root.ns, 'Header'), soap: root.ns };
}

/** Throws SoapFaultError when the answer is a fault (any status), or Error when it is no SOAP at all. */
export function throwIfFault(status: number, xml: Uint8Array): void {
  let parsed: ReturnType<typeof body>;
  try {
    parsed = body(xml);
  } catch (err) {
    if (status !== 200) throw new Error(`HTTP ${status} without a SOAP body: ${Buffer.from(xml).toString('utf8').slice(0, 200)}`);
    throw err;
  }
  const f = parsed.body;
  if (f.name !== 'Fault' || f.ns !== parsed.soap) {
    if (status !== 200) throw new Error(`HTTP ${status} with a non-fault SOAP body <${f.name}>`);
    return;
  }
  const code = child(f, parsed.soap, 'Code');
  const value = code && child(code, parsed.soap, 'Value');
  const sub = code && child(code, parsed.soap, 'Subcode');
  const subValue = sub && child(sub, parsed.soap, 'Value');
  const reason = child(f, parsed.soap, 'Reason');
  const text = reason && child(reason, parsed.soap, 'Text');
  const detail = child(f, parsed.soap, 'Detail');
  const err = detail && child(detail, PKI, 'DeviceEnrollmentServiceError');
  const errorType = err && child(err, PKI, 'ErrorType');
  const message = err && child(err, PKI, 'Message');
  const local = (v: XmlElement | undefined) => (v ? textOf(v).replace(/^[^:]*:/, '') : '');
  throw new SoapFaultError(status, local(value), local(subValue), text ? textOf(text) : '', errorType ? textOf(errorType) : undefined, message ? textOf(message) : undefined);
}

export interface DiscoverAnswer {
  relatesTo?: string;
  authPolicy: string;
  enrollmentVersion?: string;
  enrollmentPolicyServiceUrl?: string;
  enrollmentServiceUrl: string;
  authenticationServiceUrl?: string;
}

export function readDiscoverResponse(xml: Uint8Array | string): DiscoverAnswer {
  const { body: r, header } = body(xml);
  if (r.name !== 'DiscoverResponse') throw new Error(`expected DiscoverResponse, got <${r.name}>`);
  const result = child(r, r.ns, 'DiscoverResult');
  if (!result) throw new Error('DiscoverResponse has no DiscoverResult');
  const text = (name: string) => {
    const c = child(result, r.ns, name);
    return c ? textOf(c) : undefined;
  };
  const authPolicy = text('AuthPolicy');
  const enrollmentServiceUrl = text('EnrollmentServiceUrl');
  if (authPolicy === undefined || enrollmentServiceUrl === undefined) throw new Error('DiscoverResult lacks AuthPolicy or EnrollmentServiceUrl (both mandatory)');
  const relates = header && child(header, WSA, 'RelatesTo');
  const out: DiscoverAnswer = { authPolicy, enrollmentServiceUrl };
  if (relates) out.relatesTo = textOf(relates);
  for (const name of ['EnrollmentVersion', 'EnrollmentPolicyServiceUrl', 'AuthenticationServiceUrl'] as const) {
    const v = text(name);
    if (v !== undefined) out[`${name[0]!.toLowerCase()}${name.slice(1)}` as 'enrollmentVersion'] = v;
  }
  return out;
}

export interface PolicyAnswer {
  relatesTo?: string;
  minimalKeyLength: number;
  /** The OID the hashAlgorithmOIDReference points at. */
  hashAlgorithmOid: string;
  validityPeriodSeconds?: number;
}

const isNil = (e: XmlElement) => attribute(e, XSI, 'nil') === 'true';

export function readGetPoliciesResponse(xml: Uint8Array | string): PolicyAnswer {
  const { body: r, header } = body(xml);
  if (r.name !== 'GetPoliciesResponse' || r.ns !== XCEP) throw new Error(`expected GetPoliciesResponse, got <${r.name}>`);
  const policy = child(child(child(r, XCEP, 'response') ?? r, XCEP, 'policies') ?? r, XCEP, 'policy');
  const attributes = policy && child(policy, XCEP, 'attributes');
  if (!attributes) throw new Error('GetPoliciesResponse holds no policy attributes');
  const keyAttrs = child(attributes, XCEP, 'privateKeyAttributes');
  const minimal = keyAttrs && child(keyAttrs, XCEP, 'minimalKeyLength');
  const hashRef = child(attributes, XCEP, 'hashAlgorithmOIDReference');
  // "By default, if no policies are specified, the minimum key length is 2k and the hash algorithm is SHA-1."
  let hashAlgorithmOid = '1.3.14.3.2.26';
  if (hashRef && !isNil(hashRef)) {
    const ref = textOf(hashRef);
    const oids = child(r, XCEP, 'oIDs');
    const oid = oids && children(oids, XCEP, 'oID').find((o) => {
      const id = child(o, XCEP, 'oIDReferenceID');
      return id !== undefined && textOf(id) === ref;
    });
    const value = oid && child(oid, XCEP, 'value');
    if (!value) throw new Error(`hashAlgorithmOIDReference ${ref} names no oID of the response`);
    hashAlgorithmOid = textOf(value);
  }
  const validity = child(child(attributes, XCEP, 'certificateValidity') ?? attributes, XCEP, 'validityPeriodSeconds');
  const relates = header && child(header, WSA, 'RelatesTo');
  return {
    minimalKeyLength: minimal && !isNil(minimal) ? Number(textOf(minimal)) : 2048,
    hashAlgorithmOid,
    ...(validity ? { validityPeriodSeconds: Number(textOf(validity)) } : {}),
    ...(relates ? { relatesTo: textOf(relates) } : {}),
  };
}

/** The provisioning document out of a RequestSecurityTokenResponseCollection. */
export function readRequestSecurityTokenResponse(xml: Uint8Array | string): { relatesTo?: string; provisioningXml: string } {
  const { body: r, header } = body(xml);
  if (r.name !== 'RequestSecurityTokenResponseCollection' || r.ns !== WSTRUST) throw new Error(`expected RequestSecurityTokenResponseCollection, got <${r.name}>`);
  const rstr = child(r, WSTRUST, 'RequestSecurityTokenResponse');
  const requested = rstr && child(rstr, WSTRUST, 'RequestedSecurityToken');
  const bst = requested && child(requested, WSSE, 'BinarySecurityToken');
  if (!bst) throw new Error('the response carries no RequestedSecurityToken/BinarySecurityToken');
  const valueType = attribute(bst, '', 'ValueType') ?? '';
  // The page's prose names …/ConfigurationManager/Enrollment/DeviceEnrollmentProvisionDoc, its sample …/5.0.0.0/….
  if (!/\/ConfigurationManager\/Enrollment\/DeviceEnrollmentProvisionDoc$/.test(valueType)) throw new Error(`BinarySecurityToken ValueType ${valueType} is not a provisioning document`);
  const relates = header && child(header, WSA, 'RelatesTo');
  return { provisioningXml: Buffer.from(textOf(bst).replace(/\s+/g, ''), 'base64').toString('utf8'), ...(relates ? { relatesTo: textOf(relates) } : {}) };
}

export interface ProvisionedDoc {
  rootCertificates: { thumbprint: string; der: Uint8Array }[];
  /** The client certificate, and the store it goes to ('User' or 'System'). */
  clientCertificate: { thumbprint: string; der: Uint8Array; store: string };
  providerId: string;
  serverName: string;
  managementUrl: string;
  sslClientCertSearchCriteria: string;
  /** DMClient/Provider/{ProviderID} parms, by name. */
  dmClient: Record<string, string>;
  poll: Record<string, string>;
}

interface Characteristic { type: string; parms: Map<string, string>; children: Characteristic[] }

function characteristic(e: XmlElement): Characteristic {
  const parms = new Map<string, string>();
  for (const p of children(e, '', 'parm')) parms.set(attribute(p, '', 'name') ?? '', attribute(p, '', 'value') ?? '');
  return { type: attribute(e, '', 'type') ?? '', parms, children: children(e, '', 'characteristic').map(characteristic) };
}

/** Reads a wap-provisioningdoc ([MS-MDE2] §2.2.9.1) the way the PC applies it. */
export function readProvisioningDoc(xml: string): ProvisionedDoc {
  const root = parseXml(xml);
  if (root.name !== 'wap-provisioningdoc') throw new Error(`provisioning document root is <${root.name}>`);
  const top = children(root, '', 'characteristic').map(characteristic);
  const stores = top.filter((c) => c.type === 'CertificateStore');
  const rootCertificates: ProvisionedDoc['rootCertificates'] = [];
  let client: ProvisionedDoc['clientCertificate'] | undefined;
  for (const s of stores) {
    for (const kind of s.children) {
      for (const location of kind.children) {
        for (const cert of location.children) {
          const encoded = cert.parms.get('EncodedCertificate');
          if (encoded === undefined) continue;
          const der = new Uint8Array(Buffer.from(encoded, 'base64'));
          if (kind.type === 'Root') rootCertificates.push({ thumbprint: cert.type, der });
          else if (kind.type === 'My') client = { thumbprint: cert.type, der, store: location.type };
        }
      }
    }
  }
  const app = top.find((c) => c.type === 'APPLICATION' && c.parms.get('APPID') === 'w7');
  if (!client) throw new Error('the provisioning document installs no client certificate (CertificateStore/My)');
  if (!app) throw new Error('the provisioning document has no w7 APPLICATION');
  const providerId = app.parms.get('PROVIDER-ID') ?? '';
  const provider = top.find((c) => c.type === 'DMClient')?.children.find((c) => c.type === 'Provider')?.children.find((c) => c.type === providerId);
  if (!provider) throw new Error(`DMClient/Provider/${providerId} is missing: the w7 PROVIDER-ID and the DMClient provider must match (§2.2.9.1)`);
  return {
    rootCertificates,
    clientCertificate: client,
    providerId,
    serverName: app.parms.get('NAME') ?? '',
    managementUrl: app.parms.get('ADDR') ?? '',
    sslClientCertSearchCriteria: app.parms.get('SSLCLIENTCERTSEARCHCRITERIA') ?? '',
    dmClient: Object.fromEntries(provider.parms),
    poll: Object.fromEntries(provider.children.find((c) => c.type === 'Poll')?.parms ?? []),
  };
}
