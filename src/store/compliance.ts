// CompliancePolicyStore and ComplianceStateStore (core/compliance/ports.ts) on the tables of
// migrations/0015-compliance.ts, on SQLite and PostgreSQL.
import type { Kysely, Selectable } from 'kysely';
import type { ComplianceState } from '../core/devices/managed-device.js';
import type { CompliancePolicy, CompliancePolicyType, PolicyAssignment } from '../core/compliance/policy.js';
import type { CompliancePolicyStore, ComplianceStateStore, DevicePolicyState } from '../core/compliance/ports.js';
import type { PolicyComplianceStatus } from '../core/compliance/setting-result.js';
import type { Schema } from './schema.js';
import type { CompliancePoliciesTable, DeviceComplianceStatesTable } from './schema-compliance.js';

/** Ids per statement, far below SQLite's bound-parameter limit. */
const BATCH = 400;
/** State rows per insert: 13 columns each. */
const ROWS = 200;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function toPolicy(r: Selectable<CompliancePoliciesTable>, assignments: PolicyAssignment[]): CompliancePolicy {
  return {
    id: r.id,
    type: r.odata_type as CompliancePolicyType,
    displayName: r.display_name,
    description: r.description,
    createdDateTime: r.created_date_time,
    lastModifiedDateTime: r.last_modified_date_time,
    version: Number(r.version),
    roleScopeTagIds: JSON.parse(r.role_scope_tag_ids) as string[],
    settings: JSON.parse(r.settings) as Record<string, unknown>,
    scheduledActionsForRule: JSON.parse(r.scheduled_actions) as CompliancePolicy['scheduledActionsForRule'],
    assignments,
  };
}

function policyColumns(p: CompliancePolicy) {
  return {
    odata_type: p.type,
    display_name: p.displayName,
    description: p.description,
    created_date_time: p.createdDateTime,
    last_modified_date_time: p.lastModifiedDateTime,
    version: p.version,
    role_scope_tag_ids: JSON.stringify(p.roleScopeTagIds),
    settings: JSON.stringify(p.settings),
    scheduled_actions: JSON.stringify(p.scheduledActionsForRule),
  };
}

function toState(r: Selectable<DeviceComplianceStatesTable>): DevicePolicyState {
  return {
    deviceId: r.device_id,
    policyId: r.policy_id,
    status: r.status as PolicyComplianceStatus,
    settingStates: JSON.parse(r.setting_states) as DevicePolicyState['settingStates'],
    policyVersion: Number(r.policy_version),
    noncompliantSince: r.noncompliant_since,
    graceExpiresAt: r.grace_expires_at,
    evaluatedAt: r.evaluated_at,
    deviceName: r.device_name,
    deviceModel: r.device_model,
    userName: r.user_name,
    userPrincipalName: r.user_principal_name,
  };
}

export function compliancePolicyStore(db: Kysely<Schema>): CompliancePolicyStore {
  async function assignmentsOf(policyIds: readonly string[]): Promise<Map<string, PolicyAssignment[]>> {
    const out = new Map<string, PolicyAssignment[]>();
    for (const part of chunks(policyIds, BATCH)) {
      const rows = await db.selectFrom('compliance_policy_assignments').selectAll().where('policy_id', 'in', part).orderBy('policy_id').orderBy('position').execute();
      for (const r of rows) {
        const list = out.get(r.policy_id) ?? [];
        list.push({ id: r.id, target: JSON.parse(r.target) as PolicyAssignment['target'] });
        out.set(r.policy_id, list);
      }
    }
    return out;
  }

  return {
    async list() {
      const rows = await db.selectFrom('compliance_policies').selectAll().orderBy('created_date_time').orderBy('id').execute();
      const assignments = await assignmentsOf(rows.map((r) => r.id));
      return rows.map((r) => toPolicy(r, assignments.get(r.id) ?? []));
    },
    async get(id) {
      const row = await db.selectFrom('compliance_policies').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      return toPolicy(row, (await assignmentsOf([id])).get(id) ?? []);
    },
    async create(policy) {
      await db.insertInto('compliance_policies').values({ id: policy.id, ...policyColumns(policy) }).execute();
    },
    async update(policy) {
      const r = await db.updateTable('compliance_policies').set(policyColumns(policy)).where('id', '=', policy.id).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async delete(id) {
      return db.transaction().execute(async (tx) => {
        await tx.deleteFrom('device_compliance_states').where('policy_id', '=', id).execute();
        await tx.deleteFrom('compliance_policy_assignments').where('policy_id', '=', id).execute();
        const r = await tx.deleteFrom('compliance_policies').where('id', '=', id).executeTakeFirst();
        return Number(r.numDeletedRows) > 0;
      });
    },
    async setAssignments(policyId, assignments, at) {
      return db.transaction().execute(async (tx) => {
        const r = await tx.updateTable('compliance_policies').set({ last_modified_date_time: at.toISOString() }).where('id', '=', policyId).executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) return false;
        await tx.deleteFrom('compliance_policy_assignments').where('policy_id', '=', policyId).execute();
        if (assignments.length > 0) {
          await tx.insertInto('compliance_policy_assignments')
            .values(assignments.map((a, i) => ({ policy_id: policyId, id: a.id, target: JSON.stringify(a.target), position: i })))
            .execute();
        }
        return true;
      });
    },
  };
}

