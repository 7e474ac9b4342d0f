// The wap-provisioningdoc returned in the RequestSecurityTokenResponse token ([MS-MDE2] §2.2.9.1,
// laid out as its user-context and device-context examples): the trusted root and the issued client
// certificate (CertificateStore CSP, §2.2.9.2), the OMA-DM account (w7 APPLICATION CSP, §2.2.9.5)
// and the polling schedule and enterprise ids (DMClient CSP, §2.2.9.3; learn.microsoft.com
// /windows/client-management/mdm/dmclient-csp).
import { createHash, X509Certificate } from 'node:crypto';
import { ProtocolError } from './errors.js';
import { el, renderXml, type XmlNode } from './xml.js';

export type ProvisioningEnrollmentType = 'user' | 'device';

/** DMClient Provider/{ProviderID}/Poll: intervals in minutes, 0 disables a set of retries. */
export interface PollSchedule {
  intervalForFirstSetOfRetries: number;
  numberOfFirstRetries: number;
  intervalForSecondSetOfRetries: number;
  numberOfSecondRetries: number;
  intervalForRemainingScheduledRetries: number;
  /** 0 with a non-zero interval repeats forever: the long-run polling schedule. */
  numberOfRemainingScheduledRetries: number;
  pollOnLogin?: boolean;
  allUsersPollOnFirstLogin?: boolean;
}

export interface ProvisioningDocInput {
  /** PROVIDER-ID of the w7 account and the DMClient Provider node; the two MUST match (§2.2.9.1). */
  serverId: string;
  /** w7 NAME: the account name Windows shows. */
  serverName: string;
  /** w7 ADDR: the OMA-DM (MS-MDM) endpoint, https. */
  managementUrl: string;
  /** 'user' (EnrollmentType Full) installs the client certificate in My/User, 'device' in My/System. */
  enrollmentType: ProvisioningEnrollmentType;
  /** DER (PEM is accepted and converted) of the root CA that issued the client certificate. */
  rootCertificate: Uint8Array;
  /** DER (or PEM) of the certificate issued from the request's CSR. */
  clientCertificate: Uint8Array;
  /** SSLCLIENTCERTSEARCHCRITERIA subject, e.g. "CN=<device id>"; read from a one-RDN client certificate when absent. */
  clientCertificateSubject?: string;
  poll: PollSchedule;
  /** Both APPAUTH levels MUST be present (§2.2.9.5). */
  appAuth: {
    /** AAUTHLEVEL CLIENT: the server authenticates itself to the DM client (DIGEST with this nonce). */
    serverToClient: { secret: string; nonce: Uint8Array };
    /** AAUTHLEVEL APPSRV: the DM client authenticates itself to the server. */
    clientToServer: { name: string; secret: string; type: 'BASIC' | 'DIGEST' };
  };
  /** DMClient EntDeviceName: the name the admin console shows. */
  entDeviceName?: string;
  /** DMClient EntDMID: the server's device id; MUST be set before the first certificate renewal (§2.2.9.3). */
  entDmId?: string;
  /** DMClient UPN of the enrolled user, as the user-context example sets it. */
  upn?: string;
  /** Default application/vnd.syncml.dm+xml, the CSP default. */
  defaultEncoding?: 'application/vnd.syncml.dm+xml' | 'application/vnd.syncml.dm+wbxml';
  connRetryFreq?: number;
  initialBackoffTimeMs?: number;
  maxBackoffTimeMs?: number;
  /** w7 ROLE, left out unless given: the §2.2.9.1 examples do not send it. 32 is the enterprise role. */
  role?: 32;
}

/** The CertificateStore CSP node name of a certificate: SHA-1 of the DER, uppercase hex (§2.2.9.2 [CertHash]). */
export function certificateThumbprint(der: Uint8Array): string {
  return createHash('sha1').update(der).digest('hex').toUpperCase();
}

const INT_MAX = 0x7fffffff;

