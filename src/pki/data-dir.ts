// The CA and the HTTPS certificate under <dataDir>/pki/: created on first start, reused after,
// the TLS certificate re-issued when it nears expiry or the hostnames change. The CA is never
// replaced automatically: every enrolled device trusts it, and a new one would orphan them all.
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, SubjectAlternativeName, id_ce_subjectAltName } from '@peculiar/asn1-x509';
import { createPrivateKey, generateKeyPair, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { systemClock, type Clock } from '../core/clock.js';
import { StewardError } from '../core/errors.js';
import type { CertificateAuthority } from '../core/pki/ports.js';
import { canonicalIp, createCertificateAuthority, isDnsName, openCertificateAuthority } from './certificate-authority.js';
import { createFileExclusive, replaceFile } from './atomic-file.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** One day under Apple's 398-day limit for TLS server certificates (support.apple.com/HT211025). */
export const TLS_VALIDITY_DAYS = 397;
/** Re-issue at start when fewer days than this remain. */
export const TLS_RENEW_WITHIN_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Always in the certificate, so `https://localhost:8443` works on the server itself. */
const LOCAL_NAMES = ['localhost', '127.0.0.1', '::1'];

export interface LoadPkiOptions {
  dataDir: string;
  /** Hostnames clients use (from the public URL); DNS names or IP literals, `[::1]` allowed. */
  hostnames: readonly string[];
  /** An admin's own PEM certificate (chain, leaf first) and key for HTTPS; both or neither. */
  tlsCertFile?: string;
  tlsKeyFile?: string;
  clock?: Clock;
}

export interface LoadedPki {
  ca: CertificateAuthority;
  /** PEM, ready for node:https / Fastify. `cert` may hold a chain, leaf first. */
  tls: { cert: string; key: string; source: 'generated' | 'given' };
  created: { ca: boolean; tls: boolean };
}

export async function loadOrCreatePki(options: LoadPkiOptions): Promise<LoadedPki> {
  const clock = options.clock ?? systemClock;
  const names = serverNames(options.hostnames);
  // Check the admin's files before touching the data dir, so a typo has no side effects.
  const given = options.tlsCertFile !== undefined || options.tlsKeyFile !== undefined
    ? await readGivenTls(options.tlsCertFile, options.tlsKeyFile, clock)
    : undefined;
  const dir = join(options.dataDir, 'pki');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const ca = await loadOrCreateCa(dir, clock);
  if (given) return { ca: ca.ca, tls: { ...given, source: 'given' }, created: { ca: ca.created, tls: false } };
  const tls = await loadOrIssueTls(dir, ca, names, clock);
  return { ca: ca.ca, tls: { cert: tls.cert, key: tls.key, source: 'generated' }, created: { ca: ca.created, tls: tls.created } };
}

interface LoadedCa {
  ca: CertificateAuthority;
  certificate: X509Certificate;
  created: boolean;
}

async function loadOrCreateCa(dir: string, clock: Clock): Promise<LoadedCa> {
  const certPath = join(dir, 'ca.crt');
  const keyPath = join(dir, 'ca.key');
  const [certPem, keyPem] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  if (certPem === undefined && keyPem === undefined) {
    const created = await createCertificateAuthority({ clock });
    // Key first: ca.crt present means the CA exists. createFileExclusive never replaces a file,
    // so two processes starting on one empty data dir cannot both install a CA.
    await createFileExclusive(keyPath, created.privateKeyPem, 0o600);
    await createFileExclusive(certPath, created.certificatePem, 0o644);
    return { ca: created.ca, certificate: new X509Certificate(created.certificatePem), created: true };
  }
  if (certPem === undefined) {
    throw dataDirError(`${keyPath} exists but ${certPath} does not: restore ca.crt from a backup `
      + '(if the very first start was interrupted and no device has enrolled, delete ca.key to create a new CA)');
  }
  if (keyPem === undefined) {
    throw dataDirError(`${certPath} exists but ${keyPath} does not: restore ca.key from a backup; `
      + 'Steward will not create a new CA because every enrolled device trusts this one');
  }
  const certificate = parseCertificate(certPem, certPath, '--data-dir');
  const privateKey = parsePrivateKey(keyPem, keyPath, '--data-dir');
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw dataDirError(`${keyPath}: the CA key must be RSA, because SCEP clients encrypt their requests to it`);
  }
  if (!keyMatches(certificate, privateKey)) {
    throw dataDirError(`${keyPath} is not the private key for ${certPath}: restore the matching pair from a backup; `
      + 'Steward will not create a new CA because every enrolled device trusts this one');
  }
  if (!certificate.ca) throw dataDirError(`${certPath}: not a CA certificate (basicConstraints CA:TRUE is missing)`);
  const notAfter = new Date(certificate.validTo);
  if (notAfter.getTime() <= clock.now().getTime()) {
    throw dataDirError(`${certPath}: the CA certificate expired on ${notAfter.toISOString()}`);
  }
  return { ca: openCertificateAuthority({ certificate, privateKey, clock }), certificate, created: false };
}

