import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ProtocolError, type ProtocolErrorCode } from './errors.js';
import { PASSWORD_TEXT, SOAP12_NS, USER_TOKEN_VALUE_TYPE, WSA_NS, decodeSoapEnvelope } from './mde2.js';
import { child, parseXml, type XmlElement } from './xml.js';
import { GET_POLICIES_RESPONSE_ACTION, XCEP_NS, XSI_NS, decodeGetPoliciesRequest, encodeGetPoliciesResponse, type GetPoliciesResponseInput } from './xcep.js';

const sample = (f: string): string => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8');
const code = (f: () => unknown): string => { try { f(); return 'ok'; } catch (e) { return e instanceof ProtocolError ? e.code : `other: ${String(e)}`; } };
const rejects = (xml: string | Uint8Array, expected: ProtocolErrorCode, message?: RegExp): void => {
  assert.throws(() => decodeGetPoliciesRequest(xml), (e: unknown) => e instanceof ProtocolError && e.code === expected && (message === undefined || message.test(e.message)));
};
const onPremise = sample('getpolicies-usernametoken.xml');
// The Federated sample's token is Microsoft's placeholder text; a real client sends base64.
const federated = sample('getpolicies-federated.xml').replace('B64EncodedSampleBinarySecurityToken', Buffer.from('wab-token').toString('base64'));

const input: GetPoliciesResponseInput = {
  relatesTo: 'urn:uuid:72048B64-0F19-448F-8C2E-B4C661860AA0', commonName: 'Steward MDM', minimalKeyLength: 2048,
  hashAlgorithm: 'sha256', validityPeriodSeconds: 31_536_000, renewalPeriodSeconds: 3_628_800,
};

describe('decodeGetPoliciesRequest', () => {
  it('decodes the on-premises sample (UsernameToken, nil client fields and filter)', () => {
    assert.deepEqual(decodeGetPoliciesRequest(onPremise), {
      messageId: 'urn:uuid:72048B64-0F19-448F-8C2E-B4C661860AA0',
      to: 'https://enrolltest.contoso.com/ENROLLMENTSERVER/DEVICEENROLLMENTWEBSERVICE.SVC',
      credential: { type: 'username', username: 'user@contoso.com', password: 'mypassword', passwordType: PASSWORD_TEXT },
    });
  });
  it('decodes the Federated sample (BinarySecurityToken user token)', () => {
    const r = decodeGetPoliciesRequest(federated);
    assert.ok(r.credential.type === 'token');
    assert.equal(r.credential.valueType, USER_TOKEN_VALUE_TYPE);
    assert.equal(Buffer.from(r.credential.token).toString(), 'wab-token');
    assert.equal(r.lastUpdate, undefined);
    assert.equal(r.requestFilter, undefined);
    // As published, the placeholder is not base64: a clear error, not a crash.
    rejects(sample('getpolicies-federated.xml'), 'invalid-value', /base64/);
  });
  it('reads lastUpdate as GMT, including [MS-XCEP] §4.1.1.1 year 0001', () => {
    const r = decodeGetPoliciesRequest(sample('getpolicies-xcep-initial.xml'));
    assert.equal(r.messageId, 'urn:uuid:5fb5f6fd-4709-414b-8afa-0c05f6686d1c');
    assert.equal(r.lastUpdate?.toISOString(), '0001-01-01T00:00:00.000Z');
    assert.deepEqual(r.credential, { type: 'username', username: '', password: '' });
    const withDate = (d: string) => onPremise.replace('<lastUpdate xsi:nil="true"/>', `<lastUpdate>${d}</lastUpdate>`);
    assert.equal(decodeGetPoliciesRequest(withDate('2024-02-29T23:59:58.5+01:30')).lastUpdate?.toISOString(), '2024-02-29T22:29:58.500Z');
    for (const bad of ['2023-02-29T00:00:00', '2024-13-01T00:00:00', 'yesterday', '2024-01-01T24:00:00', '2024-01-01']) rejects(withDate(bad), 'invalid-value', /xs:dateTime/);
  });
  it('reads preferredLanguage and a requestFilter', () => {
    const xml = onPremise
      .replace('<preferredLanguage xsi:nil="true"/>', '<preferredLanguage>en-US</preferredLanguage>')
      .replace('<requestFilter xsi:nil="true"/>', '<requestFilter><policyOIDs><oid>1.3.6.1.4.1.311.21.8.1</oid><oid>1.2.3</oid></policyOIDs><clientVersion>6</clientVersion><serverVersion xsi:nil="true"/></requestFilter>');
    const r = decodeGetPoliciesRequest(xml);
    assert.equal(r.preferredLanguage, 'en-US');
    assert.deepEqual(r.requestFilter, { policyOids: ['1.3.6.1.4.1.311.21.8.1', '1.2.3'], clientVersion: 6 });
    rejects(xml.replace('<oid>1.2.3</oid>', '<oid>1.2.3</oid><oid>1.2.3</oid>'), 'invalid-value', /twice/);
    rejects(xml.replace('<oid>1.2.3</oid>', '<oid>not-an-oid</oid>'), 'invalid-value', /OID/);
    rejects(xml.replace('<clientVersion>6</clientVersion>', '<clientVersion>six</clientVersion>'), 'invalid-value', /clientVersion/);
    rejects(xml.replace('>en-US<', '>en US<'), 'invalid-value', /xs:language/);
    // An empty filter is no filter ([MS-XCEP] §3.1.4.1.2.1).
    assert.equal(decodeGetPoliciesRequest(onPremise.replace('<requestFilter xsi:nil="true"/>', '<requestFilter/>')).requestFilter, undefined);
  });
  it('refuses malformed requests with a code and a message naming the problem', () => {
    rejects(onPremise.replace('IPolicy/GetPolicies', 'IPolicy/Other'), 'unsupported-action', /not GetPolicies/);
    rejects(onPremise.replace(/<a:MessageID>.*<\/a:MessageID>/, ''), 'missing-element', /MessageID/);
    rejects(onPremise.replace('xmlns="http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy"', 'xmlns="urn:other"'), 'wrong-namespace', /GetPolicies/);
    rejects(onPremise.replace('http://www.w3.org/2003/05/soap-envelope', 'http://schemas.xmlsoap.org/soap/envelope/'), 'wrong-namespace', /SOAP 1.2/);
    rejects(onPremise.replace(/<client>[\s\S]*<\/client>/, ''), 'missing-element', /<client>/);
    rejects(onPremise.replace(/<client>[\s\S]*<\/client>/, '<client xsi:nil="true"/>'), 'missing-element', /<client>/);
    rejects(onPremise.replace(/<wsse:Security[\s\S]*<\/wsse:Security>/, ''), 'missing-element', /Security/);
    rejects('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + onPremise, 'xml-doctype-forbidden');
    rejects(onPremise.replace('<client>', '<client>&e;'), 'xml-entity-forbidden');
    rejects(onPremise.replace('<requestFilter xsi:nil="true"/>', '<requestFilter>' + '<x>'.repeat(40) + '</x>'.repeat(40) + '</requestFilter>'), 'xml-too-deep');
    rejects(onPremise.replace('<client>', '<client>' + ' '.repeat(300 * 1024)), 'xml-too-large');
    rejects(onPremise.replace('<client>', '<client>' + '<x/>'.repeat(3000)), 'xml-too-many-elements');
  });
});

// The response read back by an independent parser (fast-xml-parser), and compared with the shape of
// the published GetPoliciesResponse sample.
const fxp = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, parseAttributeValue: false, htmlEntities: true });
const at = (v: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), v);

