import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AsnConvert } from '@peculiar/asn1-schema';
import type { Name } from '@peculiar/asn1-x509';
import { decodeName, parseDistinguishedName } from './distinguished-name.js';

/** [oid, string kind, value] per AVA, RDNs in encoded order. */
const flatten = (name: Name) => Array.from(name, (rdn) => Array.from(rdn, (ava) => {
  const kind = ava.value.utf8String !== undefined ? 'utf8' : ava.value.printableString !== undefined ? 'printable' : 'ia5';
  return [ava.type, kind, ava.value.toString()];
}));

describe('parseDistinguishedName', () => {
  it('reads RFC 4514 order: the first RDN in the string is the last one encoded', () => {
    assert.deepEqual(flatten(parseDistinguishedName('CN=Steward CA 1a2b3c4d, O=Steward')), [
      [['2.5.4.10', 'utf8', 'Steward']],
      [['2.5.4.3', 'utf8', 'Steward CA 1a2b3c4d']],
    ]);
  });

  it('uses PrintableString for C and serialNumber, IA5String for DC and E, UTF8String otherwise', () => {
    assert.deepEqual(flatten(parseDistinguishedName('E=a@example.com,serialNumber=C02X,DC=example,C=NZ,L=Zürich')), [
      [['2.5.4.7', 'utf8', 'Zürich']],
      [['2.5.4.6', 'printable', 'NZ']],
      [['0.9.2342.19200300.100.1.25', 'ia5', 'example']],
      [['2.5.4.5', 'printable', 'C02X']],
      [['1.2.840.113549.1.9.1', 'ia5', 'a@example.com']],
    ]);
  });

  it('handles escapes, hex pairs, multi-valued RDNs and dotted OIDs', () => {
    assert.deepEqual(flatten(parseDistinguishedName('CN=Doe\\, John+UID=jdoe,OU=R\\C3\\A9seau,1.2.3.4=x\\+y')), [
      [['1.2.3.4', 'utf8', 'x+y']],
      [['2.5.4.11', 'utf8', 'Réseau']],
      [['2.5.4.3', 'utf8', 'Doe, John'], ['0.9.2342.19200300.100.1.1', 'utf8', 'jdoe']],
    ]);
  });

  it('gives the empty Name for the empty string and round-trips DER', () => {
    assert.equal(parseDistinguishedName('').length, 0);
    const name = parseDistinguishedName('CN=device, O=Steward');
    const der = new Uint8Array(AsnConvert.serialize(name));
    assert.deepEqual(flatten(decodeName(der)), flatten(name));
  });

  it('rejects what it cannot encode faithfully', () => {
    for (const bad of ['CN', 'XX=1', 'CN=', 'C=New Zealand', 'CN=#0403', 'CN=a\\', `CN=${'x'.repeat(65)}`, 'E=ü@example.com', 'SERIALNUMBER=a_b']) {
      assert.throws(() => parseDistinguishedName(bad), { code: 'invalid-input', target: 'subject' }, bad);
    }
    assert.throws(() => decodeName(new Uint8Array([0x30, 0x05])), { code: 'invalid-input', target: 'subject' });
  });
});
