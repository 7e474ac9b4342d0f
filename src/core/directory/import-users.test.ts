import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../store/testing.js';
import type { Database } from '../../store/database.js';
import { storePorts } from '../../store/ports.js';
import { makeCore, type Core } from '../deps.js';
import { systemClock } from '../clock.js';
import { allScope } from '../rbac/scope.js';
import { StewardError } from '../errors.js';
import { verifyPassword } from '../auth/password.js';
import { createGroup } from './save-group.js';
import { createUser } from './create-user.js';
import { stewardSku } from './licenses.js';
import type { Group } from './group.js';
import { decodeCsv, importUsers, parseUserCsv, type ImportReport } from './import-users.js';

const PASSWORD = 'correct horse battery staple';

describe('parseUserCsv', () => {
  it('reads every column, any header case, and skips blank lines and empty rows', () => {
    const { rows, errors } = parseUserCsv([
      'UserPrincipalName,DISPLAYNAME,accountenabled,mailNickname,mail,givenName,surname,department,jobTitle,companyName,employeeId,officeLocation,mobilePhone,city,country,usageLocation,password,groups,licenses',
      `ada@contoso.com, Ada Lovelace ,no,ada.l,ada@contoso.com,Ada,Lovelace,R&D,Engineer,Contoso,E1,B2,+1 555,London,UK,gb, ${PASSWORD} ,Sales; Engineering ;sales,steward_device_management;${stewardSku.skuId}`,
      '',
      ',,,,,,,,,,,,,,,,,,',
      'bob@contoso.com,Bob,,,,,,,,,,,,,,,,,',
    ].join('\n'));
    assert.deepEqual(errors, []);
    assert.equal(rows.length, 2);
    const [ada, bob] = rows;
    assert.equal(ada?.line, 2);
    assert.deepEqual(ada?.user, {
      userPrincipalName: 'ada@contoso.com', displayName: 'Ada Lovelace', accountEnabled: false, mailNickname: 'ada.l',
      mail: 'ada@contoso.com', givenName: 'Ada', surname: 'Lovelace', department: 'R&D', jobTitle: 'Engineer', companyName: 'Contoso',
      employeeId: 'E1', officeLocation: 'B2', mobilePhone: '+1 555', city: 'London', country: 'UK', usageLocation: 'GB',
      passwordProfile: { password: ` ${PASSWORD} `, forceChangePasswordNextSignIn: true },
    });
    assert.deepEqual(ada?.groups, ['Sales', 'Engineering']);
    assert.deepEqual(ada?.licenses, [stewardSku.skuId]);
    assert.equal(bob?.line, 5);
    assert.deepEqual(bob?.user, { userPrincipalName: 'bob@contoso.com', displayName: 'Bob', accountEnabled: true });
  });

  it('reports each bad row with its physical line and every reason, counting quoted line breaks', () => {
    const csv = [
      'userPrincipalName,displayName,accountEnabled,usageLocation,password,licenses',
      'a@contoso.com,"Ada, ""the first""\r\nprogrammer",true,,,', // a CRLF inside quotes: lines 2-3
      'not-an-upn,Bad,maybe,USA,short,E5', // line 4
      '',
      'b@contoso.com,,,,,', // line 6
      'c@contoso.com,C,true', // line 7: too few fields
      'A@CONTOSO.COM,Again,,,,', // line 8
      '"multi',
      'line",X,,,,', // line 9-10: the UPN has a line break
      'd@contoso.com,D,,,,',
    ].join('\r\n');
    const { rows, errors } = parseUserCsv(csv);
    assert.deepEqual(rows.map((r) => [r.line, r.user.userPrincipalName]), [[2, 'a@contoso.com'], [11, 'd@contoso.com']]);
    assert.equal(rows[0]?.user.displayName, 'Ada, "the first"\r\nprogrammer');
    assert.deepEqual(errors.map((e) => e.line), [4, 6, 7, 8, 9]);
    const reason = (line: number) => errors.find((e) => e.line === line)?.reason ?? '';
    assert.match(reason(4), /^userPrincipalName 'not-an-upn' is not valid: /);
    assert.match(reason(4), /accountEnabled 'maybe' must be true, false, yes, no, 1 or 0/);
    assert.match(reason(4), /usageLocation 'USA' must be a two-letter country code/);
    assert.match(reason(4), /password: A password must have at least 12 characters/);
    assert.match(reason(4), /license 'E5' is not known; use STEWARD_DEVICE_MANAGEMENT/);
    assert.equal(errors[0]?.userPrincipalName, 'not-an-upn');
    assert.equal(reason(6), 'displayName is required');
    assert.equal(reason(7), 'the row has 3 fields but the header has 6');
    assert.equal(reason(8), 'userPrincipalName A@CONTOSO.COM is also on line 2');
  });

  it('refuses a file that is unusable as a whole, naming why', () => {
    const refused = (csv: string, message: RegExp) => assert.throws(() => parseUserCsv(csv), (err: unknown) => {
      assert.ok(err instanceof StewardError);
      assert.equal(err.code, 'invalid-input');
      assert.match(err.message, message);
      return true;
    });
    refused('', /empty/);
    refused('\uFEFF \n', /empty/);
    refused('userPrincipalName,displayName\n', /no users/);
    refused('userPrincipalName,displayName,favouriteColour\na@b.com,A,blue\n', /Unknown column 'favouriteColour' \(column 3\)/);
    refused('userPrincipalName;displayName\na@b.com;A\n', /Columns must be separated by commas/);
    refused('userPrincipalName,displayName,Mail,mail\n', /mail appears twice/);
    refused('userPrincipalName,mail\na@b.com,a@b.com\n', /no displayName column/);
    refused('userPrincipalName,displayName\na@b.com,A\nb@b.com,"B\n', /quoted field that starts on line 3 is never closed/);
    refused(`userPrincipalName,displayName\na@b.com,A\nb@b.com,${'x'.repeat(70_000)}\n`, /row on line 3 is longer than 65,536 bytes/);
    refused('userPrincipalName,displayName\na@b.com,A\0\n', /NUL/);
    refused(`userPrincipalName,displayName\n${'a@b.com,A\n'.repeat(100_001)}`, /more than 100,000 rows/);
  });

  it('decodes UTF-8 with or without a BOM and refuses what is not', () => {
    const utf8 = new TextEncoder().encode('userPrincipalName,displayName\nzoe@contoso.com,Zoë\n');
    assert.equal(parseUserCsv(decodeCsv(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]))).rows[0]?.user.displayName, 'Zoë');
    assert.equal(parseUserCsv(decodeCsv(utf8)).rows[0]?.line, 2);
    assert.throws(() => decodeCsv(new Uint8Array([0xff, 0xfe, 0x75, 0])), /UTF-16/);
    assert.throws(() => decodeCsv(new Uint8Array([0x50, 0x4b, 3, 4, 0])), /Excel workbook/);
    assert.throws(() => decodeCsv(new Uint8Array([0x61, 0xc3, 0x28])), /not UTF-8/);
  });
});

