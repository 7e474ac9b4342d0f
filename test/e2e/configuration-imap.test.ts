// Steward's IMAP/POP e-mail profile (stewardIosImapEmailConfiguration, a Steward extension: Graph
// has no IMAP type) end to end on a simulated iPhone: created and assigned through Graph like any
// deviceConfiguration, refused in words when wrong, delivered by reconcile as a signed profile with
// a com.apple.mail.managed payload carrying the device user's own address and user name, reported
// back, re-delivered on an edit and removed on unassignment. Its Windows sibling
// (stewardWindows10ImapEmailConfiguration) reaches a simulated PC's EMAIL2 CSP the same way.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../src/store/testing.js';
import { allScope } from '../../src/core/rbac/scope.js';
import { appleTestAppFor, enrolledDevice } from '../support/apple.js';
import { bearer } from '../support/http.js';
import { directoryClient } from '../support/directory.js';
import { anEnrolledPC, managementTestApp } from '../support/windows-management.js';

const admin = bearer(
  'Microsoft.Intune_ManagedDevices_Read', 'Microsoft.Intune_DeviceConfigurations_Read', 'Microsoft.Intune_DeviceConfigurations_Create',
  'Microsoft.Intune_DeviceConfigurations_Update', 'Microsoft.Intune_DeviceConfigurations_Delete', 'Microsoft.Intune_DeviceConfigurations_Assign',
);
const SET = '/v1.0/deviceManagement/deviceConfigurations';
const TYPE = '#microsoft.graph.stewardIosImapEmailConfiguration';

for (const dialect of testDialects()) {
  describe(`an IMAP e-mail profile on a simulated iPhone on ${dialect.name}`, () => {
    const app = appleTestAppFor(dialect);
    const send = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => app.t.app.inject({ method, url, headers: admin, ...(payload ? { payload } : {}) });

    it('is refused when wrong, then delivered with the user\'s own values, edited and removed', async () => {
      const directory = directoryClient(app.t.app);
      const user = await directory.createUser({ mail: 'grace.hopper@contoso.example' });
      const { device, id } = await enrolledDevice(app.t, 'iPhone');
      const record = await app.t.core.devices.get(id, allScope);
      assert.ok(record);
      const { roleScopeTagIds: _tags, ...rest } = record;
      await app.t.core.devices.put({ ...rest, userId: user.id, userPrincipalName: String(user.userPrincipalName), userDisplayName: String(user.displayName), emailAddress: 'grace.hopper@contoso.example' });
      await device.connect();
      const phones = await directory.createGroup();
      assert.equal((await directory.addMember(phones.id, id)).statusCode, 204);

      const body = {
        '@odata.type': TYPE, displayName: 'Work mail (IMAP)', accountName: 'Mail of {{displayName}}', accountType: 'imap',
        emailAddress: '{{mail}}', incomingServerHostName: 'imap.contoso.example', incomingServerPort: 993, incomingServerUsername: '{{userPrincipalName}}',
        outgoingServerHostName: 'smtp.contoso.example', outgoingServerPort: 587, outgoingPasswordSameAsIncomingPassword: true,
        blockMovingMessagesToOtherEmailAccounts: true,
      };
      // Refused with the property named; nothing stored.
      for (const [bad, target] of [
        [{ incomingServerPort: 100000 }, 'incomingServerPort'],
        [{ outgoingServerHostName: null }, 'outgoingServerHostName'],
        [{ outgoingServerAuthenticationMethod: 'oauth' }, 'outgoingServerAuthenticationMethod'],
        [{ incomingPassword: 'hunter2' }, 'incomingPassword'],
      ] as const) {
        const res = await send('POST', SET, { ...body, ...bad });
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.json<{ error: { target?: string } }>().error.target, target);
        assert.equal(res.body.includes('hunter2'), false);
      }
      assert.equal((await send('GET', SET)).json<{ value: unknown[] }>().value.length, 0);

      const created = await send('POST', SET, body);
      assert.equal(created.statusCode, 201, created.body);
      const profile = created.json<Record<string, unknown> & { id: string }>();
      assert.deepEqual([profile['@odata.type'], profile.incomingServerHostName, profile.emailAddress], [TYPE, 'imap.contoso.example', '{{mail}}']);
      const read = await send('GET', `${SET}/${profile.id}`);
      assert.equal(read.json<Record<string, unknown>>()['@odata.type'], TYPE);

      const assigned = await send('POST', `${SET}/${profile.id}/assign`, { assignments: [{ target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: phones.id } }] });
      assert.equal(assigned.statusCode, 200, assigned.body);
      await device.connect();
      const installed = () => device.state.profiles.find((p) => p.source === 'mdm' && p.profile.PayloadIdentifier === `com.steward.configuration.${profile.id}`)?.profile;
      assert.equal(installed()?.verified, true);
      const mail = () => installed()?.payloads.find((p) => p.PayloadType === 'com.apple.mail.managed')?.dict;
      assert.deepEqual(
        [mail()?.EmailAccountType, mail()?.EmailAddress, mail()?.IncomingMailServerUsername, mail()?.OutgoingMailServerUsername, mail()?.EmailAccountDescription, mail()?.IncomingMailServerPortNumber, mail()?.PreventMove],
        ['EmailTypeIMAP', 'grace.hopper@contoso.example', user.userPrincipalName, user.userPrincipalName, `Mail of ${String(user.displayName)}`, 993, true],
      );
      const states = async () => (await send('GET', `/v1.0/deviceManagement/managedDevices/${id}/deviceConfigurationStates`)).json<{ value: { id: string; state: string; version: number }[] }>().value;
      assert.deepEqual((await states()).map((s) => [s.id, s.state]), [[profile.id, 'compliant']]);
      const overview = (await send('GET', `${SET}/${profile.id}/deviceStatusOverview`)).json<Record<string, unknown>>();
      assert.deepEqual([overview.successCount, overview.errorCount], [1, 0]);

      // An edit reaches the device as version 2; a bad edit is refused with the property named.
      const badPatch = await send('PATCH', `${SET}/${profile.id}`, { '@odata.type': TYPE, incomingServerPort: -1 });
      assert.equal(badPatch.statusCode, 400, badPatch.body);
      assert.equal(badPatch.json<{ error: { target?: string } }>().error.target, 'incomingServerPort');
      assert.equal((await send('PATCH', `${SET}/${profile.id}`, { '@odata.type': TYPE, incomingServerHostName: 'mail.contoso.example', accountType: 'pop' })).statusCode, 204);
      await device.connect();
      assert.deepEqual([mail()?.IncomingMailServerHostName, mail()?.EmailAccountType], ['mail.contoso.example', 'EmailTypePOP']);
      assert.equal((await states())[0]?.version, 2);

      // Unassigned: RemoveProfile reaches the device.
      assert.equal((await send('POST', `${SET}/${profile.id}/assign`, { assignments: [] })).statusCode, 200);
      await device.connect();
      assert.equal(installed(), undefined);
      assert.deepEqual(await states(), []);
    });
  });
}

