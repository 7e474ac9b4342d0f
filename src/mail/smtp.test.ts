// The SMTP sender against a local SMTP server (smtp-server): it authenticates, sends the message
// with To, Cc, From and Subject as given, and a refusal is an error in words that never carries
// the password.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSmtpServer, type TestSmtpServer } from '../../test/support/smtp.js';
import { createSmtpSender } from './smtp.js';

describe('SMTP sender', () => {
  let server: TestSmtpServer;
  before(async () => { server = await startTestSmtpServer({ user: 'mailer', password: 'correct horse' }); });
  after(async () => { await server.close(); });

  it('sends a plain-text message with its recipients and subject', async () => {
    const sender = createSmtpSender({ url: new URL(server.url), password: 'correct horse', from: 'Steward IT <it@contoso.test>' });
    try {
      await sender.send({ to: 'ann@contoso.test', cc: ['boss@contoso.test'], subject: 'Mise à jour requise', text: 'Bonjour Ann,\nvotre iPhone doit être mis à jour.' });
    } finally { sender.close(); }
    const mail = server.received.at(-1);
    assert.ok(mail);
    assert.equal(mail.user, 'mailer');
    assert.equal(mail.from, 'it@contoso.test');
    assert.deepEqual(mail.recipients, ['ann@contoso.test', 'boss@contoso.test']);
    assert.equal(mail.headers.get('from'), 'Steward IT <it@contoso.test>');
    assert.equal(mail.subject, 'Mise à jour requise');
    assert.equal(mail.text.trimEnd(), 'Bonjour Ann,\nvotre iPhone doit être mis à jour.');
  });

  it('fails in words without the password when the server refuses the login', async () => {
    const sender = createSmtpSender({ url: new URL(server.url), password: 'wrong-s3cret-value', from: 'it@contoso.test' });
    const count = server.received.length;
    try {
      await assert.rejects(sender.send({ to: 'ann@contoso.test', cc: [], subject: 's', text: 't' }), (err: unknown) => {
        assert.ok(err instanceof Error);
        assert.match(err.message, /^SMTP: EAUTH/);
        assert.doesNotMatch(err.message, /wrong-s3cret-value/);
        return true;
      });
    } finally { sender.close(); }
    assert.equal(server.received.length, count);
  });
});
