// pkcsPKIEnvelope (RFC 8894 §3.3): a CMS EnvelopedData with RSA key transport (RFC 5652 §6.2.1).
// The recipient's private key stays with the caller: opening takes a function that unwraps the
// content-encryption key.
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  ContentInfo, EncryptedContent, EncryptedContentInfo, EnvelopedData, IssuerAndSerialNumber, KeyTransRecipientInfo,
  RecipientIdentifier, RecipientInfo, RecipientInfos, id_data, id_envelopedData,
} from '@peculiar/asn1-cms';
import { AlgorithmIdentifier, Certificate } from '@peculiar/asn1-x509';
import { constants, createCipheriv, createDecipheriv, publicEncrypt, randomBytes, X509Certificate } from 'node:crypto';
import { bytes, octetString, readOctetString, toArrayBuffer } from './der.js';
import { ScepProtocolError } from './errors.js';

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
/**
 * Content-encryption algorithms accepted: RFC 8894 §3.5.2 names AES (CBC) and, for old clients,
 * triple DES. Single DES is accepted too, only to decrypt, because micromdm's scepclient (Debian's
 * `scep` 2.1.0) sends DES-CBC whatever GetCACaps says; Node's OpenSSL 3 has no DES-CBC outside
 * the legacy provider, and DES-EDE3 with K1 = K2 = K3 is DES.
 */
const ciphers: Record<string, { name: string; keyLength: number }> = {
  '1.3.14.3.2.7': { name: 'des-cbc', keyLength: 8 },
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLength: 24 },
};
const AES_256_CBC = '2.16.840.1.101.3.4.1.42';

/**
 * Unwraps an RSA PKCS #1 v1.5 encrypted content-encryption key of `keyLength` octets. Must not
 * reveal whether the padding was valid (return some key of that length instead: implicit
 * rejection, RFC 8017 §7.2.2 note).
 */
export type KeyUnwrapper = (encryptedKey: Uint8Array, keyLength: number) => Uint8Array | Promise<Uint8Array>;

/** Decrypts a pkcsPKIEnvelope (ContentInfo of EnvelopedData, DER) addressed to one recipient. */
export async function openEnvelope(der: Uint8Array, unwrap: KeyUnwrapper): Promise<Uint8Array> {
  let enveloped: EnvelopedData;
  try {
    const info = AsnConvert.parse(der, ContentInfo);
    if (info.contentType !== id_envelopedData) throw new Error(`content type ${info.contentType} is not envelopedData`);
    enveloped = AsnConvert.parse(info.content, EnvelopedData);
  } catch (err) {
    throw new ScepProtocolError('malformed', `pkcsPKIEnvelope does not parse: ${(err as Error).message}`);
  }
  const recipient = enveloped.recipientInfos.find((r) => r.ktri !== undefined)?.ktri;
  if (!recipient) throw new ScepProtocolError('unsupported', 'pkcsPKIEnvelope has no key transport recipient');
  if (recipient.keyEncryptionAlgorithm.algorithm !== RSA_ENCRYPTION) {
    throw new ScepProtocolError('unsupported', `key encryption ${recipient.keyEncryptionAlgorithm.algorithm} is not supported (rsaEncryption only)`);
  }
  const eci = enveloped.encryptedContentInfo;
  const cipher = ciphers[eci.contentEncryptionAlgorithm.algorithm];
  if (!cipher) throw new ScepProtocolError('unsupported', `content encryption ${eci.contentEncryptionAlgorithm.algorithm} is not supported`);
  const params = eci.contentEncryptionAlgorithm.parameters;
  if (!params) throw new ScepProtocolError('malformed', 'content encryption has no IV');
  const iv = readOctetString(bytes(params));
  const encrypted = eci.encryptedContent?.value
    ? bytes(eci.encryptedContent.value.buffer)
    : Buffer.concat((eci.encryptedContent?.constructedValue ?? []).map((p) => bytes(p.buffer)));
  const key = await unwrap(bytes(recipient.encryptedKey.buffer), cipher.keyLength);
  try {
    const decipher = cipher.name === 'des-cbc'
      ? createDecipheriv('des-ede3-cbc', Buffer.concat([key, key, key]), iv)
      : createDecipheriv(cipher.name, key, iv);
    return new Uint8Array(Buffer.concat([decipher.update(encrypted), decipher.final()]));
  } catch {
    throw new ScepProtocolError('decrypt-failed', 'pkcsPKIEnvelope does not decrypt with the CA key');
  }
}

/** Encrypts `content` to the RSA key of `recipientCertificate` (DER) with AES-256-CBC. */
export function sealEnvelope(content: Uint8Array, recipientCertificate: Uint8Array): Uint8Array {
  const certificate = new X509Certificate(recipientCertificate);
  if (certificate.publicKey.asymmetricKeyType !== 'rsa') throw new ScepProtocolError('unsupported', 'the recipient certificate has no RSA key');
  const parsed = AsnConvert.parse(recipientCertificate, Certificate);
  const key = randomBytes(32);
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const encrypted = Buffer.concat([cipher.update(content), cipher.final()]);
  const encryptedKey = publicEncrypt({ key: certificate.publicKey, padding: constants.RSA_PKCS1_PADDING }, key);
  const enveloped = new EnvelopedData({
    version: 0,
    recipientInfos: new RecipientInfos([new RecipientInfo({ ktri: new KeyTransRecipientInfo({
      version: 0,
      rid: new RecipientIdentifier({ issuerAndSerialNumber: new IssuerAndSerialNumber({ issuer: parsed.tbsCertificate.issuer, serialNumber: parsed.tbsCertificate.serialNumber }) }),
      keyEncryptionAlgorithm: new AlgorithmIdentifier({ algorithm: RSA_ENCRYPTION, parameters: null }),
      encryptedKey: new OctetString(toArrayBuffer(encryptedKey)),
    }) })]),
    encryptedContentInfo: new EncryptedContentInfo({
      contentType: id_data,
      contentEncryptionAlgorithm: new AlgorithmIdentifier({ algorithm: AES_256_CBC, parameters: toArrayBuffer(octetString(iv)) }),
      encryptedContent: new EncryptedContent({ value: new OctetString(toArrayBuffer(encrypted)) }),
    }),
  });
  return bytes(AsnConvert.serialize(new ContentInfo({ contentType: id_envelopedData, content: AsnConvert.serialize(enveloped) })));
}
