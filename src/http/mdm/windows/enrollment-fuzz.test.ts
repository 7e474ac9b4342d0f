// Hostile and broken bodies on the Windows enrollment endpoints: malformed SOAP, wrong
// namespaces, DTDs and entities (XXE, billion laughs), oversized bodies, and fast-check
// mutations of valid discovery, policy and enrollment messages. Every answer must be a SOAP fault
// or a success, never a 5xx, a 401 or Fastify's JSON error, and nothing may be stored.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { testDialects } from '../../../store/testing.js';
import type { Database } from '../../../store/database.js';
import { encodeCertificationRequest } from '../../../protocol/scep/testing.js';
import { decodeSoapFault } from '../../../protocol/windows/mde2.js';
import { PUBLIC_URL } from '../../../../test/support/http.js';
import { aWindowsEnrollmentLink, aWindowsUser, PASSWORD, windowsTestApp, type WindowsTestApp } from '../../../../test/support/windows.js';
import { simpleName } from '../../../../sim/apple/x509.js';
import { discoverRequest, getPoliciesRequest, newMessageId, requestSecurityToken } from '../../../../sim/windows/messages.js';

const BASE = PUBLIC_URL.href.replace(/\/$/, '');
const PATHS = ['/EnrollmentServer/Discovery.svc', '/EnrollmentServer/Token/Discovery.svc', '/EnrollmentServer/Policy.svc', '/EnrollmentServer/Enrollment.svc'] as const;

/** Snippets that stress an XML reader or a SOAP decoder when spliced into a valid message. */
const nasty = [
  '<', '>', '&', '&amp;', '&lt', '&#0;', '&#x110000;', ']]>', '<![CDATA[', '<!--', '-->', '"', "'", '\u0000', '\uFFFE', '\uD800',
  '<?xml version="1.0" encoding="UTF-16"?>', '<!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', '&xxe;',
  '<!ENTITY lol "lol">', 'xmlns:s="urn:not-soap"', 'xmlns=""', '<s:Body/>', '</s:Envelope>', '<a:Action>x</a:Action>',
  '<wsse:Security/>', 'Federated', 'OnPremise', 'Certificate', '<x>'.repeat(40), 'A'.repeat(300), ' ', '\n',
];

function mutations(valid: string): fc.Arbitrary<string> {
  const len = valid.length;
  return fc.array(fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(len), n: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(len), text: fc.oneof(fc.constantFrom(...nasty), fc.string({ maxLength: 12 })) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(len) }),
    fc.record({ kind: fc.constant('swap' as const), at: fc.nat(len), char: fc.constantFrom('<', '>', '/', '"', '=', ':', 'x', ' ') }),
  ), { minLength: 1, maxLength: 4 }).map((ops) => {
    let s = valid;
    for (const op of ops) {
      const at = Math.min(op.at, s.length);
      switch (op.kind) {
        case 'delete': s = s.slice(0, at) + s.slice(at + op.n); break;
        case 'insert': s = s.slice(0, at) + op.text + s.slice(at); break;
        case 'truncate': s = s.slice(0, at); break;
        case 'swap': s = s.slice(0, at) + op.char + s.slice(at + 1); break;
      }
    }
    return s;
  }).filter((s) => s !== valid);
}

async function rows(database: Database): Promise<{ enrollments: number; devices: number; tokens: number }> {
  const count = async (table: 'windows_enrollments' | 'managed_devices' | 'windows_sign_in_tokens') =>
    Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { enrollments: await count('windows_enrollments'), devices: await count('managed_devices'), tokens: await count('windows_sign_in_tokens') };
}

