// The simulated PC against Microsoft's published messages: its readers take the samples of
// "On-premises authentication device enrollment", "Federated authentication device enrollment"
// and [MS-MDE2] §2.2.9.1/§2.2.10/§4.3.2 (src/protocol/windows/testdata), and what it writes has
// the samples' shape: the same actions, namespaces and elements, read back with Steward's decoders.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeDiscoveryRequest, PASSWORD_TEXT, USER_TOKEN_VALUE_TYPE } from '../../src/protocol/windows/mde2.js';
import { decodeGetPoliciesRequest } from '../../src/protocol/windows/xcep.js';
import { contextValue, decodeRequestSecurityToken } from '../../src/protocol/windows/wstep.js';
import { parseXml } from '../../src/protocol/windows/xml.js';
import {
  discoverRequest, getPoliciesRequest, readDiscoverResponse, readGetPoliciesResponse, readProvisioningDoc, readRequestSecurityTokenResponse,
  requestSecurityToken, SoapFaultError, throwIfFault,
} from './messages.js';
import { discoveryUrlFor, parseEnrollmentLink } from './pc.js';
import { readForms } from './web-auth.js';

const sample = (name: string) => readFileSync(new URL(`../../src/protocol/windows/testdata/${name}`, import.meta.url));

describe('simulated Windows PC: Microsoft\'s samples', () => {
  it('reads the published DiscoverResponse', () => {
    const d = readDiscoverResponse(sample('discovery-response-onpremise.xml'));
    assert.equal(d.authPolicy, 'OnPremise');
    assert.equal(d.enrollmentVersion, '3.0');
    assert.equal(d.enrollmentServiceUrl, 'https://enrolltest.contoso.com/ENROLLMENTSERVER/DEVICEENROLLMENTWEBSERVICE.SVC');
    assert.equal(d.relatesTo, 'urn:uuid: 748132ec-a575-4329-b01b-6171a9cf8478');
  });

  it('reads the published GetPoliciesResponse, following the hash OID reference', () => {
    const p = readGetPoliciesResponse(sample('getpolicies-response.xml'));
    assert.equal(p.minimalKeyLength, 2048);
    assert.equal(p.hashAlgorithmOid, '1.3.14.3.2.29');
  });

  it('reads the published RequestSecurityTokenResponse (a SOAP 1.1 envelope) and the fault sample', () => {
    const r = readRequestSecurityTokenResponse(sample('rstr-response.xml'));
    assert.equal(r.relatesTo, 'urn:uuid:81a5419a-496b-474f-a627-5cdd33eed8ab');
    assert.throws(() => throwIfFault(500, sample('fault-authorization.xml')), (e: unknown) =>
      e instanceof SoapFaultError && e.code === 'Receiver' && e.subcode === 'Authorization' && e.reason === 'This User is not authorized to enroll');
  });

  it('reads the published provisioning documents, user and device context', () => {
    const user = readProvisioningDoc(sample('provisioning-user.xml').toString('utf8'));
    assert.equal(user.providerId, 'TestMDMServer');
    assert.equal(user.managementUrl, 'https://DM.contoso.com:443/omadm/Windows.ashx');
    assert.equal(user.clientCertificate.store, 'User');
    assert.equal(user.clientCertificate.thumbprint, 'F9A4F20FC50D990FDD0E3DB9AFCBF401818D5462');
    assert.equal(user.rootCertificates[0]?.thumbprint, '031336C933CC7E228B88880D78824FB2909A0A2F');
    assert.equal(user.dmClient.UPN, 'UserPrincipalName@domain.com');
    assert.ok(Object.keys(user.poll).length > 0);
    assert.match(user.sslClientCertSearchCriteria, /^Subject=.*&Stores=My%5CUser$/);
    const device = readProvisioningDoc(sample('provisioning-device.xml').toString('utf8'));
    assert.equal(device.clientCertificate.store, 'System');
  });

  it('writes Discover as the Federated sample does, which Steward\'s decoder reads', () => {
    const xml = discoverRequest({ messageId: 'urn:uuid:1', to: 'https://x/EnrollmentServer/Discovery.svc', email: 'user@contoso.com', osEdition: 48, requestVersion: '4.0', applicationVersion: '10.0.22631.1', authPolicies: ['OnPremise', 'Federated'] });
    const d = decodeDiscoveryRequest(xml);
    assert.deepEqual([d.emailAddress, d.requestVersion, d.osEdition, d.deviceType, d.authPolicies], ['user@contoso.com', '4.0', 48, 'CIMClient_Windows', ['OnPremise', 'Federated']]);
    // The namespace with the trailing slash, as Windows writes it.
    const discover = parseXml(xml).children.find((c) => c.name === 'Body')?.children[0];
    assert.equal(discover?.ns, 'http://schemas.microsoft.com/windows/management/2012/01/enrollment/');
  });

  it('writes GetPolicies and RequestSecurityToken with the samples\' credentials', () => {
    const password = decodeGetPoliciesRequest(getPoliciesRequest({ messageId: 'urn:uuid:2', to: 'https://x/p', credential: { type: 'password', username: 'user@contoso.com', password: 'p&ss<word>' } }));
    assert.deepEqual(password.credential, { type: 'username', username: 'user@contoso.com', password: 'p&ss<word>', passwordType: PASSWORD_TEXT });
    assert.equal(password.requestFilter, undefined);
    const token = decodeGetPoliciesRequest(getPoliciesRequest({ messageId: 'urn:uuid:3', to: 'https://x/p', credential: { type: 'token', token: 'abc123' } }));
    assert.equal(token.credential.type, 'token');
    assert.equal(token.credential.type === 'token' && token.credential.valueType, USER_TOKEN_VALUE_TYPE);
    assert.equal(token.credential.type === 'token' && Buffer.from(token.credential.token).toString('utf8'), 'abc123', 'the wresult travels base64-encoded');

    const csr = new Uint8Array([0x30, 0x01, 0x00]);
    const rst = decodeRequestSecurityToken(requestSecurityToken({ messageId: 'urn:uuid:4', to: 'https://x/e', credential: { type: 'token', token: 't' }, csr, context: [['DeviceID', 'D1'], ['MAC', 'a'], ['MAC', 'b'], ['EnrollmentType', 'Full']] }));
    assert.deepEqual([rst.requestType, rst.csrFormat, rst.enrollmentType, contextValue(rst, 'DeviceID'), rst.context.get('MAC')], ['Issue', 'pkcs10', 'Full', 'D1', ['a', 'b']]);
    assert.deepEqual([...rst.csr], [...csr]);
  });
});

