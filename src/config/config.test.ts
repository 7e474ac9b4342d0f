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
  });

  it('takes STEWARD_* variables, and a flag wins over its variable', () => {
    const env = { STEWARD_PORT: '9443', STEWARD_DATA_DIR: '/var/lib/steward', STEWARD_PUBLIC_URL: 'https://mdm.example.com/' };
    const c = loadConfig({ port: '10443' }, env);
    assert.equal(c.port, 10443);
    assert.equal(c.dataDir, '/var/lib/steward');
    assert.equal(c.publicUrl.href, 'https://mdm.example.com/');
  });

  it('names the flag or the variable that holds a bad value', () => {
    assert.throws(() => loadConfig({ port: 'abc' }, {}), (e: unknown) => e instanceof ConfigError && /^--port: must be a whole number \(got 'abc'\)$/.test(e.message));
    assert.throws(() => loadConfig({}, { STEWARD_PORT: '70000' }), /STEWARD_PORT: must be from 0 to 65535/);
    assert.throws(() => loadConfig({ publicUrl: 'http://mdm.example.com' }, {}), /--public-url: must start with https:\/\//);
    assert.throws(() => loadConfig({ httpPort: '0' }, {}), /--http-port: must be from 1 to 65535/);
    assert.throws(() => loadConfig({ logLevel: 'loud' }, {}), /--log-level/);
    assert.throws(() => loadConfig({ tlsCert: 'a.pem' }, {}), /--tls-key: must be given together with --tls-cert/);
  });

  it('never echoes a database URL, which may carry a password', () => {
    assert.throws(() => loadConfig({ databaseUrl: 'mysql://u:hunter2@db/x' }, {}), (e: unknown) =>
      e instanceof ConfigError && e.message.includes('--database-url') && !e.message.includes('hunter2'));
  });

  it('reports every problem at once', () => {
    assert.throws(() => loadConfig({ port: 'x', logLevel: 'y' }, {}), (e: unknown) => e instanceof ConfigError && e.message.split('\n').length === 2);
  });
});
