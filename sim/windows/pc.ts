// A simulated Windows 10/11 PC enrolling over MS-MDE2, as Settings > Accounts > Access work or
// school ("Enroll only in device management") or an ms-device-enrollment: link runs it:
//   1. GET, then POST Discover to the discovery URL (https://enterpriseenrollment.<upn domain>/
//      EnrollmentServer/Discovery.svc, or the link's servername);
//   2. sign in as the server's AuthPolicy says: OnPremise puts the password in a UsernameToken;
//      Federated runs the sign-in pages (web-auth.ts) and sends their wresult as a
//      BinarySecurityToken, or hands a link's accesstoken to those pages;
//   3. GetPolicies (MS-XCEP) for the key length and hash;
//   4. a fresh RSA key and a PKCS #10 request, sent in RequestSecurityToken (MS-WSTEP);
//   5. the provisioning document of the answer: it checks the certificates as Windows installs
//      them and keeps the client certificate, its key and the management URL, which is what the
//      OMA-DM session (MS-MDM) needs next.
import { createHash, generateKeyPair, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { encodeCertificationRequest } from '../../src/protocol/scep/testing.js';
import { simpleName } from '../apple/x509.js';
import {
  discoverRequest, getPoliciesRequest, newMessageId, readDiscoverResponse, readGetPoliciesResponse, readProvisioningDoc,
  readRequestSecurityTokenResponse, requestSecurityToken, throwIfFault, type DiscoverAnswer, type PolicyAnswer, type ProvisionedDoc,
  type SimCredential,
} from './messages.js';
import type { Transport } from './transport.js';
import { runWebAuthentication, WINDOWS_APPRU } from './web-auth.js';

const generateKeyPairAsync = promisify(generateKeyPair);
const SHA256 = '2.16.840.1.101.3.4.2.1';

export interface SimulatedWindowsPCOptions {
  transport: Transport;
  /** DeviceID context item; a fresh GUID by default. The same PC enrolling again keeps it. */
  deviceId?: string;
  hwDevId?: string;
  deviceName?: string;
  osVersion?: string;
  /** [MS-MDE2] §2.2.9.6 product type: 48 is Windows Pro. */
  osEdition?: number;
  /** 'Full' (a person's enrollment, certificate in My\User) or 'Device' (My\System). */
  enrollmentType?: 'Full' | 'Device';
  /** What the client offers in Discover; Windows 10 and 11 offer both. */
  authPolicies?: readonly string[];
  requestVersion?: string;
}

/** What the person at the PC types or clicks. */
export interface EnrollPerson {
  /** The work account typed in Settings (its domain finds the discovery server). */
  email?: string;
  password?: string;
  totpCode?: () => string;
  /** An ms-device-enrollment: link the person opened instead. */
  link?: string;
}

export interface EnrollOptions {
  /** The discovery URL, when the person typed a server address; otherwise from the e-mail domain or the link. */
  discoveryUrl?: string;
  /** Replaces the PKCS #10 the PC would send (tests of refusals). */
  csr?: (key: { publicKey: KeyObject; privateKey: KeyObject }) => Uint8Array;
  /** Runs after GetPolicies, before RequestSecurityToken (tests: time passing, an admin acting). */
  beforeEnrollmentRequest?: () => Promise<void> | void;
}

export interface WindowsEnrollmentIdentity {
  /** The enrollment id (DMClient EntDMID; also the certificate's CN). */
  enrollmentId: string;
  authPolicy: string;
  certificateDer: Uint8Array;
  certificatePem: string;
  privateKey: KeyObject;
  privateKeyPem: string;
  /** The root CA the document installed (CertificateStore/Root/System). */
  rootCertificatesDer: Uint8Array[];
  /** w7 ADDR: the OMA-DM endpoint. */
  managementUrl: string;
  /** w7 PROVIDER-ID, also the DMClient provider node. */
  providerId: string;
  serverName: string;
  provisioning: ProvisionedDoc;
  provisioningXml: string;
}

export interface MdmLink {
  mode: string;
  servername?: string;
  username?: string;
  accesstoken?: string;
}

/** Reads an ms-device-enrollment: deep link ("MDM enrollment of Windows devices", learn.microsoft.com). */
export function parseEnrollmentLink(link: string): MdmLink {
  const m = /^ms-device-enrollment:\?(.*)$/i.exec(link.trim());
  if (!m) throw new Error(`not an ms-device-enrollment: link: ${link}`);
  const q = new URLSearchParams(m[1]);
  const out: MdmLink = { mode: q.get('mode') ?? '' };
  for (const k of ['servername', 'username', 'accesstoken'] as const) {
    const v = q.get(k);
    if (v !== null) out[k] = v;
  }
  return out;
}

/** Where Windows looks for the discovery service: a server name without a path gets Microsoft's path appended. */
export function discoveryUrlFor(server: string): string {
  const u = new URL(/^https?:\/\//i.test(server) ? server : `https://${server}`);
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/EnrollmentServer/Discovery.svc';
  return u.toString();
}

export class SimulatedWindowsPC {
  readonly deviceId: string;
  readonly hwDevId: string;
  readonly deviceName: string;
  readonly osVersion: string;
  readonly osEdition: number;
  readonly enrollmentType: 'Full' | 'Device';
  /** What the last enrollment produced. */
  identity: WindowsEnrollmentIdentity | undefined;
  /** The last discovery answer. */
  discovery: DiscoverAnswer | undefined;
  policy: PolicyAnswer | undefined;
  /** Every SOAP request this PC sent, in order (tests replay them). */
  readonly sent: { url: string; body: string }[] = [];
  private readonly transport: Transport;
  private readonly options: SimulatedWindowsPCOptions;

  constructor(options: SimulatedWindowsPCOptions) {
    this.options = options;
    this.transport = options.transport;
    this.deviceId = options.deviceId ?? randomUUID().toUpperCase();
    this.hwDevId = options.hwDevId ?? createHash('sha256').update(this.deviceId).digest('hex').toUpperCase();
    this.deviceName = options.deviceName ?? `DESKTOP-${this.deviceId.slice(0, 7).replace(/-/g, '')}`;
    this.osVersion = options.osVersion ?? '10.0.22631.2428';
    this.osEdition = options.osEdition ?? 48;
    this.enrollmentType = options.enrollmentType ?? 'Full';
  }

  async enroll(person: EnrollPerson, options: EnrollOptions = {}): Promise<WindowsEnrollmentIdentity> {
    const link = person.link !== undefined ? parseEnrollmentLink(person.link) : undefined;
    if (link && link.mode.toLowerCase() !== 'mdm') throw new Error(`link mode ${link.mode} is not mdm`);
    const email = link?.username ?? person.email;
    let discoveryUrl = options.discoveryUrl ?? (link?.servername !== undefined ? discoveryUrlFor(link.servername) : undefined);
    if (discoveryUrl === undefined) {
      const domain = email?.split('@')[1];
      if (!domain) throw new Error('no server: give an e-mail address with a domain, a link with servername, or a discovery URL');
      discoveryUrl = `https://enterpriseenrollment.${domain}/EnrollmentServer/Discovery.svc`;
    }
    // The Settings app insists on an e-mail address even for a link without one; people type theirs.
    const account = email ?? 'device@enrollment.invalid';

    // 1. Discovery: a GET first, then the Discover POST.
    const probe = await this.transport.request('GET', discoveryUrl, { 'user-agent': 'ENROLLClient', 'cache-control': 'no-cache', pragma: 'no-cache' });
    if (probe.status !== 200) throw new Error(`discovery GET answered ${probe.status}`);
    const discoverId = newMessageId();
    const discover = await this.post(discoveryUrl, discoverRequest({
      messageId: discoverId, to: discoveryUrl, email: account, osEdition: this.osEdition,
      requestVersion: this.options.requestVersion ?? '4.0', applicationVersion: this.osVersion,
      authPolicies: this.options.authPolicies ?? ['OnPremise', 'Federated'],
    }));
    const answer = readDiscoverResponse(discover);
    this.discovery = answer;
    if (answer.relatesTo !== undefined && answer.relatesTo !== discoverId) throw new Error(`DiscoverResponse relates to ${answer.relatesTo}, not ${discoverId}`);
    for (const u of [answer.enrollmentServiceUrl, answer.enrollmentPolicyServiceUrl, answer.authenticationServiceUrl]) {
      if (u !== undefined && new URL(u).protocol !== 'https:') throw new Error(`discovery gave a URL that is not https: ${u}`);
    }

    // 2. The credential, as the policy says.
    let credential: SimCredential;
    switch (answer.authPolicy) {
      case 'OnPremise':
        if (link?.accesstoken !== undefined) throw new Error('the link carries an accesstoken, but discovery answered OnPremise: Windows would ask for a password and drop the token');
        if (person.password === undefined) throw new Error('discovery answered OnPremise and the person has no password to type');
        credential = { type: 'password', username: account, password: person.password };
        break;
      case 'Federated': {
        if (answer.authenticationServiceUrl === undefined) throw new Error('a Federated DiscoverResponse must carry AuthenticationServiceUrl');
        const token = await runWebAuthentication(this.transport, {
          authenticationServiceUrl: answer.authenticationServiceUrl,
          loginHint: account,
          ...(link?.accesstoken !== undefined ? { accessToken: link.accesstoken } : {}),
          person: { userName: account, ...(person.password !== undefined ? { password: person.password } : {}), ...(person.totpCode ? { totpCode: person.totpCode } : {}) },
          appru: WINDOWS_APPRU,
        });
        credential = { type: 'token', token };
        break;
      }
      default:
        throw new Error(`AuthPolicy ${answer.authPolicy} is not one this PC offered`);
    }

    // 3. Policy (optional in the protocol: without it, 2048-bit keys and SHA-1).
    let policy: PolicyAnswer = { minimalKeyLength: 2048, hashAlgorithmOid: '1.3.14.3.2.26' };
    if (answer.enrollmentPolicyServiceUrl !== undefined) {
      const policyId = newMessageId();
      policy = readGetPoliciesResponse(await this.post(answer.enrollmentPolicyServiceUrl, getPoliciesRequest({ messageId: policyId, to: answer.enrollmentPolicyServiceUrl, credential })));
      if (policy.relatesTo !== undefined && policy.relatesTo !== policyId) throw new Error(`GetPoliciesResponse relates to ${policy.relatesTo}, not ${policyId}`);
    }
    this.policy = policy;
    if (policy.hashAlgorithmOid !== SHA256) throw new Error(`the policy asks for hash ${policy.hashAlgorithmOid}; this PC signs its request with SHA-256 only`);

    // 4. Key and request.
    const bits = Math.max(2048, policy.minimalKeyLength);
    const keys = await generateKeyPairAsync('rsa', { modulusLength: bits });
    const csr = options.csr?.(keys) ?? encodeCertificationRequest({ subject: simpleName([['CN', this.deviceId]]), publicKey: keys.publicKey, privateKey: keys.privateKey });
    await options.beforeEnrollmentRequest?.();
    const rstId = newMessageId();
    const rstr = readRequestSecurityTokenResponse(await this.post(answer.enrollmentServiceUrl, requestSecurityToken({
      messageId: rstId, to: answer.enrollmentServiceUrl, credential, csr,
      context: [
        ['UXInitiated', 'true'],
        ['HWDevID', this.hwDevId],
        ['Locale', 'en-US'],
        ['TargetedUserLoggedIn', this.enrollmentType === 'Full' ? 'true' : 'false'],
        ['OSEdition', String(this.osEdition)],
        ['DeviceName', this.deviceName],
        ['MAC', '00:15:5D:01:02:03'],
        ['MAC', '00:15:5D:01:02:04'],
        ['DeviceID', this.deviceId],
        ['EnrollmentType', this.enrollmentType],
        ['DeviceType', 'CIMClient_Windows'],
        ['OSVersion', this.osVersion],
        ['ApplicationVersion', this.osVersion],
      ],
    })));
    if (rstr.relatesTo !== undefined && rstr.relatesTo !== rstId) throw new Error(`the response relates to ${rstr.relatesTo}, not ${rstId}`);

    // 5. Apply the provisioning document as Windows would, refusing what it would refuse.
    const doc = readProvisioningDoc(rstr.provisioningXml);
    const identity = checkProvisioning(doc, keys, this.enrollmentType);
    this.identity = {
      ...identity,
      authPolicy: answer.authPolicy,
      privateKey: keys.privateKey,
      privateKeyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      provisioningXml: rstr.provisioningXml,
    };
    return this.identity;
  }

  private async post(url: string, xml: string): Promise<Uint8Array> {
    this.sent.push({ url, body: xml });
    const res = await this.transport.request('POST', url, { 'content-type': 'application/soap+xml; charset=utf-8', 'user-agent': 'ENROLLClient' }, new Uint8Array(Buffer.from(xml, 'utf8')));
    if ((res.headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) throw new Error(`${url} answered chunked, which the enrollment client does not accept`);
    throwIfFault(res.status, res.body);
    return res.body;
  }
}

const thumbprint = (der: Uint8Array) => createHash('sha1').update(der).digest('hex').toUpperCase();

function checkProvisioning(doc: ProvisionedDoc, keys: { publicKey: KeyObject }, enrollmentType: 'Full' | 'Device'): Omit<WindowsEnrollmentIdentity, 'authPolicy' | 'privateKey' | 'privateKeyPem' | 'provisioningXml'> {
  const client = new X509Certificate(doc.clientCertificate.der);
  if (thumbprint(doc.clientCertificate.der) !== doc.clientCertificate.thumbprint.toUpperCase()) throw new Error('the client certificate is not filed under its SHA-1 thumbprint');
  const expectedStore = enrollmentType === 'Device' ? 'System' : 'User';
  if (doc.clientCertificate.store !== expectedStore) throw new Error(`the client certificate goes to My/${doc.clientCertificate.store}; a ${enrollmentType} enrollment uses My/${expectedStore}`);
  const mine = keys.publicKey.export({ type: 'spki', format: 'der' });
  if (!Buffer.from(client.publicKey.export({ type: 'spki', format: 'der' })).equals(Buffer.from(mine))) throw new Error('the client certificate is not for the key this PC generated');
  if (doc.rootCertificates.length === 0) throw new Error('the document installs no root certificate');
  for (const r of doc.rootCertificates) if (thumbprint(r.der) !== r.thumbprint.toUpperCase()) throw new Error('a root certificate is not filed under its SHA-1 thumbprint');
  const chains = doc.rootCertificates.some((r) => {
    const root = new X509Certificate(r.der);
    return client.checkIssued(root) && client.verify(root.publicKey);
  });
  if (!chains) throw new Error('the client certificate does not chain to the root the document installs');
  if (!client.subject.startsWith('CN=')) throw new Error(`client certificate subject ${client.subject} is not CN=…`);
  // SSLCLIENTCERTSEARCHCRITERIA is how the DM client finds the certificate for mutual TLS.
  const criteria = new URLSearchParams(doc.sslClientCertSearchCriteria.replace(/\+/g, '%2B'));
  if (criteria.get('Subject') !== client.subject) throw new Error(`SSLCLIENTCERTSEARCHCRITERIA names ${String(criteria.get('Subject'))}, not the certificate's ${client.subject}`);
  if (criteria.get('Stores') !== `My\\${expectedStore}`) throw new Error(`SSLCLIENTCERTSEARCHCRITERIA looks in ${String(criteria.get('Stores'))}, not My\\${expectedStore}`);
  if (new URL(doc.managementUrl).protocol !== 'https:') throw new Error(`the management URL ${doc.managementUrl} is not https`);
  const enrollmentId = doc.dmClient.EntDMID ?? client.subject.slice(3);
  return {
    enrollmentId,
    certificateDer: doc.clientCertificate.der,
    certificatePem: client.toString(),
    rootCertificatesDer: doc.rootCertificates.map((r) => r.der),
    managementUrl: doc.managementUrl,
    providerId: doc.providerId,
    serverName: doc.serverName,
    provisioning: doc,
  };
}
