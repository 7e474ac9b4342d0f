import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Principal, ResourceOperation } from '../auth/principal.js';
import type { NewAuditEvent } from './audit-event.js';
import { actorOf, changeEvent, diffProperties, MASKED, MAX_VALUE_LENGTH, otherActor, recordChange } from './record-change.js';

const at = new Date('2026-03-04T05:06:07.089Z');
const grants = (ops: string[]) => [{ allowed: new Set(ops as ResourceOperation[]), scope: { kind: 'all' } as const }];
const admin: Principal = { kind: 'user', id: 'u1', displayName: 'Ann', name: 'ann@contoso.com', grants: grants(['Microsoft.Intune_Audit_Read', 'Microsoft.Intune_ManagedDevices_Read']) };

describe('diffProperties', () => {
  it('lists changed properties with JSON text values, absent and null alike as no value', () => {
    assert.deepEqual(diffProperties(
      { displayName: 'Ann', department: 'Sales', jobTitle: null, tags: ['a'], same: { x: 1, y: 2 } },
      { displayName: 'Ann B', department: null, jobTitle: undefined, tags: ['a', 'b'], same: { y: 2, x: 1 }, city: 'Oslo' },
    ), [
      { displayName: 'displayName', oldValue: '"Ann"', newValue: '"Ann B"' },
      { displayName: 'department', oldValue: '"Sales"', newValue: null },
      { displayName: 'tags', oldValue: '["a"]', newValue: '["a","b"]' },
      { displayName: 'city', oldValue: null, newValue: '"Oslo"' },
    ]);
  });

  it('lists every valued property of a created or deleted resource', () => {
    assert.deepEqual(diffProperties(undefined, { id: 'g1', n: 3, on: false, none: null, when: new Date(0) }), [
      { displayName: 'id', oldValue: null, newValue: '"g1"' },
      { displayName: 'n', oldValue: null, newValue: '3' },
      { displayName: 'on', oldValue: null, newValue: 'false' },
      { displayName: 'when', oldValue: null, newValue: '"1970-01-01T00:00:00.000Z"' },
    ]);
    assert.deepEqual(diffProperties({ id: 'g1' }, undefined), [{ displayName: 'id', oldValue: '"g1"', newValue: null }]);
    assert.deepEqual(diffProperties(undefined, undefined), []);
  });

  it('masks secret-named properties on both sides, and secrets nested in other values', () => {
    const changed = diffProperties(
      { password: 'old-Secret1', displayName: 'x', wifi: { ssid: 'corp', preSharedKey: 'hunter2' }, clientSecret: 's1' },
      { password: 'new-Secret2', displayName: 'x', wifi: { ssid: 'corp', preSharedKey: 'hunter3' }, clientSecret: 's1', passwordProfile: { forceChangePasswordNextSignIn: true, password: 'P@ss' } },
    );
    assert.deepEqual(changed, [
      { displayName: 'password', oldValue: MASKED, newValue: MASKED },
      { displayName: 'wifi', oldValue: '{"preSharedKey":"********","ssid":"corp"}', newValue: '{"preSharedKey":"********","ssid":"corp"}' },
      { displayName: 'passwordProfile', oldValue: MASKED, newValue: MASKED },
    ]);
    const text = JSON.stringify(changed);
    for (const secret of ['old-Secret1', 'new-Secret2', 'hunter2', 'hunter3', 's1', 'P@ss']) assert.ok(!text.includes(secret), secret);
    // Names the shared rule misses but MDM resources use.
    assert.deepEqual(diffProperties({}, { personalRecoveryKey: 'k', activationLockBypassCode: 'c', preSharedKey: 'p' }).map((p) => p.newValue), [MASKED, MASKED, MASKED]);
    // An unchanged secret is not mentioned at all.
    assert.deepEqual(diffProperties({ token: 'a' }, { token: 'a' }), []);
  });

  it('cuts very long values and describes binary ones', () => {
    const [long] = diffProperties({}, { script: 'x'.repeat(MAX_VALUE_LENGTH * 2) });
    assert.equal(long!.newValue!.length, MAX_VALUE_LENGTH + `…[${MAX_VALUE_LENGTH + 2} more characters]`.length);
    assert.deepEqual(diffProperties({}, { blob: new Uint8Array(3) }), [{ displayName: 'blob', oldValue: null, newValue: '"[3 bytes]"' }]);
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let i = 0; i < 40; i++) { const next = {}; at.x = next; at = next; }
    assert.match(diffProperties({}, { deep })[0]!.newValue!, /\[too deep\]/);
  });
});

