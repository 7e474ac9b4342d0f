// notificationMessageTemplates and their localizedNotificationMessages through the Graph frame,
// in-process on SQLite and PostgreSQL: CRUD with the CSDL's names, deep insert, $expand, one
// default message per template, validation naming the property, permissions, the audit log, and
// sendTestMessage without SMTP answering 503 in words.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../store/testing.js';
import type { Database } from '../../store/database.js';
import { bearer, testApp, type TestApp } from '../../../test/support/http.js';
import { auditEventsFor, type GraphCollection, type GraphErrorBody } from '../../../test/support/directory.js';
import type { ResourceOperation } from '../../core/auth/principal.js';

const OPS = ['Read', 'Create', 'Update', 'Delete'].map((o) => `Microsoft.Intune_DeviceCompliancePolices_${o}` as ResourceOperation);
const admin = bearer(...OPS);
const reader = bearer('Microsoft.Intune_DeviceCompliancePolices_Read');
const SET = '/deviceManagement/notificationMessageTemplates';

interface Message { id: string; locale: string; subject: string; messageTemplate: string; isDefault: boolean; lastModifiedDateTime: string }
interface Template { id: string; displayName: string; brandingOptions: string; defaultLocale: string | null; description?: string | null; roleScopeTagIds: string[]; localizedNotificationMessages?: Message[] }

