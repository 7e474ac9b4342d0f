// A personal enrollment issued to a signed-in user (what the company portal will offer): the same
// core hands out the profile, checks the user's license, and the device arrives as the user's.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../src/store/testing.js';
import { issueAppleProfile } from '../../src/core/enrollment/apple-profile.js';
import { signData } from '../../src/protocol/cms/signed-data.js';
import { SimulatedAppleDevice } from '../../sim/apple/device.js';
import { injectTransport, type Transport } from '../../sim/apple/transport.js';
import { StewardError } from '../../src/core/errors.js';
import { stewardSku } from '../../src/core/directory/licenses.js';
import { appleTestApp } from '../support/apple.js';
import { aUserBody, directoryClient } from '../support/directory.js';
import { bearer } from '../support/http.js';

describe('personal Apple enrollment for a signed-in user', () => {
  it('needs a licensed, enabled user, and the device shows up as theirs', async () => {
    const [dialect] = testDialects();
    const database = await dialect!.open();
    const t = await appleTestApp(database);
    try {
      const directory = directoryClient(t.app);
      const user = await directory.createUser(aUserBody());
      const ca = t.ca.ca;
      const deps = {
        ...t.core, pushTopic: async () => Promise.resolve(t.topic), baseUrl: 'https://mdm.example.test', organization: 'Contoso',
        signer: { caCertificateDer: () => ca.caCertificateDer(), signProfile: (c: Uint8Array) => signData(c, { certificateDer: ca.caCertificateDer(), sign: (a) => ca.signCmsAttributes(a) }) },
      };
      await assert.rejects(issueAppleProfile(deps, { kind: 'user', userId: user.id, platform: 'iOS' }),
        (err: unknown) => err instanceof StewardError && err.code === 'forbidden' && /license/.test(err.message));
      const assigned = await directory.send('POST', `/v1.0/users/${user.id}/assignLicense`, { addLicenses: [{ skuId: stewardSku.skuId, disabledPlans: [] }], removeLicenses: [] });
      assert.equal(assigned.statusCode, 200, assigned.body);
      const issued = await issueAppleProfile(deps, { kind: 'user', userId: user.id, platform: 'iOS' });

      // The device fetches the profile bytes from wherever the portal serves them.
      const inject = injectTransport(t.app);
      const transport: Transport = {
        request: (method, url, headers, body) => url === 'https://portal.example.test/profile'
          ? Promise.resolve({ status: 200, headers: { 'content-type': 'application/x-apple-aspen-config' }, body: issued.signed })
          : inject.request(method, url, headers, body),
      };
      const phone = new SimulatedAppleDevice({ kind: 'iPhone', transport, trust: t.ca.certificatePem });
      await phone.installEnrollmentProfile('https://portal.example.test/profile');
      const res = await t.app.inject({ url: `/v1.0/users/${user.id}/managedDevices`, headers: bearer('Microsoft.Intune_ManagedDevices_Read') });
      assert.equal(res.statusCode, 200, res.body);
      const [device] = res.json<{ value: Record<string, unknown>[] }>().value;
      assert.equal(device?.id, issued.enrollmentId);
      assert.equal(device?.managedDeviceOwnerType, 'personal');
      assert.equal(device?.userPrincipalName, user.userPrincipalName);
      assert.equal(device?.deviceEnrollmentType, 'userEnrollment');
    } finally {
      await t.app.close();
      await database.close();
    }
  });
});
