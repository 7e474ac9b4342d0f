// [MS-XCEP] GetPolicies as [MS-MDE2] §3.3 profiles it: the enrollment client asks for the
// certificate enrollment policy (key length, hash algorithm) before it builds its PKCS #10.
// Request: [MS-XCEP] §3.1.4.1.2.1 and §3.1.4.1.3.9/.22; MDE2 sends lastUpdate, preferredLanguage and
// requestFilter as xsi:nil (§3.3.4.1.1.1). Response: [MS-XCEP] §3.1.4.1.2.2 and §3.1.4.1.3.x, with the
// elements the enrollment client evaluates ([MS-MDE2] §3.3.4.1.1.2) laid out as the published
// samples ([MS-MDE2] §4.2.2; learn.microsoft.com "On-premises authentication device enrollment").
import { ProtocolError } from './errors.js';
import { SOAP12_NS, WSA_NS, decodeSoapEnvelope, decodeWsseCredential, type WsseCredential } from './mde2.js';
import { attribute, child, children, el, renderXml, textOf, type XmlElement, type XmlNode } from './xml.js';

export const XCEP_NS = 'http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy';
export const GET_POLICIES_ACTION = `${XCEP_NS}/IPolicy/GetPolicies`;
export const GET_POLICIES_RESPONSE_ACTION = `${XCEP_NS}/IPolicy/GetPoliciesResponse`;
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

export interface RequestFilter {
  /** [MS-XCEP] §3.1.4.1.3.14; empty when policyOIDs is nil (no OID filter). */
  policyOids: string[];
  clientVersion?: number;
  serverVersion?: number;
}

export interface GetPoliciesRequest {
  messageId: string;
  to?: string;
  credential: WsseCredential;
  /** Client's last policy retrieval (GMT); absent when nil, as MDE2 clients send it. */
  lastUpdate?: Date;
  preferredLanguage?: string;
  /** Absent when nil or empty: the server applies no filter ([MS-XCEP] §3.1.4.1.2.1). */
  requestFilter?: RequestFilter;
}

const BODY = '/Envelope/Body/GetPolicies';

/** Decodes a GetPolicies request. Throws only ProtocolError. */
export function decodeGetPoliciesRequest(input: Uint8Array | string): GetPoliciesRequest {
  const env = decodeSoapEnvelope(input);
  if (env.action !== GET_POLICIES_ACTION) throw new ProtocolError('unsupported-action', `action ${JSON.stringify(env.action.slice(0, 200))} is not GetPolicies`, '/Envelope/Header/Action');
  if (env.messageId === undefined || env.messageId === '') throw new ProtocolError('missing-element', 'WS-Addressing MessageID header is missing (the response must relate to it)', '/Envelope/Header');
  const body = env.body;
  if (body.name !== 'GetPolicies') throw new ProtocolError('unexpected-element', `expected <GetPolicies>, found <${body.name}>`, '/Envelope/Body');
  if (body.ns !== XCEP_NS) throw new ProtocolError('wrong-namespace', `<GetPolicies> is in namespace ${JSON.stringify(body.ns)}, expected ${XCEP_NS}`, '/Envelope/Body');

  // [MS-XCEP] §3.1.4.1.2.1: an absent, nil or empty client is a fault.
  const client = child(body, XCEP_NS, 'client');
  if (!client || isNil(client) || client.children.length === 0) throw new ProtocolError('missing-element', '<client> is required in <GetPolicies> and must not be nil or empty', BODY);
  const out: GetPoliciesRequest = { messageId: env.messageId, credential: decodeWsseCredential(env) };
  if (env.to !== undefined) out.to = env.to;

  const lastUpdate = optional(client, 'lastUpdate');
  if (lastUpdate !== undefined) out.lastUpdate = parseDateTime(lastUpdate, `${BODY}/client/lastUpdate`);
  const language = optional(client, 'preferredLanguage');
  if (language !== undefined) {
    if (!/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(language)) throw new ProtocolError('invalid-value', 'preferredLanguage is not an xs:language tag', `${BODY}/client/preferredLanguage`);
    out.preferredLanguage = language;
  }

  const filter = child(body, XCEP_NS, 'requestFilter');
  if (filter && !isNil(filter) && filter.children.length > 0) out.requestFilter = decodeRequestFilter(filter);
  return out;
}

