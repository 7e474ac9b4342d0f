// CertificateList answers as inventory: each certificate described (subject, issuer, validity,
// fingerprint) without keeping the certificate. Pure. Keys are Apple's ("Certificate List Command").
import { X509Certificate } from 'node:crypto';
import type { JsonValue } from '../commands/ports.js';
import type { InstalledCertificate } from './inventory-ports.js';
import { bytesOf } from './command-json.js';
import { arr, bool, dictOf, text } from './json-read.js';

function describe(der: Uint8Array | undefined): Pick<InstalledCertificate, 'subject' | 'issuer' | 'serialNumber' | 'notBefore' | 'notAfter' | 'sha256Fingerprint'> {
  const none = { subject: null, issuer: null, serialNumber: null, notBefore: null, notAfter: null, sha256Fingerprint: null };
  if (!der || der.length === 0) return none;
  try {
    const c = new X509Certificate(der);
    return {
      subject: c.subject.split('\n').join(', '),
      issuer: c.issuer.split('\n').join(', '),
      serialNumber: c.serialNumber.toLowerCase(),
      notBefore: new Date(c.validFrom).toISOString(),
      notAfter: new Date(c.validTo).toISOString(),
      sha256Fingerprint: c.fingerprint256,
    };
  } catch {
    // Not a certificate node can read: keep what the device said about it.
    return none;
  }
}

export function installedCertificates(response: JsonValue | undefined): InstalledCertificate[] | undefined {
  const list = arr(dictOf(response) ?? {}, 'CertificateList');
  if (!list) return undefined;
  return list.flatMap((item): InstalledCertificate[] => {
    const c = dictOf(item);
    if (!c) return [];
    return [{ commonName: text(c, 'CommonName') ?? '', isIdentity: bool(c, 'IsIdentity') ?? false, ...describe(bytesOf(c.Data)) }];
  });
}
