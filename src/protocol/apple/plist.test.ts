import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { ProtocolError } from './errors.js';
import { encodePlist, parsePlist, parsePlistDict, type PlistValue } from './plist.js';

const sample = (name: string): Uint8Array => readFileSync(new URL(`./testdata/${name}`, import.meta.url));
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const wrap = (inner: string): Uint8Array => utf8(`<?xml version="1.0" encoding="UTF-8"?><plist version="1.0">${inner}</plist>`);

function refused(body: Uint8Array, code: string, match?: RegExp): void {
  assert.throws(() => parsePlist(body), (e: unknown) => {
    assert.ok(e instanceof ProtocolError, `not a ProtocolError: ${String(e)}`);
    assert.equal(e.code, code);
    if (match) assert.match(e.message, match);
    return true;
  });
}

/** Python's stdlib reads the bytes, and prints them back as JSON-ish for comparison. */
function pythonLoads(body: Uint8Array): unknown {
  const r = spawnSync('python3', ['-c', `
import plistlib, sys, json, base64, datetime
def conv(v):
    if isinstance(v, dict): return {k: conv(x) for k, x in v.items()}
    if isinstance(v, list): return [conv(x) for x in v]
    if isinstance(v, bytes): return {'data': base64.b64encode(v).decode()}
    if isinstance(v, datetime.datetime): return {'date': v.strftime('%Y-%m-%dT%H:%M:%SZ')}
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**53: return {'bigint': str(v)}
    return v
print(json.dumps(conv(plistlib.loads(sys.stdin.buffer.read()))))
`], { input: body });
  assert.equal(r.status, 0, r.stderr.toString());
  return JSON.parse(r.stdout.toString()) as unknown;
}