describe('changeEvent', () => {
  it('builds a Graph auditEvent from a change', () => {
    const event = changeEvent({
      actor: actorOf(admin, { ipAddress: '203.0.113.9' }),
      activity: 'Update user',
      category: 'User',
      operation: 'Patch',
      correlationId: '11111111-2222-4333-8444-555555555555',
      resource: { type: 'User', id: 'u9', displayName: 'bo@contoso.com', before: { city: 'Oslo', password: 'a' }, after: { city: 'Bergen', password: 'b' } },
      at,
    });
    assert.deepEqual(event, {
      displayName: 'Update user',
      componentName: 'User',
      actor: {
        auditActorType: 'ItPro', userPermissions: ['Microsoft.Intune_Audit_Read', 'Microsoft.Intune_ManagedDevices_Read'],
        applicationId: null, applicationDisplayName: null, userPrincipalName: 'ann@contoso.com', servicePrincipalName: null,
        ipAddress: '203.0.113.9', userId: 'u1',
      },
      activity: 'Update user',
      activityDateTime: '2026-03-04T05:06:07.089Z',
      activityType: 'Patch User',
      activityOperationType: 'Patch',
      activityResult: 'Success',
      correlationId: '11111111-2222-4333-8444-555555555555',
      resources: [{
        displayName: 'bo@contoso.com', auditResourceType: 'User', resourceId: 'u9', modifiedProperties: [
          { displayName: 'city', oldValue: '"Oslo"', newValue: '"Bergen"' },
          { displayName: 'password', oldValue: MASKED, newValue: MASKED },
        ],
      }],
      category: 'User',
    } satisfies NewAuditEvent);
  });

  it('records refusals and actions without resources', () => {
    const event = changeEvent({
      actor: otherActor('System', { applicationDisplayName: 'compliance sweep' }), activity: 'Read audit log', category: 'Other',
      operation: 'Get', result: 'Failure', correlationId: 'c', at, componentName: 'Authorization', activityType: 'Refused Microsoft.Intune_Audit_Read',
    });
    assert.equal(event.activityResult, 'Failure');
    assert.equal(event.activityType, 'Refused Microsoft.Intune_Audit_Read');
    assert.equal(event.componentName, 'Authorization');
    assert.deepEqual(event.resources, []);
    assert.equal(event.actor.auditActorType, 'System');
    assert.equal(changeEvent({ actor: event.actor, activity: 'x', category: 'Other', operation: 'Action', correlationId: 'c', at }).activityType, 'Action');
  });

  it('names the actor by the kind of principal', () => {
    const client: Principal = { kind: 'apiClient', id: 'sp1', displayName: 'Inventory sync', name: 'client-123', grants: [...grants(['Microsoft.Intune_B_Read']), ...grants(['Microsoft.Intune_A_Read', 'Microsoft.Intune_B_Read'])] };
    assert.deepEqual(actorOf(client), {
      auditActorType: 'Application', userPermissions: ['Microsoft.Intune_A_Read', 'Microsoft.Intune_B_Read'], applicationId: 'client-123',
      applicationDisplayName: 'Inventory sync', userPrincipalName: null, servicePrincipalName: null, ipAddress: null, userId: null,
    });
    assert.equal(actorOf({ kind: 'cli', id: 'root', displayName: 'steward CLI', name: 'root', grants: [] }).auditActorType, 'System');
  });

  it('records through the log with the clock’s time', async () => {
    const recorded: NewAuditEvent[] = [];
    const audit = { record: async (e: NewAuditEvent) => { recorded.push(e); }, list: () => Promise.reject(new Error('unused')), get: () => Promise.resolve(undefined), activityTypes: () => Promise.resolve([]) };
    await recordChange({ audit, clock: { now: () => at } }, { actor: actorOf(admin), activity: 'Remote lock', category: 'Device', operation: 'Action', correlationId: 'c', resource: { type: 'ManagedDevice', id: 'd1' } });
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0]!.activityDateTime, at.toISOString());
    assert.equal(recorded[0]!.activityType, 'Action ManagedDevice');
    assert.deepEqual(recorded[0]!.resources[0], { displayName: null, auditResourceType: 'ManagedDevice', resourceId: 'd1', modifiedProperties: [] });
  });
});
