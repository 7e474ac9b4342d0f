// ComplianceActionStore (core/compliance/action-ports.ts) on compliance_action_runs
// (migrations/0019-compliance-actions.ts), on SQLite and PostgreSQL. A claim is an INSERT … ON
// CONFLICT DO NOTHING RETURNING, or an UPDATE of a stale claim that re-checks its age: either way
// one statement decides, so two replicas never both win a run.
import type { Kysely } from 'kysely';
import type { ActionRunState, ComplianceActionStore } from '../core/compliance/action-ports.js';
import type { ComplianceActionType } from '../core/compliance/policy.js';
import type { Schema } from './schema.js';
import { addTo, chunks } from './batches.js';

/** Rows per statement: 10 columns each, far below SQLite's bound-parameter limit. */
const ROWS = 200;

const keyOf = (r: { deviceId: string; policyId: string; actionKey: string; episode: string }) => `${r.deviceId}\u0000${r.policyId}\u0000${r.actionKey}\u0000${r.episode}`;

export function complianceActionStore(db: Kysely<Schema>): ComplianceActionStore {
  return {
    async due(input) {
      let q = db.selectFrom('device_compliance_states as s')
        .select(['s.device_id', 's.policy_id', 's.noncompliant_since'])
        .where('s.policy_id', '=', input.policyId)
        .where('s.status', '=', 'nonCompliant')
        .where('s.noncompliant_since', '<=', input.begunBy)
        .where((eb) => eb.not(eb.exists(
          eb.selectFrom('compliance_action_runs as r').select('r.device_id')
            .whereRef('r.device_id', '=', 's.device_id').whereRef('r.policy_id', '=', 's.policy_id').whereRef('r.episode', '=', 's.noncompliant_since')
            .where('r.action_key', '=', input.actionKey)
            .where((eb) => eb.or([eb('r.state', '<>', 'claimed'), eb('r.claimed_at', '>=', input.staleBefore)])),
        )))
        .orderBy('s.device_id')
        .limit(input.limit);
      if (input.afterDeviceId !== undefined) q = q.where('s.device_id', '>', input.afterDeviceId);
      if (input.deviceIds) q = q.where('s.device_id', 'in', input.deviceIds.length > 0 ? [...input.deviceIds] : ['']);
      const rows = await q.execute();
      return rows.flatMap((r) => (r.noncompliant_since === null ? [] : [{ deviceId: r.device_id, policyId: r.policy_id, episode: r.noncompliant_since }]));
    },

    async claim(runs, token, now, staleBefore) {
      const at = now.toISOString();
      const won = new Set<string>();
      for (const part of chunks(runs, ROWS)) {
        const inserted = await db.insertInto('compliance_action_runs')
          .values(part.map((r) => ({
            device_id: r.deviceId, policy_id: r.policyId, action_key: r.actionKey, episode: r.episode, action_type: r.actionType,
            state: 'claimed', claimed_at: at, claim_token: token, finished_at: null, detail: null,
          })))
          .onConflict((oc) => oc.columns(['device_id', 'policy_id', 'action_key', 'episode']).doNothing())
          .returning(['device_id', 'policy_id', 'action_key', 'episode'])
          .execute();
        for (const r of inserted) won.add(keyOf({ deviceId: r.device_id, policyId: r.policy_id, actionKey: r.action_key, episode: r.episode }));
        const rest = part.filter((r) => !won.has(keyOf(r)));
        if (rest.length === 0) continue;
        // Claims a stopped replica left behind: the age is checked again by the UPDATE itself, so
        // of two replicas taking one over, the second finds it fresh and leaves it.
        for (const byKey of groupBy(rest, (r) => `${r.policyId}\u0000${r.actionKey}`)) {
          const first = byKey[0];
          if (!first) continue;
          const taken = await db.updateTable('compliance_action_runs')
            .set({ claimed_at: at, claim_token: token })
            .where('policy_id', '=', first.policyId).where('action_key', '=', first.actionKey)
            .where((eb) => eb(eb.refTuple('device_id', 'episode'), 'in', byKey.map((r) => eb.tuple(r.deviceId, r.episode))))
            .where('state', '=', 'claimed').where('claimed_at', '<', staleBefore.toISOString())
            .returning(['device_id', 'policy_id', 'action_key', 'episode'])
            .execute();
          const wanted = new Set(byKey.map(keyOf));
          for (const r of taken) {
            const k = keyOf({ deviceId: r.device_id, policyId: r.policy_id, actionKey: r.action_key, episode: r.episode });
            if (wanted.has(k)) won.add(k);
          }
        }
      }
      return runs.filter((r) => won.has(keyOf(r)));
    },

    async finish(results, token, now) {
      const at = now.toISOString();
      await db.transaction().execute(async (tx) => {
        for (const r of results) {
          await tx.updateTable('compliance_action_runs')
            .set({ state: r.state, finished_at: at, detail: r.detail.slice(0, 2000) })
            .where('device_id', '=', r.deviceId).where('policy_id', '=', r.policyId).where('action_key', '=', r.actionKey).where('episode', '=', r.episode)
            .where('claim_token', '=', token)
            .execute();
        }
      });
    },

    async pruneEnded(staleBefore) {
      const r = await db.deleteFrom('compliance_action_runs')
        .where((eb) => eb.or([eb('state', '<>', 'claimed'), eb('claimed_at', '<', staleBefore.toISOString())]))
        .where((eb) => eb.not(eb.exists(
          eb.selectFrom('device_compliance_states').select('device_compliance_states.device_id')
            .whereRef('device_compliance_states.device_id', '=', 'compliance_action_runs.device_id')
            .whereRef('device_compliance_states.policy_id', '=', 'compliance_action_runs.policy_id')
            .whereRef('device_compliance_states.noncompliant_since', '=', 'compliance_action_runs.episode'),
        )))
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },

    async forDevice(deviceId) {
      const rows = await db.selectFrom('compliance_action_runs').selectAll().where('device_id', '=', deviceId)
        .orderBy('claimed_at').orderBy('action_key').execute();
      return rows.map((r) => ({
        deviceId: r.device_id, policyId: r.policy_id, actionKey: r.action_key, episode: r.episode, actionType: r.action_type as ComplianceActionType,
        state: r.state as ActionRunState, claimedAt: r.claimed_at, finishedAt: r.finished_at, detail: r.detail,
      }));
    },
  };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): T[][] {
  const m = new Map<string, T[]>();
  for (const i of items) addTo(m, key(i), i);
  return [...m.values()];
}

