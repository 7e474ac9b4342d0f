import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ProtocolError } from './errors.js';
import { child, parseXml, textOf } from './xml.js';
import {
  DISCOVER_RESPONSE_ACTION, ENROLLMENT_2012_NS, SOAP12_NS, USER_TOKEN_VALUE_TYPE, decodeDiscoveryRequest, decodeSoapEnvelope,
  decodeSoapFault, decodeWsseCredential, encodeDiscoveryResponse, encodeSoapFault,
} from './mde2.js';

const sample = (f: string): string => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8');
const code = (f: () => unknown): string => { try { f(); return 'ok'; } catch (e) { return e instanceof ProtocolError ? e.code : 'other'; } };

function discoverResult(xml: string): Record<string, string> {
  const root = parseXml(xml);
  const body = child(root, SOAP12_NS, 'Body');
  const result = body && child(body, ENROLLMENT_2012_NS, 'DiscoverResponse');
  const r = result && child(result, ENROLLMENT_2012_NS, 'DiscoverResult');
  assert.ok(r);
  return Object.fromEntries(r.children.map((c) => [c.name, textOf(c)]));
}

describe('discovery', () => {
  it('decodes the on-premises sample request', () => {
    assert.deepEqual(decodeDiscoveryRequest(sample('discovery-request.xml')), {
      messageId: 'urn:uuid: 748132ec-a575-4329-b01b-6171a9cf8478', emailAddress: 'user@contoso.com', requestVersion: '3.0',
      deviceType: 'WindowsPhone', applicationVersion: '10.0.0.0', osEdition: 3, authPolicies: ['OnPremise'],
    });
  });
  it('matches on namespaces, not prefixes', () => {
    const other = sample('discovery-request.xml').replace(/\bs:/g, 'env:').replace('xmlns:s=', 'xmlns:env=').replace(/\ba:/g, 'wsa:').replace('xmlns:a=', 'xmlns:wsa=');
    assert.ok(other.includes('<env:Envelope') && other.includes('<wsa:Action'));
    assert.equal(decodeDiscoveryRequest(other).emailAddress, 'user@contoso.com');
    const soap11 = sample('discovery-request.xml').replace('http://www.w3.org/2003/05/soap-envelope', 'http://schemas.xmlsoap.org/soap/envelope/');
    assert.equal(code(() => decodeDiscoveryRequest(soap11)), 'wrong-namespace');
    const wrongAction = sample('discovery-request.xml').replace('IDiscoveryService/Discover', 'IDiscoveryService/Other');
    assert.equal(code(() => decodeDiscoveryRequest(wrongAction)), 'unsupported-action');
  });
  it('encodes a response with the sample shape, OnPremise and Federated', () => {
    const published = discoverResult(sample('discovery-response-onpremise.xml'));
    const ours = encodeDiscoveryResponse({
      relatesTo: 'urn:uuid:1', authPolicy: 'OnPremise', enrollmentVersion: '3.0',
      enrollmentPolicyServiceUrl: 'https://enrolltest.contoso.com/ENROLLMENTSERVER/DEVICEENROLLMENTWEBSERVICE.SVC',
      enrollmentServiceUrl: 'https://enrolltest.contoso.com/ENROLLMENTSERVER/DEVICEENROLLMENTWEBSERVICE.SVC',
    });
    assert.deepEqual(discoverResult(ours), published);
    assert.equal(decodeSoapEnvelope(ours).action, DISCOVER_RESPONSE_ACTION);
    const fed = discoverResult(encodeDiscoveryResponse({ authPolicy: 'Federated', enrollmentServiceUrl: 'https://s/e', authenticationServiceUrl: 'https://s/signin?a=1&b=2' }));
    assert.equal(fed.AuthenticationServiceUrl, 'https://s/signin?a=1&b=2');
    assert.throws(() => encodeDiscoveryResponse({ authPolicy: 'Federated', enrollmentServiceUrl: 'https://s/e' }), ProtocolError);
  });
});

describe('WS-Security credential', () => {
  it('reads the UsernameToken of the GetPolicies and RST samples', () => {
    for (const f of ['getpolicies-usernametoken.xml', 'rst-onpremise.xml']) {
      const cred = decodeWsseCredential(decodeSoapEnvelope(sample(f)));
      assert.deepEqual(cred, { type: 'username', username: 'user@contoso.com', password: 'mypassword', passwordType: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText' });
    }
  });
  it('reads a federated BinarySecurityToken', () => {
    const token = Buffer.from('steward-token-123').toString('base64');
    const xml = `<s:Envelope xmlns:s="${SOAP12_NS}" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action>x</a:Action>
      <o:Security xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><o:BinarySecurityToken ValueType="${USER_TOKEN_VALUE_TYPE}" EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary">
      ${token}</o:BinarySecurityToken></o:Security></s:Header><s:Body><x/></s:Body></s:Envelope>`;
    const cred = decodeWsseCredential(decodeSoapEnvelope(xml));
    assert.ok(cred.type === 'token');
    assert.equal(cred.valueType, USER_TOKEN_VALUE_TYPE);
    assert.equal(Buffer.from(cred.token).toString(), 'steward-token-123');
    assert.equal(code(() => decodeWsseCredential(decodeSoapEnvelope(xml.replace(token, '!!!')))), 'invalid-value');
    assert.equal(code(() => decodeWsseCredential(decodeSoapEnvelope(sample('discovery-request.xml')))), 'missing-element');
  });
});

describe('SOAP faults', () => {
  it('reads the [MS-MDE2] §2.2.10 sample', () => {
    assert.deepEqual(decodeSoapFault(sample('fault-authorization.xml')), { code: 's:Receiver', subcode: 's:Authorization', reason: 'This User is not authorized to enroll' });
  });
  it('encodes faults that read back, with the detail error type and escaping', () => {
    const xml = encodeSoapFault({
      code: 'Receiver', subcode: 'Authorization', reason: 'Your account <alice> is disabled & cannot enroll.',
      relatesTo: 'urn:uuid:0d5a1441', activityId: '2493ee37-beeb-4cb9-833c-cadde9067645',
      detail: { errorType: 'UserLicense', message: 'No Intune-equivalent licence assigned', traceId: 't1' },
    });
    assert.deepEqual(decodeSoapFault(xml), { code: 's:Receiver', subcode: 's:Authorization', reason: 'Your account <alice> is disabled & cannot enroll.', errorType: 'UserLicense' });
  });
});
