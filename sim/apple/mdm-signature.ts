// The Mdm-Signature header (com.apple.mdm SignMessage): a detached CMS SignedData over the exact
// HTTP body, signed with the device identity and carrying its certificate, base64 in the header.
// Apple's "Mdm-Signature" is what lets a server behind a TLS-terminating proxy authenticate the
// device without the client certificate.
import { keySigner, signData, type CmsSigner } from '../../src/protocol/cms/signed-data.js';
import type { KeyedCertificate } from './x509.js';

/** keySigner checks that the key fits the certificate: once per identity, not per message. */
const signers = new WeakMap<KeyedCertificate, CmsSigner>();

export async function mdmSignature(body: Uint8Array, identity: KeyedCertificate, signingTime = new Date()): Promise<string> {
  let signer = signers.get(identity);
  if (signer === undefined) {
    signer = keySigner(identity.certificateDer, identity.privateKey);
    signers.set(identity, signer);
  }
  const der = await signData(body, signer, { detached: true, signingTime });
  return Buffer.from(der).toString('base64');
}

/** The same signature with one bit of the RSA signature value flipped (it ends the DER). */
export function tamper(signatureBase64: string): string {
  const der = Buffer.from(signatureBase64, 'base64');
  der[der.length - 1] = (der[der.length - 1] ?? 0) ^ 0x01;
  return der.toString('base64');
}
