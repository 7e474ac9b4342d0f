// The certificate authority as core sees it. The adapter (src/pki/) holds the CA's private key;
// core asks it for certificates and never sees the key.
import type { KeyObject, webcrypto } from 'node:crypto';

/**
 * What a certificate is for. Each value fixes KeyUsage and ExtendedKeyUsage (RFC 5280 4.2.1.3,
 * 4.2.1.12) so callers cannot mint, say, a device certificate that could serve TLS.
 * - `tls-server`: Steward's own HTTPS certificate (serverAuth).
 * - `device-identity`: the identity a device gets over SCEP (Apple) or MS-WSTEP (Windows) and
 *   then presents on every MDM message (clientAuth).
 * - `client-auth`: other TLS clients, such as the Linux agent (clientAuth).
 */
export type CertificateUsage = 'tls-server' | 'device-identity' | 'client-auth';

export interface IssueCertificateInput {
  /**
   * The subject: an RFC 4514 string, most specific RDN first, as LDAP, .NET and `openssl -nameopt
   * RFC2253` print it (`CN=device-42, O=Steward` puts O first in the encoded sequence); or the
   * DER of an X.501 Name, copied as it is.
   *
   * SCEP (RFC 8894) and MS-WSTEP send a PKCS#10 request: pass its
   * `certificationRequestInfo.subject` DER here and its `subjectPKInfo` DER as `publicKey`, after
   * the caller has checked the request's self-signature (proof of possession, RFC 2986 §3) and
   * the enrollment challenge. issue() trusts its input and checks neither.
   */
  subject: string | Uint8Array;
  /** The subject's public key: a KeyObject, a WebCrypto key, or SubjectPublicKeyInfo DER. */
  publicKey: KeyObject | webcrypto.CryptoKey | Uint8Array;
  usage: CertificateUsage;
  /** subjectAltName dNSName entries; `tls-server` needs at least one name or address. */
  dnsNames?: readonly string[];
  /** subjectAltName iPAddress entries, IPv4 or IPv6 text. */
  ipAddresses?: readonly string[];
  /**
   * Days from now until notAfter (notBefore is backdated an hour for clock skew); clamped to the
   * CA's own notAfter. At most 398 for `tls-server` (see src/pki/certificate-authority.ts).
   */
  validityDays: number;
  /** Hex, positive, at most 20 octets (RFC 5280 4.1.2.2). Default: 16 random octets. */
  serialNumber?: string;
}

export interface IssuedCertificate {
  pem: string;
  der: Uint8Array;
  /** The serial's value as even-length lowercase hex, without the DER sign octet (`00`). */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
}

/** Steward's CA. The key never leaves the adapter: SCEP's decryption and signing are methods here. */
export interface CertificateAuthority {
  /** The CA certificate, PEM: what admins trust and what GetCACert returns (as DER). */
  caCertificatePem(): string;
  caCertificateDer(): Uint8Array;
  /** Throws StewardError('invalid-input') for a bad subject, key, name or validity. */
  issue(input: IssueCertificateInput): Promise<IssuedCertificate>;
  /**
   * SCEP pkcsPKIEnvelope: unwraps a content-encryption key of `keyLength` octets sent to the CA's
   * RSA key (PKCS #1 v1.5 key transport). A bad padding returns an unrelated key, never an error
   * (implicit rejection), so the content fails to decrypt and no padding oracle is exposed.
   */
  unwrapContentKey(encryptedKey: Uint8Array, keyLength: number): Uint8Array;
  /**
   * SCEP CertRep: the CA's RSA PKCS #1 v1.5 SHA-256 signature over CMS signed attributes (a DER
   * SET, RFC 5652 §5.4). Anything that is not a SET (a TBSCertificate, say) is refused, so this
   * cannot be used to mint certificates.
   */
  signCmsAttributes(signedAttributes: Uint8Array): Uint8Array;
}
