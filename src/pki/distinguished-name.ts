// RFC 4514 distinguished-name strings to X.501 Names, the subset Steward needs: the common
// attribute names, dotted OIDs, backslash escapes and multi-valued RDNs ('+').
import { AsnConvert } from '@peculiar/asn1-schema';
import { AttributeTypeAndValue, AttributeValue, Name, RelativeDistinguishedName } from '@peculiar/asn1-x509';
import { StewardError } from '../core/errors.js';

type StringKind = 'utf8' | 'printable' | 'ia5';

// RFC 4514 §3 names plus the usual extras. RFC 5280 4.1.2.4 asks for UTF8String for
// DirectoryString values; countryName and serialNumber are PrintableString and
// domainComponent and emailAddress IA5String by their own definitions (RFC 5280 Appendix A).
const attributes: Record<string, { oid: string; kind: StringKind }> = {
  CN: { oid: '2.5.4.3', kind: 'utf8' },
  SN: { oid: '2.5.4.4', kind: 'utf8' },
  SERIALNUMBER: { oid: '2.5.4.5', kind: 'printable' },
  C: { oid: '2.5.4.6', kind: 'printable' },
  L: { oid: '2.5.4.7', kind: 'utf8' },
  ST: { oid: '2.5.4.8', kind: 'utf8' },
  STREET: { oid: '2.5.4.9', kind: 'utf8' },
  O: { oid: '2.5.4.10', kind: 'utf8' },
  OU: { oid: '2.5.4.11', kind: 'utf8' },
  TITLE: { oid: '2.5.4.12', kind: 'utf8' },
  GN: { oid: '2.5.4.42', kind: 'utf8' },
  UID: { oid: '0.9.2342.19200300.100.1.1', kind: 'utf8' },
  DC: { oid: '0.9.2342.19200300.100.1.25', kind: 'ia5' },
  E: { oid: '1.2.840.113549.1.9.1', kind: 'ia5' },
  EMAILADDRESS: { oid: '1.2.840.113549.1.9.1', kind: 'ia5' },
};

const printable = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
const oidPattern = /^[0-2](\.(0|[1-9][0-9]*))+$/;

const bad = (dn: string, why: string) => new StewardError('invalid-input', `subject "${dn}": ${why}`, 'subject');

/** Splits on unescaped `sep`, leaving escapes in place for unescape(). */
function splitUnescaped(text: string, seps: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + (text[i + 1] as string);
      i++;
    } else if (seps.includes(ch)) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/** RFC 4514 §3: `\` before a special character, or `\XX` for one octet of UTF-8. */
function unescape(dn: string, raw: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const pair = raw.slice(i + 1, i + 3);
    if (/^[0-9A-Fa-f]{2}$/.test(pair)) {
      bytes.push(parseInt(pair, 16));
      i += 2;
    } else if (i + 1 < raw.length) {
      bytes.push(...Buffer.from(raw[i + 1] as string, 'utf8'));
      i += 1;
    } else {
      throw bad(dn, 'ends with a lone backslash');
    }
  }
  const text = Buffer.from(bytes).toString('utf8');
  if (text.includes('\uFFFD') && !raw.includes('\uFFFD')) throw bad(dn, 'an escaped value is not valid UTF-8');
  return text;
}

function attributeValue(dn: string, kind: StringKind, value: string): AttributeValue {
  switch (kind) {
    case 'printable':
      if (!printable.test(value)) throw bad(dn, `"${value}" needs characters a PrintableString cannot hold`);
      return new AttributeValue({ printableString: value });
    case 'ia5':
      if (!/^\p{ASCII}*$/u.test(value)) throw bad(dn, `"${value}" must be ASCII`);
      return new AttributeValue({ ia5String: value });
    case 'utf8':
      return new AttributeValue({ utf8String: value });
  }
}

/**
 * Parses an RFC 4514 string into a Name. The string lists the most specific RDN first, so the
 * encoded sequence is its reverse (RFC 4514 §2.1): `CN=x, O=y` encodes as O=y then CN=x.
 * The empty string is the empty Name.
 */
export function parseDistinguishedName(dn: string): Name {
  if (dn.trim() === '') return new Name([]);
  const rdns = splitUnescaped(dn, ',;').map((rdnText) => {
    const avas = splitUnescaped(rdnText, '+').map((avaText) => {
      const eq = avaText.indexOf('=');
      if (eq < 0) throw bad(dn, `"${avaText.trim()}" is not TYPE=value`);
      const type = avaText.slice(0, eq).trim();
      const rawValue = avaText.slice(eq + 1).trimStart().replace(/(?<!\\)\s+$/, '');
      if (rawValue.startsWith('#')) throw bad(dn, 'hex-encoded (#) values are not supported');
      const known = attributes[type.toUpperCase()];
      const oid = known?.oid ?? (oidPattern.test(type) ? type : undefined);
      if (oid === undefined) throw bad(dn, `unknown attribute type "${type}"`);
      const value = unescape(dn, rawValue);
      if (value === '') throw bad(dn, `${type} is empty`);
      if (type.toUpperCase() === 'C' && !/^[A-Z]{2}$/.test(value)) throw bad(dn, 'C must be a two-letter country code');
      if (value.length > 64 && (type.toUpperCase() === 'CN' || type.toUpperCase() === 'O' || type.toUpperCase() === 'OU')) {
        throw bad(dn, `${type} is longer than the 64 characters RFC 5280 Appendix A allows`);
      }
      return new AttributeTypeAndValue({ type: oid, value: attributeValue(dn, known?.kind ?? 'utf8', value) });
    });
    return new RelativeDistinguishedName(avas);
  });
  return new Name(rdns.reverse());
}

/** Parses a DER-encoded Name, as found in a PKCS#10 request. */
export function decodeName(der: Uint8Array): Name {
  try {
    return AsnConvert.parse(der, Name);
  } catch {
    throw new StewardError('invalid-input', 'subject: not a DER-encoded X.501 Name', 'subject');
  }
}
