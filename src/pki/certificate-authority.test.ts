import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { Certificate } from '@peculiar/asn1-x509';
import type { Clock } from '../core/clock.js';
import type { CertificateAuthority } from '../core/pki/ports.js';
import { StewardError } from '../core/errors.js';
import { createCertificateAuthority, openCertificateAuthority, type NewCertificateAuthority } from './certificate-authority.js';

const DAY = 24 * 60 * 60 * 1000;
const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8' });
const fixedAt = (date: Date): Clock => ({ now: () => date });

describe('certificate authority', () => {
  const dir = mkdtempSync(join(tmpdir(), 'steward-ca-'));
  const caFile = join(dir, 'ca.crt');
  let created: NewCertificateAuthority;
  let ca: CertificateAuthority;
  let leafKey: KeyObject;

  after(() => rmSync(dir, { recursive: true, force: true }));

  before(async () => {
    created = await createCertificateAuthority();
    ca = created.ca;
    writeFileSync(caFile, ca.caCertificatePem());
    // One leaf key for the whole file: RSA key generation is the slow part.
    leafKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    writeFileSync(join(dir, 'leaf.key'), leafKey.export({ type: 'pkcs8', format: 'pem' }));
  });

  const issueToFile = async (name: string, input: Parameters<CertificateAuthority['issue']>[0]) => {
    const issued = await ca.issue(input);
    const file = join(dir, `${name}.crt`);
    writeFileSync(file, issued.pem);
    return { issued, file, text: openssl('x509', '-in', file, '-noout', '-text') };
  };

  it('creates a self-signed RSA 3072 CA for ten years, CA:true with pathlen 0, signing certificates and CRLs', () => {
    const text = openssl('x509', '-in', caFile, '-noout', '-text');
    assert.match(text, /Subject: O = Steward, CN = Steward CA [0-9a-f]{8}\n/);
    assert.match(text, /Issuer: O = Steward, CN = Steward CA [0-9a-f]{8}\n/);
    assert.match(text, /Public-Key: \(3072 bit\)/);
    assert.match(text, /Basic Constraints: critical\n\s+CA:TRUE, pathlen:0/);
    assert.match(text, /Key Usage: critical\n\s+Certificate Sign, CRL Sign\n/);
    assert.match(text, /Subject Key Identifier/);
    assert.match(text, /Signature Algorithm: sha256WithRSAEncryption/);
    assert.equal(openssl('verify', '-x509_strict', '-CAfile', caFile, caFile).trim(), `${caFile}: OK`);
    const cert = new X509Certificate(ca.caCertificatePem());
    const years = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / (365 * DAY);
    assert.ok(years > 9.99 && years < 10.01, `validity ${years} years`);
    assert.ok(cert.checkPrivateKey(createPrivateKey(created.privateKeyPem)));
    assert.deepEqual(ca.caCertificateDer(), new Uint8Array(cert.raw));
    // 16 random octets, positive and minimally encoded.
    assert.match(cert.serialNumber, /^[0-7][0-9A-F]{31}$/);
    assert.notEqual(cert.serialNumber.slice(0, 2), '00');
  });

  it('issues a TLS server certificate that openssl verifies, with SANs, serverAuth and AuthorityKeyIdentifier', async () => {
    const { issued, file, text } = await issueToFile('server', {
      subject: 'CN=mdm.example.com, O=Steward',
      publicKey: leafKey,
      usage: 'tls-server',
      dnsNames: ['mdm.example.com', 'localhost'],
      ipAddresses: ['127.0.0.1', '::1', '[2001:db8::1]'],
      validityDays: 397,
    });
    assert.equal(openssl('verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', caFile, file).trim(), `${file}: OK`);
    assert.match(text, /Subject: O = Steward, CN = mdm.example.com\n/);
    assert.match(text, /DNS:mdm.example.com, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:2001:DB8:0:0:0:0:0:1/);
    assert.match(text, /Key Usage: critical\n\s+Digital Signature, Key Encipherment\n/);
    assert.match(text, /Extended Key Usage: \n\s+TLS Web Server Authentication\n/);
    assert.match(text, /Basic Constraints: critical\n\s+CA:FALSE/);
    const caKeyId = /Subject Key Identifier: \n\s+([0-9A-F:]+)/.exec(openssl('x509', '-in', caFile, '-noout', '-text'))?.[1];
    assert.ok(caKeyId);
    assert.match(text, new RegExp(`Authority Key Identifier: \\n\\s+(keyid:)?${caKeyId}`));
    assert.equal(
      openssl('x509', '-in', file, '-noout', '-modulus'),
      openssl('rsa', '-in', join(dir, 'leaf.key'), '-noout', '-modulus'),
    );
    assert.equal(issued.notAfter.getTime() - issued.notBefore.getTime(), 397 * DAY + 60 * 60 * 1000);
    assert.equal(issued.serialNumber, new X509Certificate(issued.der).serialNumber.toLowerCase());
  });

  it('issues a device identity from a PKCS#10 request: its subject as encoded, its key, clientAuth', async () => {
    // What SCEP will do: take subject and SubjectPublicKeyInfo from the CSR the device sent.
    const csrFile = join(dir, 'device.csr');
    openssl('req', '-new', '-key', join(dir, 'leaf.key'), '-subj', '/O=Steward/OU=Devices/CN=device 42, with comma', '-outform', 'DER', '-out', csrFile);
    const csr = AsnConvert.parse(readFileSync(csrFile), CertificationRequest);
    const subject = new Uint8Array(AsnConvert.serialize(csr.certificationRequestInfo.subject));
    const spki = new Uint8Array(AsnConvert.serialize(csr.certificationRequestInfo.subjectPKInfo));
    const { issued, file, text } = await issueToFile('device', { subject, publicKey: spki, usage: 'device-identity', validityDays: 365 });
    assert.equal(openssl('verify', '-purpose', 'sslclient', '-CAfile', caFile, file).trim(), `${file}: OK`);
    assert.match(text, /Extended Key Usage: \n\s+TLS Web Client Authentication\n/);
    assert.match(text, /Key Usage: critical\n\s+Digital Signature, Key Encipherment\n/);
    assert.doesNotMatch(text, /Subject Alternative Name/);
    const parsed = AsnConvert.parse(issued.der, Certificate);
    assert.deepEqual(new Uint8Array(AsnConvert.serialize(parsed.tbsCertificate.subject)), subject);
  });

  it('gives EC keys digitalSignature only (RFC 5480 §3), for client-auth', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { file, text } = await issueToFile('agent', { subject: 'CN=agent-1', publicKey: ec.publicKey, usage: 'client-auth', validityDays: 30 });
    assert.equal(openssl('verify', '-purpose', 'sslclient', '-CAfile', caFile, file).trim(), `${file}: OK`);
    assert.match(text, /Key Usage: critical\n\s+Digital Signature\n/);
    assert.match(text, /TLS Web Client Authentication/);
  });

  it('uses random serials, or the one asked for, minimally encoded', async () => {
    const input = { subject: 'CN=x', publicKey: leafKey, usage: 'client-auth', validityDays: 1 } as const;
    const a = await ca.issue(input);
    const b = await ca.issue(input);
    assert.notEqual(a.serialNumber, b.serialNumber);
    assert.match(a.serialNumber, /^[0-7][0-9a-f]{31}$/);
    const high = await ca.issue({ ...input, serialNumber: '00FF01' });
    assert.equal(high.serialNumber, 'ff01');
    const serialOctets = (der: Uint8Array) => Buffer.from(AsnConvert.parse(der, Certificate).tbsCertificate.serialNumber).toString('hex');
    assert.equal(serialOctets(high.der), '00ff01'); // a sign octet keeps it positive
    const odd = await ca.issue({ ...input, serialNumber: 'abc' });
    assert.equal(serialOctets(odd.der), '0abc');
    assert.equal(odd.serialNumber, '0abc');
    for (const bad of ['', '0', 'xyz', '-1', 'f'.repeat(41)]) {
      await assert.rejects(ca.issue({ ...input, serialNumber: bad }), { code: 'invalid-input', target: 'serialNumber' });
    }
  });

  it('never issues past the CA certificate, and never for expired CAs', async () => {
    const caCert = new X509Certificate(ca.caCertificatePem());
    const caNotAfter = new Date(caCert.validTo);
    const late = openCertificateAuthority({
      certificate: caCert,
      privateKey: createPrivateKey(created.privateKeyPem),
      clock: fixedAt(new Date(caNotAfter.getTime() - 10 * DAY)),
    });
    const issued = await late.issue({ subject: 'CN=x', publicKey: leafKey, usage: 'device-identity', validityDays: 365 });
    assert.equal(issued.notAfter.getTime(), caNotAfter.getTime());
    const expired = openCertificateAuthority({
      certificate: caCert,
      privateKey: createPrivateKey(created.privateKeyPem),
      clock: fixedAt(new Date(caNotAfter.getTime() + DAY)),
    });
    await assert.rejects(expired.issue({ subject: 'CN=x', publicKey: leafKey, usage: 'device-identity', validityDays: 1 }), { code: 'unavailable' });
  });

  it('refuses what it must not sign', async () => {
    const base = { subject: 'CN=x', publicKey: leafKey, usage: 'tls-server', dnsNames: ['x.example'], validityDays: 397 } as const;
    const refusals: [Partial<Parameters<CertificateAuthority['issue']>[0]>, string][] = [
      [{ validityDays: 399 }, 'validityDays'], // Apple's 398-day limit for TLS server certificates
      [{ validityDays: 0 }, 'validityDays'],
      [{ validityDays: 1.5 }, 'validityDays'],
      [{ dnsNames: [] }, 'dnsNames'],
      [{ dnsNames: ['not a name'] }, 'dnsNames'],
      [{ dnsNames: ['a..b'] }, 'dnsNames'],
      [{ ipAddresses: ['300.1.1.1'] }, 'ipAddresses'],
      [{ subject: 'CN' }, 'subject'],
      [{ subject: new Uint8Array([1, 2, 3]) }, 'subject'],
      [{ publicKey: new Uint8Array([48, 0]) }, 'publicKey'],
      [{ publicKey: generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey }, 'publicKey'],
    ];
    for (const [change, target] of refusals) {
      await assert.rejects(ca.issue({ ...base, ...change }), (err: unknown) => {
        assert.ok(err instanceof StewardError, String(err));
        assert.equal(err.code, 'invalid-input');
        assert.equal(err.target, target, err.message);
        return true;
      });
    }
  });
});