/** Encodes the provisioning document. Values are XML-escaped; throws ProtocolError on an invalid input. */
export function encodeProvisioningDoc(p: ProvisioningDocInput): string {
  // The provider id is a CSP node name; DMClient CSP: "use text that doesn't require XML/URI escaping".
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/.test(p.serverId)) throw new ProtocolError('invalid-value', 'serverId must be 1-64 letters, digits, space, dot, underscore or hyphen (it names a DMClient CSP node)');
  if (p.serverName === '') throw new ProtocolError('invalid-value', 'serverName must not be empty');
  let url: URL;
  try {
    url = new URL(p.managementUrl);
  } catch {
    throw new ProtocolError('invalid-value', 'managementUrl is not an absolute URL');
  }
  if (url.protocol !== 'https:') throw new ProtocolError('invalid-value', 'managementUrl must be https');
  if (p.enrollmentType !== 'user' && p.enrollmentType !== 'device') throw new ProtocolError('invalid-value', `enrollmentType ${String(p.enrollmentType)} is not user or device`);
  const root = certificate(p.rootCertificate, 'rootCertificate');
  const client = certificate(p.clientCertificate, 'clientCertificate');
  const subject = p.clientCertificateSubject ?? client.subject;
  if (subject === '' || subject.includes('\n')) throw new ProtocolError('invalid-value', 'clientCertificateSubject is needed when the client certificate subject has several RDNs (their order in the search criteria is ambiguous)');
  checkPoll(p.poll);
  const { serverToClient: s2c, clientToServer: c2s } = p.appAuth;
  if (s2c.secret === '' || s2c.nonce.length === 0) throw new ProtocolError('invalid-value', 'appAuth.serverToClient needs a secret and a nonce');
  if (c2s.name === '' || c2s.secret === '') throw new ProtocolError('invalid-value', 'appAuth.clientToServer needs a name and a secret');
  if (c2s.type !== 'BASIC' && c2s.type !== 'DIGEST') throw new ProtocolError('invalid-value', 'appAuth.clientToServer.type must be BASIC or DIGEST');
  for (const [name, v] of [['connRetryFreq', p.connRetryFreq], ['initialBackoffTimeMs', p.initialBackoffTimeMs], ['maxBackoffTimeMs', p.maxBackoffTimeMs]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > INT_MAX)) throw new ProtocolError('invalid-value', `${name} must be a non-negative integer`);
  }
  if (p.role !== undefined && p.role !== 32) throw new ProtocolError('invalid-value', 'role must be 32 (enterprise)');

  const store = p.enrollmentType === 'user' ? 'User' : 'System';
  const ch = (type: string, ...kids: (XmlNode | undefined)[]): XmlNode => el('characteristic', { type }, ...kids);
  const parm = (name: string, value?: string, datatype?: 'string' | 'integer' | 'boolean'): XmlNode => el('parm', { name, value, datatype });
  const opt = (name: string, v: number | undefined): XmlNode | undefined => (v === undefined ? undefined : parm(name, String(v)));
  const int = (name: string, v: number): XmlNode => parm(name, String(v), 'integer');
  const bool = (name: string, v: boolean | undefined): XmlNode | undefined => (v === undefined ? undefined : parm(name, String(v), 'boolean'));
  const str = (name: string, v: string | undefined): XmlNode | undefined => (v === undefined ? undefined : parm(name, v, 'string'));
  // w7 SSLCLIENTCERTSEARCHCRITERIA: name=value pairs joined by '&', characters outside RFC 2396's
  // unreserved set URI-escaped (encodeURIComponent leaves exactly that set). The store is the one
  // the certificate is installed in; the §2.2.9.1 device-context example still names My%5CUser,
  // where the client could not find a certificate it was told to install under My/System.
  const criteria = `Subject=${encodeURIComponent(subject)}&Stores=${encodeURIComponent(`My\\${store}`)}`;
  const poll = p.poll;

  return renderXml(el('wap-provisioningdoc', { version: '1.1' },
    ch('CertificateStore',
      ch('Root', ch('System', ch(root.thumbprint, parm('EncodedCertificate', root.base64))))),
    ch('CertificateStore',
      ch('My', ch(store,
        ch(client.thumbprint, parm('EncodedCertificate', client.base64)),
        ch('PrivateKeyContainer')))),
    ch('APPLICATION',
      parm('APPID', 'w7'),
      parm('PROVIDER-ID', p.serverId),
      parm('NAME', p.serverName),
      parm('ADDR', p.managementUrl),
      opt('CONNRETRYFREQ', p.connRetryFreq),
      opt('INITIALBACKOFFTIME', p.initialBackoffTimeMs),
      opt('MAXBACKOFFTIME', p.maxBackoffTimeMs),
      opt('ROLE', p.role),
      parm('BACKCOMPATRETRYDISABLED'),
      parm('DEFAULTENCODING', p.defaultEncoding ?? 'application/vnd.syncml.dm+xml'),
      parm('SSLCLIENTCERTSEARCHCRITERIA', criteria),
      ch('APPAUTH',
        parm('AAUTHLEVEL', 'CLIENT'),
        parm('AAUTHTYPE', 'DIGEST'), // "When AAUTHLEVEL is CLIENT, AAUTHTYPE MUST contain DIGEST" (§2.2.9.5)
        parm('AAUTHSECRET', s2c.secret),
        parm('AAUTHDATA', Buffer.from(s2c.nonce).toString('base64'))),
      ch('APPAUTH',
        parm('AAUTHLEVEL', 'APPSRV'),
        parm('AAUTHTYPE', c2s.type),
        parm('AAUTHNAME', c2s.name),
        parm('AAUTHSECRET', c2s.secret))),
    ch('DMClient',
      ch('Provider',
        ch(p.serverId,
          str('UPN', p.upn),
          ch('Poll',
            int('NumberOfFirstRetries', poll.numberOfFirstRetries),
            int('IntervalForFirstSetOfRetries', poll.intervalForFirstSetOfRetries),
            int('NumberOfSecondRetries', poll.numberOfSecondRetries),
            int('IntervalForSecondSetOfRetries', poll.intervalForSecondSetOfRetries),
            int('NumberOfRemainingScheduledRetries', poll.numberOfRemainingScheduledRetries),
            int('IntervalForRemainingScheduledRetries', poll.intervalForRemainingScheduledRetries),
            bool('PollOnLogin', poll.pollOnLogin),
            bool('AllUsersPollOnFirstLogin', poll.allUsersPollOnFirstLogin)),
          str('EntDeviceName', p.entDeviceName),
          str('EntDMID', p.entDmId))))));
}