const EMAIL2 = './User/Vendor/MSFT/EMAIL2';

for (const dialect of testDialects()) {
  describe(`an IMAP e-mail profile on a simulated Windows PC on ${dialect.name}`, () => {
    it('writes the account to EMAIL2 with the user\'s values, replaces it on a new type and deletes it when unassigned', async () => {
      const database = await dialect.open();
      const t = await managementTestApp(database);
      try {
        const send = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => t.app.inject({ method, url, headers: admin, ...(payload ? { payload } : {}) });
        const { pc, enrollmentId: id } = await anEnrolledPC(t);
        await pc.sync();
        const upn = (await t.core.devices.get(id, allScope))?.userPrincipalName;
        assert.ok(upn);
        const type = '#microsoft.graph.stewardWindows10ImapEmailConfiguration';
        const created = await send('POST', SET, {
          '@odata.type': type, displayName: 'Work mail', accountName: 'Contoso mail', accountType: 'imap', emailAddress: '{{userPrincipalName}}',
          incomingServerHostName: 'imap.contoso.example', incomingServerPort: 993, outgoingServerHostName: 'smtp.contoso.example', outgoingServerPort: 587,
        });
        assert.equal(created.statusCode, 201, created.body);
        const profileId = created.json<{ id: string }>().id;
        const tooLong = await send('POST', SET, { '@odata.type': type, displayName: 'x', accountType: 'imap', accountName: 'x'.repeat(33), incomingServerHostName: 'a.example', outgoingServerHostName: 'b.example' });
        assert.equal(tooLong.json<{ error: { target?: string } }>().error.target, 'accountName');
        assert.equal((await send('POST', `${SET}/${profileId}/assign`, { assignments: [{ target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' } }] })).statusCode, 200);

        await pc.sync();
        const accounts = () => {
          const byAccount = new Map<string, Record<string, string>>();
          for (const [k, v] of pc.tree.under(EMAIL2)) {
            const [account, ...node] = k.slice(EMAIL2.length + 1).split('/');
            byAccount.set(account!, { ...byAccount.get(account!), [node.join('/')]: v });
          }
          return [...byAccount.values()];
        };
        const [account, ...more] = accounts();
        assert.deepEqual(more, []);
        assert.deepEqual(
          [account?.servicename, account?.servicetype, account?.inserver, account?.outserver, account?.replyaddr, account?.authname, account?.['tagprops/8128000b']],
          ['Contoso mail', 'IMAP4', 'imap.contoso.example:993', 'smtp.contoso.example:587', upn, upn, '1'],
        );
        const states = async () => (await send('GET', `/v1.0/deviceManagement/managedDevices/${id}/deviceConfigurationStates`)).json<{ value: { id: string; state: string; version: number }[] }>().value;
        assert.deepEqual((await states()).map((s) => [s.id, s.state]), [[profileId, 'compliant']]);

        // POP instead of IMAP: EMAIL2 cannot replace SERVICETYPE, so the old account goes and a new one comes.
        assert.equal((await send('PATCH', `${SET}/${profileId}`, { '@odata.type': type, accountType: 'pop', incomingServerPort: 995 })).statusCode, 204);
        await pc.sync();
        assert.deepEqual(accounts().map((a) => [a.servicetype, a.inserver]), [['POP3', 'imap.contoso.example:995']]);
        assert.deepEqual((await states()).map((s) => [s.state, s.version]), [['compliant', 2]]);

        assert.equal((await send('POST', `${SET}/${profileId}/assign`, { assignments: [] })).statusCode, 200);
        await pc.sync();
        assert.equal(pc.tree.under(EMAIL2).size, 0);
        assert.deepEqual(await states(), []);
      } finally {
        await t.close();
        await database.close();
      }
    });
  });
}
