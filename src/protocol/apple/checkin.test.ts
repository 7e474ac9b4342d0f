import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ProtocolError } from './errors.js';
import { checkinEnrollment, decodeCheckin, type CheckinMessage } from './checkin.js';
import { CHECKIN_MESSAGE_TYPES } from './generated/checkin.generated.js';
import { encodePlist, parsePlistDict } from './plist.js';

const sample = (name: string): Uint8Array => readFileSync(new URL(`./testdata/${name}`, import.meta.url));

/** What a consumer does: an exhaustive switch over the union (lint fails on a missing case). */
function summary(m: CheckinMessage): string {
  switch (m.MessageType) {
    case 'Authenticate': return `auth ${m.Topic} ${m.SerialNumber ?? ''}`;
    case 'TokenUpdate': return `token ${m.Token.length} ${m.PushMagic} unlock=${m.UnlockToken?.length ?? 0}`;
    case 'CheckOut': return 'checkout';
    case 'UserAuthenticate': return `userauth ${m.UserID} digest=${m.DigestResponse === '' ? 'empty' : 'set'}`;
    case 'SetBootstrapToken': return `set ${m.BootstrapToken?.length ?? 0}`;
    case 'GetBootstrapToken': return `get ${String(m.AwaitingConfiguration)}`;
    case 'GetToken': return `gettoken ${m.TokenServiceType}`;
    case 'DeclarativeManagement': return `ddm ${m.Endpoint}`;
  }
}

describe('decodeCheckin', () => {
  it('decodes every check-in sample in testdata', () => {
    const cases: [string, string][] = [
      ['authenticate.plist', 'auth com.apple.mgmt.External.1f4a7c2e-58d1-4d0b-9c3e-2a7b5e8f9d10 C02XK0ABCDEF'],
      ['authenticate-macos.plist', 'auth com.apple.mgmt.External.1f4a7c2e-58d1-4d0b-9c3e-2a7b5e8f9d10 FVFXK0ABCDEF'],
      ['tokenupdate.plist', 'token 32 2E3C1B9A-7F4D-4C2B-8A6E-5D9F0B1C2A3E unlock=16'],
      ['tokenupdate-user-enrollment.plist', 'token 32 7A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9 unlock=0'],
      ['checkout.plist', 'checkout'],
      ['userauthenticate.plist', 'userauth A1B2C3D4-E5F6-4789-9ABC-DEF012345678 digest=empty'],
      ['setbootstraptoken.plist', 'set 23'],
      ['getbootstraptoken.plist', 'get false'],
      ['declarativemanagement.plist', 'ddm tokens'],
    ];
    for (const [file, expected] of cases) assert.equal(summary(decodeCheckin(sample(file))), expected, file);
  });

  it('names the enrollment by UDID, or EnrollmentID for user enrollments, and the user channel', () => {
    assert.deepEqual(checkinEnrollment(decodeCheckin(sample('tokenupdate.plist'))), { device: '00008120-001A2B3C4D5E6F70' });
    assert.deepEqual(checkinEnrollment(decodeCheckin(sample('tokenupdate-user-enrollment.plist'))), { device: '8B1E8B0C-3F5A-4C8B-A2D1-6E7F8091A2B3' });
    assert.deepEqual(checkinEnrollment(decodeCheckin(sample('userauthenticate.plist'))),
      { device: '6D6C0C3A-5C4E-5E8B-9C7A-1B2C3D4E5F60', user: 'A1B2C3D4-E5F6-4789-9ABC-DEF012345678' });
  });

  it('covers every MessageType of the schema', () => {
    assert.deepEqual([...CHECKIN_MESSAGE_TYPES].sort(), ['Authenticate', 'CheckOut', 'DeclarativeManagement', 'GetBootstrapToken', 'GetToken', 'SetBootstrapToken', 'TokenUpdate', 'UserAuthenticate']);
  });

  const without = (file: string, key: string): Uint8Array => {
    const d = parsePlistDict(sample(file));
    delete d[key];
    return encodePlist(d);
  };
  const fails = (body: Uint8Array, code: string, target: string): void => {
    assert.throws(() => decodeCheckin(body), (e: unknown) => e instanceof ProtocolError && e.code === code && e.target === target && e.message.includes(target.split('.').pop() ?? ''));
  };

  it('refuses a missing required key, naming it', () => {
    fails(without('authenticate.plist', 'Topic'), 'missing-key', 'Authenticate.Topic');
    fails(without('tokenupdate.plist', 'PushMagic'), 'missing-key', 'TokenUpdate.PushMagic');
    fails(without('tokenupdate.plist', 'UDID'), 'missing-key', 'TokenUpdate.UDID');
    fails(without('checkout.plist', 'MessageType'), 'missing-key', 'MessageType');
  });

  it('refuses unknown message types and wrongly typed values', () => {
    fails(encodePlist({ MessageType: 'Hello', UDID: 'x' }), 'unknown-message-type', 'MessageType');
    fails(encodePlist({ MessageType: 7, UDID: 'x' }), 'unknown-message-type', 'MessageType');
    const d = parsePlistDict(sample('tokenupdate.plist'));
    d.Token = 'not data';
    fails(encodePlist(d), 'invalid-value', 'TokenUpdate.Token');
  });

  it('keeps keys a newer OS adds', () => {
    const d = parsePlistDict(sample('checkout.plist'));
    d.SomeFutureKey = true;
    assert.equal((decodeCheckin(encodePlist(d)) as unknown as Record<string, unknown>).SomeFutureKey, true);
  });
});
