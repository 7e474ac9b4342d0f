// CompliancePolicyStore and ComplianceStateStore (core/compliance/ports.ts) on the tables of
// migrations/0015-compliance.ts, on SQLite and PostgreSQL.
import { CompiledQuery, sql, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import type { Dialect } from './database.js';
import type { ComplianceState } from '../core/devices/managed-device.js';
import type { CompliancePolicy, CompliancePolicyType, PolicyAssignment } from '../core/compliance/policy.js';
import type { CompliancePolicyStore, ComplianceStateStore, DevicePolicyState, EvaluationInput, StateWrite, StoredState } from '../core/compliance/ports.js';
import { stewardSku } from '../core/directory/licenses.js';
import type { PolicyComplianceStatus } from '../core/compliance/setting-result.js';
import type { Schema } from './schema.js';
import type { CompliancePoliciesTable, DeviceComplianceStatesTable } from './schema-compliance.js';
import { addTo, chunks } from './batches.js';
import { listPage } from './list-query.js';
import { holdsScopeTag } from './scope.js';
import { compliancePolicySchema } from '../core/compliance/list-policies.js';

/** Ids per statement, far below SQLite's bound-parameter limit. */
const BATCH = 400;
/** PostgreSQL's SQLSTATE for a duplicate key. */
const UNIQUE_VIOLATION = '23505';
/** State rows per insert: 13 columns each. */
const ROWS = 200;

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

export function compliancePolicyStore(db: Kysely<Schema>, dialect: Dialect): CompliancePolicyStore {
  async function assignmentsOf(policyIds: readonly string[]): Promise<Map<string, PolicyAssignment[]>> {
    const out = new Map<string, PolicyAssignment[]>();
    for (const part of chunks(policyIds, BATCH)) {
      const rows = await db.selectFrom('compliance_policy_assignments').selectAll().where('policy_id', 'in', part).orderBy('policy_id').orderBy('position').execute();
      for (const r of rows) {
        addTo(out, r.policy_id, { id: r.id, target: JSON.parse(r.target) as PolicyAssignment['target'] });
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
    async page(query, heldTags) {
      const condition = holdsScopeTag(dialect, 'role_scope_tag_ids', heldTags);
      const page = await listPage<Selectable<CompliancePoliciesTable>>(db, dialect, 'compliance_policies', compliancePolicySchema, query, condition ? { where: (qb) => qb.where(condition) } : {});
      const assignments = await assignmentsOf(page.rows.map((r) => r.id));
      return { items: page.rows.map((r) => toPolicy(r, assignments.get(r.id) ?? [])), nextSkipToken: page.nextSkipToken, count: page.count };
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
        // The policy first: its row lock makes a batch being written for it wait (write() locks
        // the policies it writes states for before any state), and then find it gone.
        const r = await tx.deleteFrom('compliance_policies').where('id', '=', id).executeTakeFirst();
        await tx.deleteFrom('compliance_policy_assignments').where('policy_id', '=', id).execute();
        await tx.deleteFrom('device_compliance_states').where('policy_id', '=', id).execute();
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

const STATE_COLUMNS = ['device_id', 'policy_id', 'status', 'setting_states', 'policy_version', 'noncompliant_since', 'grace_expires_at', 'evaluated_at',
  'device_name', 'device_model', 'user_name', 'user_principal_name'] as const;

/**
 * PostgreSQL: a batch's rows in one statement, each column one array parameter (unnest). The
 * arrays' text is built here (pgTextArray) and sent as it is, not by the driver, which ran a
 * regular expression over every element: that and PostgreSQL's parsing of the rows were the
 * largest costs of a first evaluation after the rows themselves. (A JSON parameter with
 * json_to_recordset was cheaper to build but cost PostgreSQL more to take apart.)
 */
const PG_INSERT = `insert into device_compliance_states (${STATE_COLUMNS.join(', ')}) select * from unnest(${
  STATE_COLUMNS.map((c, i) => `$${i + 1}::${c === 'policy_version' ? 'integer' : 'text'}[]`).join(', ')
})`;
const PG_UPSERT = `${PG_INSERT} on conflict (device_id, policy_id) do update set ${STATE_COLUMNS.slice(2).map((c) => `${c} = excluded.${c}`).join(', ')}`;

const ARRAY_QUOTED = /["\\]/;
const ARRAY_ESCAPE = /["\\]/g;
/** An escape in JSON text that means something else in an array literal (\n, \t, \u…), not \" or \\. */
const JSON_ONLY_ESCAPE = /(?<!\\)(?:\\\\)*\\[bfnrtu]/;

/**
 * A PostgreSQL array literal of these texts and numbers, null as NULL. JSON.stringify writes the
 * same thing with other brackets (strings quoted with `"` and `\` escaped, which is how an array
 * literal quotes them; null unquoted), natively and fast, unless a text holds a control character
 * or a lone surrogate, which JSON escapes differently: those arrays are built element by element.
 */
function pgTextArray(values: readonly (string | number | null)[]): string {
  const json = JSON.stringify(values);
  if (!JSON_ONLY_ESCAPE.test(json)) return `{${json.slice(1, -1)}}`;
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    if (v === null || v === undefined) out += 'NULL';
    else if (typeof v === 'number') out += String(v);
    else out += `"${ARRAY_QUOTED.test(v) ? v.replace(ARRAY_ESCAPE, '\\$&') : v}"`;
  }
  return `${out}}`;
}

/** The parameters of PG_INSERT and PG_UPSERT: one array literal per column of STATE_COLUMNS, in one pass over the rows. */
function pgColumns(states: readonly StateWrite[]): string[] {
  const n = states.length;
  const cols: (string | number | null)[][] = STATE_COLUMNS.map(() => new Array<string | number | null>(n));
  const [d, p, st, j, v, nc, g, e, dn, dm, un, up] = cols as [string[], string[], string[], string[], number[], (string | null)[], (string | null)[], string[], (string | null)[], (string | null)[], (string | null)[], (string | null)[]];
  for (let i = 0; i < n; i++) {
    const s = states[i]!;
    d[i] = s.deviceId; p[i] = s.policyId; st[i] = s.status; j[i] = s.settingStatesJson; v[i] = s.policyVersion; nc[i] = s.noncompliantSince;
    g[i] = s.graceExpiresAt; e[i] = s.evaluatedAt; dn[i] = s.deviceName; dm[i] = s.deviceModel; un[i] = s.userName; up[i] = s.userPrincipalName;
  }
  return cols.map((c) => pgTextArray(c));
}

/**
 * SQLite: the upsert of `count` state rows as SQL text, built once per row count: a sweep writes
 * thousands of rows, and building each statement through the query builder cost more CPU than the
 * database spent on it.
 */
const upsertText = new Map<number, string>();
function sqliteUpsert(count: number): string {
  let text = upsertText.get(count);
  if (text === undefined) {
    const rows = Array.from({ length: count }, () => `(${STATE_COLUMNS.map(() => '?').join(', ')})`);
    const updates = STATE_COLUMNS.slice(2).map((c) => `${c} = excluded.${c}`).join(', ');
    text = `insert into device_compliance_states (${STATE_COLUMNS.join(', ')}) values ${rows.join(', ')} on conflict (device_id, policy_id) do update set ${updates}`;
    upsertText.set(count, text);
  }
  return text;
}

export function complianceStateStore(db: Kysely<Schema>, dialect: Dialect): ComplianceStateStore {
  return {
    async devicesOfMembers(ids) {
      const out = new Set<string>();
      for (const part of chunks([...new Set(ids)], BATCH)) {
        const rows = await db.selectFrom('managed_devices').select('id').where((eb) => eb.or([eb('id', 'in', part), eb('user_id', 'in', part)])).execute();
        for (const r of rows) out.add(r.id);
      }
      return [...out];
    },
    async forDevices(deviceIds) {
      const out = new Map<string, DevicePolicyState[]>();
      for (const part of chunks([...new Set(deviceIds)], BATCH)) {
        const rows = await db.selectFrom('device_compliance_states').selectAll().where('device_id', 'in', part).orderBy('device_id').orderBy('policy_id').execute();
        for (const r of rows) {
          addTo(out, r.device_id, toState(r));
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
    evaluationPage(input) {
      const rows = inputsQuery(db, (q) => (input.afterId === undefined ? q : q.where('id', '>', input.afterId)).orderBy('id').limit(input.limit)).execute();
      return rows.then((r) => r.map(toInput));
    },
    async evaluationInputs(deviceIds) {
      const out: EvaluationInput[] = [];
      for (const part of chunks([...new Set(deviceIds)], BATCH)) {
        for (const r of await inputsQuery(db, (q) => q.where('id', 'in', part)).execute()) out.push(toInput(r));
      }
      return out;
    },
    async storedStates(devices) {
      const out = new Map<string, StoredState[]>();
      const q = db.selectFrom('device_compliance_states').selectAll();
      const queries = 'from' in devices
        ? [q.where('device_id', '>=', devices.from).where('device_id', '<=', devices.to)]
        : chunks(devices, BATCH).map((part) => q.where('device_id', 'in', part));
      for (const query of queries) {
        const rows = await query.execute();
        for (const r of rows) {
          const state: StoredState = {
            deviceId: r.device_id, policyId: r.policy_id, status: r.status as PolicyComplianceStatus, settingStatesJson: r.setting_states, policyVersion: Number(r.policy_version),
            noncompliantSince: r.noncompliant_since, graceExpiresAt: r.grace_expires_at, evaluatedAt: r.evaluated_at,
            deviceName: r.device_name, deviceModel: r.device_model, userName: r.user_name, userPrincipalName: r.user_principal_name,
          };
          addTo(out, r.device_id, state);
        }
      }
      return out;
    },
    async write({ upserts, removals, overall }) {
      if (upserts.length === 0 && removals.length === 0 && overall.size === 0) return;
      const byKey = (a: { deviceId: string; policyId: string }, b: { deviceId: string; policyId: string }) =>
        (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : a.policyId < b.policyId ? -1 : a.policyId > b.policyId ? 1 : 0);
      await db.transaction().execute(async (tx) => {
        // Evaluation results can be recomputed: the commit need not wait for the WAL's flush. A
        // PostgreSQL crash may lose the last fraction of a second of batches, never corrupt them,
        // and the next sweep writes them again.
        if (dialect === 'postgres') await sql`set local synchronous_commit = off`.execute(tx);
        // Policies deleted since the batch read them are skipped (their states would be orphans).
        // On PostgreSQL the policies stay locked (KEY SHARE) until the batch commits, so none is
        // deleted meanwhile; this comes before any state row is locked, as delete() locks the
        // policy before its states: a fixed order, no deadlock.
        const policies = tx.selectFrom('compliance_policies').select('id');
        const livePolicies = upserts.length === 0 ? new Set<string>() : new Set((await (dialect === 'postgres' ? policies.forKeyShare() : policies).execute()).map((r) => r.id));
        // Rows in a fixed order: two replicas writing overlapping batches wait instead of deadlocking.
        for (const part of chunks([...removals].sort(byKey), BATCH / 2)) {
          await tx.deleteFrom('device_compliance_states')
            .where((eb) => eb(eb.refTuple('device_id', 'policy_id'), 'in', part.map((r) => eb.tuple(r.deviceId, r.policyId))))
            .execute();
        }
        const live = [...upserts].sort(byKey).filter((s) => livePolicies.has(s.policyId));
        if (dialect === 'postgres' && live.length > 0) {
          // One statement for the batch, its text the same every time, its rows (and so its row
          // locks) in key order, so that two replicas writing the same devices wait rather than
          // deadlock. A batch of new states only (none stored when it was read: a first
          // evaluation) goes in with a plain insert, a third cheaper than an upsert; if a replica
          // wrote one of them meanwhile, the insert is undone to its savepoint and upserted.
          let upsert = live.some((s) => s.replaces);
          if (!upsert) {
            await sql`savepoint fresh_states`.execute(tx);
            try {
              await tx.executeQuery(CompiledQuery.raw(PG_INSERT, pgColumns(live)));
              await sql`release savepoint fresh_states`.execute(tx);
            } catch (err) {
              if ((err as { code?: unknown }).code !== UNIQUE_VIOLATION) throw err;
              await sql`rollback to savepoint fresh_states`.execute(tx);
              upsert = true;
            }
          }
          if (upsert) await tx.executeQuery(CompiledQuery.raw(PG_UPSERT, pgColumns(live)));
        }
        for (const part of dialect === 'postgres' ? [] : chunks(live, ROWS)) {
          const params: unknown[] = [];
          for (const s of part) {
            params.push(s.deviceId, s.policyId, s.status, s.settingStatesJson, s.policyVersion, s.noncompliantSince, s.graceExpiresAt, s.evaluatedAt,
              s.deviceName, s.deviceModel, s.userName, s.userPrincipalName);
          }
          await tx.executeQuery(CompiledQuery.raw(sqliteUpsert(part.length), params));
        }
        const byState = new Map<ComplianceState, string[]>();
        for (const [id, s] of overall) addTo(byState, s, id);
        for (const [state, ids] of [...byState].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          ids.sort();
          if (dialect === 'postgres') {
            // One array parameter: the index scan visits (and locks) the rows in key order.
            await tx.executeQuery(CompiledQuery.raw('update managed_devices set compliance_state = $1 where id = any($2::text[]) and compliance_state <> $1', [state, pgTextArray(ids)]));
            continue;
          }
          for (const part of chunks(ids, BATCH)) {
            await tx.updateTable('managed_devices').set({ compliance_state: state }).where('id', 'in', part).where('compliance_state', '<>', state).execute();
          }
        }
      });
    },
  };
}

/**
 * One query for a page of evaluation inputs: the device, its inventory facts and its user with the
 * Steward licence's disabled plans. The page of devices is chosen first (`devices` narrows
 * managed_devices: an id range with a limit, or a list of ids) and the rest looked up for those
 * rows only, by key, instead of PostgreSQL hashing whole tables for every page.
 */
function inputsQuery(db: Kysely<Schema>, devices: (q: SelectQueryBuilder<Schema, 'managed_devices', object>) => SelectQueryBuilder<Schema, 'managed_devices', object>) {
  return db.selectFrom(devices(db.selectFrom('managed_devices')).select([
    'id', 'device_name', 'operating_system', 'os_version', 'model', 'jail_broken', 'user_id', 'user_principal_name', 'user_display_name',
    'last_sync_date_time', 'compliance_state',
  ]).as('d'))
    .leftJoin('users as u', 'u.id', 'd.user_id')
    .select([
      'd.id', 'd.device_name', 'd.operating_system', 'd.os_version', 'd.model', 'd.jail_broken', 'd.user_id', 'd.user_principal_name', 'd.user_display_name',
      'd.last_sync_date_time', 'd.compliance_state', 'u.id as u_id', 'u.display_name as u_display_name', 'u.account_enabled as u_enabled',
    ])
    // Subqueries, not a join: PostgreSQL hashed the whole inventory table for a join on every page
    // (its rows are wide); a subquery is a primary-key lookup per device.
    .select((eb) => eb.selectFrom('device_inventory as i').select('i.security').whereRef('i.device_id', '=', 'd.id').as('security'))
    .select((eb) => eb.selectFrom('device_inventory as i').select('i.windows').whereRef('i.device_id', '=', 'd.id').as('windows'))
    .select((eb) => eb.selectFrom('user_licenses as l').select('l.disabled_plans')
      .whereRef('l.user_id', '=', 'd.user_id').where(sql<string>`lower(l.sku_id)`, '=', stewardSku.skuId.toLowerCase()).limit(1).as('steward_plans'))
    .orderBy('d.id');
}

type InputRow = Awaited<ReturnType<ReturnType<typeof inputsQuery>['execute']>>[number];

function toInput(r: InputRow): EvaluationInput {
  return {
    device: {
      id: r.id, deviceName: r.device_name, operatingSystem: r.operating_system, osVersion: r.os_version, model: r.model, jailBroken: r.jail_broken,
      userId: r.user_id, userPrincipalName: r.user_principal_name, userDisplayName: r.user_display_name, lastSyncDateTime: r.last_sync_date_time,
      complianceState: r.compliance_state as ComplianceState,
    },
    securityJson: r.security ?? null,
    windowsJson: r.windows ?? null,
    user: r.u_id === null || r.u_id === undefined ? undefined : {
      displayName: r.u_display_name ?? '', accountEnabled: Number(r.u_enabled) === 1,
      stewardDisabledPlans: r.steward_plans === null || r.steward_plans === undefined ? null : JSON.parse(r.steward_plans) as string[],
    },
  };
}
