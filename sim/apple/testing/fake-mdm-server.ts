// A deliberately tiny MDM server for the simulator's own tests: it serves a signed enrollment
// profile, runs SCEP with the same protocol codecs, records every check-in and report with the
// result of verifying its Mdm-Signature, and hands out queued commands. It is not Steward and
// decides nothing about how Steward should behave; tests of Steward use Steward (test/e2e).
import { createPublicKey, generateKeyPairSync, randomBytes, randomUUID, sign, X509Certificate } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Name } from '@peculiar/asn1-x509';
import { encodeCommand, type CommandRequests, type RequestType } from '../../../src/protocol/apple/connect.js';
import { encodePlist, parsePlistDict, type PlistDict } from '../../../src/protocol/apple/plist.js';
import { decodeCertificationRequest } from '../../../src/protocol/scep/csr.js';
import { openEnvelope, sealEnvelope } from '../../../src/protocol/scep/envelope.js';
import { decodePkiMessage, encodeCertificatesOnly, encodePkiMessage } from '../../../src/protocol/scep/pki-message.js';
import { keySigner, signData, verifySignedData } from '../../../src/protocol/cms/signed-data.js';
import { createCertificate, createTestCa, EKU, KEY_USAGE, simpleName, unwrapRsaKey, type KeyedCertificate } from '../x509.js';

export interface Recorded {
  path: string;
  headers: Record<string, string>;
  body: Uint8Array;
  dict: PlistDict;
  /** The Mdm-Signature check: the signer's certificate DER when it verified, an error text otherwise. */
  signature: { ok: true; signer: Uint8Array } | { ok: false; error: string } | undefined;
}

export interface ProfileOptions {
  accessRights?: number;
  signMessage?: boolean;
  checkOutWhenRemoved?: boolean;
  serverCapabilities?: string[];
  keysize?: number;
  /** Extra payloads (dictionaries) to add. */
  payloads?: PlistDict[];
  /** Keys to drop from the MDM payload, to test refusals. */
  omitMdmKeys?: string[];
  mdm?: PlistDict;
  /** Sign with this instead of the CA. */
  signer?: KeyedCertificate;
  unsigned?: boolean;
}

export class FakeMdmServer {
  readonly app: FastifyInstance;
  readonly checkins: Recorded[] = [];
  readonly reports: Recorded[] = [];
  /** Answers from devices, by CommandUUID. */
  readonly results = new Map<string, PlistDict>();
  /** Override the status check-ins get (a test of enrollment failure). */
  checkinStatus = 200;
  connectStatus = 200;
  connectBody: Uint8Array | undefined;
  profile: ProfileOptions = {};
  private readonly queues = new Map<string, { uuid: string; body: Uint8Array }[]>();
  private readonly skipped = new Map<string, Set<string>>();
  private readonly challenges = new Set<string>();

  private constructor(readonly ca: KeyedCertificate & { certificatePem: string }, readonly tls: { cert: string; key: string }, https: boolean) {
    this.app = https ? Fastify({ https: { cert: tls.cert, key: tls.key } }) : Fastify();
    this.app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    this.routes();
  }

  static async create(options: { https?: boolean } = {}): Promise<FakeMdmServer> {
    const ca = await createTestCa('Fake MDM CA');
    const tlsKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const tlsCert = createCertificate({
      subject: simpleName([['CN', 'localhost']]), publicKey: tlsKey.publicKey, issuer: ca,
      keyUsage: KEY_USAGE.digitalSignature | KEY_USAGE.keyEncipherment, extendedKeyUsage: [EKU.serverAuth], hosts: ['localhost', '127.0.0.1'],
    });
    return new FakeMdmServer(ca, {
      cert: new X509Certificate(tlsCert).toString(),
      key: tlsKey.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    }, options.https === true);
  }

  /** Queues a command for a device (UDID or EnrollmentID); returns its CommandUUID. */
  queue<T extends RequestType>(device: string, requestType: T, payload: CommandRequests[T]): string {
    const uuid = randomUUID().toUpperCase();
    return this.queueRaw(device, encodeCommand({ commandUUID: uuid, requestType, payload }), uuid);
  }

  /** Queues any body (a malformed command) under a CommandUUID. */
  queueRaw(device: string, body: Uint8Array, uuid: string = randomUUID().toUpperCase()): string {
    const q = this.queues.get(device) ?? [];
    q.push({ uuid, body });
    this.queues.set(device, q);
    return uuid;
  }

  pending(device: string): number {
    return this.queues.get(device)?.length ?? 0;
  }

  /** The enrollment profile the server serves, signed unless told otherwise. */
  async enrollmentProfile(base: string): Promise<Uint8Array> {
    const o = this.profile;
    const challenge = randomBytes(12).toString('hex');
    this.challenges.add(challenge);
    const scepUuid = randomUUID().toUpperCase();
    const mdm: PlistDict = {
      PayloadType: 'com.apple.mdm', PayloadIdentifier: 'test.fake.mdm', PayloadUUID: randomUUID().toUpperCase(), PayloadVersion: 1,
      ServerURL: `${base}/connect`, CheckInURL: `${base}/checkin`, Topic: 'com.apple.mgmt.External.fake-topic',
      IdentityCertificateUUID: scepUuid, SignMessage: o.signMessage ?? true, AccessRights: o.accessRights ?? 8191,
      CheckOutWhenRemoved: o.checkOutWhenRemoved ?? true, ServerCapabilities: o.serverCapabilities ?? ['com.apple.mdm.per-user-connections'],
      ...o.mdm,
    };
    for (const k of o.omitMdmKeys ?? []) delete mdm[k];
    const profile: PlistDict = {
      PayloadType: 'Configuration', PayloadIdentifier: 'test.fake.enrollment', PayloadUUID: randomUUID().toUpperCase(), PayloadVersion: 1,
      PayloadDisplayName: 'Fake MDM enrollment', PayloadContent: [
        {
          PayloadType: 'com.apple.security.scep', PayloadIdentifier: 'test.fake.scep', PayloadUUID: scepUuid, PayloadVersion: 1,
          PayloadContent: { URL: `${base}/scep`, Challenge: challenge, Keysize: o.keysize ?? 2048, 'Key Type': 'RSA', 'Key Usage': 5, Subject: [[['O', 'Fake MDM']], [['CN', 'device identity']]] },
        },
        mdm,
        ...(o.payloads ?? []),
      ],
    };
    const plist = encodePlist(profile);
    if (o.unsigned === true) return plist;
    const signer = o.signer ?? this.ca;
    return signData(plist, keySigner(signer.certificateDer, signer.privateKey), { certificates: [] });
  }

