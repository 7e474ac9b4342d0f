// Which enrollment an Apple MDM message comes from. Apple devices sign every check-in and command
// report with their identity (SignMessage: the Mdm-Signature header, a detached CMS signature over
// the body); behind a TLS-terminating proxy the client certificate may be forwarded instead.
// Anything wrong is a 400 (malformed) or 403 (not entitled), never a 401: Apple devices unenroll
// on 401.
import { createHash, X509Certificate } from 'node:crypto';
import type { Clock } from '../../../core/clock.js';
import { StewardError } from '../../../core/errors.js';
import type { ScepStore } from '../../../core/scep/ports.js';
import { CmsError, verifySignedData } from '../../../protocol/cms/signed-data.js';

export interface DeviceIdentity {
  enrollmentId: string;
  /** Lowercase hex without the DER sign octet, as scep_certificates stores it. */
  identitySerial: string;
}

export interface IdentityDeps {
  caCertificateDer: Uint8Array;
  scep: Pick<ScepStore, 'enrollmentForCertificate'>;
  clock: Clock;
  replay: ReplayGuard;
  /**
   * The request header a trusted TLS-terminating proxy puts the client certificate in (URL-encoded
   * PEM, as nginx's $ssl_client_escaped_cert). Only set it when the proxy strips that header from
   * what clients send.
   */
  forwardedCertificateHeader?: string;
}

/** How far a signingTime may be from the server's clock. */
export const SIGNING_TIME_SKEW_MS = 15 * 60_000;

/**
 * Refuses a signature seen before within the signingTime window: a captured message replayed.
 * Kept in memory, bounded; a signature older than the window is refused by its signingTime.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();
  constructor(private readonly max = 200_000) {}

  /** True the first time a signature id is offered within the window. */
  accept(signatureId: string, now: number): boolean {
    if (this.seen.has(signatureId)) return false;
    if (this.seen.size >= this.max) this.evict(now);
    this.seen.set(signatureId, now);
    return true;
  }

  /** Drops what the signingTime check refuses anyway; if still full, the oldest tenth. */
  private evict(now: number): void {
    const horizon = now - 2 * SIGNING_TIME_SKEW_MS;
    let extra = Math.ceil(this.max / 10);
    // A Map iterates in insertion order: oldest first.
    for (const [id, at] of this.seen) {
      if (at > horizon && extra <= 0) break;
      this.seen.delete(id);
      if (at > horizon) extra--;
    }
  }
}

const malformed = (message: string) => new StewardError('invalid-input', message);
const refused = (message: string) => new StewardError('device-identity', message);

export async function identifyDevice(deps: IdentityDeps, headers: Record<string, string | string[] | undefined>, body: Uint8Array): Promise<DeviceIdentity> {
  const signature = headers['mdm-signature'];
  const forwarded = deps.forwardedCertificateHeader ? headers[deps.forwardedCertificateHeader.toLowerCase()] : undefined;
  let certificate: Uint8Array | string;
  if (typeof signature === 'string' && signature !== '') {
    const der = Buffer.from(signature.replace(/\s+/g, ''), 'base64');
    if (der.length === 0 || der.length > 64 * 1024) throw malformed('Mdm-Signature is not a base64 CMS signature of a sensible size');
    let verified;
    try {
      verified = verifySignedData(der, { detachedContent: body });
    } catch (err) {
      if (err instanceof CmsError) throw err.reason === 'bad-signature' ? refused(`Mdm-Signature: ${err.message}`) : malformed(`Mdm-Signature: ${err.message}`);
      throw err;
    }
    certificate = verified.signerCertificate;
    const now = deps.clock.now().getTime();
    if (verified.signingTime) {
      const skew = verified.signingTime.getTime() - now;
      if (Math.abs(skew) > SIGNING_TIME_SKEW_MS) throw refused(`the message was signed at ${verified.signingTime.toISOString()}, too far from now: a replay or a wrong clock`);
      if (!deps.replay.accept(verified.signatureId, now)) throw refused('this signed message was already received: a replay');
    }
  } else if (typeof forwarded === 'string' && forwarded !== '') {
    let pem: string;
    try { pem = decodeURIComponent(forwarded); } catch { throw malformed(`${deps.forwardedCertificateHeader ?? ''} is not URL-encoded PEM`); }
    certificate = pem;
  } else {
    throw refused('the message carries no Mdm-Signature header (the enrollment profile asks for SignMessage)');
  }

  const now = deps.clock.now().getTime();
  const known = await certificateIdentity(deps, certificate);
  if (known.notBefore > now + SIGNING_TIME_SKEW_MS || known.notAfter <= now) {
    throw refused(`identity certificate ${known.identitySerial} is not valid now (valid ${new Date(known.notBefore).toISOString()} to ${new Date(known.notAfter).toISOString()})`);
  }
  return { enrollmentId: known.enrollmentId, identitySerial: known.identitySerial };
}

interface KnownCertificate { enrollmentId: string; identitySerial: string; notBefore: number; notAfter: number }

/**
 * What never changes about an identity certificate: that Steward's CA issued it, its validity and
 * the enrollment it was issued for. Checked once per certificate and process, then remembered
 * (bounded): the chain check is an RSA verification and the lookup a query, on every message
 * otherwise. Only successes are remembered; the enrollment's state is read fresh by the caller.
 */
const verified = new Map<string, KnownCertificate>();
const MAX_REMEMBERED = 100_000;

async function certificateIdentity(deps: IdentityDeps, input: Uint8Array | string): Promise<KnownCertificate> {
  // Keyed by the CA too: tests run several CAs in one process.
  const key = createHash('sha256').update(deps.caCertificateDer).update(input).digest('base64');
  const hit = verified.get(key);
  if (hit) return hit;
  const certificate = parseCertificate(input);
  const ca = new X509Certificate(deps.caCertificateDer);
  if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) throw refused(`identity certificate ${certificate.serialNumber} was not issued by this server`);
  const identitySerial = certificate.serialNumber.toLowerCase().replace(/^(00)+(?=.)/, '');
  const enrollmentId = await deps.scep.enrollmentForCertificate(identitySerial);
  if (enrollmentId === undefined) throw refused(`identity certificate ${identitySerial} belongs to no enrollment`);
  const known = { enrollmentId, identitySerial, notBefore: Date.parse(certificate.validFrom), notAfter: Date.parse(certificate.validTo) };
  if (verified.size >= MAX_REMEMBERED) verified.delete(verified.keys().next().value as string);
  verified.set(key, known);
  return known;
}

function parseCertificate(input: Uint8Array | string): X509Certificate {
  try {
    return new X509Certificate(typeof input === 'string' ? input : Buffer.from(input));
  } catch {
    throw malformed('the identity certificate does not parse');
  }
}

/** A stable, non-secret id for logs: the first 16 hex digits of the body's SHA-256. */
export function bodyId(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}
