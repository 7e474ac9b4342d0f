import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hash } from '@node-rs/argon2';
import { checkPasswordPolicy, hashPassword, needsRehash, verifyPassword } from './password.js';

describe('password hashing', () => {
  it('hashes with argon2id m=19456 t=2 p=1 and a fresh salt each time', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    assert.match(a, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.notEqual(a, b);
    assert.equal(needsRehash(a), false);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const h = await hashPassword('correct horse battery staple');
    assert.equal(await verifyPassword(h, 'correct horse battery staple'), true);
    assert.equal(await verifyPassword(h, 'correct horse battery stapl'), false);
    assert.equal(await verifyPassword(h, ''), false);
  });

  it('matches a password typed in another Unicode normalization form (NFKC)', async () => {
    const h = await hashPassword('caf\u00e9 au lait, s\u2019il vous pla\u00eet');
    assert.equal(await verifyPassword(h, 'cafe\u0301 au lait, s\u2019il vous pla\u00eet'), true);
  });

  it('returns false, never throws, for a malformed hash or an absurdly long password', async () => {
    for (const bad of ['', 'not a hash', '$argon2id$v=19$m=19456,t=2,p=1$', '$2b$10$abcdefghijklmnopqrstuv', '$argon2id$v=19$m=x']) {
      assert.equal(await verifyPassword(bad, 'whatever password'), false, bad);
    }
    const h = await hashPassword('correct horse battery staple');
    assert.equal(await verifyPassword(h, 'x'.repeat(1_000_000)), false);
  });

  it('asks for a rehash when the parameters are not today\'s, or the hash is unreadable', async () => {
    const weak = await hash('correct horse battery staple', { memoryCost: 4096, timeCost: 1, parallelism: 1 });
    assert.equal(needsRehash(weak), true);
    assert.equal(await verifyPassword(weak, 'correct horse battery staple'), true);
    assert.equal(needsRehash('garbage'), true);
  });
});

describe('password policy', () => {
  const ok = (pw: string, upn?: string) => assert.equal(checkPasswordPolicy(pw, { userPrincipalName: upn }), undefined, pw);
  const refused = (pw: string, pattern: RegExp, upn?: string) => {
    const reason = checkPasswordPolicy(pw, { userPrincipalName: upn });
    assert.ok(reason, `${pw} should be refused`);
    assert.match(reason, pattern);
    assert.ok(!reason.includes(pw), 'the reason must not repeat the password');
  };

  it('accepts reasonable passwords', () => {
    ok('correct horse battery staple');
    ok('Tr0ub4dor&3xyz');
    ok('j8#Lq2!vZp0w', 'adele.vance@contoso.com');
    ok('\u00e7a va tr\u00e8s bien merci');
    ok('a'.repeat(100) + 'bcd');
  });

  it('refuses a password shorter than 12 characters, counting code points', () => {
    refused('Abc!2345678', /at least 12/);
    refused('\u{1F600}'.repeat(6) + 'abcde', /at least 12/); // 11 code points, 17 UTF-16 units
    ok('\u{1F600}\u{1F601}\u{1F602}' + 'abcdefghiz');
  });

  it('refuses a password longer than 256 characters', () => {
    refused('Ab1!'.repeat(65), /at most 256/);
    ok('Ab1!'.repeat(64));
  });

  it('refuses one character repeated, too few distinct characters and simple sequences', () => {
    refused('aaaaaaaaaaaa', /one character repeated/);
    refused('abababababab', /4 different/);
    refused('123456789012', /sequence/);
    refused('abcdefghijklm', /sequence/);
    refused('987654321098', /sequence/);
  });

  it('refuses a password containing the user name (the UPN\'s local part), case-insensitively', () => {
    refused('AdeleV-2024-summer!', /user name/, 'adelev@contoso.com');
    refused('xx-adelev@contoso.com', /user name/, 'adelev@contoso.com');
    // A one- or two-letter local part is too short to be a meaningful match.
    ok('horse battery staple', 'al@contoso.com');
  });

  it('refuses a common word decorated with digits and symbols, including the service name', () => {
    refused('Password2024!', /common word/);
    refused('Steward123456', /common word/);
    refused('QWERTYuiop!!12', /common word/);
  });

  it('refuses control characters', () => {
    refused('correct horse\u0000battery', /control characters/);
  });
});
