// SCEP (RFC 8894) at /scep: GetCACaps, GetCACert and PKIOperation (PKCSReq, RenewalReq).
// Thin: decode the pkiMessage, one core call, encode the CertRep. A device is never answered 401:
// a malformed or badly signed message gets 400 with the reason logged; a refused challenge gets a
// signed CertRep with pkiStatus FAILURE and failInfo badRequest (§3.2.1.4).
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../core/clock.js';
import type { CertificateAuthority } from '../../core/pki/ports.js';
import type { ScepStore } from '../../core/scep/ports.js';
import { issueDeviceIdentity } from '../../core/scep/issue-device-identity.js';
import { StewardError } from '../../core/errors.js';
import { decodeCertificationRequest } from '../../protocol/scep/csr.js';
import { openEnvelope, sealEnvelope } from '../../protocol/scep/envelope.js';
import { ScepProtocolError } from '../../protocol/scep/errors.js';
import { decodePkiMessage, encodeCertificatesOnly, encodePkiMessage, type FailInfo, type PkiMessage } from '../../protocol/scep/pki-message.js';

export interface ScepDeps {
  ca: CertificateAuthority;
  scep: ScepStore;
  clock: Clock;
}

/** RFC 8894 §3.5.2. AES is AES-CBC; SCEPStandard implies AES, SHA-256 and POSTPKIOperation. */
export const SCEP_CAPABILITIES = ['POSTPKIOperation', 'SHA-256', 'AES', 'SCEPStandard', 'Renewal'];
const MAX_MESSAGE_BYTES = 256 * 1024;

export const scepRoutes: FastifyPluginAsync<{ deps: ScepDeps }> = async (app, { deps }) => {
  // PKIOperation bodies are DER (application/x-pki-message, though clients vary): keep them raw.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_MESSAGE_BYTES }, (_req, body, done) => done(null, body));

  const config = { permission: 'device' as const };
  app.get('/scep', { config }, async (req, reply) => {
    const query = req.query as Record<string, unknown>;
    const operation = typeof query.operation === 'string' ? query.operation : '';
    switch (operation) {
      case 'GetCACaps':
        req.markAuthorized(); // public: what the CA can do
        return reply.type('text/plain').send(`${SCEP_CAPABILITIES.join('\n')}\n`);
      case 'GetCACert':
        req.markAuthorized(); // public: the CA certificate every device must trust anyway
        return reply.type('application/x-x509-ca-cert').send(Buffer.from(deps.ca.caCertificateDer()));
      case 'PKIOperation': {
        const message = typeof query.message === 'string' ? query.message : '';
        const der = Buffer.from(message.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
        if (der.length === 0) return refuse(req, reply, 'malformed', 'PKIOperation over GET needs a base64 message parameter');
        return pkiOperation(req, reply, der);
      }
      default:
        return refuse(req, reply, 'unsupported', `operation "${operation}" is not supported`);
    }
  });
  app.post('/scep', { config }, async (req, reply) => {
    const query = req.query as Record<string, unknown>;
    if (query.operation !== 'PKIOperation') return refuse(req, reply, 'unsupported', `POST operation "${String(query.operation)}" is not supported`);
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) return refuse(req, reply, 'malformed', 'PKIOperation has an empty body');
    return pkiOperation(req, reply, req.body);
  });

  async function pkiOperation(req: FastifyRequest, reply: FastifyReply, der: Uint8Array) {
    let message: PkiMessage;
    try {
      message = decodePkiMessage(der);
    } catch (err) {
      return refused(req, reply, err);
    }
    // The signature verified: the sender holds the key of the certificate it sent. Whether that
    // entitles it to anything is decided below and answered in a signed CertRep.
    req.markAuthorized();
    const senderNonce = message.senderNonce;
    if (!senderNonce) return refuse(req, reply, 'malformed', 'the senderNonce attribute is missing');
    const answer = async (result: { status: 'SUCCESS'; content: Uint8Array } | { status: 'FAILURE'; failInfo: FailInfo }) => {
      const body = await encodePkiMessage({
        messageType: 'CertRep',
        transactionId: message.transactionId,
        senderNonce: randomBytes(16),
        recipientNonce: senderNonce,
        pkiStatus: result.status,
        ...(result.status === 'SUCCESS' ? { content: result.content } : { failInfo: result.failInfo, content: new Uint8Array() }),
      }, { certificateDer: deps.ca.caCertificateDer(), sign: (attributes) => deps.ca.signCmsAttributes(attributes) });
      return reply.type('application/x-pki-message').send(Buffer.from(body));
    };
    if (message.messageType !== 'PKCSReq' && message.messageType !== 'RenewalReq') {
      req.log.info({ transactionId: message.transactionId, messageType: message.messageType }, 'SCEP message type not supported');
      return answer({ status: 'FAILURE', failInfo: 'badRequest' });
    }
    try {
      const csr = decodeCertificationRequest(await openEnvelope(message.content, (key, length) => deps.ca.unwrapContentKey(key, length)));
      const result = await issueDeviceIdentity(deps, message.messageType === 'PKCSReq'
        ? { kind: 'initial', subject: csr.subject, publicKey: csr.publicKey, challengePassword: csr.challengePassword }
        : { kind: 'renewal', subject: csr.subject, publicKey: csr.publicKey, signerCertificate: message.signerCertificate });
      if (result.outcome === 'refused') {
        req.log.info({ transactionId: message.transactionId, reason: result.reason }, 'SCEP request refused');
        return await answer({ status: 'FAILURE', failInfo: 'badRequest' });
      }
      req.log.info({ transactionId: message.transactionId, enrollmentId: result.enrollmentId, serialNumber: result.certificate.serialNumber }, 'SCEP certificate issued');
      return await answer({ status: 'SUCCESS', content: sealEnvelope(encodeCertificatesOnly([result.certificate.der]), message.signerCertificate) });
    } catch (err) {
      if (err instanceof StewardError && err.code === 'invalid-input') {
        req.log.info({ transactionId: message.transactionId, reason: err.message }, 'SCEP request refused');
        return answer({ status: 'FAILURE', failInfo: 'badRequest' });
      }
      return refused(req, reply, err);
    }
  }
};

function refused(req: FastifyRequest, reply: FastifyReply, err: unknown) {
  if (err instanceof ScepProtocolError) return refuse(req, reply, err.reason, err.message);
  throw err;
}

function refuse(req: FastifyRequest, reply: FastifyReply, reason: string, message: string) {
  req.log.info({ reason, detail: message }, 'SCEP message refused');
  return reply.code(400).type('text/plain').send(`${message}\n`);
}
