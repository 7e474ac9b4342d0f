// `steward admin create` and `steward api-client create` as an operator runs them, then the new
// API client signing in at /oauth2/token of a server started on the same data.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runSteward } from '../support/process.js';
import { httpsRequest } from '../support/https.js';
import { loadConfig } from '../../src/config/config.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { createLogger } from '../../src/log/logger.js';
import { storePorts } from '../../src/store/ports.js';
import { parseAuditQuery } from '../../src/core/audit/list-audit-events.js';
import { createTestSchema, postgresTestUrl } from '../../src/store/testing.js';

const PASSWORD = 'correct horse battery staple';

interface Setup { name: string; args: string[]; databaseUrl?: string; cleanup(): Promise<void> }

async function sqliteSetup(dir: string): Promise<Setup> {
  return { name: 'SQLite', args: ['--data-dir', dir], cleanup: () => Promise.resolve() };
}

async function postgresSetup(dir: string, url: string): Promise<Setup> {
  const { schema, drop, url: own } = await createTestSchema(url);
  const databaseUrl = `${own}${own.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return { name: 'PostgreSQL', args: ['--data-dir', dir, '--database-url', databaseUrl], databaseUrl, cleanup: drop };
}

const setups: { name: string; make(dir: string): Promise<Setup>; skip: string | false }[] = [
  { name: 'SQLite', make: sqliteSetup, skip: false },
  { name: 'PostgreSQL', make: (dir) => postgresSetup(dir, postgresTestUrl()!), skip: postgresTestUrl() ? false : 'STEWARD_TEST_DATABASE_URL is not set' },
];

for (const s of setups) {
  describe(`steward admin and api-client on ${s.name}`, { skip: s.skip }, () => {
    let dir: string;
    let setup: Setup;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'steward-admin-'));
      setup = await s.make(dir);
    });
    after(async () => {
      await setup.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    const cli = (...args: string[]) => runSteward([...args, ...setup.args]);

    it('refuses bad input with exit status 2, naming the flag, and creates nothing', async () => {
      const cases: [string[], RegExp][] = [
        [['admin', 'create', '--email', 'ann@example.test', '--password', PASSWORD, '--role', 'Chief Wizard'], /--role: No role named 'Chief Wizard'/],
        [['admin', 'create', '--email', 'not an email', '--password', PASSWORD], /--email: /],
        [['admin', 'create', '--email', 'ann@example.test', '--password', 'short'], /--password: .*12 characters/],
        [['admin', 'create', '--password', PASSWORD], /--email/],
        [['api-client', 'create', '--name', 'ci', '--role', 'Chief Wizard'], /--role: No role named/],
        [['api-client', 'create', '--name', 'ci'], /--role/],
        [['api-client', 'create', '--name', '  ', '--role', 'Read Only Operator'], /--name: /],
      ];
      for (const [args, stderr] of cases) {
        const r = await cli(...args);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, stderr);
        assert.equal(r.stdout, '');
      }
    });

    it('creates an admin with a role, and an API client whose secret works at /oauth2/token', async () => {
      const admin = await cli('admin', 'create', '--email', 'ann@example.test', '--password', PASSWORD, '--role', 'help desk operator');
      assert.equal(admin.code, 0, admin.stderr);
      const made = JSON.parse(admin.stdout) as Record<string, string>;
      assert.deepEqual(Object.keys(made).sort(), ['id', 'role', 'userPrincipalName']);
      assert.deepEqual([made.userPrincipalName, made.role], ['ann@example.test', 'Help Desk Operator']);
      const again = await cli('admin', 'create', '--email', 'ANN@example.test', '--password', PASSWORD);
      assert.equal(again.code, 2, again.stderr);

      const reader = await cli('api-client', 'create', '--name', 'inventory export', '--role', 'Read Only Operator');
      assert.equal(reader.code, 0, reader.stderr);
      const client = JSON.parse(reader.stdout) as { clientId: string; clientSecret: string; role: string };
      assert.match(client.clientId, /^[0-9a-f-]{36}$/);
      assert.match(client.clientSecret, /^stw_cs_[\w-]{43}$/);
      assert.equal(client.role, 'Read Only Operator');
      const other = JSON.parse((await cli('api-client', 'create', '--name', 'policies', '--role', 'Policy and Profile manager')).stdout) as { clientId: string; clientSecret: string };

      const logs: string[] = [];
      const sink = new Writable({ write(chunk: Buffer, _e, cb) { logs.push(chunk.toString()); cb(); } });
      const config = loadConfig({ dataDir: dir, port: '0', host: '127.0.0.1', ...(setup.databaseUrl ? { databaseUrl: setup.databaseUrl } : {}) }, {});
      const server: RunningServer = await startServer(config, { logger: createLogger('info', sink) });
      try {
        const ca = readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8');
        const token = async (c: { clientId: string; clientSecret: string }) => {
          const res = await httpsRequest(`${server.url}/oauth2/token`, ca, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret }).toString(),
          });
          assert.equal(res.status, 200, res.body);
          assert.equal(res.headers['cache-control'], 'no-store');
          const body = JSON.parse(res.body) as { access_token: string; token_type: string; expires_in: number };
          assert.equal(body.token_type, 'Bearer');
          assert.ok(body.expires_in > 0);
          return body.access_token;
        };
        const call = async (path: string, accessToken: string, method = 'GET') =>
          httpsRequest(`${server.url}${path}`, ca, { method, headers: { authorization: `Bearer ${accessToken}` } });

        const readerToken = await token(client);
        const devices = await call('/v1.0/deviceManagement/managedDevices', readerToken);
        assert.equal(devices.status, 200, devices.body);
        const users = JSON.parse((await call('/v1.0/users', readerToken)).body) as { value: { userPrincipalName: string }[] };
        assert.deepEqual(users.value.map((u) => u.userPrincipalName), ['ann@example.test']);
        assert.equal((await call(`/v1.0/users/${made.id!}`, readerToken, 'DELETE')).status, 403);
        assert.equal((await call('/v1.0/deviceManagement/managedDevices', await token(other))).status, 403);

        const wrong = await httpsRequest(`${server.url}/oauth2/token`, ca, {
          method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: other.clientSecret }).toString(),
        });
        assert.equal(wrong.status, 401);

        // Everything the commands changed is in the audit log, and no secret is, nor in the log.
        const events = (await storePorts(server.database).auditLog.list(parseAuditQuery({ $top: '999' }))).items;
        const activities = events.map((e) => e.activity);
        for (const a of ['Create user', 'Assign license', 'Create group', 'Create role assignment', 'Add member to group', 'Create API client', 'Sign-in refused']) {
          assert.ok(activities.includes(a), `audit log lacks '${a}': ${activities.join(', ')}`);
        }
        const text = `${JSON.stringify(events)}\n${logs.join('')}`;
        for (const secret of [client.clientSecret, other.clientSecret, PASSWORD]) assert.ok(!text.includes(secret), 'a secret was written down');
      } finally {
        await server.close();
      }
    });
  });
}
