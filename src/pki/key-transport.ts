// RSA PKCS #1 v1.5 key transport for CMS (RFC 8017 §7.2.2), decrypted with the CA key for SCEP.
// Node 20 refuses RSA_PKCS1_PADDING in privateDecrypt (CVE-2023-46809, the Marvin attack) because
// its OpenSSL lacks implicit rejection, so the padding is removed here, and a bad padding yields a
// key derived from the ciphertext and a per-process secret instead of an error: the content then
// fails to decrypt exactly as with a wrong key, and no padding oracle is exposed.
import { constants, createHmac, privateDecrypt, randomBytes, type KeyObject } from 'node:crypto';

const rejectionSecret = randomBytes(32);

export function unwrapRsaPkcs1(privateKey: KeyObject, encryptedKey: Uint8Array, keyLength: number): Uint8Array {
  const fallback = createHmac('sha256', rejectionSecret).update(encryptedKey).digest();
  const substitute = Buffer.concat([fallback, createHmac('sha256', rejectionSecret).update(fallback).digest()]).subarray(0, keyLength);
  let em: Buffer;
  try {
    em = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, encryptedKey);
  } catch {
    return new Uint8Array(substitute);
  }
  // EM = 0x00 || 0x02 || PS (≥ 8 non-zero octets) || 0x00 || M. Scan every octet regardless.
  let good = (em[0] === 0 ? 1 : 0) & (em[1] === 2 ? 1 : 0);
  let separator = 0;
  for (let i = 2; i < em.length; i++) {
    const isZero = em[i] === 0 ? 1 : 0;
    const first = isZero & (separator === 0 ? 1 : 0);
    separator = first ? i : separator;
  }
  good &= separator >= 10 ? 1 : 0;
  good &= em.length - separator - 1 === keyLength ? 1 : 0;
  return new Uint8Array(good ? em.subarray(em.length - keyLength) : substitute);
}
