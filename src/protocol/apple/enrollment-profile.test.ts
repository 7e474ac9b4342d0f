// The enrollment profile's keys, checked against Apple's own schema (the profile YAML files of
// Apple's device-management repository) when it is present beside the repository.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { APPLE_PROFILES_DIR, profileKeys, unknownKeys } from '../../../test/support/apple-schema.js';
import { enrollmentProfile, encodeEnrollmentProfile, type EnrollmentProfileInput } from './enrollment-profile.js';
import { parsePlistDict, type PlistDict } from './plist.js';
import { plistFromJson, plistToJson } from './plist-json.js';


const input: EnrollmentProfileInput = {
  identifier: 'com.steward.mdm.enrollment',
  uuids: { profile: 'A', root: 'B', scep: 'C', mdm: 'D' },
  displayName: 'Example device management',
  organization: 'Example',
  description: 'Lets Example manage this device.',
  caCertificateDer: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]),
  scep: { url: 'https://mdm.example.test/scep', challenge: 'c0ffee', subject: [[['O', 'Example']], [['CN', 'Steward device 1']]], keySize: 2048 },
  mdm: { serverUrl: 'https://mdm.example.test/mdm/apple/connect', checkInUrl: 'https://mdm.example.test/mdm/apple/checkin', topic: 'com.apple.mgmt.External.x', accessRights: 8191, serverCapabilities: ['com.apple.mdm.per-user-connections'] },
};

describe('the MDM enrollment profile', () => {
  it('round-trips through the plist encoder with the payloads in order', () => {
    const decoded = parsePlistDict(encodeEnrollmentProfile(input));
    const content = decoded.PayloadContent as PlistDict[];
    assert.deepEqual(content.map((p) => p.PayloadType), ['com.apple.security.root', 'com.apple.security.scep', 'com.apple.mdm']);
    assert.equal(content[2]!.IdentityCertificateUUID, content[1]!.PayloadUUID);
    assert.deepEqual((content[1]!.PayloadContent as PlistDict).Subject, input.scep.subject);
  });

  it('uses only keys Apple\'s schema defines', { skip: existsSync(APPLE_PROFILES_DIR) ? false : 'Apple schema not present beside the repository' }, () => {
    const load = profileKeys;
    const common = load('CommonPayloadKeys.yaml');
    const profile = enrollmentProfile(input);
    const { PayloadContent, ...top } = profile;
    assert.deepEqual(unknownKeys(top, load('TopLevel.yaml'), 'TopLevel'), []);
    for (const payload of PayloadContent as PlistDict[]) {
      const type = payload.PayloadType as string;
      assert.deepEqual(unknownKeys(payload, [...common, ...load(`${type}.yaml`)], type), [], type);
    }
  });

  it('stores plist values as JSON and back without loss', () => {
    const value: PlistDict = { s: 'x', n: 3, r: 1.5, b: false, d: new Date('2026-01-02T03:04:05.000Z'), data: new Uint8Array([1, 2, 255]), big: 2n ** 60n, a: [{ nested: new Uint8Array([7]) }] };
    const json = JSON.parse(JSON.stringify(plistToJson(value))) as Parameters<typeof plistFromJson>[0];
    assert.deepEqual(plistFromJson(json), value);
    assert.throws(() => plistFromJson({ bad: null }), /value.bad: a plist has no null/);
    assert.throws(() => plistFromJson({ $date: 'never' }), /not a date/);
  });
});
