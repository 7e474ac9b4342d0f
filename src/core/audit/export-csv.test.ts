import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import type { Database } from '../../store/database.js';
import { auditLog } from '../../store/audit-log.js';
import { testDialects } from '../../store/testing.js';
import type { AuditLog } from './ports.js';
import { csvCell, csvColumns, csvLine, exportAuditEventsCsv } from './export-csv.js';
import { changeEvent, otherActor } from './record-change.js';

describe('csvCell', () => {
  it('quotes per RFC 4180 only where needed', () => {
    assert.equal(csvCell('plain text'), 'plain text');
    assert.equal(csvCell(null), '');
    assert.equal(csvCell(''), '');
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('two\nlines'), '"two\nlines"');
    assert.equal(csvCell('cr\rhere'), '"cr\rhere"');
    assert.equal(csvLine(['a', null, 'b,c']), 'a,,"b,c"\r\n');
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    assert.equal(csvCell('=HYPERLINK("http://evil.example","x")'), `"'=HYPERLINK(""http://evil.example"",""x"")"`);
    assert.equal(csvCell('+1+2'), "'+1+2");
    assert.equal(csvCell('-2+3+cmd|\' /C calc\'!A0'), "'-2+3+cmd|' /C calc'!A0");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell('\t=1'), "'\t=1");
    assert.equal(csvCell('\r=1'), `"'\r=1"`);
    assert.equal(csvCell('a=1'), 'a=1');
  });
});

for (const dialect of testDialects()) {
  describe(`exportAuditEventsCsv on ${dialect.name}`, () => {
    let database: Database;
    let store: AuditLog;
    before(async () => {
      database = await dialect.open();
      store = auditLog(database.db, database.dialect);
      await store.recordMany!(Array.from({ length: 25 }, (_, i) => changeEvent({
        actor: otherActor('EndUser', { userPrincipalName: i === 3 ? '=cmd|"/C calc"!A0' : `user${i}@contoso.com` }),
        activity: i % 2 ? 'Retire device' : 'Sync device, now',
        category: 'Device',
        operation: 'Action',
        correlationId: `c${i}`,
        resource: { type: 'ManagedDevice', id: `d${i}`, displayName: `iPhone "${i}"`, before: { notes: null }, after: { notes: `line 1\nline ${i}` } },
        at: new Date(Date.UTC(2026, 1, 1, 0, 0, i)),
      })));
    });
    after(async () => { await database.close(); });

    it('streams every matching event, one page at a time', async () => {
      let reads = 0;
      const counting: AuditLog = { ...store, list: (q) => { reads++; return store.list(q); } };
      const chunks = await exportAuditEventsCsv({ audit: counting }, { queryOptions: { $filter: "category eq 'Device'" }, pageSize: 4 });
      assert.equal(reads, 1, 'the first page is read before the download starts');
      const iterator = chunks[Symbol.asyncIterator]();
      const header = await iterator.next();
      assert.equal(header.value, `${csvColumns.map((c) => c.header).join(',')}\r\n`);
      const firstPage = await iterator.next();
      assert.equal(reads, 1, 'later pages are read only as the consumer pulls');
      let text = `${header.value}${firstPage.value}`;
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) text += r.value;
      assert.equal(reads, 7);

      const rows = parse<Record<string, string>>(text, { columns: true });
      assert.equal(rows.length, 25);
      assert.deepEqual(rows.map((r) => r.correlationId), Array.from({ length: 25 }, (_, i) => `c${24 - i}`));
      const hostile = rows.find((r) => r.correlationId === 'c3')!;
      assert.equal(hostile['actor/userPrincipalName'], `'=cmd|"/C calc"!A0`);
      const resources = JSON.parse(rows[0]!.resources!) as { displayName: string; modifiedProperties: { newValue: string }[] }[];
      assert.equal(resources[0]!.displayName, 'iPhone "24"');
      assert.equal(resources[0]!.modifiedProperties[0]!.newValue, '"line 1\\nline 24"');
      assert.equal(rows[1]!.activity, 'Retire device');
      assert.equal(rows[0]!.activity, 'Sync device, now');
    });

    it('applies $filter and $orderby and refuses paging options', async () => {
      const chunks = await exportAuditEventsCsv({ audit: store }, { queryOptions: { $filter: 'activityDateTime lt 2026-02-01T00:00:03Z', $orderby: 'activityDateTime' } });
      let text = '';
      for await (const c of chunks) text += c;
      assert.deepEqual(parse<Record<string, string>>(text, { columns: true }).map((r) => r.correlationId), ['c0', 'c1', 'c2']);
      for (const option of ['$top', '$skiptoken', 'count', '$select', '$search', '$bogus']) {
        await assert.rejects(exportAuditEventsCsv({ audit: store }, { queryOptions: { [option]: '1' } }), new RegExp(`not supported by the export`));
      }
      await assert.rejects(exportAuditEventsCsv({ audit: store }, { queryOptions: { $filter: "nosuch eq 'x'" } }), /unknown property 'nosuch'/);
    });
  });
}