export function complianceStateStore(db: Kysely<Schema>): ComplianceStateStore {
  return {
    async forDevices(deviceIds) {
      const out = new Map<string, DevicePolicyState[]>();
      for (const part of chunks([...new Set(deviceIds)], BATCH)) {
        const rows = await db.selectFrom('device_compliance_states').selectAll().where('device_id', 'in', part).orderBy('device_id').orderBy('policy_id').execute();
        for (const r of rows) {
          const list = out.get(r.device_id) ?? [];
          list.push(toState(r));
          out.set(r.device_id, list);
        }
      }
      return out;
    },
    async forPolicy(policyId) {
      // Only devices that still exist: a removed device's states go with the next sweep's reads.
      const rows = await db.selectFrom('device_compliance_states')
        .innerJoin('managed_devices', 'managed_devices.id', 'device_compliance_states.device_id')
        .selectAll('device_compliance_states')
        .where('device_compliance_states.policy_id', '=', policyId)
        .orderBy('device_compliance_states.device_id')
        .execute();
      return rows.map(toState);
    },
    async replace(deviceIds, states, overall) {
      const unique = [...new Set(deviceIds)];
      await db.transaction().execute(async (tx) => {
        // Rows in a fixed order: two replicas writing overlapping batches wait instead of deadlocking.
        for (const part of chunks([...unique].sort(), BATCH)) {
          await tx.deleteFrom('device_compliance_states').where('device_id', 'in', part).execute();
        }
        const sorted = [...states].sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : a.policyId < b.policyId ? -1 : a.policyId > b.policyId ? 1 : 0));
        // Policies deleted since the batch read them are skipped (their states would be orphans).
        const livePolicies = new Set((await tx.selectFrom('compliance_policies').select('id').execute()).map((r) => r.id));
        const rows = sorted.filter((s) => livePolicies.has(s.policyId)).map((s) => ({
          device_id: s.deviceId, policy_id: s.policyId, status: s.status, setting_states: JSON.stringify(s.settingStates), policy_version: s.policyVersion,
          noncompliant_since: s.noncompliantSince, grace_expires_at: s.graceExpiresAt, evaluated_at: s.evaluatedAt,
          device_name: s.deviceName, device_model: s.deviceModel, user_name: s.userName, user_principal_name: s.userPrincipalName,
        }));
        for (const part of chunks(rows, ROWS)) {
          await tx.insertInto('device_compliance_states').values(part)
            .onConflict((oc) => oc.columns(['device_id', 'policy_id']).doNothing())
            .execute();
        }
        const byState = new Map<ComplianceState, string[]>();
        for (const id of unique) {
          const s = overall.get(id);
          if (s === undefined) continue;
          byState.set(s, [...(byState.get(s) ?? []), id]);
        }
        for (const [state, ids] of [...byState].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          for (const part of chunks(ids.sort(), BATCH)) {
            await tx.updateTable('managed_devices').set({ compliance_state: state }).where('id', 'in', part).where('compliance_state', '<>', state).execute();
          }
        }
      });
    },
  };
}