/** Local-name paths of every element, in document order, each with its child names. */
function shape(e: XmlElement, path = e.name, out: string[] = []): string[] {
  out.push(`${path}: ${e.children.map((c) => c.name).join(',')}`);
  for (const c of e.children) shape(c, `${path}/${c.name}`, out);
  return out;
}

describe('encodeGetPoliciesResponse', () => {
  it('has the shape and namespaces of the published sample', () => {
    const ours = parseXml(encodeGetPoliciesResponse(input));
    const published = parseXml(sample('getpolicies-response.xml'));
    const body = (e: XmlElement) => child(child(e, SOAP12_NS, 'Body') ?? assert.fail('no Body'), XCEP_NS, 'GetPoliciesResponse') ?? assert.fail('no GetPoliciesResponse');
    assert.deepEqual(shape(body(ours)), shape(body(published)));
    const env = decodeSoapEnvelope(encodeGetPoliciesResponse(input));
    assert.equal(env.action, GET_POLICIES_RESPONSE_ACTION);
  });
  it('is read back by fast-xml-parser with the policy values', () => {
    const xml = encodeGetPoliciesResponse({ ...input, keySpec: 1, cryptoProviders: ['Microsoft Platform Crypto Provider', 'Microsoft Software Key Storage Provider'], policyFriendlyName: 'Steward <Devices> & co', nextUpdateHours: 8 });
    assert.equal(XMLValidator.validate(xml), true);
    const doc: unknown = fxp.parse(xml);
    const env = (...path: string[]) => at(doc, 's:Envelope', ...path);
    assert.equal(env('@_xmlns:s'), SOAP12_NS);
    assert.equal(env('@_xmlns:a'), WSA_NS);
    assert.equal(env('s:Header', 'a:Action', '#text'), GET_POLICIES_RESPONSE_ACTION);
    assert.equal(env('s:Header', 'a:RelatesTo'), input.relatesTo);
    assert.equal(env('s:Body', '@_xmlns:xsi'), XSI_NS);
    const gpr = (...path: string[]) => env('s:Body', 'GetPoliciesResponse', ...path);
    assert.equal(gpr('@_xmlns'), XCEP_NS);
    assert.equal(gpr('response', 'policyFriendlyName'), 'Steward <Devices> & co');
    assert.equal(gpr('response', 'nextUpdateHours'), '8');
    assert.equal(gpr('response', 'policies', 'policy', 'policyOIDReference'), '0');
    const attrs = (...path: string[]) => gpr('response', 'policies', 'policy', 'attributes', ...path);
    assert.equal(attrs('commonName'), 'Steward MDM');
    assert.equal(attrs('policySchema'), '3');
    assert.equal(attrs('privateKeyAttributes', 'minimalKeyLength'), '2048');
    assert.equal(attrs('privateKeyAttributes', 'keySpec'), '1');
    assert.deepEqual(attrs('privateKeyAttributes', 'cryptoProviders', 'provider'), ['Microsoft Platform Crypto Provider', 'Microsoft Software Key Storage Provider']);
    assert.equal(attrs('privateKeyAttributes', 'keyUsageProperty', '@_xsi:nil'), 'true');
    assert.deepEqual(attrs('certificateValidity'), { validityPeriodSeconds: '31536000', renewalPeriodSeconds: '3628800' });
    // The hash algorithm reference names an OID of group 1 (hash) in oIDs ([MS-MDE2] §3.3.4.1.1.2).
    assert.equal(attrs('hashAlgorithmOIDReference'), '0');
    assert.deepEqual(gpr('oIDs', 'oID'), { value: '2.16.840.1.101.3.4.2.1', group: '1', oIDReferenceID: '0', defaultName: 'szOID_NIST_sha256' });
    assert.equal(gpr('cAs', '@_xsi:nil'), 'true');
  });
  it('refuses values the protocol forbids', () => {
    assert.equal(code(() => encodeGetPoliciesResponse({ ...input, minimalKeyLength: 0 })), 'invalid-value');
    assert.equal(code(() => encodeGetPoliciesResponse({ ...input, minimalKeyLength: 2048.5 })), 'invalid-value');
    assert.equal(code(() => encodeGetPoliciesResponse({ ...input, validityPeriodSeconds: -1 })), 'invalid-value');
    assert.equal(code(() => encodeGetPoliciesResponse({ ...input, commonName: '' })), 'invalid-value');
    assert.equal(code(() => encodeGetPoliciesResponse({ ...input, relatesTo: '' })), 'invalid-value');
    assert.equal(code(() => encodeGetPoliciesResponse({ ...input, hashAlgorithm: 'md5' as 'sha256' })), 'invalid-value');
    assert.equal(code(() => encodeGetPoliciesResponse({ ...input, keySpec: 3 as 1 })), 'invalid-value');
    assert.equal(code(() => encodeGetPoliciesResponse({ ...input, commonName: 'a\u0000b' })), 'xml-invalid-character');
  });
});

