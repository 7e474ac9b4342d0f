import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ProtocolError } from './errors.js';
import { parseXml, type XmlElement } from './xml.js';
import { certificateThumbprint, encodeProvisioningDoc, type ProvisioningDocInput } from './provisioning.js';

const file = (f: string): string => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8');
const rootPem = file('enroll-root-ca.pem');
const clientPem = file('enroll-client.pem');
const rootDer = new Uint8Array(new X509Certificate(rootPem).raw);
const clientDer = new Uint8Array(new X509Certificate(clientPem).raw);
// Node's own SHA-1 fingerprint, independent of certificateThumbprint.
const fingerprint = (pem: string): string => new X509Certificate(pem).fingerprint.replaceAll(':', '');
const code = (f: () => unknown): string => { try { f(); return 'ok'; } catch (e) { return e instanceof ProtocolError ? e.code : `other: ${String(e)}`; } };

const provisioningInput: ProvisioningDocInput = {
  serverId: 'Steward', serverName: 'Contoso & <Sons> "MDM"', managementUrl: 'https://mdm.contoso.com/ManagementServer/MDM.svc?x=1&y=2',
  enrollmentType: 'user', rootCertificate: rootDer, clientCertificate: clientDer,
  poll: {
    numberOfFirstRetries: 8, intervalForFirstSetOfRetries: 15, numberOfSecondRetries: 5, intervalForSecondSetOfRetries: 3,
    numberOfRemainingScheduledRetries: 0, intervalForRemainingScheduledRetries: 1560, pollOnLogin: true,
  },
  appAuth: { serverToClient: { secret: 's3cret<&>', nonce: new Uint8Array([1, 2, 3, 250]) }, clientToServer: { name: 'device-1', secret: 'pw"2', type: 'BASIC' } },
  entDeviceName: 'DESKTOP-1', upn: 'user@contoso.com', connRetryFreq: 6, initialBackoffTimeMs: 30000, maxBackoffTimeMs: 120000,
};

interface Parm { '@_name': string; '@_value'?: string; '@_datatype'?: string }
interface Characteristic { '@_type': string; characteristic?: Characteristic[]; parm?: Parm[] }
const fxp = new XMLParser({
  ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, parseAttributeValue: false, htmlEntities: true, trimValues: false,
  isArray: (name) => name === 'characteristic' || name === 'parm',
});
function readProvisioningDoc(xml: string): Characteristic[] {
  assert.equal(XMLValidator.validate(xml), true);
  const doc = fxp.parse(xml) as { 'wap-provisioningdoc': { '@_version': string; characteristic: Characteristic[] } };
  assert.equal(doc['wap-provisioningdoc']['@_version'], '1.1');
  return doc['wap-provisioningdoc'].characteristic;
}
/** The characteristic at a path of types, searching every branch (CertificateStore appears twice). */
function find(list: Characteristic[] | undefined, ...types: string[]): Characteristic | undefined {
  const [first, ...rest] = types;
  for (const c of list ?? []) {
    if (c['@_type'] !== first) continue;
    if (rest.length === 0) return c;
    const hit = find(c.characteristic, ...rest);
    if (hit) return hit;
  }
  return undefined;
}
const parmOf = (c: Characteristic | undefined, name: string): Parm | undefined => c?.parm?.find((p) => p['@_name'] === name);
/** The one characteristic under a store node whose type is a thumbprint. */
const certNode = (store: Characteristic | undefined): Characteristic | undefined => store?.characteristic?.find((c) => /^[0-9A-F]{40}$/.test(c['@_type']));

/** Element, type and name of every characteristic and parm in document order, certificate hashes and the provider id made generic. */
function outline(e: XmlElement, path = '', out: string[] = []): string[] {
  for (const c of e.children) {
    const a = (n: string) => c.attributes.find((x) => x.name === n)?.value ?? '';
    const label = c.name === 'characteristic' ? a('type').replace(/^[0-9A-F]{40}$/, '{CertHash}').replace(/^(TestMDMServer|Steward)$/, '{ProviderID}') : a('name');
    out.push(`${path}/${c.name}:${label}`);
    outline(c, `${path}/${label}`, out);
  }
  return out;
}