for (const dialect of testDialects()) {
  describe(`Windows enrollment endpoints under hostile input on ${dialect.name}`, () => {
    let database: Database;
    let t: WindowsTestApp;
    let upn: string;
    let linkToken: string;
    let csrBadSignature: Uint8Array;

    before(async () => {
      database = await dialect.open();
      t = await windowsTestApp(database);
      upn = (await aWindowsUser(t)).user.userPrincipalName;
      linkToken = (await aWindowsEnrollmentLink(t)).tokenValue;
      const k = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
      // Signed by another key: no mutation can turn it into a request Steward would certify.
      csrBadSignature = encodeCertificationRequest({ subject: simpleName([['CN', 'fuzz']]), publicKey: k.publicKey, privateKey: other.privateKey });
    });
    after(async () => {
      await t.app.close();
      await database.close();
    });

    /** Posts a body and checks the answer is a success or a well-formed SOAP fault, never a 5xx or a 401. */
    async function post(path: string, body: string | Buffer, contentType = 'application/soap+xml; charset=utf-8') {
      const res = await t.app.inject({ method: 'POST', url: path, headers: { 'content-type': contentType }, payload: body });
      assert.ok(res.statusCode < 500, `${path} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
      assert.notEqual(res.statusCode, 401);
      if (res.statusCode !== 200) {
        assert.match(String(res.headers['content-type']), /^application\/soap\+xml/);
        const fault = decodeSoapFault(res.body);
        assert.equal(fault.code, 's:Sender');
        assert.ok(fault.reason.length > 0);
      }
      return res;
    }

    it('answers malformed SOAP, wrong namespaces, DTDs and entities with a MessageFormat fault', async () => {
      const before = await rows(database);
      const valid = discoverRequest({ messageId: newMessageId(), to: `${BASE}/EnrollmentServer/Discovery.svc`, email: upn, osEdition: 48, requestVersion: '4.0', applicationVersion: '10.0.22631.1', authPolicies: ['OnPremise'] });
      const cases: [string, string | Buffer][] = [
        ['empty', ''],
        ['not XML', 'hello'],
        ['JSON', '{"EmailAddress":"a@b"}'],
        ['SOAP 1.1 envelope', valid.replace('http://www.w3.org/2003/05/soap-envelope', 'http://schemas.xmlsoap.org/soap/envelope/')],
        ['wrong body namespace', valid.replace('http://schemas.microsoft.com/windows/management/2012/01/enrollment/', 'urn:evil')],
        ['XXE', valid.replace('<?xml version="1.0"?>', '<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>').replace(upn, '&xxe;')],
        ['billion laughs', `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>&lol2;</s:Body></s:Envelope>`],
        ['undefined entity', valid.replace(upn, '&nbsp;')],
        ['UTF-16', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(valid, 'utf16le')])],
        ['deep nesting', valid.replace('<EmailAddress>', `${'<x>'.repeat(200)}<EmailAddress>`)],
      ];
      for (const path of PATHS) {
        for (const [name, body] of cases) {
          const res = await post(path, body);
          assert.equal(res.statusCode, 400, `${name} on ${path}: ${res.body.slice(0, 200)}`);
          const fault = decodeSoapFault(res.body);
          assert.ok(['s:MessageFormat', 'a:InvalidSecurity'].includes(fault.subcode ?? ''), `${name} on ${path}: ${fault.subcode}`);
          assert.doesNotMatch(res.body, /root:|\/bin\/bash/, 'no file contents, ever');
        }
      }
      assert.deepEqual(await rows(database), before);
    });

    it('refuses a body over the limit with a SOAP fault (413), whatever the content type', async () => {
      for (const path of PATHS) {
        const big = await post(path, Buffer.alloc(1024 * 1024 + 10, 0x20), 'application/soap+xml');
        assert.equal(big.statusCode, 413);
        assert.equal(decodeSoapFault(big.body).subcode, 's:MessageFormat');
        // Under Fastify's limit but over the XML reader's.
        const medium = await post(path, `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">${' '.repeat(300 * 1024)}</s:Envelope>`, 'text/plain');
        assert.equal(medium.statusCode, 413);
      }
    });

    it('never answers a mutated discovery or policy message with a 5xx', async () => {
      const discover = discoverRequest({ messageId: newMessageId(), to: `${BASE}/EnrollmentServer/Discovery.svc`, email: upn, osEdition: 48, requestVersion: '4.0', applicationVersion: '10.0.22631.1', authPolicies: ['OnPremise', 'Federated'] });
      await fc.assert(fc.asyncProperty(mutations(discover), fc.constantFrom(PATHS[0], PATHS[1]), async (body, path) => { await post(path, body); }), { numRuns: 150 });
      // A profile token (no lockout to trip), so mutations reach past the credential check.
      const policies = getPoliciesRequest({ messageId: newMessageId(), to: `${BASE}/EnrollmentServer/Policy.svc`, credential: { type: 'token', token: linkToken } });
      await fc.assert(fc.asyncProperty(mutations(policies), async (body) => { await post(PATHS[2], body); }), { numRuns: 150 });
    });

    it('never answers a mutated enrollment request with a 5xx, and never stores anything', async () => {
      const before = await rows(database);
      const rst = requestSecurityToken({
        messageId: newMessageId(), to: `${BASE}/EnrollmentServer/Enrollment.svc`, credential: { type: 'token', token: linkToken }, csr: csrBadSignature,
        context: [['DeviceID', 'FUZZ-PC'], ['EnrollmentType', 'Full'], ['DeviceName', 'FUZZ'], ['OSVersion', '10.0.22631.1'], ['OSEdition', '48']],
      });
      const unmutated = await post(PATHS[3], rst);
      assert.equal(decodeSoapFault(unmutated.body).subcode, 's:CertificateRequest', 'the baseline reaches the certificate request check');
      await fc.assert(fc.asyncProperty(mutations(rst), async (body) => {
        const res = await post(PATHS[3], body);
        assert.notEqual(res.statusCode, 200, 'no mutation makes a certifiable request');
      }), { numRuns: 200 });
      // And with a password credential: mutations of a UsernameToken request.
      const withPassword = requestSecurityToken({
        messageId: newMessageId(), to: `${BASE}/EnrollmentServer/Enrollment.svc`, credential: { type: 'password', username: upn, password: PASSWORD }, csr: csrBadSignature,
        context: [['DeviceID', 'FUZZ-PC-2'], ['EnrollmentType', 'Full']],
      });
      await fc.assert(fc.asyncProperty(mutations(withPassword), async (body) => {
        t.clock.advance(31 * 60_000); // never let the lockout decide the answer
        await post(PATHS[3], body);
      }), { numRuns: 60 });
      assert.deepEqual(await rows(database), before);
      const profile = await database.db.selectFrom('enrollment_profiles').select('usage_count').executeTakeFirstOrThrow();
      assert.equal(Number(profile.usage_count), 0, 'no refused request spent a use of the token');
    });

    it('answers arbitrary bytes on every endpoint with a fault', async () => {
      await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), fc.constantFrom(...PATHS), async (bytes, path) => {
        const res = await post(path, Buffer.from(bytes));
        assert.equal(res.statusCode, 400);
      }), { numRuns: 150 });
    });
  });
}
