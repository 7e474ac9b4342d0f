import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import type { Clock } from '../core/clock.js';
import { StewardError } from '../core/errors.js';
import { loadOrCreatePki, type LoadedPki } from './data-dir.js';

const DAY = 24 * 60 * 60 * 1000;
const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8' });
const daysFromNow = (days: number): Clock => ({ now: () => new Date(Date.now() + days * DAY) });
const serialOf = (pem: string) => new X509Certificate(pem).serialNumber;

/** Asserts a coded refusal whose message names the problem and carries no key material. */
async function refuses(attempt: Promise<unknown>, target: string, message: RegExp): Promise<void> {
  await assert.rejects(attempt, (err: unknown) => {
    assert.ok(err instanceof StewardError, String(err));
    assert.equal(err.code, 'invalid-input');
    assert.equal(err.target, target);
    assert.match(err.message, message);
    assert.doesNotMatch(err.message, /BEGIN|PRIVATE KEY|MII[A-Za-z0-9+/]{8}/);
    return true;
  });
}

function handshake(port: number, ca: string, servername?: string): Promise<{ authorized: boolean; error?: string }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername }, () => {
      resolve({ authorized: socket.authorized });
      socket.end();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve({ authorized: false, error: err.code }));
  });
}

describe('loadOrCreatePki', () => {
  const root = mkdtempSync(join(tmpdir(), 'steward-pki-'));
  const dataDir = join(root, 'data');
  const pki = join(dataDir, 'pki');
  const copyOf = (name: string) => {
    cpSync(dataDir, join(root, name), { recursive: true });
    return join(root, name);
  };
  let first: LoadedPki;

  after(() => rmSync(root, { recursive: true, force: true }));

  before(async () => {
    first = await loadOrCreatePki({ dataDir, hostnames: ['mdm.example.com'] });
  });

  it('creates the CA and TLS certificate on first start, keys 0600 in a 0700 directory', () => {
    assert.deepEqual(first.created, { ca: true, tls: true });
    assert.equal(first.tls.source, 'generated');
    assert.deepEqual(readdirSync(pki).sort(), ['ca.crt', 'ca.key', 'tls.crt', 'tls.key']); // no temp files left
    assert.equal(readFileSync(join(pki, 'ca.crt'), 'utf8'), first.ca.caCertificatePem());
    assert.equal(readFileSync(join(pki, 'tls.crt'), 'utf8'), first.tls.cert);
    assert.equal(readFileSync(join(pki, 'tls.key'), 'utf8'), first.tls.key);
    if (process.platform !== 'win32') {
      assert.equal(statSync(pki).mode & 0o777, 0o700);
      assert.equal(statSync(join(pki, 'ca.key')).mode & 0o777, 0o600);
      assert.equal(statSync(join(pki, 'tls.key')).mode & 0o777, 0o600);
    }
  });

  it('issues a TLS certificate that openssl verifies, with every hostname, serverAuth and the matching key', () => {
    const [caFile, certFile, keyFile] = ['ca.crt', 'tls.crt', 'tls.key'].map((f) => join(pki, f)) as [string, string, string];
    assert.equal(openssl('verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', caFile, certFile).trim(), `${certFile}: OK`);
    const text = openssl('x509', '-in', certFile, '-noout', '-text');
    assert.match(text, /DNS:mdm.example.com, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1\n/);
    assert.match(text, /Extended Key Usage: \n\s+TLS Web Server Authentication\n/);
    assert.match(text, /Key Usage: critical\n\s+Digital Signature, Key Encipherment\n/);
    assert.match(text, /Subject: O = Steward, CN = mdm.example.com\n/);
    assert.equal(openssl('x509', '-in', certFile, '-noout', '-modulus'), openssl('rsa', '-in', keyFile, '-noout', '-modulus'));
    assert.equal(openssl('x509', '-in', caFile, '-noout', '-modulus'), openssl('rsa', '-in', join(pki, 'ca.key'), '-noout', '-modulus'));
    const cert = new X509Certificate(first.tls.cert);
    const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / DAY;
    assert.ok(days > 397 && days < 398, `valid for ${days} days, Apple's limit is 398`);
  });

  it('serves HTTPS: handshakes verify against the CA for localhost and 127.0.0.1, and fail for other names', async () => {
    const server = createServer({ cert: first.tls.cert, key: first.tls.key }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const ca = first.ca.caCertificatePem();
      assert.deepEqual(await handshake(port, ca, 'localhost'), { authorized: true });
      assert.deepEqual(await handshake(port, ca), { authorized: true }); // IP SAN 127.0.0.1
      assert.deepEqual(await handshake(port, ca, 'mdm.example.com'), { authorized: true });
      assert.equal((await handshake(port, ca, 'other.example.com')).error, 'ERR_TLS_CERT_ALTNAME_INVALID');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reuses the CA and the TLS certificate on the next start', async () => {
    const second = await loadOrCreatePki({ dataDir, hostnames: ['mdm.example.com'] });
    assert.deepEqual(second.created, { ca: false, tls: false });
    assert.equal(serialOf(second.ca.caCertificatePem()), serialOf(first.ca.caCertificatePem()));
    assert.equal(second.tls.cert, first.tls.cert);
    assert.equal(second.tls.key, first.tls.key);
  });

  it('re-issues the TLS certificate, keeping the CA, when the hostnames change', async () => {
    const dir = copyOf('renamed');
    const moved = await loadOrCreatePki({ dataDir: dir, hostnames: ['mdm2.example.com', '192.0.2.7', '[2001:db8::7]'] });
    assert.deepEqual(moved.created, { ca: false, tls: true });
    assert.equal(moved.ca.caCertificatePem(), first.ca.caCertificatePem());
    const certFile = join(dir, 'pki', 'tls.crt');
    assert.equal(openssl('verify', '-CAfile', join(dir, 'pki', 'ca.crt'), certFile).trim(), `${certFile}: OK`);
    assert.match(openssl('x509', '-in', certFile, '-noout', '-ext', 'subjectAltName'),
      /DNS:mdm2.example.com, DNS:localhost, IP Address:192.0.2.7, IP Address:2001:DB8:0:0:0:0:0:7, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1/);
    // The same set in another order, case and spelling is no change.
    const again = await loadOrCreatePki({ dataDir: dir, hostnames: ['2001:0db8:0:0::7', 'MDM2.example.com.', '192.0.2.7', 'localhost'] });
    assert.deepEqual(again.created, { ca: false, tls: false });
  });

  it('re-issues the TLS certificate within 30 days of its expiry', async () => {
    const dir = copyOf('expiring');
    const soon = await loadOrCreatePki({ dataDir: dir, hostnames: ['mdm.example.com'], clock: daysFromNow(370) });
    assert.deepEqual(soon.created, { ca: false, tls: true });
    assert.notEqual(serialOf(soon.tls.cert), serialOf(first.tls.cert));
    const later = await loadOrCreatePki({ dataDir: dir, hostnames: ['mdm.example.com'], clock: daysFromNow(371) });
    assert.deepEqual(later.created, { ca: false, tls: false });
  });

  it('serves a given certificate chain and key, and still creates the CA for devices', async () => {
    const chainFile = join(root, 'given-chain.pem');
    writeFileSync(chainFile, `# leaf, then CA\n${first.tls.cert}${first.ca.caCertificatePem()}`);
    const dir = join(root, 'given');
    const given = await loadOrCreatePki({ dataDir: dir, hostnames: ['mdm.example.com'], tlsCertFile: chainFile, tlsKeyFile: join(pki, 'tls.key') });
    assert.deepEqual(given.created, { ca: true, tls: false });
    assert.equal(given.tls.source, 'given');
    assert.equal(given.tls.cert, first.tls.cert + first.ca.caCertificatePem());
    assert.ok(new X509Certificate(given.tls.cert).checkPrivateKey(createPrivateKey(given.tls.key)));
    assert.deepEqual(readdirSync(join(dir, 'pki')).sort(), ['ca.crt', 'ca.key']);
    assert.notEqual(given.ca.caCertificatePem(), first.ca.caCertificatePem());
  });

  it('refuses a given key that is not the certificate\'s, an expired certificate, and unusable files', async () => {
    const cert = join(pki, 'tls.crt');
    const key = join(pki, 'tls.key');
    const untouched = join(root, 'never-created');
    const load = (tlsCertFile: string | undefined, tlsKeyFile: string | undefined, clock?: Clock) =>
      loadOrCreatePki({ dataDir: untouched, hostnames: [], tlsCertFile, tlsKeyFile, clock });
    await refuses(load(cert, join(pki, 'ca.key')), '--tls-key', new RegExp(`--tls-key ${join(pki, 'ca.key')}: is not the private key for the first certificate in --tls-cert ${cert}`));
    await refuses(load(cert, key, daysFromNow(400)), '--tls-cert', new RegExp(`--tls-cert ${cert}: the certificate expired on \\d{4}-`));
    await refuses(load(cert, key, daysFromNow(-1)), '--tls-cert', /is not valid until/);
    await refuses(load(join(root, 'missing.pem'), key), '--tls-cert', /missing.pem: no such file/);
    await refuses(load(key, cert), '--tls-cert', /holds a private key, not a certificate \(are --tls-cert and --tls-key swapped\?\)/);
    await refuses(load(cert, cert), '--tls-key', /holds a certificate, not a private key/);
    await refuses(load(cert, undefined), '--tls-key', /must be given together/);
    const encrypted = join(root, 'encrypted.key');
    openssl('pkey', '-in', key, '-aes256', '-passout', 'pass:secret', '-out', encrypted);
    await refuses(load(cert, encrypted), '--tls-key', /is encrypted/);
    assert.equal(existsSync(untouched), false, 'a bad flag must not create the data dir');
  });

  it('refuses a corrupt, mismatched or half-missing CA, naming the file, and never replaces it', async () => {
    const dir = copyOf('corrupt');
    const caCrt = join(dir, 'pki', 'ca.crt');
    const caKey = join(dir, 'pki', 'ca.key');
    const original = readFileSync(caCrt, 'utf8');
    const originalKey = readFileSync(caKey, 'utf8');
    const load = () => loadOrCreatePki({ dataDir: dir, hostnames: ['mdm.example.com'] });

    writeFileSync(caKey, '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n');
    await refuses(load(), '--data-dir', new RegExp(`${caKey}: not a PEM private key`));
    writeFileSync(caKey, readFileSync(join(dir, 'pki', 'tls.key')));
    await refuses(load(), '--data-dir', new RegExp(`${caKey} is not the private key for ${caCrt}`));
    rmSync(caKey);
    await refuses(load(), '--data-dir', new RegExp(`${caCrt} exists but ${caKey} does not`));
    writeFileSync(caKey, originalKey);
    writeFileSync(caCrt, 'garbage');
    await refuses(load(), '--data-dir', new RegExp(`${caCrt}: not a PEM certificate`));
    rmSync(caCrt);
    await refuses(load(), '--data-dir', new RegExp(`${caKey} exists but ${caCrt} does not`));
    assert.equal(existsSync(caCrt), false);
    assert.equal(readFileSync(caKey, 'utf8'), originalKey);

    writeFileSync(caCrt, original);
    assert.deepEqual((await load()).created, { ca: false, tls: false });
  });

  it('repairs a half-written TLS pair, but refuses a tls.crt from another CA', async () => {
    const dir = copyOf('repair');
    const tlsCrt = join(dir, 'pki', 'tls.crt');
    const tlsKey = join(dir, 'pki', 'tls.key');
    rmSync(tlsCrt); // a kill between writing tls.key and tls.crt
    assert.deepEqual((await loadOrCreatePki({ dataDir: dir, hostnames: ['mdm.example.com'] })).created, { ca: false, tls: true });
    writeFileSync(tlsKey, readFileSync(join(pki, 'tls.key'))); // a new key but the old certificate
    const repaired = await loadOrCreatePki({ dataDir: dir, hostnames: ['mdm.example.com'] });
    assert.deepEqual(repaired.created, { ca: false, tls: true });
    assert.ok(new X509Certificate(repaired.tls.cert).checkPrivateKey(createPrivateKey(repaired.tls.key)));

    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=foreign',
      '-days', '30', '-keyout', tlsKey, '-out', tlsCrt);
    await refuses(loadOrCreatePki({ dataDir: dir, hostnames: ['mdm.example.com'] }), '--data-dir', new RegExp(`${tlsCrt} was not issued by`));
  });

  it('refuses hostnames that are neither DNS names nor IP addresses', async () => {
    await refuses(loadOrCreatePki({ dataDir: join(root, 'bad-host'), hostnames: ['bad host'] }), 'hostnames', /"bad host" is not a DNS name/);
  });
});
