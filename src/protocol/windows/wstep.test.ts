import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ProtocolError, type ProtocolErrorCode } from './errors.js';
import { PASSWORD_TEXT, PKI_ENROLLMENT_NS, SOAP12_NS, USER_TOKEN_VALUE_TYPE, WSA_NS, WSSE_NS, WSTRUST_NS, decodeSoapEnvelope, decodeSoapFault } from './mde2.js';
import { child, parseXml, type XmlElement } from './xml.js';
import { encodeProvisioningDoc } from './provisioning.js';
import {
  BASE64_ENCODING_TYPE, DEVICE_ENROLLMENT_TOKEN_TYPE, PROVISION_DOC_VALUE_TYPE, RSTRC_ACTION, contextValue, decodeRequestSecurityToken,
  encodeEnrollmentFault, encodeRequestSecurityTokenResponse,
} from './wstep.js';

const file = (f: string): string => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8');
const code = (f: () => unknown): string => { try { f(); return 'ok'; } catch (e) { return e instanceof ProtocolError ? e.code : `other: ${String(e)}`; } };
const rejects = (xml: string | Uint8Array, expected: ProtocolErrorCode, message?: RegExp): void => {
  assert.throws(() => decodeRequestSecurityToken(xml), (e: unknown) => e instanceof ProtocolError && e.code === expected && (message === undefined || message.test(e.message)));
};

// Microsoft's samples carry placeholder text where a client sends base64 (the PKCS #10 and the
// federated token); the tests put a real CSR (testdata/enroll-csr.pem) and token in their place.
const csrPem = file('enroll-csr.pem');
const csrBase64 = csrPem.replace(/-----[A-Z ]+-----|\s/g, '');
const csrDer = new Uint8Array(Buffer.from(csrBase64, 'base64'));
const token = Buffer.from('steward-wab-token').toString('base64');
const withCsr = (xml: string): string => xml.replace('DER format PKCS#10 certificate request in Base64 encoding Insterted Here', `\n${csrBase64.replace(/(.{64})/g, '$1\n')}\n`);
const onPremise = withCsr(file('rst-onpremise.xml'));
const federated = withCsr(file('rst-federated.xml')).replace('B64EncodedSampleBinarySecurityToken"', token);
const federatedWsseAttributes = withCsr(file('rst-federated-wsse-attributes.xml')).replace('B64EncodedSampleBinarySecurityToken', token);