describe('simulated Windows PC: links and pages', () => {
  it('reads ms-device-enrollment: links and finds the discovery URL as Windows does', () => {
    const link = parseEnrollmentLink('ms-device-enrollment:?mode=mdm&username=someone%40example.com&servername=https%3A%2F%2Fexample.server.com&accesstoken=abc');
    assert.deepEqual(link, { mode: 'mdm', username: 'someone@example.com', servername: 'https://example.server.com', accesstoken: 'abc' });
    assert.equal(discoveryUrlFor('https://example.server.com'), 'https://example.server.com/EnrollmentServer/Discovery.svc');
    assert.equal(discoveryUrlFor('example.server.com'), 'https://example.server.com/EnrollmentServer/Discovery.svc');
    assert.equal(discoveryUrlFor('https://mdm.example/EnrollmentServer/Token/Discovery.svc'), 'https://mdm.example/EnrollmentServer/Token/Discovery.svc');
  });

  it('reads the end page of the Federated sample: a form posting wresult to appru', () => {
    const page = `<!DOCTYPE><html><head><title>Working...</title><script>function formSubmit() { document.forms[0].submit(); } window.onload=formSubmit;</script></head>
      <body><form method="post" action="ms-app://windows.immersivecontrolpanel"><p><input type="hidden" name="wresult" value="token value"/></p><input type="submit"/></form></body></html>`;
    const [form] = readForms(page);
    assert.equal(form?.action, 'ms-app://windows.immersivecontrolpanel');
    assert.deepEqual(form?.inputs.filter((i) => i.name === 'wresult'), [{ name: 'wresult', type: 'hidden', value: 'token value' }]);
  });
});