function decodeRequestFilter(filter: XmlElement): RequestFilter {
  const path = `${BODY}/requestFilter`;
  const out: RequestFilter = { policyOids: [] };
  const oids = child(filter, XCEP_NS, 'policyOIDs');
  if (oids && !isNil(oids)) {
    for (const o of children(oids, XCEP_NS, 'oid')) {
      const v = textOf(o);
      if (!/^[0-2](\.(0|[1-9][0-9]{0,9}))+$/.test(v)) throw new ProtocolError('invalid-value', `policy OID ${JSON.stringify(v.slice(0, 64))} is not a dotted OID`, `${path}/policyOIDs/oid`);
      // [MS-XCEP] §3.1.4.1.3.14: each oid MUST be unique.
      if (out.policyOids.includes(v)) throw new ProtocolError('invalid-value', `policy OID ${v} is listed twice`, `${path}/policyOIDs`);
      out.policyOids.push(v);
    }
  }
  for (const name of ['clientVersion', 'serverVersion'] as const) {
    const v = optional(filter, name);
    if (v === undefined) continue;
    if (!/^[+-]?[0-9]{1,10}$/.test(v) || Math.abs(Number(v)) > 0x7fffffff) throw new ProtocolError('invalid-value', `${name} is not an xs:int`, `${path}/${name}`);
    out[name] = Number(v);
  }
  return out;
}

function isNil(e: XmlElement): boolean {
  const v = attribute(e, XSI_NS, 'nil');
  return v === 'true' || v === '1';
}

/** Text of an optional, nillable child; undefined when absent or nil. */
function optional(parent: XmlElement, name: string): string | undefined {
  const c = child(parent, XCEP_NS, name);
  return c === undefined || isNil(c) ? undefined : textOf(c);
}

/** xs:dateTime; [MS-XCEP] §3.1.4.1.3.9 says lastUpdate is GMT, so a value without a zone is read as UTC. */
function parseDateTime(v: string, where: string): Date {
  const m = /^(-?[0-9]{4,})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$/.exec(v);
  const bad = () => new ProtocolError('invalid-value', `${JSON.stringify(v.slice(0, 64))} is not an xs:dateTime`, where);
  if (!m) throw bad();
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000);
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day); // setUTCFullYear, unlike Date.UTC, keeps years 0-99 as written
  d.setUTCHours(hour, minute, second, ms);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) throw bad();
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const [zh, zm] = zone.slice(1).split(':').map(Number) as [number, number];
    if (zh > 14 || zm > 59) throw bad();
    d.setTime(d.getTime() - sign * (zh * 60 + zm) * 60_000);
  }
  if (Number.isNaN(d.getTime())) throw bad();
  return d;
}

// ---- response ----

/** Hash algorithms offered to the client, as [MS-XCEP] §3.1.4.1.3.16 OID objects in group 1 (hash). */
export const policyHashAlgorithms = {
  sha256: { oid: '2.16.840.1.101.3.4.2.1', name: 'szOID_NIST_sha256' },
  sha384: { oid: '2.16.840.1.101.3.4.2.2', name: 'szOID_NIST_sha384' },
  sha512: { oid: '2.16.840.1.101.3.4.2.3', name: 'szOID_NIST_sha512' },
} as const;
export type PolicyHashAlgorithm = keyof typeof policyHashAlgorithms;

export interface GetPoliciesResponseInput {
  /** The request's MessageID. */
  relatesTo: string;
  /** Certificate template name ([MS-XCEP] §3.1.4.1.3.1 commonName). */
  commonName: string;
  /** RSA key length in bits the client must generate ([MS-XCEP] §3.1.4.1.3.20). */
  minimalKeyLength: number;
  hashAlgorithm: PolicyHashAlgorithm;
  /** [MS-WCCE] pKIDefaultKeySpec: 1 AT_KEYEXCHANGE, 2 AT_SIGNATURE; nil (client default) when absent, as in the samples. */
  keySpec?: 1 | 2;
  /** Recommended validity and renewal periods of the issued certificate ([MS-XCEP] §3.1.4.1.3.8). */
  validityPeriodSeconds: number;
  renewalPeriodSeconds: number;
  /** Key storage providers, e.g. "Microsoft Platform Crypto Provider"; nil when absent. */
  cryptoProviders?: readonly string[];
  /** [MS-XCEP] §3.1.4.1.3.23; the samples send an empty policyID. */
  policyId?: string;
  policyFriendlyName?: string;
  nextUpdateHours?: number;
  revision?: { major: number; minor: number };
}

const UINT_MAX = 0xffffffff;