for (const dialect of testDialects()) {
  describe(`importUsers on ${dialect.name}`, () => {
    let database: Database;
    let core: Core;
    let sales: Group;
    let engineering: Group;
    before(async () => {
      database = await dialect.open();
      core = makeCore(storePorts(database), systemClock);
      const group = (displayName: string, more: Partial<Group> = {}) => createGroup(
        { groups: core.groups, clock: core.clock, onRuleChanged: async (g) => { await core.memberships.recomputeGroup(g); } },
        { displayName, mailNickname: displayName.replace(/\W/g, ''), ...more },
      );
      sales = await group('Sales');
      engineering = await group('Engineering');
      await group('Dynamic Sales', { groupTypes: ['DynamicMembership'], membershipRule: 'user.department -eq "Sales"' });
      await group('Twins');
      await group('twins');
    });
    after(async () => { await database.close(); });

    const run = (csv: string, atomic = false, extra: Partial<Parameters<typeof importUsers>[1]> = {}) => importUsers(core, { csv, atomic, ...extra });
    const exists = async (upn: string) => (await core.users.get(upn, allScope)) !== undefined;
    const groupNames = async (upn: string) => {
      const user = await core.users.get(upn, allScope);
      assert.ok(user, upn);
      return (await core.groups.memberOf(user.id)).map((g) => g.displayName).sort();
    };

    it('imports users with their groups, licences and passwords, and says so for each', async () => {
      const created: [string, number, string[]][] = [];
      const progress: number[] = [];
      const report = await run([
        'userPrincipalName,displayName,department,password,groups,licenses',
        `good1@contoso.com,Good One,Sales,${PASSWORD},sales;${engineering.id.toUpperCase()},STEWARD_DEVICE_MANAGEMENT`,
        'good2@contoso.com,Good Two,,,,',
      ].join('\n'), false, {
        onCreated: async (user, line, groups) => { created.push([user.userPrincipalName, line, groups.map((g) => g.displayName)]); },
        onProgress: (done, total) => { progress.push(done); assert.equal(total, 2); },
      });
      assert.deepEqual(report, { total: 2, imported: 2, failed: [], atomic: false });
      assert.deepEqual(created.sort(), [['good1@contoso.com', 2, ['Sales', 'Engineering']], ['good2@contoso.com', 3, []]]);
      assert.deepEqual(progress, [0, 1, 2]);
      // The dynamic group picked the user up from the department, as for any user created.
      assert.deepEqual(await groupNames('good1@contoso.com'), ['Dynamic Sales', 'Engineering', 'Sales']);
      const good1 = await core.users.get('good1@contoso.com', allScope);
      assert.ok(good1);
      assert.deepEqual(good1.assignedLicenses, [{ skuId: stewardSku.skuId, disabledPlans: [] }]);
      const credential = await core.credentials.get(good1.id);
      assert.ok(credential && await verifyPassword(credential.passwordHash, PASSWORD));
      assert.equal(credential.forceChangePassword, true);
      assert.equal(await core.credentials.get((await core.users.get('good2@contoso.com', allScope))!.id), undefined);
      assert.deepEqual(await groupNames('good2@contoso.com'), []);
    });

    it('reports bad rows with their lines and reasons, and imports the rest', async () => {
      await createUser(core, { userPrincipalName: 'taken@contoso.com', displayName: 'Taken', accountEnabled: true });
      const report = await run([
        'userPrincipalName,displayName,groups',
        'rest1@contoso.com,"Two\nlines",Sales', // lines 2-3
        'taken@contoso.com,Taken Again,', // 4
        'bad upn,Bad,', // 5
        'rest2@contoso.com,Rest Two,Nowhere;Dynamic Sales', // 6
        'rest3@contoso.com,Rest Three,Twins', // 7
        'rest1@contoso.com,Twice,', // 8
        'rest4@contoso.com,Rest Four,engineering', // 9
      ].join('\n'));
      assert.equal(report.total, 7);
      assert.equal(report.imported, 2);
      assert.deepEqual(report.failed.map((f) => [f.line, f.userPrincipalName]), [
        [4, 'taken@contoso.com'], [5, 'bad upn'], [6, 'rest2@contoso.com'], [7, 'rest3@contoso.com'], [8, 'rest1@contoso.com'],
      ]);
      const reason = (line: number) => report.failed.find((f) => f.line === line)?.reason ?? '';
      assert.equal(reason(4), 'userPrincipalName taken@contoso.com already exists');
      assert.match(reason(5), /^userPrincipalName 'bad upn' is not valid/);
      assert.match(reason(6), /^group 'Nowhere' was not found; group 'Dynamic Sales' is a dynamic group/);
      assert.match(reason(7), /^group name 'Twins' is ambiguous: it matches '(Twins|twins)' \([0-9a-f-]{36}\), '(Twins|twins)' \([0-9a-f-]{36}\); give the group's id instead$/);
      assert.equal(reason(8), 'userPrincipalName rest1@contoso.com is also on line 2');
      assert.deepEqual(await groupNames('rest1@contoso.com'), ['Sales']);
      assert.deepEqual(await groupNames('rest4@contoso.com'), ['Engineering']);
      for (const upn of ['rest2@contoso.com', 'rest3@contoso.com']) assert.equal(await exists(upn), false, upn);
      assert.equal((await core.users.get('taken@contoso.com', allScope))?.displayName, 'Taken');
    });

    it('imports nothing when one row of an atomic import is bad, and reports every bad row', async () => {
      const created: string[] = [];
      const report = await run([
        '\uFEFFuserPrincipalName,displayName,groups',
        'atomic1@contoso.com,A1,Sales',
        'atomic2@contoso.com,A2,Nowhere',
        'atomic3@contoso.com,,',
        'atomic4@contoso.com,A4,',
      ].join('\n'), true, { onCreated: async (u) => { created.push(u.userPrincipalName); } });
      assert.deepEqual(report.failed.map((f) => f.line), [3, 4]);
      assert.equal(report.imported, 0);
      assert.equal(report.atomic, true);
      assert.equal(report.rolledBack, undefined);
      assert.deepEqual(created, []);
      for (const n of [1, 2, 3, 4]) assert.equal(await exists(`atomic${n}@contoso.com`), false);
    });

    it('imports everything of a good atomic file, with a BOM', async () => {
      const created: number[] = [];
      const report = await run(`\uFEFFuserPrincipalName,displayName,groups\nbom1@contoso.com,B1,Sales\nbom2@contoso.com,B2,\n`, true,
        { onCreated: async (_u, line) => { created.push(line); } });
      assert.deepEqual(report, { total: 2, imported: 2, failed: [], atomic: true });
      assert.deepEqual(created, [2, 3]);
      assert.deepEqual(await groupNames('bom1@contoso.com'), ['Sales']);
    });

    it('rolls an atomic import back when a user is created by someone else after the checks', async () => {
      await createUser(core, { userPrincipalName: 'race@contoso.com', displayName: 'Race', accountEnabled: true });
      // The check sees the name free (as if the other admin had not yet created it).
      const users = { ...core.users, get: (idOrUpn: string, scope: typeof allScope) => idOrUpn === 'race@contoso.com' ? Promise.resolve(undefined) : core.users.get(idOrUpn, scope) };
      const lines = ['userPrincipalName,displayName,groups', ...Array.from({ length: 12 }, (_, i) => `roll${i}@contoso.com,R${i},Sales`)];
      lines.splice(9, 0, 'race@contoso.com,Race Again,Sales');
      const salesMembers = (await core.groups.members(sales.id, { top: 999 })).items.length;
      const created: string[] = [];
      const report = await importUsers({ ...core, users }, { csv: lines.join('\n'), atomic: true, onCreated: async (u) => { created.push(u.userPrincipalName); } });
      assert.equal(report.rolledBack, true);
      assert.equal(report.imported, 0);
      assert.deepEqual(report.failed, [{ line: 10, userPrincipalName: 'race@contoso.com', reason: 'userPrincipalName race@contoso.com already exists' }]);
      assert.deepEqual(created, []);
      for (let i = 0; i < 12; i++) assert.equal(await exists(`roll${i}@contoso.com`), false);
      assert.equal((await core.groups.members(sales.id, { top: 999 })).items.length, salesMembers);
      assert.equal((await core.users.get('race@contoso.com', allScope))?.displayName, 'Race');
    });

    it('refuses an unknown column before importing anything', async () => {
      await assert.rejects(run('userPrincipalName,displayName,shoeSize\nshoe@contoso.com,Shoe,44\n'), /Unknown column 'shoeSize'/);
      assert.equal(await exists('shoe@contoso.com'), false);
    });

    it('lets the caller refuse a file by what it asks for, before anything is written', async () => {
      const asked: unknown[] = [];
      await assert.rejects(run('userPrincipalName,displayName,groups,licenses\nauth@contoso.com,A,Sales,\n', false, {
        authorize: (needs) => { asked.push(needs); throw new StewardError('forbidden', 'no'); },
      }), /no/);
      assert.deepEqual(asked, [{ groups: true, licenses: false }]);
      assert.equal(await exists('auth@contoso.com'), false);
    });

    it('imports 1,000 rows', async () => {
      const lines = ['userPrincipalName,displayName,department,groups,licenses'];
      for (let i = 0; i < 1000; i++) lines.push(`bulk${i}@contoso.com,Bulk ${i},D${i % 7},${i % 2 === 0 ? 'Engineering' : ''},${i % 3 === 0 ? 'STEWARD_DEVICE_MANAGEMENT' : ''}`);
      const licensed = await core.users.countLicensed(stewardSku.skuId);
      let last = 0;
      const report: ImportReport = await run(lines.join('\n'), false, { onProgress: (done) => { assert.ok(done >= last); last = done; } });
      assert.deepEqual(report, { total: 1000, imported: 1000, failed: [], atomic: false });
      assert.equal(last, 1000);
      assert.equal(await exists('bulk999@contoso.com'), true);
      assert.deepEqual(await groupNames('bulk998@contoso.com'), ['Engineering']);
      assert.deepEqual(await groupNames('bulk999@contoso.com'), []);
      assert.equal(await core.users.countLicensed(stewardSku.skuId), licensed + 334);
    });
  });
}
