// Microsoft's own Graph client (@microsoft/microsoft-graph-client) against a running Steward over
// HTTPS, signed in with OAuth2 client credentials: create 500 users, page through them with
// @odata.nextLink, filter them, and add group members.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '../../src/main.js';
import { loadConfig } from '../../src/config/config.js';
import { makeCore } from '../../src/core/deps.js';
import { storePorts } from '../../src/store/ports.js';
import { systemClock } from '../../src/core/clock.js';
import { createApiClient } from '../../src/core/rbac/api-clients.js';
import { ensureRoleAdminGroup } from '../../src/core/rbac/role-admins.js';
import { findRoleByName } from '../../src/core/rbac/roles.js';
import { addGroupMember } from '../../src/core/directory/group-members.js';
import { createLogger } from '../../src/log/logger.js';
import { httpsRequest } from '../support/https.js';
import { freePort } from '../support/process.js';

const SCRIPT = fileURLToPath(new URL('../support/graph-client-script.ts', import.meta.url));


describe('the official Graph client against Steward', () => {
  let dir: string;
  let server: RunningServer;
  let base: string;
  let ca: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'steward-graph-'));
    const port = await freePort();
    base = `https://localhost:${port}`;
    server = await startServer(loadConfig({ dataDir: dir, port: String(port), host: '127.0.0.1', publicUrl: base, logLevel: 'warn' }, {}), { logger: createLogger('silent') });
    ca = readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8');
  });
  after(async () => { await server.close(); rmSync(dir, { recursive: true, force: true }); });

  it('creates, pages, filters and groups users with a client-credentials token', async () => {
    const core = makeCore(storePorts(server.database), systemClock);
    const { client, clientSecret } = await createApiClient(core, { displayName: 'graph client test' });
    const { group } = await ensureRoleAdminGroup(core, await findRoleByName(core, 'Intune Administrator'));
    await addGroupMember(core, { groupId: group.id, memberId: client.id });

    const tokenAnswer = await httpsRequest(`${base}/oauth2/token`, ca, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: clientSecret, scope: `${base}/.default` }).toString(),
    });
    assert.equal(tokenAnswer.status, 200, tokenAnswer.body);
    const token = JSON.parse(tokenAnswer.body) as { access_token: string; token_type: string; expires_in: number };
    assert.equal(token.token_type, 'Bearer');
    assert.ok(token.expires_in > 0);

    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, base, token.access_token], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'pki', 'ca.crt') },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, err);
    const seen = JSON.parse(out) as {
      created: number; paged: number; pagedUnique: number; pages: number; nextLinks: string[];
      salesCount: number; salesValues: number; salesAllSales: boolean; startsWith: string[];
      members: { id: string; type: string }[]; expectedMembers: string[]; duplicateError: { statusCode?: number; code?: string };
    };
    assert.equal(seen.created, 500);
    // 500 users created by the script plus none before: PageIterator saw each once.
    assert.equal(seen.paged, 500);
    assert.equal(seen.pagedUnique, 500);
    assert.equal(seen.pages, 5);
    for (const link of seen.nextLinks) assert.ok(link.startsWith(`${base}/v1.0/users?`), link);
    assert.equal(seen.salesCount, 125);
    assert.equal(seen.salesValues, 125);
    assert.ok(seen.salesAllSales);
    assert.deepEqual(seen.startsWith, Array.from({ length: 10 }, (_, i) => `user49${9 - i}@contoso.example`).concat(['user49@contoso.example']).sort().reverse());
    assert.deepEqual(seen.members.map((m) => m.id).sort(), [...seen.expectedMembers].sort());
    assert.ok(seen.members.every((m) => m.type === '#microsoft.graph.user'));
    assert.equal(seen.duplicateError.statusCode, 400);
    assert.equal(seen.duplicateError.code, 'BadRequest');
  });
});
