import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { ProtocolError, type ProtocolErrorCode } from './errors.js';
import { child, el, parseXml, renderXml, textOf } from './xml.js';
import { decodeSyncML } from './syncml.js';
import { decodeSoapEnvelope } from './mde2.js';

function rejects(input: string | Uint8Array, code: ProtocolErrorCode, limits = {}): void {
  assert.throws(() => parseXml(input, limits), (e: unknown) => e instanceof ProtocolError && e.code === code);
}

describe('parseXml', () => {
  it('resolves namespaces by URI whatever the prefix', () => {
    const a = parseXml('<s:E xmlns:s="urn:x"><s:B>1</s:B></s:E>');
    const b = parseXml('<soap:E xmlns:soap="urn:x"><B xmlns="urn:x">1</B></soap:E>');
    for (const r of [a, b]) {
      assert.equal(r.ns, 'urn:x');
      assert.equal(textOf(child(r, 'urn:x', 'B') ?? assert.fail('no B')), '1');
    }
  });
  it('decodes the predefined entities, character references and CDATA', () => {
    const r = parseXml('<a x="&quot;&#x41;&#66;">&lt;&amp;&gt;<![CDATA[<raw&>]]></a>');
    assert.equal(r.text, '<&><raw&>');
    assert.equal(r.attributes[0]?.value, '"AB');
  });
  it('refuses DOCTYPE, external entities and billion laughs', () => {
    rejects('<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>', 'xml-doctype-forbidden');
    const lol = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>';
    rejects(lol, 'xml-doctype-forbidden');
    rejects('<a>&lol;</a>', 'xml-entity-forbidden');
    rejects('<a><!ENTITY x "y"></a>', 'xml-doctype-forbidden');
  });
  it('enforces size, depth, element and attribute limits without recursion', () => {
    rejects('<a>' + 'x'.repeat(100) + '</a>', 'xml-too-large', { maxBytes: 50 });
    rejects(new TextEncoder().encode('<a>' + 'x'.repeat(100) + '</a>'), 'xml-too-large', { maxBytes: 50 });
    const deep = '<a>'.repeat(100_000) + '</a>'.repeat(100_000);
    rejects(deep, 'xml-too-deep', { maxBytes: 10_000_000 });
    rejects('<a>' + '<b/>'.repeat(50) + '</a>', 'xml-too-many-elements', { maxElements: 20 });
    rejects('<a ' + Array.from({ length: 40 }, (_, i) => `a${i}="1"`).join(' ') + '/>', 'xml-too-many-attributes');
  });
  it('refuses malformed documents with a position', () => {
    for (const bad of ['', '<a>', '<a></b>', '<a/><b/>', 'x<a/>', '<a x=1/>', '<a x="1" x="2"/>', '<p:a/>', '<a>&#0;</a>', '<a>\u0001</a>', '<1a/>', '<a>&amp</a>']) {
      assert.throws(() => parseXml(bad), (e: unknown) => e instanceof ProtocolError && e.code.startsWith('xml-'), bad);
    }
    rejects(new Uint8Array([0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e]), 'xml-encoding');
    rejects('<?xml version="1.0" encoding="UTF-16"?><a/>', 'xml-encoding');
  });
  it('writes escaped XML that reads back to the same values', () => {
    const nasty = `<&>"' ]]> \t\r\n😀`;
    const xml = renderXml(el('r', { v: nasty }, el('c', undefined, nasty)));
    const r = parseXml(xml);
    assert.equal(r.attributes[0]?.value, nasty);
    assert.equal(r.children[0]?.text, nasty);
    assert.throws(() => renderXml(el('r', undefined, '\u0000')), ProtocolError);
    assert.throws(() => renderXml(el('r', undefined, '\uD800')), ProtocolError);
  });
  it('property: strings round-trip through the writer and reader', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      // eslint-disable-next-line no-control-regex -- the characters XML 1.0 cannot carry
      const clean = s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
      const r = parseXml(renderXml(el('r', { a: clean }, clean)));
      assert.equal(r.text, clean);
      assert.equal(r.attributes[0]?.value, clean);
    }));
  });
});

// Random bytes and mutated Microsoft samples: every decoder either succeeds or throws ProtocolError.
describe('fuzz: only ProtocolError escapes', () => {
  const dir = new URL('./testdata/', import.meta.url);
  const samples = readdirSync(dir).filter((f) => f.endsWith('.xml')).map((f) => readFileSync(new URL(f, dir), 'utf8'));
  const decoders: ((b: string | Uint8Array) => unknown)[] = [(b) => parseXml(b), (b) => decodeSyncML(b), (b) => decodeSoapEnvelope(b)];
  const onlyProtocolErrors = (input: string | Uint8Array): void => {
    for (const d of decoders) {
      try { d(input); } catch (e) { if (!(e instanceof ProtocolError)) throw e; }
    }
  };
  it('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), onlyProtocolErrors), { numRuns: 500 });
  });
  it('mutated samples', () => {
    const tokens = ['<', '>', '/', '&', ';', '"', "'", '=', ':', 'xmlns', 'xmlns:s="urn:x"', '<!DOCTYPE a>', '&lol;', '&#0;', '<![CDATA[', ']]>', '<!--', '\u0000', '😀', '<a>', '</a>'];
    const mutation = fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 4 })));
    fc.assert(fc.property(fc.constantFrom(...samples), fc.array(mutation, { minLength: 1, maxLength: 6 }), (sample, muts) => {
      let s = sample;
      for (const [at, del, ins] of muts) {
        const i = at % (s.length + 1);
        s = s.slice(0, i) + ins + s.slice(i + del);
      }
      onlyProtocolErrors(s);
      onlyProtocolErrors(new TextEncoder().encode(s));
    }), { numRuns: 1000 });
  });
});