describe('fuzz: GetPolicies decoding throws only ProtocolError', () => {
  const samples = [onPremise, federated, sample('getpolicies-xcep-initial.xml')];
  const tokens = ['<', '>', '/', '&', '"', '=', ':', 'xsi:nil="true"', '<!DOCTYPE a>', '&lol;', '&#0;', '<![CDATA[', ']]>', '<!--', '\u0000', '😀', '</client>', '<oid>', '</s:Body>', 'xmlns="urn:x"'];
  const mutation = fc.tuple(fc.nat(), fc.nat({ max: 30 }), fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 6 })));
  it('mutated samples', () => {
    fc.assert(fc.property(fc.constantFrom(...samples), fc.array(mutation, { minLength: 1, maxLength: 6 }), (s, muts) => {
      let x = s;
      for (const [at, del, ins] of muts) {
        const i = at % (x.length + 1);
        x = x.slice(0, i) + ins + x.slice(i + del);
      }
      for (const body of [x, new TextEncoder().encode(x)]) {
        try { decodeGetPoliciesRequest(body); } catch (e) { if (!(e instanceof ProtocolError)) throw e; }
      }
    }), { numRuns: 1500 });
  });
  it('encoder: any common name round-trips or is refused as unwritable', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', minLength: 1 }), (name) => {
      let xml: string;
      try { xml = encodeGetPoliciesResponse({ ...input, commonName: name }); } catch (e) {
        assert.ok(e instanceof ProtocolError && e.code === 'xml-invalid-character', String(e));
        return;
      }
      const attrs = parseXml(xml).children[1]?.children[0]?.children[0]?.children[4]?.children[0]?.children[2];
      assert.equal(attrs?.children[0]?.text, name);
    }), { numRuns: 300 });
  });
});
