// The device side of SCEP (RFC 8894) as an Apple device runs it for a com.apple.security.scep
// payload: GetCACaps, GetCACert, then one PKCSReq carrying the payload's challenge, signed with a
// self-signed certificate for a fresh RSA key of the payload's Keysize. Messages come from
// src/protocol/scep (the same codecs Steward's SCEP service uses, from the other side).
import { createHash, X509Certificate } from 'node:crypto';
import { openEnvelope } from '../../src/protocol/scep/envelope.js';
import { decodeCertificatesOnly, decodePkiMessage } from '../../src/protocol/scep/pki-message.js';
import { encodeCertificationRequest, encodeEnrollmentRequest } from '../../src/protocol/scep/testing.js';
import type { Transport } from './transport.js';
import { nameFromSubjectArray, selfSignedIdentity, simpleName, unwrapRsaKey, type KeyedCertificate } from './x509.js';

/** The keys of a com.apple.security.scep PayloadContent the device acts on. */
export interface ScepPayload {
  URL: string;
  Name?: string;
  Challenge?: string;
  Subject?: string[][][];
  /** Apple's default is 1024. */
  Keysize?: number;
  'Key Type'?: string;
  /** 1 signing, 4 encryption, 5 both; 0 (default) none asked. */
  'Key Usage'?: number;
  CAFingerprint?: Uint8Array;
}

export class ScepEnrollmentError extends Error {
  override readonly name = 'ScepEnrollmentError';
}

export interface ScepResult extends KeyedCertificate {
  /** What GetCACert returned (the CA, and an RA when there is one), DER. */
  caCertificates: Uint8Array[];
  capabilities: string[];
}