function certificate(input: Uint8Array, name: string): { thumbprint: string; base64: string; subject: string } {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(input);
  } catch {
    throw new ProtocolError('invalid-value', `${name} is not an X.509 certificate`);
  }
  // Thumbprint and EncodedCertificate from the DER, whatever form the input came in.
  return { thumbprint: certificateThumbprint(x509.raw), base64: x509.raw.toString('base64'), subject: x509.subject };
}

/** The MUSTs of [MS-MDE2] §2.2.9.3 for Poll. */
function checkPoll(poll: PollSchedule): void {
  const fields = ['intervalForFirstSetOfRetries', 'numberOfFirstRetries', 'intervalForSecondSetOfRetries', 'numberOfSecondRetries', 'intervalForRemainingScheduledRetries', 'numberOfRemainingScheduledRetries'] as const;
  for (const f of fields) {
    const v = poll[f];
    if (!Number.isInteger(v) || v < 0 || v > INT_MAX) throw new ProtocolError('invalid-value', `poll.${f} must be a non-negative integer`);
  }
  if (poll.numberOfFirstRetries === 0) throw new ProtocolError('invalid-value', 'poll.numberOfFirstRetries must not be 0 (the server MUST NOT set NumberOfFirstRetries to 0)');
  if (poll.intervalForRemainingScheduledRetries !== 0 && poll.intervalForRemainingScheduledRetries < 1440) throw new ProtocolError('invalid-value', 'poll.intervalForRemainingScheduledRetries must be 0 (disabled) or at least 1440 minutes');
}