describe('encodeProvisioningDoc', () => {
  it('lays the document out as the [MS-MDE2] §2.2.9.1 user and device examples', () => {
    for (const [type, sample] of [['user', 'provisioning-user.xml'], ['device', 'provisioning-device.xml']] as const) {
      const ours = outline(parseXml(encodeProvisioningDoc({ ...provisioningInput, enrollmentType: type })));
      // Certificate renewal settings (WSTEP) are not sent: Windows' defaults apply (see provisioning.ts).
      const published = outline(parseXml(file(sample))).filter((l) => !l.includes('WSTEP'));
      assert.deepEqual(ours, published);
    }
  });
  it('carries both certificates under their SHA-1 thumbprints, read back by fast-xml-parser', () => {
    const doc = readProvisioningDoc(encodeProvisioningDoc(provisioningInput));
    const root = certNode(find(doc, 'CertificateStore', 'Root', 'System'));
    assert.equal(root?.['@_type'], fingerprint(rootPem));
    assert.deepEqual(Buffer.from(parmOf(root, 'EncodedCertificate')?.['@_value'] ?? '', 'base64'), Buffer.from(rootDer));
    const user = find(doc, 'CertificateStore', 'My', 'User');
    const client = certNode(user);
    assert.equal(client?.['@_type'], fingerprint(clientPem));
    assert.deepEqual(Buffer.from(parmOf(client, 'EncodedCertificate')?.['@_value'] ?? '', 'base64'), Buffer.from(clientDer));
    assert.ok(find(user?.characteristic, 'PrivateKeyContainer'), 'PrivateKeyContainer beside the client certificate');
    assert.equal(find(doc, 'CertificateStore', 'My', 'System'), undefined);
    assert.equal(certificateThumbprint(clientDer), fingerprint(clientPem));
  });
  it('puts a device enrollment in My/System and searches that store', () => {
    const doc = readProvisioningDoc(encodeProvisioningDoc({ ...provisioningInput, enrollmentType: 'device' }));
    assert.equal(certNode(find(doc, 'CertificateStore', 'My', 'System'))?.['@_type'], fingerprint(clientPem));
    assert.equal(find(doc, 'CertificateStore', 'My', 'User'), undefined);
    assert.equal(parmOf(find(doc, 'APPLICATION'), 'SSLCLIENTCERTSEARCHCRITERIA')?.['@_value'], 'Subject=CN%3D7BA748C8-703E-4DF2-A74A-92984117346A&Stores=My%5CSystem');
  });
  it('writes the w7 account and the DMClient provider, values escaped', () => {
    const doc = readProvisioningDoc(encodeProvisioningDoc(provisioningInput));
    const app = find(doc, 'APPLICATION');
    const value = (name: string) => parmOf(app, name)?.['@_value'];
    assert.equal(value('APPID'), 'w7');
    assert.equal(value('PROVIDER-ID'), 'Steward');
    assert.equal(value('NAME'), 'Contoso & <Sons> "MDM"');
    assert.equal(value('ADDR'), 'https://mdm.contoso.com/ManagementServer/MDM.svc?x=1&y=2');
    assert.equal(value('DEFAULTENCODING'), 'application/vnd.syncml.dm+xml');
    assert.ok(parmOf(app, 'BACKCOMPATRETRYDISABLED') && value('BACKCOMPATRETRYDISABLED') === undefined, 'BACKCOMPATRETRYDISABLED has no value');
    assert.equal(value('SSLCLIENTCERTSEARCHCRITERIA'), 'Subject=CN%3D7BA748C8-703E-4DF2-A74A-92984117346A&Stores=My%5CUser');
    assert.equal(value('ROLE'), undefined);
    const auth = app?.characteristic?.filter((c) => c['@_type'] === 'APPAUTH') ?? [];
    const level = (l: string) => auth.find((c) => parmOf(c, 'AAUTHLEVEL')?.['@_value'] === l);
    assert.equal(parmOf(level('CLIENT'), 'AAUTHTYPE')?.['@_value'], 'DIGEST');
    assert.equal(parmOf(level('CLIENT'), 'AAUTHSECRET')?.['@_value'], 's3cret<&>');
    assert.equal(parmOf(level('CLIENT'), 'AAUTHDATA')?.['@_value'], Buffer.from([1, 2, 3, 250]).toString('base64'));
    assert.equal(parmOf(level('APPSRV'), 'AAUTHNAME')?.['@_value'], 'device-1');
    assert.equal(parmOf(level('APPSRV'), 'AAUTHSECRET')?.['@_value'], 'pw"2');
    const provider = find(doc, 'DMClient', 'Provider', 'Steward');
    assert.deepEqual(parmOf(provider, 'EntDeviceName'), { '@_name': 'EntDeviceName', '@_value': 'DESKTOP-1', '@_datatype': 'string' });
    assert.equal(parmOf(provider, 'UPN')?.['@_value'], 'user@contoso.com');
    assert.equal(parmOf(provider, 'EntDMID'), undefined);
    const poll = find(provider?.characteristic, 'Poll');
    assert.deepEqual(poll?.parm?.map((p) => [p['@_name'], p['@_value'], p['@_datatype']]), [
      ['NumberOfFirstRetries', '8', 'integer'], ['IntervalForFirstSetOfRetries', '15', 'integer'],
      ['NumberOfSecondRetries', '5', 'integer'], ['IntervalForSecondSetOfRetries', '3', 'integer'],
      ['NumberOfRemainingScheduledRetries', '0', 'integer'], ['IntervalForRemainingScheduledRetries', '1560', 'integer'],
      ['PollOnLogin', 'true', 'boolean'],
    ]);
    const withIds = readProvisioningDoc(encodeProvisioningDoc({ ...provisioningInput, entDmId: 'dev-42', role: 32 }));
    assert.equal(parmOf(find(withIds, 'DMClient', 'Provider', 'Steward'), 'EntDMID')?.['@_value'], 'dev-42');
    assert.equal(parmOf(find(withIds, 'APPLICATION'), 'ROLE')?.['@_value'], '32');
  });
  it('accepts PEM certificates and writes their DER', () => {
    const enc = new TextEncoder();
    assert.equal(encodeProvisioningDoc({ ...provisioningInput, rootCertificate: enc.encode(rootPem), clientCertificate: enc.encode(clientPem) }), encodeProvisioningDoc(provisioningInput));
  });
  it('refuses inputs Windows would reject or misread', () => {
    const poll = provisioningInput.poll;
    const bad: Partial<ProvisioningDocInput>[] = [
      { managementUrl: 'http://mdm.contoso.com/' }, { managementUrl: 'mdm.contoso.com' }, { serverId: '' }, { serverId: 'a/b' }, { serverName: '' },
      { rootCertificate: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]) }, { clientCertificate: new Uint8Array() },
      // The root's subject has two RDNs: the search-criteria subject must then be given.
      { clientCertificate: rootDer },
      { poll: { ...poll, numberOfFirstRetries: 0 } }, { poll: { ...poll, intervalForRemainingScheduledRetries: 60 } }, { poll: { ...poll, numberOfSecondRetries: -1 } },
      { appAuth: { ...provisioningInput.appAuth, serverToClient: { secret: 'x', nonce: new Uint8Array() } } },
      { enrollmentType: 'both' as 'user' }, { connRetryFreq: 1.5 },
    ];
    for (const b of bad) assert.equal(code(() => encodeProvisioningDoc({ ...provisioningInput, ...b })), 'invalid-value', JSON.stringify(Object.keys(b)));
    assert.equal(code(() => encodeProvisioningDoc({ ...provisioningInput, clientCertificate: rootDer, clientCertificateSubject: 'CN=Steward Test Root CA, O=Steward' })), 'ok');
    assert.equal(code(() => encodeProvisioningDoc({ ...provisioningInput, serverName: 'bad\u0001' })), 'xml-invalid-character');
  });
  it('property: any writable device name and server name read back unchanged', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', minLength: 1 }), fc.string({ unit: 'grapheme', minLength: 1 }), (name, device) => {
      let xml: string;
      try { xml = encodeProvisioningDoc({ ...provisioningInput, serverName: name, entDeviceName: device }); } catch (e) {
        assert.ok(e instanceof ProtocolError && e.code === 'xml-invalid-character', String(e));
        return;
      }
      const doc = readProvisioningDoc(xml);
      assert.equal(parmOf(find(doc, 'APPLICATION'), 'NAME')?.['@_value'], name);
      assert.equal(parmOf(find(doc, 'DMClient', 'Provider', 'Steward'), 'EntDeviceName')?.['@_value'], device);
    }), { numRuns: 300 });
  });
});
