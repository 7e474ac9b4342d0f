import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { AuditEvent, NewAuditEvent } from '../core/audit/audit-event.js';
import { parseAuditQuery } from '../core/audit/list-audit-events.js';
import { changeEvent } from '../core/audit/record-change.js';
import type { AuditLog } from '../core/audit/ports.js';
import type { Database } from './database.js';
import { auditLog } from './audit-log.js';
import { testDialects } from './testing.js';

const people = ['ann@contoso.com', 'bob@contoso.com', 'cy@contoso.com'];
const categories = ['User', 'Group', 'Device'] as const;

function anEvent(i: number): NewAuditEvent {
  const category = categories[i % 3]!;
  return changeEvent({
    actor: {
      auditActorType: 'ItPro', userPermissions: ['Microsoft.Intune_Audit_Read'], applicationId: null, applicationDisplayName: null,
      userPrincipalName: people[i % people.length]!, servicePrincipalName: null, ipAddress: '192.0.2.1', userId: `u${i % 3}`,
    },
    activity: `Update ${category.toLowerCase()}`,
    category,
    operation: i % 4 === 0 ? 'Create' : 'Patch',
    correlationId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    resource: { type: category, id: `r${i}`, displayName: `thing ${i}`, before: { n: i - 1 }, after: { n: i } },
    // Two events per minute, so that some share a timestamp.
    at: new Date(Date.UTC(2026, 0, 1, 0, Math.floor(i / 2))),
  });
}

for (const dialect of testDialects()) {
  describe(`AuditLog on ${dialect.name}`, () => {
    let database: Database;
    let log: AuditLog;
    const count = 120;
    before(async () => {
      database = await dialect.open();
      log = auditLog(database.db, database.dialect);
      await log.recordMany!(Array.from({ length: count }, (_, i) => anEvent(i)));
    });
    after(async () => { await database.close(); });

    const list = async (options: Record<string, string>) => log.list(parseAuditQuery(options));
    const all = async (options: Record<string, string>) => {
      const seen: AuditEvent[] = [];
      let token: string | undefined;
      do {
        const page = await list({ ...options, ...(token ? { $skiptoken: token } : {}) });
        seen.push(...page.items);
        token = page.nextSkipToken;
      } while (token);
      return seen;
    };

    it('lists newest first, ties in reverse recording order, and pages through every event once', async () => {
      const seen = await all({ $top: '7' });
      assert.equal(seen.length, count);
      assert.deepEqual(seen.map((e) => e.resources[0]!.resourceId), Array.from({ length: count }, (_, i) => `r${count - 1 - i}`));
      const ascending = await all({ $top: '50', $orderby: 'activityDateTime' });
      assert.deepEqual(ascending.map((e) => e.resources[0]!.resourceId), Array.from({ length: count }, (_, i) => `r${i}`));
    });

    it('reads back what was recorded', async () => {
      const [first] = (await list({ $top: '1', $filter: "correlationId eq '00000000-0000-4000-8000-000000000004'" })).items;
      assert.ok(first);
      const again = await log.get(first.id);
      assert.deepEqual(again, first);
      assert.deepEqual({ ...first, id: 'x' }, { ...anEvent(4), id: 'x' });
      assert.equal(await log.get('no-such-id'), undefined);
    });

    it('filters by date range, category and actor, and counts', async () => {
      const window = await all({ $filter: 'activityDateTime ge 2026-01-01T00:10:00Z and activityDateTime lt 2026-01-01T00:20:00Z' });
      assert.deepEqual(window.map((e) => e.resources[0]!.resourceId).sort(), Array.from({ length: 20 }, (_, i) => `r${20 + i}`).sort());
      const page = await list({ $filter: "category eq 'Group' and actor/userPrincipalName eq 'bob@contoso.com'", $count: 'true', $top: '999' });
      const expected = Array.from({ length: count }, (_, i) => i).filter((i) => i % 3 === 1);
      assert.equal(page.count, expected.length);
      assert.deepEqual(page.items.map((e) => e.resources[0]!.resourceId).sort(), expected.map((i) => `r${i}`).sort());
      for (const e of page.items) assert.equal(e.actor.userPrincipalName, 'bob@contoso.com');
      const creates = await all({ $filter: "activityOperationType eq 'Create' and startswith(activityType,'Create ')" });
      assert.equal(creates.length, count / 4);
      const byUser = await all({ $filter: "actor/userId in ('u0') and actor/auditActorType eq 'ItPro'" });
      assert.equal(byUser.length, count / 3);
    });

    it('knows the activity types recorded per category', async () => {
      assert.deepEqual(await log.activityTypes('Device'), ['Create Device', 'Patch Device']);
      assert.deepEqual(await log.activityTypes('Nothing'), []);
    });

    it('assigns ids, and an INSERT of many events is all or nothing', async () => {
      const before = (await list({ $count: 'true', $top: '1' })).count;
      const a = anEvent(1000);
      await log.record(a);
      const dup = { ...anEvent(1001), id: 'fixed-id' };
      await log.record(dup);
      await assert.rejects(log.recordMany!([anEvent(1002), { ...anEvent(1003), id: 'fixed-id' }]));
      assert.equal((await list({ $count: 'true', $top: '1' })).count, before! + 2);
      assert.equal((await log.get('fixed-id'))?.correlationId, dup.correlationId);
    });

    it('refuses UPDATE and DELETE in the database itself', async () => {
      const db = database.db;
      await assert.rejects(sql`update audit_events set activity = 'rewritten'`.execute(db), /append-only/);
      await assert.rejects(sql`delete from audit_events where category = 'User'`.execute(db), /append-only/);
      await assert.rejects(db.updateTable('audit_events').set({ actor_user_principal_name: 'someone-else' }).where('seq', '=', 1).execute(), /append-only/);
      await assert.rejects(db.deleteFrom('audit_events').execute(), /append-only/);
      if (database.dialect === 'postgres') await assert.rejects(sql`truncate audit_events`.execute(db), /append-only/);
      const untouched = await sql<{ n: number }>`select count(*) as n from audit_events where activity = 'rewritten' or actor_user_principal_name = 'someone-else'`.execute(db);
      assert.equal(Number(untouched.rows[0]?.n), 0);
      assert.equal((await list({ $count: 'true', $top: '1', $filter: "category eq 'User'" })).count! > 0, true);
    });
  });
}