async function loadOrIssueTls(dir: string, ca: LoadedCa, names: ServerNames, clock: Clock): Promise<{ cert: string; key: string; created: boolean }> {
  const certPath = join(dir, 'tls.crt');
  const keyPath = join(dir, 'tls.key');
  // A new CA makes any old tls.crt (from a deleted CA) useless: issue afresh.
  if (!ca.created) {
    const [certPem, keyPem] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
    if (certPem !== undefined && keyPem !== undefined) {
      const certificate = parseCertificate(certPem, certPath, '--data-dir');
      const privateKey = parsePrivateKey(keyPem, keyPath, '--data-dir');
      if (!issuedBy(certificate, ca.certificate)) {
        throw dataDirError(`${certPath} was not issued by ${join(dir, 'ca.crt')}: to serve your own certificate use `
          + '--tls-cert and --tls-key; to have Steward issue a new one, delete tls.crt and tls.key');
      }
      if (!needsReissue(certificate, privateKey, names, clock)) return { cert: certPem, key: keyPem, created: false };
    }
  }
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  const first = names.dns.find((n) => !LOCAL_NAMES.includes(n)) ?? names.ips.find((n) => !LOCAL_NAMES.includes(n)) ?? 'localhost';
  const issued = await ca.ca.issue({
    subject: `CN=${first.length <= 64 ? first : 'Steward'}, O=Steward`,
    publicKey,
    usage: 'tls-server',
    dnsNames: names.dns,
    ipAddresses: names.ips,
    validityDays: TLS_VALIDITY_DAYS,
  });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  // Key first; if a kill lands between the two renames the pair mismatches, which the next start
  // detects and repairs by issuing again (needsReissue).
  await replaceFile(keyPath, keyPem, 0o600);
  await replaceFile(certPath, issued.pem, 0o644);
  return { cert: issued.pem, key: keyPem, created: true };
}

function needsReissue(certificate: X509Certificate, key: KeyObject, names: ServerNames, clock: Clock): boolean {
  const now = clock.now().getTime();
  if (!keyMatches(certificate, key)) return true;
  if (new Date(certificate.validTo).getTime() - now < TLS_RENEW_WITHIN_DAYS * DAY_MS) return true;
  if (new Date(certificate.validFrom).getTime() > now) return true;
  const have = new Set(subjectAltNames(certificate));
  const want = [...names.dns.map((n) => `dns:${n}`), ...names.ips.map((n) => `ip:${n}`)];
  return have.size !== want.length || want.some((n) => !have.has(n));
}

async function readGivenTls(certFile: string | undefined, keyFile: string | undefined, clock: Clock): Promise<{ cert: string; key: string }> {
  if (certFile === undefined) throw new StewardError('invalid-input', '--tls-cert: must be given together with --tls-key', '--tls-cert');
  if (keyFile === undefined) throw new StewardError('invalid-input', '--tls-key: must be given together with --tls-cert', '--tls-key');
  const certLabel = `--tls-cert ${certFile}`;
  const keyLabel = `--tls-key ${keyFile}`;
  const certPem = await readGiven(certFile, certLabel, '--tls-cert');
  const keyPem = await readGiven(keyFile, keyLabel, '--tls-key');
  const blocks = pemCertificates(certPem);
  if (blocks.length === 0) {
    const why = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(certPem)
      ? 'holds a private key, not a certificate (are --tls-cert and --tls-key swapped?)'
      : 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)';
    throw new StewardError('invalid-input', `${certLabel}: ${why}`, '--tls-cert');
  }
  const chain = blocks.map((block, i) => parseCertificate(block, blocks.length > 1 ? `${certLabel} (certificate ${i + 1})` : certLabel, '--tls-cert'));
  const leaf = chain[0] as X509Certificate;
  const key = parsePrivateKey(keyPem, keyLabel, '--tls-key');
  if (!keyMatches(leaf, key)) {
    throw new StewardError('invalid-input', `${keyLabel}: is not the private key for the first certificate in ${certLabel}`, '--tls-key');
  }
  const now = clock.now().getTime();
  const notAfter = new Date(leaf.validTo);
  const notBefore = new Date(leaf.validFrom);
  if (notAfter.getTime() <= now) throw new StewardError('invalid-input', `${certLabel}: the certificate expired on ${notAfter.toISOString()}`, '--tls-cert');
  if (notBefore.getTime() > now) throw new StewardError('invalid-input', `${certLabel}: the certificate is not valid until ${notBefore.toISOString()}`, '--tls-cert');
  return { cert: chain.map((c) => c.toString()).join(''), key: key.export({ type: 'pkcs8', format: 'pem' }) as string };
}