export async function scepEnroll(transport: Transport, payload: ScepPayload): Promise<ScepResult> {
  const keyType = payload['Key Type'] ?? 'RSA';
  if (keyType !== 'RSA') throw new ScepEnrollmentError(`SCEP payload Key Type ${JSON.stringify(keyType)} is not RSA (Apple: "Always 'RSA'")`);
  const keyBits = payload.Keysize ?? 1024;
  if (![1024, 2048, 4096].includes(keyBits)) throw new ScepEnrollmentError(`SCEP payload Keysize ${keyBits} is not 1024, 2048 or 4096`);
  const url = (operation: string, message?: string) => {
    const u = new URL(payload.URL);
    u.searchParams.set('operation', operation);
    if (message !== undefined) u.searchParams.set('message', message);
    return u.toString();
  };

  // RFC 8894 §3.5.1: a client that cannot get the capabilities assumes none.
  const capsRes = await transport.request('GET', url('GetCACaps', payload.Name), {});
  const capabilities = capsRes.status === 200
    ? new TextDecoder().decode(capsRes.body).split(/\r?\n/).map((s) => s.trim()).filter((s) => s !== '')
    : [];
  const has = (cap: string) => capabilities.some((c) => c.toLowerCase() === cap.toLowerCase());

  const certRes = await transport.request('GET', url('GetCACert', payload.Name), {});
  if (certRes.status !== 200) throw new ScepEnrollmentError(`GetCACert answered ${certRes.status}: ${text(certRes.body)}`);
  const type = (certRes.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  let caCertificates: Uint8Array[];
  if (type === 'application/x-x509-ca-cert') caCertificates = [certRes.body];
  else if (type === 'application/x-x509-ca-ra-cert') caCertificates = decodeCertificatesOnly(certRes.body);
  else throw new ScepEnrollmentError(`GetCACert answered with content type ${JSON.stringify(type)} (RFC 8894 §4.2.1)`);
  const parsed = caCertificates.map((d) => new X509Certificate(d));
  const ca = parsed.find((c) => c.ca) ?? parsed[0];
  if (ca === undefined) throw new ScepEnrollmentError('GetCACert returned no certificate');
  // With an RA (RFC 8894 §2.2), the request is encrypted to it: the certificate that is not a CA.
  const recipient = parsed.find((c) => !c.ca) ?? ca;
  if (payload.CAFingerprint !== undefined) checkFingerprint(ca, payload.CAFingerprint);

  const subject = payload.Subject !== undefined && payload.Subject.length > 0
    ? nameFromSubjectArray(payload.Subject)
    : simpleName([['CN', 'SCEP requester']]);
  const requester = await selfSignedIdentity(subject, keyBits);
  const publicKey = new X509Certificate(requester.certificateDer).publicKey;
  const csr = encodeCertificationRequest({
    subject, publicKey, privateKey: requester.privateKey,
    ...(payload.Challenge === undefined ? {} : { challengePassword: payload.Challenge }),
  });
  const request = await encodeEnrollmentRequest({
    messageType: 'PKCSReq', csr, caCertificate: new Uint8Array(recipient.raw),
    signerCertificate: requester.certificateDer, signerKey: requester.privateKey,
  });

  const opRes = has('POSTPKIOperation')
    ? await transport.request('POST', url('PKIOperation'), { 'content-type': 'application/x-pki-message' }, request.der)
    : await transport.request('GET', url('PKIOperation', Buffer.from(request.der).toString('base64')), {});
  if (opRes.status !== 200) throw new ScepEnrollmentError(`PKIOperation answered ${opRes.status}: ${text(opRes.body)}`);
  const rep = decodePkiMessage(opRes.body);
  if (rep.messageType !== 'CertRep') throw new ScepEnrollmentError(`PKIOperation answered a ${rep.messageType}, not a CertRep`);
  if (rep.transactionId !== request.transactionId) throw new ScepEnrollmentError('CertRep transactionID does not match the request');
  if (rep.recipientNonce === undefined || !Buffer.from(rep.recipientNonce).equals(Buffer.from(request.senderNonce))) {
    throw new ScepEnrollmentError('CertRep recipientNonce does not echo the senderNonce (RFC 8894 §3.2.1.5)');
  }
  if (!caCertificates.some((c) => Buffer.from(c).equals(Buffer.from(rep.signerCertificate)))) {
    throw new ScepEnrollmentError('CertRep is not signed by the CA or RA that GetCACert returned');
  }
  if (rep.pkiStatus === 'FAILURE') throw new ScepEnrollmentError(`SCEP enrollment refused: FAILURE ${rep.failInfo ?? '(no failInfo)'}`);
  if (rep.pkiStatus !== 'SUCCESS') throw new ScepEnrollmentError(`SCEP answered ${rep.pkiStatus ?? 'no pkiStatus'}; the simulator does not poll (CertPoll)`);
  const issued = decodeCertificatesOnly(await openEnvelope(rep.content, (key, length) => unwrapRsaKey(requester.privateKey, key, length)));
  const mine = issued.find((d) => new X509Certificate(d).publicKey.equals(publicKey));
  if (mine === undefined) throw new ScepEnrollmentError('CertRep carries no certificate for the requested key');
  return { certificateDer: mine, privateKey: requester.privateKey, caCertificates, capabilities };
}

/** Apple does not say which digest CAFingerprint uses; its length tells (MD5, SHA-1, SHA-256). */
function checkFingerprint(ca: X509Certificate, fingerprint: Uint8Array): void {
  const algorithm = ({ 16: 'md5', 20: 'sha1', 32: 'sha256' } as Record<number, string>)[fingerprint.length];
  if (algorithm === undefined) throw new ScepEnrollmentError(`CAFingerprint of ${fingerprint.length} bytes is not an MD5, SHA-1 or SHA-256 digest`);
  if (!createHash(algorithm).update(ca.raw).digest().equals(Buffer.from(fingerprint))) {
    throw new ScepEnrollmentError('the CA certificate from GetCACert does not match the payload\'s CAFingerprint');
  }
}

function text(body: Uint8Array): string {
  return new TextDecoder().decode(body.subarray(0, 500));
}