  private routes(): void {
    const base = (host: string | undefined) => `https://${host ?? 'localhost'}`;
    this.app.get('/enroll', async (req, reply) => {
      const body = await this.enrollmentProfile(base(req.headers.host));
      return reply.type('application/x-apple-aspen-config').send(Buffer.from(body));
    });
    this.app.get('/scep', async (req, reply) => {
      const q = req.query as Record<string, string | undefined>;
      if (q.operation === 'GetCACaps') return reply.type('text/plain').send('POSTPKIOperation\nSHA-256\nAES\nSCEPStandard\nRenewal\n');
      if (q.operation === 'GetCACert') return reply.type('application/x-x509-ca-cert').send(Buffer.from(this.ca.certificateDer));
      if (q.operation === 'PKIOperation' && q.message !== undefined) return reply.type('application/x-pki-message').send(Buffer.from(await this.pkiOperation(Buffer.from(q.message, 'base64'))));
      return reply.code(400).send('bad operation');
    });
    this.app.post('/scep', async (req, reply) => reply.type('application/x-pki-message').send(Buffer.from(await this.pkiOperation(req.body as Buffer))));
    this.app.put('/checkin', async (req, reply) => {
      this.checkins.push(record(req.url, req.headers as Record<string, string>, req.body as Buffer));
      return reply.code(this.checkinStatus).send('');
    });
    this.app.put('/connect', async (req, reply) => {
      const r = record(req.url, req.headers as Record<string, string>, req.body as Buffer);
      this.reports.push(r);
      if (this.connectStatus !== 200 || this.connectBody !== undefined) {
        return reply.code(this.connectStatus).type('application/xml').send(Buffer.from(this.connectBody ?? new Uint8Array()));
      }
      const id = r.dict.EnrollmentID ?? r.dict.UDID;
      const device = typeof id === 'string' ? id : '';
      const skip = this.skipped.get(device) ?? new Set<string>();
      if (r.dict.Status === 'Idle') skip.clear();
      const uuid = r.dict.CommandUUID;
      if (typeof uuid === 'string') {
        this.results.set(uuid, r.dict);
        if (r.dict.Status === 'NotNow') skip.add(uuid);
        else this.queues.set(device, (this.queues.get(device) ?? []).filter((c) => c.uuid !== uuid));
      }
      this.skipped.set(device, skip);
      const next = (this.queues.get(device) ?? []).find((c) => !skip.has(c.uuid));
      if (next === undefined) return reply.code(200).send('');
      return reply.code(200).type('application/xml').send(Buffer.from(next.body));
    });
  }

  private async pkiOperation(der: Uint8Array): Promise<Uint8Array> {
    const req = decodePkiMessage(der);
    const csrDer = await openEnvelope(req.content, (k, n) => unwrapRsaKey(this.ca.privateKey, k, n));
    const csr = decodeCertificationRequest(csrDer);
    const ok = csr.challengePassword !== undefined && this.challenges.delete(csr.challengePassword);
    const signer = { certificateDer: this.ca.certificateDer, sign: (a: Uint8Array) => new Uint8Array(sign('sha256', a, this.ca.privateKey)) };
    const common = { messageType: 'CertRep' as const, transactionId: req.transactionId, senderNonce: randomBytes(16), ...(req.senderNonce === undefined ? {} : { recipientNonce: req.senderNonce }) };
    if (!ok) return encodePkiMessage({ ...common, pkiStatus: 'FAILURE', failInfo: 'badRequest', content: new Uint8Array() }, signer);
    const publicKey = createPublicKey({ key: Buffer.from(csr.publicKey), format: 'der', type: 'spki' });
    const issued = createCertificate({
      subject: AsnConvert.parse(csr.subject, Name), publicKey, issuer: this.ca,
      keyUsage: KEY_USAGE.digitalSignature | KEY_USAGE.keyEncipherment, extendedKeyUsage: [EKU.clientAuth],
    });
    return encodePkiMessage({ ...common, pkiStatus: 'SUCCESS', content: sealEnvelope(encodeCertificatesOnly([issued]), req.signerCertificate) }, signer);
  }
}

function record(path: string, headers: Record<string, string>, body: Buffer): Recorded {
  const bytes = new Uint8Array(body);
  let dict: PlistDict = {};
  try {
    dict = parsePlistDict(bytes);
  } catch {
    // Recorded as empty; the test looks at the bytes.
  }
  const header = headers['mdm-signature'];
  let signature: Recorded['signature'];
  if (header !== undefined) {
    try {
      const v = verifySignedData(new Uint8Array(Buffer.from(header, 'base64')), { detachedContent: bytes });
      signature = { ok: true, signer: v.signerCertificate };
    } catch (err) {
      signature = { ok: false, error: (err as Error).message };
    }
  }
  return { path, headers, body: bytes, dict, signature };
}