interface ServerNames {
  dns: string[];
  ips: string[];
}

/** The names the generated certificate must carry: the given ones, then the local ones. */
function serverNames(hostnames: readonly string[]): ServerNames {
  const dns = new Set<string>();
  const ips = new Set<string>();
  for (const host of [...hostnames, ...LOCAL_NAMES]) {
    const ip = canonicalIp(host);
    if (ip !== undefined) {
      ips.add(ip);
      continue;
    }
    const name = host.toLowerCase().replace(/\.$/, '');
    if (!isDnsName(name)) throw new StewardError('invalid-input', `hostnames: "${host}" is not a DNS name or an IP address`, 'hostnames');
    dns.add(name);
  }
  return { dns: [...dns], ips: [...ips] };
}

/** `dns:<name>` and `ip:<RFC 5952 text>` for each subjectAltName entry Steward writes. */
function subjectAltNames(certificate: X509Certificate): string[] {
  const parsed = AsnConvert.parse(certificate.raw, Certificate);
  const ext = parsed.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectAltName);
  if (!ext) return [];
  return AsnConvert.parse(ext.extnValue, SubjectAlternativeName).map((name) => {
    if (name.dNSName !== undefined) return `dns:${name.dNSName.toLowerCase()}`;
    if (name.iPAddress !== undefined) return `ip:${canonicalIp(name.iPAddress) ?? name.iPAddress}`;
    return 'other';
  });
}

function issuedBy(certificate: X509Certificate, ca: X509Certificate): boolean {
  return certificate.checkIssued(ca) && certificate.verify(ca.publicKey);
}

function keyMatches(certificate: X509Certificate, key: KeyObject): boolean {
  try {
    return certificate.checkPrivateKey(key);
  } catch {
    return false; // a key of another type
  }
}

function pemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

function parseCertificate(pem: string, label: string, target: string): X509Certificate {
  const blocks = pemCertificates(pem);
  if (blocks.length !== 1) {
    throw new StewardError('invalid-input', `${label}: ${blocks.length === 0 ? 'not a PEM certificate' : `holds ${blocks.length} certificates, expected one`}`, target);
  }
  try {
    return new X509Certificate(blocks[0] as string);
  } catch {
    throw new StewardError('invalid-input', `${label}: the certificate does not parse`, target);
  }
}

/** Messages describe the problem only: neither the key nor the parser's output goes into them. */
function parsePrivateKey(pem: string, label: string, target: string): KeyObject {
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch (err) {
    let why = 'not a PEM private key';
    // PKCS#8 "ENCRYPTED PRIVATE KEY" or OpenSSL's legacy "Proc-Type: 4,ENCRYPTED" header.
    const encrypted = (err as NodeJS.ErrnoException).code === 'ERR_MISSING_PASSPHRASE' || /ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem);
    if (encrypted) why = 'the key is encrypted; Steward needs it unencrypted';
    else if (!/PRIVATE KEY-----/.test(pem) && /-----BEGIN CERTIFICATE-----/.test(pem)) why = 'holds a certificate, not a private key';
    throw new StewardError('invalid-input', `${label}: ${why}`, target);
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw dataDirError(`${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
}

async function readGiven(path: string, label: string, target: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'unknown error'})`;
    throw new StewardError('invalid-input', `${label}: ${why}`, target);
  }
}

function dataDirError(message: string): StewardError {
  return new StewardError('invalid-input', message, '--data-dir');
}
