// The client certificate a Windows PC presents to the management endpoint ([MS-MDM] §2.1:
// mutual TLS with the certificate issued at enrollment, MS-WSTEP): read from the TLS socket when
// the PC reached Steward's own HTTPS listener (which asks for one, requestCert, without requiring
// it, so admins' browsers are not prompted), or from the header a trusted TLS-terminating proxy
// puts it in (URL-encoded PEM, as nginx's $ssl_client_escaped_cert). Either way it must chain to
// Steward's CA and be within its validity; which enrollment it belongs to is core's question.
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import type { Clock } from '../../../core/clock.js';
import { StewardError } from '../../../core/errors.js';

export interface ClientCertificateOptions {
  /** Steward's CA certificate: the only issuer accepted. */
  caCertificateDer: Uint8Array;
  clock: Clock;
  /**
   * The header a trusted TLS-terminating proxy forwards the client certificate in (the
   * clientCertHeader setting). Read only when the connection itself carries no client
   * certificate; set it only when the proxy overwrites that header on every request and Steward's
   * own port is not reachable around the proxy.
   */
  forwardedCertificateHeader?: string;
}

/** Certificates a few minutes from their notBefore are accepted: PC clocks drift. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** A forwarded PEM larger than this is not a client certificate. */
const MAX_FORWARDED_BYTES = 16 * 1024;

const refused = (message: string) => new StewardError('device-identity', message);
const malformed = (message: string) => new StewardError('invalid-input', message);

/**
 * The certificate of a TLS connection, parsed once per connection: a PC keeps its connection
 * through a session, and parsing it again for every message would cost as much as the message.
 */
const bySocket = new WeakMap<object, X509Certificate | null>();

function fromSocket(req: FastifyRequest): X509Certificate | undefined {
  const socket = req.raw.socket as Partial<TLSSocket> | undefined;
  if (socket === undefined || typeof socket.getPeerX509Certificate !== 'function') return undefined;
  let certificate = bySocket.get(socket);
  if (certificate === undefined) {
    try {
      certificate = socket.getPeerX509Certificate() ?? null;
    } catch {
      throw malformed('the TLS client certificate does not parse');
    }
    bySocket.set(socket, certificate);
  }
  return certificate ?? undefined;
}

function fromHeader(req: FastifyRequest, header: string): X509Certificate | undefined {
  const value = req.headers[header.toLowerCase()];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || value.length > MAX_FORWARDED_BYTES * 3) throw malformed(`${header} must hold one URL-encoded PEM certificate`);
  let pem: string;
  try {
    pem = decodeURIComponent(value);
  } catch {
    throw malformed(`${header} is not URL-encoded PEM`);
  }
  try {
    return new X509Certificate(pem);
  } catch {
    throw malformed(`${header} does not hold a PEM certificate`);
  }
}

export interface ClientCertificates {
  /** The certificate the client presented, if any: the TLS handshake's first, else the proxy's header. */
  presented(req: FastifyRequest): X509Certificate | undefined;
  /** Throws 'device-identity' unless the certificate was issued by Steward's CA and is valid now. */
  check(certificate: X509Certificate): void;
}

interface Checked {
  notBefore: number;
  notAfter: number;
  issuedByCa: boolean;
}

export function clientCertificates(options: ClientCertificateOptions): ClientCertificates {
  const ca = new X509Certificate(Buffer.from(options.caCertificateDer));
  // Per certificate object (one per connection, above): the signature is checked once.
  const checked = new WeakMap<X509Certificate, Checked>();
  return {
    presented: (req) => fromSocket(req) ?? (options.forwardedCertificateHeader ? fromHeader(req, options.forwardedCertificateHeader) : undefined),
    check(certificate) {
      let c = checked.get(certificate);
      if (!c) {
        c = {
          notBefore: Date.parse(certificate.validFrom),
          notAfter: Date.parse(certificate.validTo),
          issuedByCa: certificate.checkIssued(ca) && certificate.verify(ca.publicKey),
        };
        checked.set(certificate, c);
      }
      if (!c.issuedByCa) throw refused(`client certificate ${certificate.serialNumber} was not issued by this server's CA`);
      const now = options.clock.now().getTime();
      if (c.notBefore > now + CLOCK_SKEW_MS || c.notAfter <= now) {
        throw refused(`client certificate ${certificate.serialNumber} is not valid now (valid ${certificate.validFrom} to ${certificate.validTo})`);
      }
    },
  };
}