describe('decodeRequestSecurityToken', () => {
  it('decodes the on-premises sample: UsernameToken, PKCS #10, context items', () => {
    const r = decodeRequestSecurityToken(onPremise);
    assert.equal(r.messageId, 'urn:uuid:0d5a1441-5891-453b-becf-a2e5f6ea3749');
    assert.equal(r.to, 'https://enrolltest.contoso.com:443/ENROLLMENTSERVER/DEVICEENROLLMENTWEBSERVICE.SVC');
    assert.deepEqual(r.credential, { type: 'username', username: 'user@contoso.com', password: 'mypassword', passwordType: PASSWORD_TEXT });
    assert.equal(r.requestType, 'Issue');
    assert.equal(r.csrFormat, 'pkcs10');
    assert.deepEqual(r.csr, csrDer);
    assert.equal(r.enrollmentType, 'Full');
    assert.deepEqual([...r.context], [
      ['OSEdition', ['4']], ['OSVersion', ['10.0.9999.0']], ['DeviceName', ['MY_WINDOWS_DEVICE']], ['MAC', ['FF:FF:FF:FF:FF:FF']],
      ['EnrollmentType', ['Full']], ['DeviceType', ['CIMClient_Windows']], ['DeviceID', ['7BA748C8-703E-4DF2-A74A-92984117346A']],
    ]);
  });
  it('refuses the samples as published: their CSR is placeholder text', () => {
    rejects(file('rst-onpremise.xml'), 'invalid-value', /certificate request is not base64/);
  });
  it('decodes the [MS-MDE2] §4.3.1.1 Federated sample with its repeated and padded items', () => {
    const r = decodeRequestSecurityToken(federated);
    assert.ok(r.credential.type === 'token');
    assert.equal(r.credential.valueType, USER_TOKEN_VALUE_TYPE);
    assert.equal(r.credential.encodingType, BASE64_ENCODING_TYPE);
    assert.equal(Buffer.from(r.credential.token).toString(), 'steward-wab-token');
    assert.deepEqual(r.csr, csrDer);
    assert.deepEqual(r.context.get('MAC'), ['FF:FF:FF:FF:FF:FF', 'CC:CC:CC:CC:CC:CC']);
    assert.deepEqual(r.context.get('IMEI'), ['49015420323756', '30215420323756']);
    assert.equal(contextValue(r, 'HWDevID'), 'F'.repeat(64));
    assert.equal(contextValue(r, 'OfflineAutoPilotEnrollmentCorrelator'), 'ffffffff-ffff-4fff-afff-ffffffffffff');
    assert.equal(contextValue(r, 'Locale'), 'en-us');
    assert.equal(contextValue(r, 'DeviceID'), '7BA748C8-703E-4DF2-A74A-92984117346A');
    assert.equal(contextValue(r, 'ApplicationVersion'), '10.0.9999.0');
    assert.equal(contextValue(r, 'Missing'), undefined);
    assert.equal(r.context.size, 30);
  });
  it('reads wsse:ValueType / wsse:EncodingType on the header token (learn.microsoft.com Federated sample)', () => {
    const r = decodeRequestSecurityToken(federatedWsseAttributes);
    assert.ok(r.credential.type === 'token');
    assert.equal(r.credential.valueType, USER_TOKEN_VALUE_TYPE);
    assert.equal(r.credential.encodingType, BASE64_ENCODING_TYPE);
    assert.equal(contextValue(r, 'OSEdition'), '4');
  });
  it('reads device enrollments, renewals and recoveries', () => {
    assert.equal(decodeRequestSecurityToken(onPremise.replace('<ac:Value>Full</ac:Value>', '<ac:Value>Device</ac:Value>')).enrollmentType, 'Device');
    const noType = decodeRequestSecurityToken(onPremise.replace(/<ac:ContextItem Name="EnrollmentType">\s*<ac:Value>Full<\/ac:Value>\s*<\/ac:ContextItem>/, ''));
    assert.equal(noType.enrollmentType, undefined);
    const renew = decodeRequestSecurityToken(onPremise.replace('200512/Issue', '200512/Renew').replace('http://schemas.microsoft.com/windows/pki/2009/01/enrollment#PKCS10', 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#PKCS7'));
    assert.equal(renew.requestType, 'Renew');
    assert.equal(renew.csrFormat, 'pkcs7');
    assert.equal(decodeRequestSecurityToken(onPremise.replace('200512/Issue', '200512/Recovery')).requestType, 'Recovery');
    assert.equal(decodeRequestSecurityToken(onPremise.replace(/<ac:AdditionalContext[\s\S]*<\/ac:AdditionalContext>/, '')).context.size, 0);
  });
  it('refuses malformed requests with a code and a message naming the problem', () => {
    rejects(onPremise.replace('<ac:Value>Full</ac:Value>', '<ac:Value>Lite</ac:Value>'), 'invalid-value', /EnrollmentType/);
    rejects(onPremise.replace('<ac:ContextItem Name="DeviceType">', '<ac:ContextItem Name="EnrollmentType"><ac:Value>Device</ac:Value></ac:ContextItem><ac:ContextItem Name="DeviceType">'), 'invalid-value', /EnrollmentType must be sent once/);
    rejects(onPremise.replace(/<wsse:BinarySecurityToken[\s\S]*<\/wsse:BinarySecurityToken>/, ''), 'missing-element', /certificate request/);
    rejects(onPremise.replace('enrollment#PKCS10', 'enrollment#X509'), 'invalid-value', /ValueType/);
    rejects(onPremise.replace('http://schemas.microsoft.com/windows/pki/2009/01/enrollment#PKCS10', 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#PKCS7'), 'invalid-value', /only sent to Renew/);
    rejects(onPremise.replace('wssecurity-secext-1.0.xsd#base64binary">\n', 'wssecurity-secext-1.0.xsd#hexbinary">\n'), 'invalid-value', /EncodingType/);
    rejects(onPremise.replace(csrBase64.slice(0, 64), 'AAAA'), 'invalid-value', /DER SEQUENCE|base64/);
    rejects(onPremise.replace('<wst:RequestSecurityToken>', '<wst:RequestSecurityToken xmlns:wst="urn:other">'), 'wrong-namespace', /RequestSecurityToken/);
    rejects(onPremise.replace(/<a:MessageID>.*<\/a:MessageID>/, ''), 'missing-element', /MessageID/);
    rejects(onPremise.replace('RST/wstep', 'RST/other'), 'unsupported-action', /RequestSecurityToken/);
    rejects(onPremise.replace('Enrollment/DeviceEnrollmentToken', 'Enrollment/Other'), 'invalid-value', /TokenType/);
    rejects(onPremise.replace(/<wst:TokenType>[\s\S]*<\/wst:TokenType>/, ''), 'missing-element', /TokenType/);
    rejects(onPremise.replace('200512/Issue', '200512/Validate'), 'invalid-value', /RequestType/);
    rejects(onPremise.replace('<ac:ContextItem Name="OSEdition">', '<ac:ContextItem>'), 'invalid-value', /Name/);
    rejects(onPremise.replace(/<wsse:Security[\s\S]*<\/wsse:Security>/, ''), 'missing-element', /Security/);
    rejects('<!DOCTYPE lolz [<!ENTITY lol "lol">]>' + onPremise, 'xml-doctype-forbidden');
    rejects(onPremise.replace('<ac:Value>MY_WINDOWS_DEVICE</ac:Value>', '<ac:Value>&lol;</ac:Value>'), 'xml-entity-forbidden');
    rejects(onPremise.replace('<ac:Value>MY_WINDOWS_DEVICE</ac:Value>', '<ac:Value>' + '<b>'.repeat(50) + '</b>'.repeat(50) + '</ac:Value>'), 'xml-too-deep');
    rejects(onPremise.replace('<ac:Value>MY_WINDOWS_DEVICE</ac:Value>', `<ac:Value>${'A'.repeat(300 * 1024)}</ac:Value>`), 'xml-too-large');
    rejects(new Uint8Array([0xff, 0xfe, 0x3c, 0x00]), 'xml-encoding');
  });
});

// Responses read back by an independent parser (fast-xml-parser).
const fxp = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, parseAttributeValue: false, htmlEntities: true, trimValues: false });
const at = (v: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), v);
const certFingerprint = (pem: string): string => new X509Certificate(pem).fingerprint.replaceAll(':', '');
const rootPem = file('enroll-root-ca.pem');
const clientPem = file('enroll-client.pem');

function provisioningFor(enrollmentType: 'user' | 'device'): string {
  return encodeProvisioningDoc({
    serverId: 'Steward', serverName: 'Steward', managementUrl: 'https://mdm.contoso.com/ManagementServer/MDM.svc', enrollmentType,
    rootCertificate: new Uint8Array(new X509Certificate(rootPem).raw), clientCertificate: new Uint8Array(new X509Certificate(clientPem).raw),
    poll: { numberOfFirstRetries: 8, intervalForFirstSetOfRetries: 15, numberOfSecondRetries: 5, intervalForSecondSetOfRetries: 3, numberOfRemainingScheduledRetries: 0, intervalForRemainingScheduledRetries: 1560 },
    appAuth: { serverToClient: { secret: 'a', nonce: new Uint8Array([7]) }, clientToServer: { name: 'b', secret: 'c', type: 'DIGEST' } },
    entDeviceName: 'MY_WINDOWS_DEVICE',
  });
}

/** Child local names under each element, for comparing with the published sample. */
function shape(e: XmlElement, path = e.name, out: string[] = []): string[] {
  out.push(`${path}: ${e.children.map((c) => c.name).join(',')}`);
  for (const c of e.children) shape(c, `${path}/${c.name}`, out);
  return out;
}

describe('encodeRequestSecurityTokenResponse', () => {
  const provisioningXml = provisioningFor('user');
  const created = new Date('2026-01-02T03:04:05.678Z');
  const xml = encodeRequestSecurityTokenResponse({ relatesTo: 'urn:uuid:0d5a1441-5891-453b-becf-a2e5f6ea3749', provisioningXml, timestamp: { created, expires: new Date(created.getTime() + 300_000) } });

  it('has the namespaces and values of [MS-MDE2] §3.4.4.1.1.2, read back by fast-xml-parser', () => {
    assert.equal(XMLValidator.validate(xml), true);
    const doc: unknown = fxp.parse(xml);
    const env = (...path: string[]) => at(doc, 's:Envelope', ...path);
    assert.equal(env('@_xmlns:s'), SOAP12_NS);
    assert.equal(env('@_xmlns:a'), WSA_NS);
    assert.equal(env('s:Header', 'a:Action', '#text'), RSTRC_ACTION);
    assert.equal(env('s:Header', 'a:Action', '@_s:mustUnderstand'), '1');
    assert.equal(env('s:Header', 'a:RelatesTo'), 'urn:uuid:0d5a1441-5891-453b-becf-a2e5f6ea3749');
    assert.equal(env('s:Header', 'o:Security', '@_xmlns:o'), WSSE_NS);
    assert.equal(env('s:Header', 'o:Security', 'u:Timestamp', 'u:Created'), '2026-01-02T03:04:05.678Z');
    assert.equal(env('s:Header', 'o:Security', 'u:Timestamp', 'u:Expires'), '2026-01-02T03:09:05.678Z');
    const rstr = (...path: string[]) => env('s:Body', 'RequestSecurityTokenResponseCollection', ...path);
    assert.equal(rstr('@_xmlns'), WSTRUST_NS);
    const r = (...path: string[]) => rstr('RequestSecurityTokenResponse', ...path);
    assert.equal(r('TokenType'), DEVICE_ENROLLMENT_TOKEN_TYPE);
    assert.equal(r('DispositionMessage', '@_xmlns'), PKI_ENROLLMENT_NS);
    assert.equal(r('RequestID', '@_xmlns'), PKI_ENROLLMENT_NS);
    assert.equal(r('RequestID', '#text'), '0');
    const bst = (...path: string[]) => r('RequestedSecurityToken', 'BinarySecurityToken', ...path);
    assert.equal(bst('@_xmlns'), WSSE_NS);
    assert.equal(bst('@_ValueType'), PROVISION_DOC_VALUE_TYPE);
    assert.equal(bst('@_EncodingType'), BASE64_ENCODING_TYPE);
    const decoded = Buffer.from(String(bst('#text')), 'base64').toString('utf8');
    assert.equal(decoded, provisioningXml);
    assert.equal(XMLValidator.validate(decoded), true);
  });
  it('has the body shape of the [MS-MDE2] §4.3.2 sample', () => {
    const rstrc = (e: XmlElement) => e.children.find((c) => c.name === 'Body')?.children[0] ?? assert.fail('no RSTRC');
    assert.deepEqual(shape(rstrc(parseXml(xml))), shape(rstrc(parseXml(file('rstr-response.xml')))));
    assert.equal(decodeSoapEnvelope(xml).action, RSTRC_ACTION);
    const bare = parseXml(encodeRequestSecurityTokenResponse({ relatesTo: 'urn:uuid:1', provisioningXml, requestId: '42' }));
    const header = child(bare, SOAP12_NS, 'Header');
    assert.deepEqual(header?.children.map((c) => c.name), ['Action', 'RelatesTo']);
  });
  it('refuses a token that is not a provisioning document', () => {
    assert.equal(code(() => encodeRequestSecurityTokenResponse({ relatesTo: 'urn:uuid:1', provisioningXml: '<html/>' })), 'invalid-value');
    assert.equal(code(() => encodeRequestSecurityTokenResponse({ relatesTo: 'urn:uuid:1', provisioningXml: '<wap-provisioningdoc>' })), 'xml-malformed');
    assert.equal(code(() => encodeRequestSecurityTokenResponse({ relatesTo: '', provisioningXml })), 'invalid-value');
    assert.equal(code(() => encodeRequestSecurityTokenResponse({ relatesTo: 'x', provisioningXml, timestamp: { created, expires: new Date(0) } })), 'invalid-value');
  });
});

describe('enrollment round trip: RST in, RSTR out, provisioning document inside', () => {
  it('answers the Federated sample with a document carrying both certificates', () => {
    for (const [et, store] of [['Full', 'User'], ['Device', 'System']] as const) {
      const rst = decodeRequestSecurityToken(federated.replace('<ac:Value>Full</ac:Value>', `<ac:Value>${et}</ac:Value>`));
      const xml = encodeRequestSecurityTokenResponse({ relatesTo: rst.messageId, provisioningXml: provisioningFor(rst.enrollmentType === 'Device' ? 'device' : 'user') });
      const doc: unknown = fxp.parse(xml);
      const path = ['s:Envelope', 's:Body', 'RequestSecurityTokenResponseCollection', 'RequestSecurityTokenResponse', 'RequestedSecurityToken', 'BinarySecurityToken', '#text'];
      const provisioning = Buffer.from(String(at(doc, ...path)), 'base64').toString('utf8');
      assert.equal(at(doc, 's:Envelope', 's:Header', 'a:RelatesTo'), 'urn:uuid:0d5a1441-5891-453b-becf-a2e5f6ea3749');
      // Walk the decoded document with our own reader: every characteristic path, as type names.
      const paths: string[] = [];
      const walk = (e: XmlElement, p: string) => { for (const c of e.children) { const t = c.attributes.find((a) => a.name === 'type')?.value; if (t !== undefined) { paths.push(`${p}/${t}`); walk(c, `${p}/${t}`); } } };
      const root = parseXml(provisioning);
      assert.equal(root.name, 'wap-provisioningdoc');
      walk(root, '');
      assert.ok(paths.includes(`/CertificateStore/Root/System/${certFingerprint(rootPem)}`), paths.join('\n'));
      assert.ok(paths.includes(`/CertificateStore/My/${store}/${certFingerprint(clientPem)}`), paths.join('\n'));
      assert.ok(paths.includes(`/CertificateStore/My/${store}/PrivateKeyContainer`));
      assert.ok(paths.includes('/DMClient/Provider/Steward/Poll'));
    }
  });
});

describe('enrollment faults', () => {
  it('carries the RSTRC action and the namespace of each subcode ([MS-MDE2] §2.2.10)', () => {
    const xml = encodeEnrollmentFault({ code: 'Receiver', subcode: 'Authorization', reason: 'This User is not authorized to enroll', relatesTo: 'urn:uuid:0d5a1441-5891-453b-becf-a2e5f6ea3749' });
    assert.deepEqual(decodeSoapFault(xml), decodeSoapFault(file('fault-authorization.xml')));
    assert.equal(decodeSoapEnvelope(xml).action, RSTRC_ACTION);
    const sec = encodeEnrollmentFault({ code: 'Sender', subcode: 'InvalidSecurity', reason: 'Cannot parse the security header', detail: { errorType: 'InvalidEnrollmentData', message: 'no token' } });
    assert.deepEqual(decodeSoapFault(sec), { code: 's:Sender', subcode: 'a:InvalidSecurity', reason: 'Cannot parse the security header', errorType: 'InvalidEnrollmentData' });
    const doc: unknown = fxp.parse(sec);
    assert.equal(at(doc, 's:Envelope', '@_xmlns:a'), WSA_NS, 'the a: prefix of the subcode is declared');
  });
});

describe('fuzz: RequestSecurityToken decoding throws only ProtocolError', () => {
  const tokens = ['<', '>', '/', '&', '"', '=', ':', '<!DOCTYPE a>', '&lol;', '&#0;', '<![CDATA[', ']]>', '<!--', '\u0000', '😀', '</ac:ContextItem>', 'Name="', '</wst:RequestSecurityToken>', 'xmlns:wst="urn:x"', '===='];
  const mutation = fc.tuple(fc.nat(), fc.nat({ max: 30 }), fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 6 })));
  it('mutated samples', () => {
    fc.assert(fc.property(fc.constantFrom(onPremise, federated, federatedWsseAttributes), fc.array(mutation, { minLength: 1, maxLength: 6 }), (s, muts) => {
      let x = s;
      for (const [at_, del, ins] of muts) {
        const i = at_ % (x.length + 1);
        x = x.slice(0, i) + ins + x.slice(i + del);
      }
      for (const body of [x, new TextEncoder().encode(x)]) {
        try { decodeRequestSecurityToken(body); } catch (e) { if (!(e instanceof ProtocolError)) throw e; }
      }
    }), { numRuns: 1500 });
  });
});
