import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createPrivateKey, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes, sign } from 'node:crypto';
import { createCertificateAuthority } from '../../pki/certificate-authority.js';
import { parseDistinguishedName } from '../../pki/distinguished-name.js';
import { unwrapRsaPkcs1 } from '../../pki/key-transport.js';
import { decodeCertificationRequest } from './csr.js';
import { openEnvelope, sealEnvelope } from './envelope.js';
import { ScepProtocolError } from './errors.js';
import { decodeCertificatesOnly, decodePkiMessage, encodeCertificatesOnly, encodePkiMessage } from './pki-message.js';
import { encodeCertificationRequest, encodeEnrollmentRequest } from './testing.js';

describe('SCEP codecs', async () => {
  // A self-signed "device" certificate and key, and a CA, each from Steward's own CA code.
  const device = await createCertificateAuthority();
  const deviceKey = createPrivateKey(device.privateKeyPem);
  const deviceCert = device.ca.caCertificateDer();
  const ca = await createCertificateAuthority();

  it('round-trips a PKCSReq: signature, attributes, envelope and CSR', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const csr = encodeCertificationRequest({ subject: parseDistinguishedName('CN=device-1, O=Steward'), publicKey, privateKey, challengePassword: 'abc123' });
    const request = await encodeEnrollmentRequest({ messageType: 'PKCSReq', csr, caCertificate: ca.ca.caCertificateDer(), signerCertificate: deviceCert, signerKey: deviceKey });
    const message = decodePkiMessage(request.der);
    assert.equal(message.messageType, 'PKCSReq');
    assert.equal(message.transactionId, request.transactionId);
    assert.deepEqual(message.senderNonce, new Uint8Array(request.senderNonce));
    assert.deepEqual(message.signerCertificate, deviceCert);
    const opened = await openEnvelope(message.content, (key, length) => ca.ca.unwrapContentKey(key, length));
    assert.deepEqual(opened, csr);
    const fields = decodeCertificationRequest(opened);
    assert.equal(fields.challengePassword, 'abc123');
    assert.deepEqual(fields.publicKey, new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })));
  });

  it('refuses a message whose content was changed after signing', async () => {
    const request = await encodeEnrollmentRequest({ messageType: 'PKCSReq', csr: new Uint8Array([1, 2, 3]), caCertificate: ca.ca.caCertificateDer(), signerCertificate: deviceCert, signerKey: deviceKey });
    const tampered = request.der.slice();
    tampered[tampered.length - 300] = (tampered[tampered.length - 300] ?? 0) ^ 0xff;
    assert.throws(() => decodePkiMessage(tampered), (err: unknown) => err instanceof ScepProtocolError);
    assert.throws(() => decodePkiMessage(new Uint8Array([0x30, 0x03, 1, 2, 3])), (err: unknown) => err instanceof ScepProtocolError && err.reason === 'malformed');
  });

  it('encodes a CertRep with status, failInfo and nonces, signed by the CA', async () => {
    const recipientNonce = new Uint8Array(randomBytes(16));
    const der = await encodePkiMessage(
      { messageType: 'CertRep', transactionId: 't-1', senderNonce: randomBytes(16), recipientNonce, pkiStatus: 'FAILURE', failInfo: 'badRequest', content: new Uint8Array() },
      { certificateDer: ca.ca.caCertificateDer(), sign: (a) => ca.ca.signCmsAttributes(a) },
    );
    const rep = decodePkiMessage(der);
    assert.equal(rep.messageType, 'CertRep');
    assert.equal(rep.pkiStatus, 'FAILURE');
    assert.equal(rep.failInfo, 'badRequest');
    assert.deepEqual(rep.recipientNonce, recipientNonce);
    assert.deepEqual(rep.signerCertificate, ca.ca.caCertificateDer());
  });

  it('seals a certificates-only SignedData to the requester and opens it with its key', async () => {
    const sealed = sealEnvelope(encodeCertificatesOnly([ca.ca.caCertificateDer()]), deviceCert);
    const opened = await openEnvelope(sealed, (key, length) => unwrapRsaPkcs1(deviceKey, key, length));
    assert.deepEqual(decodeCertificatesOnly(opened), [ca.ca.caCertificateDer()]);
  });

  it('unwraps PKCS #1 v1.5 keys and rejects bad padding implicitly', () => {
    const key = randomBytes(16);
    const wrapped = publicEncrypt({ key: deviceKey, padding: constants.RSA_PKCS1_PADDING }, key);
    assert.deepEqual(unwrapRsaPkcs1(deviceKey, wrapped, 16), new Uint8Array(key));
    // Wrong expected length and garbage both give a key of the right length, not an error.
    assert.equal(unwrapRsaPkcs1(deviceKey, wrapped, 32).length, 32);
    assert.notDeepEqual(unwrapRsaPkcs1(deviceKey, wrapped, 32).subarray(0, 16), new Uint8Array(key));
    const garbage = privateDecrypt({ key: deviceKey, padding: constants.RSA_NO_PADDING }, wrapped); // any 384 octets < n
    assert.equal(unwrapRsaPkcs1(deviceKey, sign('sha256', garbage, deviceKey), 16).length, 16);
  });

  it('refuses signing anything but a SET of attributes with the CA key', () => {
    assert.throws(() => ca.ca.signCmsAttributes(new Uint8Array([0x30, 0x00])), TypeError);
  });
});
