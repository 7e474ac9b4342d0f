// SCEP over HTTP: in-process with messages built here, and end to end with Debian's `scepclient`
// (package `scep`) against a real listener.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import { systemClock } from '../../core/clock.js';
import { createScepChallenge } from '../../core/scep/create-challenge.js';
import type { ScepStore } from '../../core/scep/ports.js';
import { createCertificateAuthority, type NewCertificateAuthority } from '../../pki/certificate-authority.js';
import { parseDistinguishedName } from '../../pki/distinguished-name.js';
import { unwrapRsaPkcs1 } from '../../pki/key-transport.js';
import { openEnvelope } from '../../protocol/scep/envelope.js';
import { decodeCertificatesOnly, decodePkiMessage } from '../../protocol/scep/pki-message.js';
import { encodeCertificationRequest, encodeEnrollmentRequest } from '../../protocol/scep/testing.js';
import { scepStore } from '../../store/scep.js';
import { testDialects } from '../../store/testing.js';
import type { Database } from '../../store/database.js';
import { installAuthorization } from '../authz.js';
import { scepRoutes } from './scep.js';

const run = promisify(execFile);
const hasScepclient = spawnSync('sh', ['-c', 'command -v scepclient'], { encoding: 'utf8' }).status === 0;

describe('SCEP service', () => {
  let database: Database;
  let scep: ScepStore;
  let ca: NewCertificateAuthority;
  let app: FastifyInstance;
  let url: string;
  let dir: string;
  // A self-signed requester identity, as a device makes for its first PKCSReq.
  let device: NewCertificateAuthority;

  before(async () => {
    database = await (testDialects()[0] ?? assert.fail('no dialect')).open();
    scep = scepStore(database.db);
    [ca, device] = await Promise.all([createCertificateAuthority(), createCertificateAuthority()]);
    app = Fastify();
    installAuthorization(app, { authenticate: async () => undefined });
    await app.register(scepRoutes, { deps: { ca: ca.ca, scep, clock: systemClock } });
    url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/scep`;
    dir = mkdtempSync(join(tmpdir(), 'steward-scep-'));
    writeFileSync(join(dir, 'ca.pem'), ca.certificatePem);
  });
  after(async () => {
    await app.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const challenge = async (enrollmentId: string) => (await createScepChallenge({ scep, clock: systemClock }, { enrollmentId, ttl: 60_000 })).challenge;

  async function pkiOperation(messageType: 'PKCSReq' | 'RenewalReq', options: { challengePassword?: string; signer?: { cert: Uint8Array; key: ReturnType<typeof createPrivateKey> } }) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const csr = encodeCertificationRequest({ subject: parseDistinguishedName('CN=device-7, O=Steward'), publicKey, privateKey, ...(options.challengePassword === undefined ? {} : { challengePassword: options.challengePassword }) });
    const signer = options.signer ?? { cert: device.ca.caCertificateDer(), key: createPrivateKey(device.privateKeyPem) };
    const request = await encodeEnrollmentRequest({ messageType, csr, caCertificate: ca.ca.caCertificateDer(), signerCertificate: signer.cert, signerKey: signer.key });
    const res = await app.inject({ method: 'POST', url: '/scep?operation=PKIOperation', headers: { 'content-type': 'application/x-pki-message' }, payload: Buffer.from(request.der) });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/x-pki-message');
    const rep = decodePkiMessage(new Uint8Array(res.rawPayload));
    assert.equal(rep.messageType, 'CertRep');
    assert.equal(rep.transactionId, request.transactionId);
    assert.deepEqual(rep.recipientNonce, new Uint8Array(request.senderNonce));
    assert.deepEqual(rep.signerCertificate, ca.ca.caCertificateDer());
    const certificates = rep.pkiStatus === 'SUCCESS'
      ? decodeCertificatesOnly(await openEnvelope(rep.content, (k, n) => unwrapRsaPkcs1(signer.key, k, n)))
      : [];
    return { rep, certificates, privateKey };
  }

  it('answers GetCACaps and GetCACert', async () => {
    const caps = await app.inject({ method: 'GET', url: '/scep?operation=GetCACaps' });
    assert.equal(caps.statusCode, 200);
    assert.match(String(caps.headers['content-type']), /^text\/plain/);
    assert.deepEqual(caps.body.trim().split('\n'), ['POSTPKIOperation', 'SHA-256', 'AES', 'SCEPStandard', 'Renewal']);
    const cert = await app.inject({ method: 'GET', url: '/scep?operation=GetCACert' });
    assert.equal(cert.statusCode, 200);
    assert.equal(cert.headers['content-type'], 'application/x-x509-ca-cert');
    assert.deepEqual(new Uint8Array(cert.rawPayload), ca.ca.caCertificateDer());
  });

  it('issues for a valid challenge, refuses it spent, and renews with the issued identity', async () => {
    const secret = await challenge('enr-inject');
    const first = await pkiOperation('PKCSReq', { challengePassword: secret });
    assert.equal(first.rep.pkiStatus, 'SUCCESS');
    const issued = new X509Certificate(first.certificates[0] ?? assert.fail('no certificate'));
    assert.ok(issued.verify(new X509Certificate(ca.certificatePem).publicKey));
    assert.equal(await scep.enrollmentForCertificate(issued.serialNumber.toLowerCase()), 'enr-inject');

    const again = await pkiOperation('PKCSReq', { challengePassword: secret });
    assert.equal(again.rep.pkiStatus, 'FAILURE');
    assert.equal(again.rep.failInfo, 'badRequest');

    const renewed = await pkiOperation('RenewalReq', { signer: { cert: new Uint8Array(issued.raw), key: first.privateKey } });
    assert.equal(renewed.rep.pkiStatus, 'SUCCESS');
    const next = new X509Certificate(renewed.certificates[0] ?? assert.fail('no certificate'));
    assert.equal(await scep.enrollmentForCertificate(next.serialNumber.toLowerCase()), 'enr-inject');
  });

  it('refuses a wrong or missing challenge and a renewal signed by a stranger with FAILURE badRequest', async () => {
    for (const options of [{ challengePassword: 'not-a-challenge' }, {}]) {
      const { rep } = await pkiOperation('PKCSReq', options);
      assert.equal(rep.pkiStatus, 'FAILURE');
      assert.equal(rep.failInfo, 'badRequest');
    }
    const { rep } = await pkiOperation('RenewalReq', {});
    assert.equal(rep.pkiStatus, 'FAILURE');
  });

  it('answers a malformed message or unknown operation with 400, never 401 or 5xx', async () => {
    for (const req of [
      { method: 'POST' as const, url: '/scep?operation=PKIOperation', payload: Buffer.from('garbage') },
      { method: 'POST' as const, url: '/scep?operation=PKIOperation', payload: Buffer.from([0x30, 0x82, 0x01]) },
      { method: 'GET' as const, url: '/scep?operation=PKIOperation&message=AAAA' },
      { method: 'GET' as const, url: '/scep?operation=Nope' },
    ]) {
      const res = await app.inject({ ...req, headers: { 'content-type': 'application/x-pki-message' } });
      assert.equal(res.statusCode, 400, `${req.method} ${req.url}: ${res.body}`);
    }
  });

  describe('with scepclient', { skip: hasScepclient ? false : 'scepclient is not installed (apt-get install scep)' }, () => {
    async function scepclient(name: string, challengePassword: string) {
      const key = join(dir, `${name}.key`);
      const cert = join(dir, `${name}.pem`);
      try {
        await run('scepclient', ['-server-url', url, '-challenge', challengePassword, '-private-key', key, '-certificate', cert, '-cn', name, '-organization', 'Steward'], { timeout: 30_000 });
        return { ok: true, cert };
      } catch (err) {
        return { ok: false, cert, output: String((err as { stderr?: string }).stderr ?? err) };
      }
    }

    let spentChallenge = '';
    it('enrolls with a valid challenge; the certificate verifies against the CA', async () => {
      spentChallenge = await challenge('enr-client');
      const result = await scepclient('client-ok', spentChallenge);
      assert.ok(result.ok, result.output);
      const { stdout } = await run('openssl', ['verify', '-CAfile', join(dir, 'ca.pem'), result.cert]);
      assert.match(stdout, /: OK/);
      const issued = new X509Certificate(readFileSync(result.cert));
      assert.equal(await scep.enrollmentForCertificate(issued.serialNumber.toLowerCase()), 'enr-client');
    });

    it('is refused with a wrong challenge and with a spent one', async () => {
      for (const [name, secret] of [['client-wrong', 'wrong-challenge'], ['client-spent', spentChallenge]] as const) {
        const result = await scepclient(name, secret);
        assert.equal(result.ok, false);
        assert.equal(existsSync(result.cert), false);
        if (name === 'client-wrong') assert.match(result.output ?? '', /op=PKIOperation error=null/, 'refused with a CertRep FAILURE, not a 400');
      }
    });
  });
});
