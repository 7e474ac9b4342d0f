// Property-based checks: whatever bytes arrive, the Apple decoders either succeed or throw
// ProtocolError (never a TypeError, RangeError or stack overflow), and encode → parse is identity.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { ProtocolError } from './errors.js';
import { encodePlist, parsePlist, type PlistValue } from './plist.js';
import { decodeCheckin } from './checkin.js';
import { decodeCommandReport } from './connect.js';

const dir = new URL('./testdata/', import.meta.url);
const samples = readdirSync(dir).filter((f) => f.endsWith('.plist')).map((f) => new Uint8Array(readFileSync(new URL(f, dir))));

function onlyProtocolErrors(body: Uint8Array): void {
  for (const decode of [parsePlist, decodeCheckin, decodeCommandReport]) {
    try {
      decode(body);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
    }
  }
}

const mutated = fc.tuple(fc.constantFrom(...samples), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'delete', 'insert')), { minLength: 1, maxLength: 8 }))
  .map(([s, edits]) => {
    const b = [...s];
    for (const [i, v, op] of edits) {
      const at = i % (b.length + 1);
      if (op === 'set' && at < b.length) b[at] = v;
      else if (op === 'delete') b.splice(at, 1);
      else b.splice(at, 0, v);
    }
    return new Uint8Array(b);
  });

// Characters XML 1.0 cannot carry; encodePlist refuses them (tested in plist.test.ts).
// eslint-disable-next-line no-control-regex
const XML_UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

const plistValue: fc.Arbitrary<PlistValue> = fc.letrec<{ v: PlistValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'grapheme' }).filter((s) => !XML_UNSAFE.test(s)),
    fc.integer(), fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
    fc.boolean(), fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000)),
    fc.uint8Array({ maxLength: 32 }),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie('v'), { maxKeys: 4, noNullPrototype: true }).filter((d) => Object.keys(d).every((k) => !XML_UNSAFE.test(k))),
  ),
})).v;

describe('Apple decoders on hostile input', () => {
  it('random bytes only ever throw ProtocolError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (b) => onlyProtocolErrors(b)), { numRuns: 500 });
  });
  it('random bytes behind a bplist00 header only ever throw ProtocolError', () => {
    const head = new TextEncoder().encode('bplist00');
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 256 }), (b) => onlyProtocolErrors(new Uint8Array([...head, ...b]))), { numRuns: 500 });
  });
  it('mutated samples only ever throw ProtocolError', () => {
    fc.assert(fc.property(mutated, (b) => onlyProtocolErrors(b)), { numRuns: 1000 });
  });
  it('random plist-shaped text only ever throws ProtocolError', () => {
    const tokens = fc.constantFrom('<plist>', '</plist>', '<dict>', '</dict>', '<key>', '</key>', '<array>', '</array>', '<string>', '</string>',
      '<integer>', '</integer>', '<true/>', '<data>', '</data>', '&amp;', '&#x;', '&lol;', '<!--', '-->', '<![CDATA[', ']]>', '<!DOCTYPE plist [', ']>', 'x', '1', ' ');
    fc.assert(fc.property(fc.array(tokens, { maxLength: 40 }), (t) => onlyProtocolErrors(new TextEncoder().encode(t.join('')))), { numRuns: 1000 });
  });
  it('encode then parse gives the value back', () => {
    fc.assert(fc.property(plistValue, (v) => { assert.deepEqual(parsePlist(encodePlist(v)), v); }), { numRuns: 300 });
  });
});
