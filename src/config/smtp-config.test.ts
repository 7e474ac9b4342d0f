// The SMTP settings: --smtp-url and --mail-from go together, the URL is checked, and neither the
// URL (it may carry a password) nor --smtp-password is ever echoed in an error.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config.js';

describe('SMTP settings', () => {
  it('are off by default and read from flags or STEWARD_* variables', () => {
    const off = loadConfig({}, {});
    assert.equal(off.smtpUrl, undefined);
    assert.equal(off.mailFrom, undefined);
    const on = loadConfig({ smtpUrl: 'smtps://alerts@mail.contoso.test:465' }, { STEWARD_MAIL_FROM: 'Steward <it@contoso.test>', STEWARD_SMTP_PASSWORD: 'p4ss' });
    assert.equal(on.smtpUrl?.href, 'smtps://alerts@mail.contoso.test:465');
    assert.equal(on.mailFrom, 'Steward <it@contoso.test>');
    assert.equal(on.smtpPassword, 'p4ss');
  });

  it('refuses incomplete or malformed settings, naming the flag and never the secret', () => {
    assert.throws(() => loadConfig({ smtpUrl: 'smtp://mail.contoso.test' }, {}), /--mail-from: must be given together with --smtp-url/);
    assert.throws(() => loadConfig({ mailFrom: 'it@contoso.test' }, {}), /--smtp-url: must be given together with --mail-from/);
    assert.throws(() => loadConfig({ smtpPassword: 'x' }, {}), /--smtp-password: needs --smtp-url/);
    assert.throws(() => loadConfig({ smtpUrl: 'http://mail.contoso.test', mailFrom: 'it@contoso.test' }, {}), /--smtp-url: must be smtp:\/\//);
    assert.throws(() => loadConfig({ smtpUrl: 'smtp://mail.contoso.test', mailFrom: 'not an address' }, {}), /--mail-from: must be an e-mail address/);
    assert.throws(() => loadConfig({ smtpUrl: 'smtp://u:hunter2@mail.contoso.test/path', mailFrom: 'it@contoso.test' }, {}), (e: unknown) =>
      e instanceof ConfigError && e.message.includes('--smtp-url') && !e.message.includes('hunter2'));
    assert.throws(() => loadConfig({ smtpUrl: 'smtp://mail.contoso.test', mailFrom: 'it@contoso.test', smtpPassword: '' }, {}), (e: unknown) =>
      e instanceof ConfigError && e.message.includes('--smtp-password: must not be empty'));
  });
});
