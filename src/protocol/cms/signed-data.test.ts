// CMS SignedData against OpenSSL as the third-party judge: what signData makes, `openssl cms -verify`
// accepts; what `openssl cms -sign` makes, verifySignedData accepts; and hostile input only ever
// ends in CmsError.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { children, concat, readTlv, tlv } from './der.js';
import { CmsError, cmsOid, keySigner, MAX_CERTIFICATES, signData, verifySignedData } from './signed-data.js';

interface Party { certFile: string; keyFile: string; cert: Uint8Array; key: KeyObject }

const outcome = (verify: () => unknown): string => {
  try {
    verify();
    return 'accepted';
  } catch (err) {
    if (err instanceof CmsError) return `${err.reason}: ${err.message}`;
    throw err;
  }
};
const flip = (der: Uint8Array, at: number) => {
  const out = der.slice();
  out[at] = (out[at] ?? 0) ^ 0x01;
  return out;
};
/** The position of `needle` in `haystack` (-1 when absent). */
const indexOf = (haystack: Uint8Array, needle: Uint8Array) => Buffer.from(haystack).indexOf(Buffer.from(needle));

/** The other ECDSA signature of the same value, (r, n − s), DER (X9.62 ECDSA-Sig-Value). */
function negateS(signature: Uint8Array, order: bigint): Uint8Array {
  const [r, s] = children(readTlv(signature).value);
  assert.ok(r && s);
  let hex = (order - BigInt(`0x${Buffer.from(s.value).toString('hex')}`)).toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  if (Number.parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
  return tlv(0x30, concat([r.raw, tlv(0x02, Buffer.from(hex, 'hex'))]));
}

/** The first signer's signed attributes as encoded, walking ContentInfo → SignedData → SignerInfo. */
function signedAttributesOf(der: Uint8Array): Uint8Array[] {
  const explicit = children(readTlv(der).value)[1];
  const signedData = explicit && children(explicit.value)[0];
  const signerInfos = signedData && children(signedData.value).at(-1);
  const signerInfo = signerInfos && children(signerInfos.value)[0];
  const attributes = signerInfo && children(signerInfo.value).find((c) => c.tag === 0xa0);
  assert.ok(attributes, 'the SignerInfo has signed attributes');
  return children(attributes.value).map((c) => c.raw);
}

describe('CMS SignedData', () => {
  const dir = mkdtempSync(join(tmpdir(), 'steward-cms-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  /** Runs openssl expecting it may fail: its exit status and stderr. */
  const opensslStatus = (...args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    return { status: r.status, stderr: r.stderr };
  };
  let ca: Party;
  let rsa: Party;
  let p256: Party;
  let p384: Party;
  let other: Party;
  const content = new Uint8Array([...new TextEncoder().encode('<?xml version="1.0"?>\r\n<plist>'), 0x00, 0xff, 0x0d, 0x0a, ...randomBytes(64)]);

  after(() => rmSync(dir, { recursive: true, force: true }));

  before(() => {
    const load = (name: string): Party => ({
      certFile: file(`${name}.pem`),
      keyFile: file(`${name}.key`),
      cert: new Uint8Array(new X509Certificate(readFileSync(file(`${name}.pem`))).raw),
      key: createPrivateKey(readFileSync(file(`${name}.key`))),
    });
    const keyArgs: Record<string, string[]> = {
      rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
      p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
      p384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
    };
    openssl('genpkey', ...(keyArgs.p256 ?? []), '-out', 'ca.key');
    openssl('req', '-x509', '-new', '-key', 'ca.key', '-subj', '/O=Steward Test/CN=CMS Test CA', '-days', '2', '-out', 'ca.pem');
    // Leaves as a device identity looks: an end-entity certificate with a subjectKeyIdentifier.
    writeFileSync(file('leaf.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\n');
    let serial = 100;
    for (const [name, kind] of [['rsa', 'rsa'], ['p256', 'p256'], ['p384', 'p384'], ['other', 'rsa']] as const) {
      openssl('genpkey', ...(keyArgs[kind] ?? []), '-out', `${name}.key`);
      openssl('req', '-new', '-key', `${name}.key`, '-subj', `/O=Steward Test/CN=device ${name}`, '-out', `${name}.csr`);
      openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', String(serial++), '-days', '2', '-extfile', 'leaf.ext', '-out', `${name}.pem`);
    }
    ca = load('ca');
    rsa = load('rsa');
    p256 = load('p256');
    p384 = load('p384');
    other = load('other');
    writeFileSync(file('content.bin'), content);
  });

  /** `openssl cms -sign` over content.bin, DER, SHA-256 unless told. */
  const opensslSign = (party: Party, ...extra: string[]) => {
    openssl('cms', '-sign', '-binary', '-outform', 'DER', '-md', 'sha256', '-signer', party.certFile, '-inkey', party.keyFile, '-in', 'content.bin', '-out', 'signed.der', ...extra);
    return new Uint8Array(readFileSync(file('signed.der')));
  };

  it('makes attached SignedData that openssl verifies and opens, for RSA and EC signers', async () => {
    for (const party of [rsa, p256, p384]) {
      const der = await signData(content, keySigner(party.cert, party.key), { signingTime: new Date(), certificates: [ca.cert] });
      writeFileSync(file('attached.der'), der);
      const printed = openssl('cms', '-verify', '-binary', '-CAfile', 'ca.pem', '-inform', 'DER', '-in', 'attached.der');
      assert.deepEqual(new Uint8Array(printed), content);
      const verified = verifySignedData(der);
      assert.deepEqual(verified.content, content);
      assert.deepEqual(verified.signerCertificate, party.cert);
      assert.deepEqual(verified.certificates, [party.cert, ca.cert]);
      assert.equal(verified.contentType, cmsOid.data);
    }
  });

  it('makes detached SignedData that openssl verifies against the content, and refuses against other content', async () => {
    for (const party of [rsa, p256]) {
      const der = await signData(content, keySigner(party.cert, party.key), { detached: true, signingTime: new Date() });
      writeFileSync(file('detached.der'), der);
      const ok = opensslStatus('cms', '-verify', '-binary', '-CAfile', 'ca.pem', '-inform', 'DER', '-in', 'detached.der', '-content', 'content.bin', '-out', 'out.bin');
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stderr, /Verification successful/);
      assert.equal(indexOf(der, content), -1, 'the content is left out');
      writeFileSync(file('other.bin'), new TextEncoder().encode('something else'));
      const bad = opensslStatus('cms', '-verify', '-binary', '-CAfile', 'ca.pem', '-inform', 'DER', '-in', 'detached.der', '-content', 'other.bin', '-out', 'out.bin');
      assert.notEqual(bad.status, 0);
      assert.deepEqual(verifySignedData(der, { detachedContent: content }).content, content);
    }
  });

  it('verifies detached signatures openssl makes, with and without signed attributes, RSA and EC', () => {
    const cases = [
      { party: rsa, args: [] }, { party: rsa, args: ['-noattr'] }, { party: rsa, args: ['-md', 'sha512'] },
      { party: p256, args: [] }, { party: p256, args: ['-noattr'] }, { party: p384, args: ['-md', 'sha384'] },
      { party: p384, args: ['-noattr', '-md', 'sha384'] },
      // Signer named by subjectKeyIdentifier rather than issuerAndSerialNumber.
      { party: p256, args: ['-keyid'] }, { party: rsa, args: ['-keyid', '-noattr'] },
    ];
    for (const { party, args } of cases) {
      const before = Date.now();
      const der = opensslSign(party, ...args);
      const verified = verifySignedData(der, { detachedContent: content });
      const what = `${new X509Certificate(party.cert).subject} ${args.join(' ')}`;
      assert.deepEqual(verified.signerCertificate, party.cert, what);
      assert.deepEqual(verified.certificates, [party.cert], what);
      assert.deepEqual(verified.content, content, what);
      assert.match(verified.signatureId, /^[0-9a-f]{64}$/);
      if (args.includes('-noattr')) {
        assert.equal(verified.signingTime, undefined, what);
        assert.equal(verified.signedAttributes.size, 0, what);
      } else {
        // openssl signs contentType, signingTime, messageDigest and smimeCapabilities.
        assert.ok(verified.signingTime, what);
        assert.ok(Math.abs(verified.signingTime.getTime() - before) < 60_000, what);
        assert.deepEqual(verified.signedAttributes.get(cmsOid.contentType), new Uint8Array([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01]));
        assert.ok(verified.signedAttributes.has(cmsOid.messageDigest), what);
        assert.ok(verified.signedAttributes.has('1.2.840.113549.1.9.15'), what);
      }
      assert.match(outcome(() => verifySignedData(der, { detachedContent: flip(content, 5) })), /^bad-signature: /, what);
    }
  });

  it('reads BER: an indefinite-length SignedData with a constructed OCTET STRING, as openssl -stream writes', () => {
    const big = new Uint8Array(randomBytes(20_000));
    writeFileSync(file('big.bin'), big);
    openssl('cms', '-sign', '-binary', '-stream', '-nodetach', '-outform', 'DER', '-md', 'sha256', '-signer', rsa.certFile, '-inkey', rsa.keyFile, '-in', 'big.bin', '-out', 'stream.der');
    const der = new Uint8Array(readFileSync(file('stream.der')));
    assert.equal(der[1], 0x80, 'openssl wrote an indefinite length');
    const verified = verifySignedData(der);
    assert.deepEqual(verified.content, big);
    assert.match(outcome(() => verifySignedData(flip(der, indexOf(der, big.subarray(0, 64)) + 10))), /^bad-signature: messageDigest/);
  });

  it('leaves the caller\'s bytes untouched, so the same Buffer verifies twice', async () => {
    const der = Buffer.from(await signData(new Uint8Array([1, 2, 3]), keySigner(p256.cert, p256.key), { signingTime: new Date() }));
    const copy = Buffer.from(der);
    verifySignedData(der);
    assert.deepEqual(der, copy);
    assert.doesNotThrow(() => verifySignedData(der));
  });

  it('refuses changed content, a substituted certificate and a changed signature', async () => {
    const attached = await signData(content, keySigner(rsa.cert, rsa.key));
    assert.equal(outcome(() => verifySignedData(attached)), 'accepted');
    assert.match(outcome(() => verifySignedData(flip(attached, indexOf(attached, content) + 3))), /^bad-signature: messageDigest/);
    assert.match(outcome(() => verifySignedData(attached, { detachedContent: content })), /^malformed: the SignedData carries its own content/);

    // Signed with another key, naming (and carrying) the first certificate.
    const forged = await signData(content, { certificateDer: rsa.cert, sign: (attributes) => new Uint8Array(sign('sha256', attributes, other.key)) });
    assert.match(outcome(() => verifySignedData(forged)), /^bad-signature: the signature does not verify/);
    // An ECDSA signature by another key, claimed for an EC certificate of the same curve…
    const forgedEc = await signData(content, { certificateDer: p256.cert, sign: (attributes) => new Uint8Array(sign('sha256', attributes, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)) });
    assert.match(outcome(() => verifySignedData(forgedEc)), /^bad-signature: /);
    // …and an RSA signature over the right attributes, claimed for an EC certificate.
    const mixed = await signData(content, { certificateDer: p256.cert, sign: (attributes) => new Uint8Array(sign('sha256', attributes, rsa.key)) });
    assert.match(outcome(() => verifySignedData(mixed)), /^bad-signature: /);

    // The signature is the last field of these messages: flip its last byte, for each key type and with no attributes.
    for (const der of [attached, await signData(content, keySigner(p256.cert, p256.key)), opensslSign(rsa, '-noattr', '-nodetach')]) {
      assert.equal(outcome(() => verifySignedData(der)), 'accepted');
      assert.match(outcome(() => verifySignedData(flip(der, der.length - 1))), /^bad-signature: /);
    }
  });

  it('refuses truncated, trailing, garbage and deeply nested input as malformed', async () => {
    const der = await signData(content, keySigner(p256.cert, p256.key), { signingTime: new Date() });
    for (let length = 0; length < der.length; length++) {
      assert.match(outcome(() => verifySignedData(der.subarray(0, length))), /^malformed: /, `cut at ${length}`);
    }
    assert.match(outcome(() => verifySignedData(new Uint8Array([...der, 0]))), /^malformed: ContentInfo: 1 trailing bytes/);
    assert.match(outcome(() => verifySignedData(new TextEncoder().encode('MIAGCSqGSIb3DQEHAqCAMIACAQEx'))), /^malformed: /);
    assert.match(outcome(() => verifySignedData(new Uint8Array(randomBytes(300)))), /^malformed: /);
    const nested = new Uint8Array(100_000).map((_, i) => (i % 2 === 0 ? 0x30 : 0x80));
    assert.match(outcome(() => verifySignedData(nested)), /^malformed: indefinite lengths nested too deeply/);
    // A well-formed ContentInfo of another type.
    const data = new Uint8Array([0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01, 0xa0, 0x00]);
    assert.match(outcome(() => verifySignedData(data)), /^malformed: ContentInfo content type 1\.2\.840\.113549\.1\.7\.1 is not signedData/);
    // Detached, with no content given.
    assert.match(outcome(() => verifySignedData(opensslSign(rsa))), /^malformed: the SignedData has no content/);
  });

  it('refuses two signers, an unknown digest, a missing signer certificate and more than the bound of certificates', async () => {
    const two = opensslSign(rsa, '-signer', p256.certFile, '-inkey', p256.keyFile);
    assert.match(outcome(() => verifySignedData(two, { detachedContent: content })), /^unsupported: the SignedData has 2 signers/);
    // SHA-224 (2.16.840.1.101.3.4.2.4) in place of SHA-256: well-formed, not supported.
    const sha256 = new Uint8Array([0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01]);
    const signed = opensslSign(rsa);
    const swapped = Buffer.from(signed);
    for (let at = swapped.indexOf(sha256); at >= 0; at = swapped.indexOf(sha256, at + 1)) swapped[at + sha256.length - 1] = 0x04;
    assert.match(outcome(() => verifySignedData(new Uint8Array(swapped), { detachedContent: content })), /^unsupported: digest algorithm 2\.16\.840\.1\.101\.3\.4\.2\.4/);
    assert.match(outcome(() => verifySignedData(opensslSign(rsa, '-nocerts'), { detachedContent: content })), /^malformed: the signer certificate is not in the SignedData/);
    // Distinct certificate encodings (the CA's with a changed signature): the bound is on what is carried.
    const extra = Array.from({ length: MAX_CERTIFICATES }, (_, i) => flip(ca.cert, ca.cert.length - 1 - i));
    const atBound = await signData(content, keySigner(rsa.cert, rsa.key), { certificates: extra.slice(1) });
    assert.equal(verifySignedData(atBound).certificates.length, MAX_CERTIFICATES);
    const overBound = await signData(content, keySigner(rsa.cert, rsa.key), { certificates: extra });
    assert.match(outcome(() => verifySignedData(overBound)), /^unsupported: the SignedData carries 17 certificates/);
  });

  it('encodes signingTime as UTCTime to 2049 and GeneralizedTime from 2050, and reads both back', async () => {
    const cases = [
      { time: new Date('2030-06-15T12:34:56.789Z'), tag: 0x17, openssl: 'UTCTIME:Jun 15 12:34:56 2030 GMT' },
      { time: new Date('1950-01-01T00:00:00Z'), tag: 0x17, openssl: 'UTCTIME:Jan  1 00:00:00 1950 GMT' },
      { time: new Date('2051-02-03T04:05:06Z'), tag: 0x18, openssl: 'GENERALIZEDTIME:Feb  3 04:05:06 2051 GMT' },
      { time: new Date('1949-12-31T23:59:59Z'), tag: 0x18, openssl: 'GENERALIZEDTIME:Dec 31 23:59:59 1949 GMT' },
    ];
    for (const { time, tag, openssl: printed } of cases) {
      const der = await signData(content, keySigner(p256.cert, p256.key), { detached: true, signingTime: time });
      const verified = verifySignedData(der, { detachedContent: content });
      assert.equal(verified.signingTime?.toISOString(), new Date(Math.floor(time.getTime() / 1000) * 1000).toISOString());
      assert.equal(verified.signedAttributes.get(cmsOid.signingTime)?.[0], tag);
      writeFileSync(file('time.der'), der);
      assert.ok(openssl('cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'time.der').toString().includes(printed), printed);
    }
  });

  it('gives a replayed message one signatureId even with its ECDSA signature altered, and other messages others', async () => {
    const p256Order = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
    const signingTime = new Date();
    const options = { detached: true, signingTime };
    const original = await signData(content, keySigner(p256.cert, p256.key), options);
    const altered = await signData(content, { certificateDer: p256.cert, sign: (attributes) => negateS(sign('sha256', attributes, p256.key), p256Order) }, options);
    const a = verifySignedData(original, { detachedContent: content });
    const b = verifySignedData(altered, { detachedContent: content });
    assert.notDeepEqual(original.subarray(-40), altered.subarray(-40), 'the signature values differ');
    assert.equal(a.signatureId, b.signatureId);
    const later = await signData(content, keySigner(p256.cert, p256.key), { detached: true, signingTime: new Date(signingTime.getTime() + 1000) });
    assert.notEqual(verifySignedData(later, { detachedContent: content }).signatureId, a.signatureId);
    const otherBody = await signData(flip(content, 0), keySigner(p256.cert, p256.key), options);
    assert.notEqual(verifySignedData(otherBody, { detachedContent: flip(content, 0) }).signatureId, a.signatureId);
  });

  it('carries extra signed attributes, and keySigner refuses a key that is not the certificate\'s', async () => {
    const nonce = new Uint8Array([0x04, 0x03, 1, 2, 3]);
    const der = await signData(content, keySigner(rsa.cert, rsa.key), { attributes: new Map([['2.16.840.1.113733.1.9.5', nonce]]) });
    assert.deepEqual(verifySignedData(der).signedAttributes.get('2.16.840.1.113733.1.9.5'), nonce);
    // The signed attributes are a DER SET OF: sorted by encoding (X.690 §11.6).
    const encoded = signedAttributesOf(der).map((a) => Buffer.from(a));
    assert.equal(encoded.length, 3);
    assert.deepEqual(encoded, [...encoded].sort((a, b) => Buffer.compare(a, b)));
    assert.throws(() => keySigner(rsa.cert, other.key), TypeError);
    await assert.rejects(signData(content, keySigner(rsa.cert, rsa.key), { attributes: new Map([[cmsOid.messageDigest, nonce]]) }), TypeError);
  });

  it('only ever throws CmsError on mutated and random input, and never accepts changed content', async () => {
    const attached = await signData(content, keySigner(rsa.cert, rsa.key), { signingTime: new Date(), certificates: [ca.cert] });
    const samples: { der: Uint8Array; detached: boolean }[] = [
      { der: attached, detached: false },
      { der: opensslSign(p256), detached: true },
      { der: opensslSign(rsa, '-noattr', '-keyid'), detached: true },
      { der: new Uint8Array(openssl('cms', '-sign', '-binary', '-stream', '-nodetach', '-outform', 'DER', '-signer', rsa.certFile, '-inkey', rsa.keyFile, '-in', 'content.bin')), detached: false },
    ];
    const check = (der: Uint8Array, detached: boolean) => {
      try {
        const verified = verifySignedData(der, detached ? { detachedContent: content } : {});
        assert.deepEqual(verified.content, content);
      } catch (err) {
        if (!(err instanceof CmsError)) throw err;
      }
    };
    const edits = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'delete', 'insert')), { minLength: 1, maxLength: 6 });
    fc.assert(fc.property(fc.nat({ max: samples.length - 1 }), edits, (n, list) => {
      const sample = samples[n];
      assert.ok(sample);
      const b = [...sample.der];
      for (const [i, v, op] of list) {
        const at = i % (b.length + 1);
        if (op === 'set' && at < b.length) b[at] = v;
        else if (op === 'delete') b.splice(at, 1);
        else b.splice(at, 0, v);
      }
      check(new Uint8Array(b), sample.detached);
    }), { numRuns: 1500 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), fc.boolean(), (b, detached) => check(b, detached)), { numRuns: 500 });
  });
});

