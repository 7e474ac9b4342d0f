import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StewardError } from '../errors.js';
import { getAuditActivityTypes, getAuditCategories, getAuditEvent, parseAuditQuery } from './list-audit-events.js';
import type { AuditLog } from './ports.js';

function rejects(options: Record<string, string>, target: string, message: RegExp) {
  assert.throws(() => parseAuditQuery(options), (err: unknown) => {
    assert.ok(err instanceof StewardError, String(err));
    assert.equal(err.code, 'invalid-input');
    assert.equal(err.target, target);
    assert.match(err.message, message);
    return true;
  });
}

describe('parseAuditQuery', () => {
  it('orders newest first by default, ties by recording order', () => {
    assert.deepEqual(parseAuditQuery({}).orderBy, [{ property: 'activityDateTime', direction: 'desc' }, { property: 'seq', direction: 'desc' }]);
    assert.deepEqual(parseAuditQuery({ $orderby: 'category, activityDateTime' }).orderBy, [
      { property: 'category', direction: 'asc' }, { property: 'activityDateTime', direction: 'asc' }, { property: 'seq', direction: 'asc' },
    ]);
    assert.deepEqual(parseAuditQuery({ orderby: 'actor/userPrincipalName desc' }).orderBy, [
      { property: 'actor_userPrincipalName', direction: 'desc' }, { property: 'seq', direction: 'desc' },
    ]);
  });

  it('filters on actor paths as Graph admins write them', () => {
    assert.deepEqual(parseAuditQuery({ $filter: "actor/userPrincipalName eq 'ann@contoso.com' and category eq 'Device'" }).filter, {
      kind: 'and', operands: [
        { kind: 'compare', property: 'actor_userPrincipalName', op: 'eq', value: 'ann@contoso.com' },
        { kind: 'compare', property: 'category', op: 'eq', value: 'Device' },
      ],
    });
    assert.deepEqual(parseAuditQuery({ $FILTER: 'activityDateTime ge 2026-01-01T00:00:00Z' }).filter,
      { kind: 'compare', property: 'activityDateTime', op: 'ge', value: '2026-01-01T00:00:00.000Z' });
  });

  it('answers mistakes in the client’s spelling', () => {
    rejects({ $filter: "actor/nosuch eq 'x'" }, '$filter', /unknown property 'actor\/nosuch' at position 0; auditEvent has id, .*actor\/userPrincipalName/);
    rejects({ $filter: "actor/userPrincipalName eq 5" }, '$filter', /actor\/userPrincipalName is a string/);
    rejects({ $filter: "actor eq 'x'" }, '$filter', /property 'actor' at position 0 cannot be used in \$filter/);
    // resources/any(r: r/resourceId eq 'x') is supported (audit-schema.ts); other lambdas are not.
    rejects({ $filter: "resources/any(r: r/resourceId ne 'x')" }, '$filter', /resources can be filtered only as resources\/any/);
    rejects({ $orderby: 'resources' }, '$orderby', /cannot be sorted/);
    rejects({ $orderby: 'seq' }, '$orderby', /cannot be sorted/);
    rejects({ $search: 'x' }, '$search', /not supported on auditEvents/);
    rejects({ $select: 'seq' }, '$select', /unknown property 'seq'/);
  });

  it('selects the actor for an actor path', () => {
    assert.deepEqual(parseAuditQuery({ $select: 'id,actor/userPrincipalName,actor/userId,category' }).select, ['id', 'actor', 'category']);
    assert.equal(parseAuditQuery({ $select: '*' }).select, undefined);
  });
});

describe('the read use cases', () => {
  const audit: AuditLog = {
    record: () => Promise.resolve(), list: () => Promise.reject(new Error('unused')),
    get: () => Promise.resolve(undefined), activityTypes: (c) => Promise.resolve([`Create ${c}`]),
  };

  it('404s an event that does not exist', async () => {
    await assert.rejects(getAuditEvent({ audit }, { id: 'x' }), (err: unknown) => err instanceof StewardError && err.code === 'not-found');
  });

  it('answers the Graph functions', async () => {
    assert.ok(getAuditCategories().includes('Device'));
    assert.deepEqual(await getAuditActivityTypes({ audit }, { category: 'User' }), ['Create User']);
    await assert.rejects(getAuditActivityTypes({ audit }, { category: 'x'.repeat(201) }), /not a valid audit category/);
  });
});
