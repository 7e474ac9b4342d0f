import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('gives the embedded defaults', () => {
    const c = loadConfig({}, {});
    assert.equal(c.dataDir, './data');
    assert.equal(c.port, 8443);
    assert.equal(c.publicUrl.href, 'https://localhost:8443/');
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.httpPort, undefined);
    assert.equal(c.apnsUrl.href, 'https://api.push.apple.com/');
    assert.equal(c.windowsAuthPolicy, 'OnPremise');
  });

  it('takes STEWARD_* variables, and a flag wins over its variable', () => {
    const env = { STEWARD_PORT: '9443', STEWARD_DATA_DIR: '/var/lib/steward', STEWARD_PUBLIC_URL: 'https://mdm.example.com/' };
    const c = loadConfig({ port: '10443' }, env);
    assert.equal(c.port, 10443);
    assert.equal(c.dataDir, '/var/lib/steward');
    assert.equal(c.publicUrl.href, 'https://mdm.example.com/');
    assert.equal(loadConfig({}, { STEWARD_APNS_URL: 'https://api.sandbox.push.apple.com' }).apnsUrl.origin, 'https://api.sandbox.push.apple.com');
    assert.equal(loadConfig({ apnsUrl: 'https://127.0.0.1:2197' }, { STEWARD_APNS_URL: 'https://api.sandbox.push.apple.com' }).apnsUrl.origin, 'https://127.0.0.1:2197');
  });

  it('takes the header a TLS-terminating proxy forwards client certificates in', () => {
    assert.equal(loadConfig({}, {}).clientCertHeader, undefined);
    assert.equal(loadConfig({}, { STEWARD_CLIENT_CERT_HEADER: 'X-SSL-Client-Cert' }).clientCertHeader, 'X-SSL-Client-Cert');
    assert.equal(loadConfig({ clientCertHeader: 'X-Client-Cert' }, { STEWARD_CLIENT_CERT_HEADER: 'X-SSL-Client-Cert' }).clientCertHeader, 'X-Client-Cert');
    assert.throws(() => loadConfig({ clientCertHeader: 'X Client Cert' }, {}), /--client-cert-header: must be an HTTP header name/);
    assert.throws(() => loadConfig({}, { STEWARD_CLIENT_CERT_HEADER: 'Authorization' }), /STEWARD_CLIENT_CERT_HEADER: must be a header the proxy sets/);
  });

  it('takes the Windows enrollment sign-in policy', () => {
    assert.equal(loadConfig({}, { STEWARD_WINDOWS_AUTH_POLICY: 'Federated' }).windowsAuthPolicy, 'Federated');
    assert.equal(loadConfig({ windowsAuthPolicy: 'OnPremise' }, { STEWARD_WINDOWS_AUTH_POLICY: 'Federated' }).windowsAuthPolicy, 'OnPremise');
    assert.throws(() => loadConfig({ windowsAuthPolicy: 'federated' }, {}), /--windows-auth-policy: must be OnPremise or Federated/);
  });

  it('takes WNS settings: off unless the package SID, client secret and PFN are all given', () => {
    const off = loadConfig({}, {});
    assert.equal(off.wnsPackageSid, undefined);
    assert.equal(off.wnsClientSecret, undefined);
    assert.equal(off.wnsPackageFamilyName, undefined);
    assert.equal(off.wnsTokenUrl.href, 'https://login.live.com/accesstoken.srf');
    assert.deepEqual(off.wnsChannelHosts, ['notify.windows.com']);
    const on = loadConfig({ wnsPackageSid: 'ms-app://s-1-15-2-2939-1' }, {
      STEWARD_WNS_CLIENT_SECRET: 'c2VjcmV0+/=', STEWARD_WNS_PACKAGE_FAMILY_NAME: 'Contoso.StewardPush_8wekyb3d8bbwe',
      STEWARD_WNS_TOKEN_URL: 'https://127.0.0.1:4443/accesstoken.srf', STEWARD_WNS_CHANNEL_HOSTS: 'localhost, Notify.Test',
    });
    assert.equal(on.wnsPackageSid, 'ms-app://s-1-15-2-2939-1');
    assert.equal(on.wnsClientSecret, 'c2VjcmV0+/=');
    assert.equal(on.wnsPackageFamilyName, 'Contoso.StewardPush_8wekyb3d8bbwe');
    assert.equal(on.wnsTokenUrl.href, 'https://127.0.0.1:4443/accesstoken.srf');
    assert.deepEqual(on.wnsChannelHosts, ['localhost', 'notify.test']);
    assert.throws(() => loadConfig({ wnsPackageSid: 'ms-app://s-1-15-2-1-2' }, {}), /--wns-client-secret, --wns-package-family-name: must be given too/);
    assert.throws(() => loadConfig({ wnsPackageSid: 'S-1-5-21' }, {}), /--wns-package-sid: must be a package SID/);
    assert.throws(() => loadConfig({ wnsPackageFamilyName: 'no underscore' }, {}), /--wns-package-family-name: must be a package family name/);
    assert.throws(() => loadConfig({ wnsTokenUrl: 'http://login.live.com/accesstoken.srf' }, {}), /--wns-token-url: must start with https:\/\//);
    assert.throws(() => loadConfig({ wnsChannelHosts: ' , ' }, {}), /--wns-channel-hosts: must be host names/);
  });

  it('never echoes the WNS client secret', () => {
    const secret = `hunter2${'x'.repeat(600)}`;
    assert.throws(() => loadConfig({ wnsClientSecret: secret }, {}), (e: unknown) =>
      e instanceof ConfigError && e.message.includes('--wns-client-secret: must be at most 512 characters') && !e.message.includes('hunter2'));
    assert.throws(() => loadConfig({}, { STEWARD_WNS_CLIENT_SECRET: 'hunter2' }), (e: unknown) =>
      e instanceof ConfigError && e.message.includes('--wns-package-sid') && !e.message.includes('hunter2'));
  });

  it('names the flag or the variable that holds a bad value', () => {
    assert.throws(() => loadConfig({ port: 'abc' }, {}), (e: unknown) => e instanceof ConfigError && /^--port: must be a whole number \(got 'abc'\)$/.test(e.message));
    assert.throws(() => loadConfig({}, { STEWARD_PORT: '70000' }), /STEWARD_PORT: must be from 0 to 65535/);
    assert.throws(() => loadConfig({ publicUrl: 'http://mdm.example.com' }, {}), /--public-url: must start with https:\/\//);
    assert.throws(() => loadConfig({ httpPort: '0' }, {}), /--http-port: must be from 1 to 65535/);
    assert.throws(() => loadConfig({ logLevel: 'loud' }, {}), /--log-level/);
    assert.throws(() => loadConfig({ tlsCert: 'a.pem' }, {}), /--tls-key: must be given together with --tls-cert/);
    assert.throws(() => loadConfig({ apnsUrl: 'http://api.push.apple.com' }, {}), /--apns-url: must start with https:\/\//);
    assert.throws(() => loadConfig({}, { STEWARD_APNS_URL: 'api.push.apple.com' }), /STEWARD_APNS_URL: must be an absolute URL/);
    assert.throws(() => loadConfig({ apnsUrl: 'https://api.push.apple.com/3/device' }, {}), /--apns-url: must be an origin only/);
  });

  it('never echoes a database URL, which may carry a password', () => {
    assert.throws(() => loadConfig({ databaseUrl: 'mysql://u:hunter2@db/x' }, {}), (e: unknown) =>
      e instanceof ConfigError && e.message.includes('--database-url') && !e.message.includes('hunter2'));
  });

  it('reports every problem at once', () => {
    assert.throws(() => loadConfig({ port: 'x', logLevel: 'y' }, {}), (e: unknown) => e instanceof ConfigError && e.message.split('\n').length === 2);
  });
});
