// `steward users import`, through the function the command runs, on a real data directory.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config/config.js';
import { usersImportCommand } from '../../src/cli/users-import.js';
import { openDatabase } from '../../src/store/database.js';
import { storePorts } from '../../src/store/ports.js';
import { makeCore } from '../../src/core/deps.js';
import { systemClock } from '../../src/core/clock.js';
import { createGroup } from '../../src/core/directory/save-group.js';
import { allScope } from '../../src/core/rbac/scope.js';
import { parseListQuery } from '../../src/core/query/list-query.js';
import { auditEventSchema } from '../../src/core/audit/audit-schema.js';

function output(isTTY = false) {
  const out = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') => Object.assign(new Writable({ write(chunk: Buffer, _e, cb) { out[key] += chunk.toString(); cb(); } }), { isTTY });
  return { out, io: { stdout: sink('stdout'), stderr: sink('stderr') } };
}

describe('steward users import', () => {
  let dir: string;
  let config: Config;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'steward-import-'));
    config = loadConfig({ dataDir: join(dir, 'data') }, {});
    const database = await openDatabase({ dataDir: resolve(config.dataDir) });
    try {
      const core = makeCore(storePorts(database), systemClock);
      await createGroup({ groups: core.groups, clock: core.clock }, { displayName: 'Sales', mailNickname: 'sales' });
    } finally {
      await database.close();
    }
  });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  const file = (name: string, text: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  /** Looks into the data directory the command wrote to. */
  async function inspect<T>(look: (core: ReturnType<typeof makeCore>) => Promise<T>): Promise<T> {
    const database = await openDatabase({ dataDir: resolve(config.dataDir) });
    try { return await look(makeCore(storePorts(database), systemClock)); } finally { await database.close(); }
  }

  it('imports every row, shows progress, audits each user as the CLI, and exits 0', async () => {
    const path = file('good.csv', '\uFEFFuserPrincipalName,displayName,groups,licenses\r\ncli1@contoso.com,CLI One,Sales,STEWARD_DEVICE_MANAGEMENT\r\ncli2@contoso.com,CLI Two,,\r\n');
    const { out, io } = output();
    assert.equal(await usersImportCommand(config, { file: path, atomic: false }, io), 0);
    assert.equal(out.stdout, `${path}: imported 2 users.\n`);
    assert.match(out.stderr, /importing users: 2 of 2 rows\n$/);
    const { groups, events } = await inspect(async (core) => {
      const user = await core.users.get('cli1@contoso.com', allScope);
      assert.ok(user);
      assert.equal(user.assignedLicenses.length, 1);
      return {
        groups: (await core.groups.memberOf(user.id)).map((g) => g.displayName),
        events: (await core.auditLog.list(parseListQuery({ $filter: "activity eq 'Import user'" }, auditEventSchema))).items,
      };
    });
    assert.deepEqual(groups, ['Sales']);
    assert.equal(events.length, 2);
    for (const e of events) {
      assert.equal(e.actor.auditActorType, 'System');
      assert.equal(e.actor.applicationDisplayName, 'steward users import');
      assert.equal(e.correlationId, events[0]?.correlationId);
    }
  });

  it('prints each failed line, imports the rest, and exits 1', async () => {
    const path = file('mixed.csv', 'userPrincipalName,displayName\npart1@contoso.com,"Part\nOne"\nnot-a-upn,Bad\ncli1@contoso.com,Again\npart2@contoso.com,Part Two\n');
    const { out, io } = output();
    assert.equal(await usersImportCommand(config, { file: path, atomic: false }, io), 1);
    const lines = out.stdout.trimEnd().split('\n');
    assert.equal(lines[0], `${path}: imported 2 users of 4; 2 rows failed.`);
    assert.match(lines[1] ?? '', /^line 4: userPrincipalName 'not-a-upn' is not valid: /);
    assert.equal(lines[2], 'line 5: userPrincipalName cli1@contoso.com already exists');
    assert.equal(await inspect(async (core) => (await core.users.get('part2@contoso.com', allScope))?.displayName), 'Part Two');
  });

  it('imports nothing with --atomic when a row is bad', async () => {
    const path = file('atomic.csv', 'userPrincipalName,displayName,groups\natom1@contoso.com,A,Sales\natom2@contoso.com,B,Nowhere\n');
    const { out, io } = output();
    assert.equal(await usersImportCommand(config, { file: path, atomic: true }, io), 1);
    assert.equal(out.stdout, `${path}: nothing imported (--atomic): 1 row of 2 failed.\nline 3: group 'Nowhere' was not found\n`);
    assert.equal(await inspect(async (core) => core.users.get('atom1@contoso.com', allScope)), undefined);
  });

  it('draws a bar on a terminal', async () => {
    const path = file('tty.csv', 'userPrincipalName,displayName\ntty@contoso.com,TTY\n');
    const { out, io } = output(true);
    assert.equal(await usersImportCommand(config, { file: path, atomic: false }, io), 0);
    assert.match(out.stderr, /importing \[[█░]+\] 1\/1 rows \| 100%/);
  });

  it('says why it cannot read or use a file, and exits 1', async () => {
    const cases: [string, RegExp][] = [
      [join(dir, 'missing.csv'), /^steward: cannot read .*missing\.csv: no such file\n$/],
      [dir, /^steward: cannot read .*: it is a directory\n$/],
      [file('columns.csv', 'userPrincipalName,displayName,shoeSize\nx@contoso.com,X,44\n'), /^steward: .*columns\.csv: Unknown column 'shoeSize'/],
      [file('utf16.csv', Buffer.from('\ufeffuserPrincipalName,displayName\n', 'utf16le')), /utf16\.csv: The file is not a CSV file of users: it is UTF-16 text/],
    ];
    for (const [path, message] of cases) {
      const { out, io } = output();
      assert.equal(await usersImportCommand(config, { file: path, atomic: false }, io), 1, path);
      assert.match(out.stderr, message);
      assert.equal(out.stdout, '');
    }
    assert.equal(await inspect(async (core) => core.users.get('x@contoso.com', allScope)), undefined);
  });

  it('leaves a database whose schema is not up to date alone', async () => {
    const fresh = loadConfig({ dataDir: join(dir, 'fresh') }, {});
    const { out, io } = output();
    assert.equal(await usersImportCommand(fresh, { file: file('fresh.csv', 'userPrincipalName,displayName\nf@contoso.com,F\n'), atomic: false }, io), 1);
    assert.match(out.stderr, /^steward: .*steward\.db: the database schema is not up to date \(\d+ migrations pending\); run `steward migrate`/);
  });
});
