// The claim table of actions for noncompliance on real SQLite and PostgreSQL: one winner among
// concurrent claimers, a stale claim taken over only after the lease, a finish only by the
// claim's owner, due() leaving done runs and fresh claims out, and pruning of ended episodes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { testDialects } from './testing.js';
import type { Database } from './database.js';
import { storePorts } from './ports.js';
import type { CompliancePolicy } from '../core/compliance/policy.js';
import type { ActionRun } from '../core/compliance/action-ports.js';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const MIN = 60_000;

for (const dialect of testDialects()) {
  describe(`compliance action runs on ${dialect.name}`, () => {
    let database: Database;
    let ports: ReturnType<typeof storePorts>;
    const policy: CompliancePolicy = {
      id: randomUUID(), type: 'iosCompliancePolicy', displayName: 'p', description: null, createdDateTime: T0.toISOString(), lastModifiedDateTime: T0.toISOString(),
      version: 1, roleScopeTagIds: ['0'], settings: {}, scheduledActionsForRule: [], assignments: [],
    };
    before(async () => {
      database = await dialect.open();
      ports = storePorts(database);
      await ports.compliancePolicies.create(policy);
    });
    after(async () => { await database.close(); });

    const state = (deviceId: string, since: string | null) => ({
      deviceId, policyId: policy.id, status: since ? 'nonCompliant' as const : 'compliant' as const, settingStates: [], settingStatesJson: '[]', replaces: false, policyVersion: 1,
      noncompliantSince: since, graceExpiresAt: since, evaluatedAt: T0.toISOString(), deviceName: null, deviceModel: null, userName: null, userPrincipalName: null,
    });

    it('claims once among concurrent claimers, takes over only stale claims, and lets only the owner finish', async () => {
      const run: ActionRun = { deviceId: 'd1', policyId: policy.id, actionKey: '0.0:notification', episode: T0.toISOString(), actionType: 'notification' };
      const stale = new Date(T0.getTime() - 15 * MIN);
      const results = await Promise.all(['a', 'b', 'c', 'd'].map((token) => ports.complianceActions.claim([run], token, T0, stale)));
      assert.equal(results.filter((r) => r.length === 1).length, 1, 'exactly one claimer wins');
      const later = new Date(T0.getTime() + 5 * MIN);
      assert.deepEqual(await ports.complianceActions.claim([run], 'e', later, new Date(later.getTime() - 15 * MIN)), [], 'a fresh claim is left alone');
      const muchLater = new Date(T0.getTime() + 20 * MIN);
      const takers = await Promise.all(['f', 'g'].map((token) => ports.complianceActions.claim([run], token, muchLater, new Date(muchLater.getTime() - 15 * MIN))));
      assert.equal(takers.filter((r) => r.length === 1).length, 1, 'one replica takes a stale claim over');
      const owner = takers[0]!.length === 1 ? 'f' : 'g';
      const loser = owner === 'f' ? 'g' : 'f';
      await ports.complianceActions.finish([{ ...run, state: 'failed', detail: 'not mine' }], loser, muchLater);
      assert.equal((await ports.complianceActions.forDevice('d1'))[0]?.state, 'claimed');
      await ports.complianceActions.finish([{ ...run, state: 'done', detail: 'E-mailed.' }], owner, muchLater);
      assert.deepEqual((await ports.complianceActions.forDevice('d1')).map((r) => [r.state, r.detail]), [['done', 'E-mailed.']]);
    });

    it('finds due devices without a run for the episode, and prunes runs of ended episodes', async () => {
      const since = T0.toISOString();
      await ports.complianceStates.write({ upserts: [state('e1', since), state('e2', since), state('e3', new Date(T0.getTime() + 60 * MIN).toISOString())], removals: [], overall: new Map() });
      const due = (key: string) => ports.complianceActions.due({ policyId: policy.id, actionKey: key, begunBy: new Date(T0.getTime() + 30 * MIN).toISOString(), staleBefore: T0.toISOString(), limit: 10 });
      assert.deepEqual((await due('0.1:remoteLock')).map((c) => c.deviceId), ['e1', 'e2'], 'e3 began too late');
      const [won] = await ports.complianceActions.claim([{ deviceId: 'e1', policyId: policy.id, actionKey: '0.1:remoteLock', episode: since, actionType: 'remoteLock' }], 't', T0, new Date(T0.getTime() - 15 * MIN));
      assert.ok(won);
      await ports.complianceActions.finish([{ ...won, state: 'done', detail: 'ok' }], 't', T0);
      assert.deepEqual((await due('0.1:remoteLock')).map((c) => c.deviceId), ['e2'], 'done for e1');
      assert.deepEqual((await due('0.2:retire')).map((c) => c.deviceId), ['e1', 'e2'], 'another action is its own run');
      assert.equal(await ports.complianceActions.pruneEnded(new Date(T0.getTime() - 15 * MIN)), 1, 'only d1 (the first test\'s, with no state at all) goes; e1\'s episode goes on');
      assert.equal((await ports.complianceActions.forDevice('e1')).length, 1);
      await ports.complianceStates.write({ upserts: [state('e1', null)], removals: [], overall: new Map() });
      assert.equal(await ports.complianceActions.pruneEnded(new Date(T0.getTime() - 15 * MIN)), 1, 'e1 became compliant: its run goes');
      assert.deepEqual(await ports.complianceActions.forDevice('e1'), []);
    });
  });
}
