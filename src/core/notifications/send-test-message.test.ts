// sendTestMessage over a real store (SQLite) and a local SMTP server: the template's default
// message, tokens filled with sample values, to the asking administrator; refused in words without
// a mailbox or without SMTP.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../store/testing.js';
import type { Database } from '../../store/database.js';
import { storePorts } from '../../store/ports.js';
import { makeCore, type Core } from '../deps.js';
import { systemClock } from '../clock.js';
import { aUser } from '../../../test/support/rbac.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../../test/support/smtp.js';
import { createSmtpSender, type ClosableMailSender } from '../../mail/smtp.js';
import { allScope } from '../rbac/scope.js';
import { updateUser } from '../directory/update-user.js';
import { createTemplate } from './save-template.js';
import { sendTestMessage } from './send-test-message.js';

const sqlite = testDialects()[0]!;

describe('sendTestMessage', () => {
  let database: Database;
  let smtp: TestSmtpServer;
  let mailer: ClosableMailSender;
  let core: Core;
  before(async () => {
    database = await sqlite.open();
    smtp = await startTestSmtpServer();
    mailer = createSmtpSender({ url: new URL(smtp.url), password: undefined, from: 'it@contoso.test' });
    core = makeCore(storePorts(database), systemClock, { mailer });
  });
  after(async () => { mailer.close(); await smtp.close(); await database.close(); });

  it('e-mails the default message to the administrator, and refuses in words without a mailbox or SMTP', async () => {
    const admin = await aUser(core, 'dana');
    const template = await createTemplate(core, { scope: allScope, body: { displayName: 'T', localizedNotificationMessages: [
      { locale: 'en-us', subject: 'Update {{DeviceName}}', messageTemplate: 'Hi {{UserName}}, {{OSAndVersion}} is too old for {{PolicyName}}.' },
    ] } });
    await assert.rejects(sendTestMessage(core, { templateId: template.id, scope: allScope, userId: admin.id }), /caller has none/);
    await updateUser(core, { id: admin.id, scope: allScope, changes: { mail: 'dana@contoso.test' } });
    assert.deepEqual(await sendTestMessage(core, { templateId: template.id, scope: allScope, userId: admin.id }), { recipient: 'dana@contoso.test' });
    const mail = smtp.received.at(-1);
    assert.deepEqual(mail?.recipients, ['dana@contoso.test']);
    assert.equal(mail?.subject, 'Update Sample-iPhone');
    assert.equal(mail?.text.trimEnd(), 'Hi dana, iOS 17.5 is too old for Sample compliance policy.');
    const noSmtp = makeCore(storePorts(database), systemClock);
    await assert.rejects(sendTestMessage(noSmtp, { templateId: template.id, scope: allScope, userId: admin.id }), /No SMTP server is configured/);
  });
});