describe('parsePlist (XML)', () => {
  it('reads every scalar type, nested collections, entities and CDATA', () => {
    const v = parsePlist(wrap(`<dict>
      <key>s</key><string>a &amp; b &lt;c&gt; &#x263A; &#65;<![CDATA[<raw>&]]></string>
      <key>i</key><integer>-42</integer><key>big</key><integer>18446744073709551615</integer>
      <key>r</key><real>0.5</real><key>t</key><true/><key>f</key><false/>
      <key>d</key><date>2024-10-28T12:00:00Z</date><key>b</key><data>AAEC
      /w==</data>
      <key>a</key><array><string/><dict/><array/></array><key>e</key><string></string>
    </dict>`));
    assert.deepEqual(v, {
      s: 'a & b <c> ☺ A<raw>&', i: -42, big: 18446744073709551615n, r: 0.5, t: true, f: false,
      d: new Date('2024-10-28T12:00:00Z'), b: new Uint8Array([0, 1, 2, 255]), a: ['', {}, []], e: '',
    });
  });

  it('keeps __proto__ as an ordinary key', () => {
    const d = parsePlistDict(wrap('<dict><key>__proto__</key><dict><key>x</key><true/></dict></dict>'));
    assert.equal(Object.getPrototypeOf(d), Object.prototype);
    assert.deepEqual(Object.keys(d), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });

  it('refuses XXE and billion-laughs documents without expanding anything', () => {
    refused(sample('xxe.plist'), 'malformed-plist', /DOCTYPE with an internal subset refused/);
    refused(sample('billion-laughs.plist'), 'malformed-plist', /internal subset/);
    refused(wrap('<string>&xxe;</string>'), 'malformed-plist', /entity &xxe; refused/);
  });

  it('reports the line and column of an error', () => {
    assert.throws(() => parsePlist(utf8('<plist>\n<dict>\n  <key>a</key>\n  <bogus/>\n</dict></plist>')), (e: unknown) =>
      e instanceof ProtocolError && e.code === 'malformed-plist' && e.target === '4:3' && /line 4, column 3/.test(e.message));
  });

  it('refuses malformed documents', () => {
    for (const bad of ['', '<plist>', '<plist><dict><key>a</key></dict></plist>', '<plist><integer>1x</integer></plist>',
      '<plist><date>yesterday</date></plist>', '<plist><data>!!</data></plist>', '<plist><string>a</plist>',
      '<plist><dict><key>a</key><true/><key>a</key><true/></dict></plist>', '<plist><true/></plist>junk',
      '<plist><string>&#0;</string></plist>', '<plist><dict><string>k</string><true/></dict></plist>']) {
      refused(utf8(bad), 'malformed-plist');
    }
    refused(new Uint8Array([0x3c, 0xff, 0xfe]), 'malformed-plist', /UTF-8/);
  });

  it('enforces size, depth and value-count limits', () => {
    refused(utf8(`<plist>${'<array>'.repeat(100)}${'</array>'.repeat(100)}</plist>`), 'too-large', /deeper than 64/);
    assert.throws(() => parsePlist(wrap('<string>xx</string>'), { maxBytes: 10 }), (e: unknown) => e instanceof ProtocolError && e.code === 'too-large');
    assert.throws(() => parsePlist(wrap(`<array>${'<true/>'.repeat(20)}</array>`), { maxValues: 10 }), (e: unknown) => e instanceof ProtocolError && e.code === 'too-large');
  });
});

describe('parsePlist (binary)', () => {
  it('reads what Python writes as FMT_BINARY', () => {
    const r = spawnSync('python3', ['-c', `
import plistlib, sys, datetime
sys.stdout.buffer.write(plistlib.dumps({'s': 'héllo ☺', 'a': 'ascii', 'i': 7, 'n': -1, 'big': 2**63, 'r': 1.5, 't': True,
  'd': datetime.datetime(2024, 10, 28, 12, 0, 0), 'b': b'\\x00\\x01', 'l': [1, [2, {}]], 'e': {}}, fmt=plistlib.FMT_BINARY))
`]);
    assert.equal(r.status, 0, r.stderr.toString());
    assert.deepEqual(parsePlist(r.stdout), {
      s: 'héllo ☺', a: 'ascii', i: 7, n: -1, big: 9223372036854775808n, r: 1.5, t: true,
      d: new Date('2024-10-28T12:00:00Z'), b: new Uint8Array([0, 1]), l: [1, [2, {}]], e: {},
    });
  });

  it('refuses truncated and self-referencing documents', () => {
    refused(utf8('bplist00'), 'malformed-plist');
    // One array (object 0) whose only element is itself.
    const body = new Uint8Array([...utf8('bplist00'), 0xa1, 0x00, 8, ...new Array<number>(6).fill(0), 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10]);
    refused(body, 'malformed-plist', /contains itself/);
  });

  it('stops a "billion laughs" of shared references at the value limit', () => {
    // Objects 0..9 are arrays of ten references to the next one; object 10 is true: 10^10 values.
    const objects = [...Array.from({ length: 10 }, (_, i) => [0xaa, ...new Array<number>(10).fill(i + 1)]), [0x09]];
    const offsets: number[] = [];
    const bytes = [...utf8('bplist00')];
    for (const o of objects) { offsets.push(bytes.length); bytes.push(...o); }
    const tableAt = bytes.length;
    bytes.push(...offsets);
    bytes.push(0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, objects.length, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, tableAt);
    refused(new Uint8Array(bytes), 'too-large', /more than 1000000 values/);
  });
});

describe('encodePlist', () => {
  it('writes XML that Python plistlib reads back identically', () => {
    const value: PlistValue = {
      s: 'a & b <c> "q" \'a\' ☺ \r\n\t', i: 42, neg: -7, big: 18446744073709551615n, r: 2.25, t: true, f: false,
      d: new Date('2024-10-28T12:00:00Z'), b: new Uint8Array([0, 1, 2, 255]), a: [[], {}, ''], '__proto__': 'x',
    };
    const bytes = encodePlist(value);
    assert.deepEqual(pythonLoads(bytes), {
      s: 'a & b <c> "q" \'a\' ☺ \r\n\t', i: 42, neg: -7, big: { bigint: '18446744073709551615' }, r: 2.25, t: true, f: false,
      d: { date: '2024-10-28T12:00:00Z' }, b: { data: 'AAEC/w==' }, a: [[], {}, ''], '__proto__': 'x',
    });
    assert.deepEqual(parsePlist(bytes), value);
  });

  it('refuses strings XML cannot carry', () => {
    assert.throws(() => encodePlist('\u0001'), ProtocolError);
    assert.throws(() => encodePlist('\uD800'), ProtocolError);
  });
});