for (const dialect of testDialects()) {
  describe(`notificationMessageTemplates on ${dialect.name}`, () => {
    let database: Database;
    let t: TestApp;
    before(async () => {
      database = await dialect.open();
      t = await testApp(database);
    });
    after(async () => { await t.app.close(); await database.close(); });

    const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: object, headers = admin, version = 'beta') =>
      t.app.inject({ method, url: `/${version}${SET}${path}`, headers, ...(payload ? { payload } : {}) });

    it('creates a template with its messages, reads it with $expand, updates and deletes it, each audited', async () => {
      const res = await call('POST', '', {
        '@odata.type': '#microsoft.graph.notificationMessageTemplate', displayName: 'Noncompliant device', description: 'Sent after 1 day', defaultLocale: 'en-US',
        brandingOptions: 'includeCompanyLogo,includeDeviceDetails', roleScopeTagIds: ['0'],
        localizedNotificationMessages: [
          { locale: 'en-us', subject: 'Your {{DeviceName}} is not compliant', messageTemplate: 'Hello {{UserName}}, please update {{DeviceName}}.', isDefault: true },
          { locale: 'fr-fr', subject: 'Votre appareil', messageTemplate: 'Bonjour {{UserName}}' },
        ],
      });
      assert.equal(res.statusCode, 201, res.body);
      const created = res.json<Template & { '@odata.context': string }>();
      assert.match(created['@odata.context'], /notificationMessageTemplates\/\$entity$/);
      assert.equal(created.brandingOptions, 'includeCompanyLogo,includeDeviceDetails');
      assert.equal(created.defaultLocale, 'en-us');
      assert.deepEqual(created.localizedNotificationMessages?.map((m) => [m.locale, m.isDefault]), [['en-us', true], ['fr-fr', false]]);

      const v1 = (await call('GET', `/${created.id}`, undefined, reader, 'v1.0')).json<Template>();
      assert.equal('description' in v1, false, 'description is Graph beta\'s');
      assert.equal('localizedNotificationMessages' in v1, false, 'messages only with $expand');
      const expanded = (await call('GET', `/${created.id}?$expand=localizedNotificationMessages`, undefined, reader)).json<Template>();
      assert.equal(expanded.localizedNotificationMessages?.length, 2);
      const list = (await call('GET', '', undefined, reader)).json<GraphCollection>();
      assert.ok(list.value.some((v) => v.id === created.id));

      assert.equal((await call('PATCH', `/${created.id}`, { displayName: 'Renamed', brandingOptions: 'none' })).statusCode, 204);
      const patched = (await call('GET', `/${created.id}`)).json<Template>();
      assert.deepEqual([patched.displayName, patched.brandingOptions, patched.description], ['Renamed', 'none', 'Sent after 1 day']);

      assert.equal((await call('DELETE', `/${created.id}`)).statusCode, 204);
      assert.equal((await call('GET', `/${created.id}`)).statusCode, 404);
      const events = await auditEventsFor(t.app, created.id);
      assert.deepEqual(events.map((e) => e.activity), ['Create notification message template', 'Update notification message template', 'Delete notification message template']);
    });

    it('keeps one default message: the first, then whichever is set; unsetting is refused; deleting the default promotes another', async () => {
      const template = (await call('POST', '', { displayName: 'Defaults' })).json<Template>();
      const add = (body: object) => call('POST', `/${template.id}/localizedNotificationMessages`, body);
      const en = await add({ locale: 'en-us', subject: 'S', messageTemplate: 'M', isDefault: false });
      assert.equal(en.statusCode, 201, en.body);
      assert.equal(en.json<Message>().isDefault, true, 'the first message is the default');
      const de = (await add({ locale: 'de-de', subject: 'S', messageTemplate: 'M', isDefault: true })).json<Message>();
      const messages = async () => (await call('GET', `/${template.id}/localizedNotificationMessages`)).json<{ value: Message[] }>().value;
      assert.deepEqual((await messages()).map((m) => [m.locale, m.isDefault]), [['de-de', true], ['en-us', false]]);

      const duplicate = await add({ locale: 'en-US', subject: 'S', messageTemplate: 'M' });
      assert.equal(duplicate.statusCode, 400);
      assert.match(duplicate.json<GraphErrorBody>().error.message, /already has a message for en-us/);
      const unset = await call('PATCH', `/${template.id}/localizedNotificationMessages/${de.id}`, { isDefault: false });
      assert.equal(unset.statusCode, 400);
      assert.match(unset.json<GraphErrorBody>().error.message, /set it to true on another/);
      assert.equal((await call('PATCH', `/${template.id}/localizedNotificationMessages/${de.id}`, { subject: 'Neu: {{DeviceName}}' })).statusCode, 204);
      assert.equal((await call('GET', `/${template.id}/localizedNotificationMessages/${de.id}`)).json<Message>().subject, 'Neu: {{DeviceName}}');
      assert.equal((await call('DELETE', `/${template.id}/localizedNotificationMessages/${de.id}`)).statusCode, 204);
      assert.deepEqual((await messages()).map((m) => [m.locale, m.isDefault]), [['en-us', true]]);
      assert.equal((await call('GET', `/${template.id}/localizedNotificationMessages/${de.id}`)).statusCode, 404);
    });

    it('refuses bad input naming the property, and callers without the permission', async () => {
      const refused = async (body: object, target: RegExp) => {
        const res = await call('POST', '', body);
        assert.equal(res.statusCode, 400, res.body);
        assert.match(res.json<GraphErrorBody>().error.message, target);
      };
      await refused({}, /displayName is required/);
      await refused({ displayName: 'x', colour: 'red' }, /colour is not a property of notificationMessageTemplate/);
      await refused({ displayName: 'x', brandingOptions: 'includeGlitter' }, /brandingOptions: 'includeGlitter' is not one of/);
      await refused({ displayName: 'x', defaultLocale: 'english please' }, /defaultLocale must be a language tag/);
      await refused({ displayName: 'x', localizedNotificationMessages: [{ locale: 'en-us', subject: 'Hi {{FavouriteColour}}', messageTemplate: 'M' }] }, /localizedNotificationMessages\[0\]\.subject: \{\{FavouriteColour\}\} is not a token/);
      await refused({ displayName: 'x', localizedNotificationMessages: [{ locale: 'en-us', subject: 'S' }] }, /localizedNotificationMessages\[0\]\.messageTemplate is required/);
      await refused({ displayName: 'x', localizedNotificationMessages: [{ locale: 'en-us', subject: 'S', messageTemplate: 'M' }, { locale: 'en-us', subject: 'S', messageTemplate: 'M' }] }, /en-us is given twice/);
      assert.equal((await call('POST', '', { displayName: 'x' }, reader)).statusCode, 403);
      const template = (await call('POST', '', { displayName: 'Send me' })).json<Template>();
      const patch = await call('PATCH', `/${template.id}`, { localizedNotificationMessages: [] });
      assert.equal(patch.statusCode, 400);
      const test = await call('POST', `/${template.id}/sendTestMessage`);
      assert.equal(test.statusCode, 400, 'an API client has no mailbox');
    });
  });
}