/** Encodes the GetPoliciesResponse envelope with one policy. Throws ProtocolError on an invalid input. */
export function encodeGetPoliciesResponse(r: GetPoliciesResponseInput): string {
  const hash = policyHashAlgorithms[r.hashAlgorithm];
  if ((hash as typeof hash | undefined) === undefined) throw new ProtocolError('invalid-value', `hash algorithm ${String(r.hashAlgorithm)} is not offered`);
  if (r.relatesTo === '') throw new ProtocolError('invalid-value', 'relatesTo must be the request MessageID');
  if (r.commonName === '') throw new ProtocolError('invalid-value', 'commonName must not be empty');
  positive(r.minimalKeyLength, 'minimalKeyLength', UINT_MAX);
  positive(r.validityPeriodSeconds, 'validityPeriodSeconds', Number.MAX_SAFE_INTEGER);
  positive(r.renewalPeriodSeconds, 'renewalPeriodSeconds', Number.MAX_SAFE_INTEGER);
  if (r.nextUpdateHours !== undefined) positive(r.nextUpdateHours, 'nextUpdateHours', UINT_MAX);
  const revision = r.revision ?? { major: 1, minor: 0 };
  positive(revision.major, 'revision.major', UINT_MAX);
  if (!Number.isInteger(revision.minor) || revision.minor < 0 || revision.minor > UINT_MAX) throw new ProtocolError('invalid-value', 'revision.minor must be an unsigned int');
  if (r.keySpec !== undefined && r.keySpec !== 1 && r.keySpec !== 2) throw new ProtocolError('invalid-value', 'keySpec must be 1 (AT_KEYEXCHANGE) or 2 (AT_SIGNATURE)');
  if (r.cryptoProviders?.some((p) => p === '')) throw new ProtocolError('invalid-value', 'crypto provider names must not be empty');

  const nil = (name: string): XmlNode => el(name, { 'xsi:nil': 'true' });
  const value = (name: string, v: string | number | undefined): XmlNode => (v === undefined ? nil(name) : el(name, undefined, String(v)));
  // One OID object serves as the hash algorithm and as the policy OID, as in the published samples:
  // policyOIDReference MUST name an oIDReferenceID of the response ([MS-XCEP] §3.1.4.1.3.7).
  const oidRef = '0';
  const providers = r.cryptoProviders === undefined || r.cryptoProviders.length === 0
    ? nil('cryptoProviders')
    : el('cryptoProviders', undefined, ...r.cryptoProviders.map((p) => el('provider', undefined, p)));

  return renderXml(el('s:Envelope', { 'xmlns:s': SOAP12_NS, 'xmlns:a': WSA_NS },
    el('s:Header', undefined,
      el('a:Action', { 's:mustUnderstand': '1' }, GET_POLICIES_RESPONSE_ACTION),
      el('a:RelatesTo', undefined, r.relatesTo)),
    el('s:Body', { 'xmlns:xsi': XSI_NS },
      el('GetPoliciesResponse', { xmlns: XCEP_NS },
        el('response', undefined,
          el('policyID', undefined, r.policyId ?? ''),
          value('policyFriendlyName', r.policyFriendlyName),
          value('nextUpdateHours', r.nextUpdateHours),
          nil('policiesNotChanged'),
          el('policies', undefined,
            el('policy', undefined,
              el('policyOIDReference', undefined, oidRef),
              nil('cAs'),
              el('attributes', undefined,
                el('commonName', undefined, r.commonName),
                // [MS-MDE2] §3.3.4.1.1.2: policySchema MUST be 3 (the version that carries a hash algorithm).
                el('policySchema', undefined, '3'),
                el('certificateValidity', undefined,
                  el('validityPeriodSeconds', undefined, String(r.validityPeriodSeconds)),
                  el('renewalPeriodSeconds', undefined, String(r.renewalPeriodSeconds))),
                el('permission', undefined, el('enroll', undefined, 'true'), el('autoEnroll', undefined, 'false')),
                el('privateKeyAttributes', undefined,
                  el('minimalKeyLength', undefined, String(r.minimalKeyLength)),
                  value('keySpec', r.keySpec),
                  nil('keyUsageProperty'),
                  nil('permissions'),
                  nil('algorithmOIDReference'),
                  providers),
                el('revision', undefined,
                  el('majorRevision', undefined, String(revision.major)),
                  el('minorRevision', undefined, String(revision.minor))),
                nil('supersededPolicies'),
                nil('privateKeyFlags'),
                nil('subjectNameFlags'),
                nil('enrollmentFlags'),
                nil('generalFlags'),
                el('hashAlgorithmOIDReference', undefined, oidRef),
                nil('rARequirements'),
                nil('keyArchivalAttributes'),
                nil('extensions'))))),
        nil('cAs'),
        el('oIDs', undefined,
          el('oID', undefined,
            el('value', undefined, hash.oid),
            el('group', undefined, '1'),
            el('oIDReferenceID', undefined, oidRef),
            el('defaultName', undefined, hash.name)))))), { declaration: true });
}

function positive(v: number, name: string, max: number): void {
  if (!Number.isInteger(v) || v <= 0 || v > max) throw new ProtocolError('invalid-value', `${name} must be a positive integer`);
}
