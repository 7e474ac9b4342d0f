// DeviceActionStore (core/actions/ports.ts) on device_actions and device_action_commands
// (migrations/0010-enrollment.ts, details from 0012), and the removal of a device's records
// (Graph's DELETE managedDevice), on SQLite and PostgreSQL.
import { sql, type Kysely, type Selectable } from 'kysely';
import type {
  ActionState, DeviceAction, DeviceActionDetails, DeviceActionStore, DeviceRecordRemover,
} from '../core/actions/ports.js';
import type { Schema } from './schema.js';
import { adjustDetectedApps } from './device-inventory.js';
import { addTo, chunks } from './batches.js';

type Row = Selectable<Schema['device_actions']>;

/** Ids per IN list: far below SQLite's 32766 bound parameters. */
const ID_BATCH = 500;
/** Rows per DELETE of prune(). */
const PRUNE_BATCH = 1000;
const FINISHED: readonly ActionState[] = ['done', 'failed', 'canceled', 'notSupported'];

function toAction(r: Row): DeviceAction {
  const details = r.details === null ? undefined : (JSON.parse(r.details) as DeviceActionDetails);
  return {
    id: r.id,
    deviceId: r.device_id,
    actionName: r.action_name,
    actionState: r.action_state as ActionState,
    startDateTime: r.start_at,
    lastUpdatedDateTime: r.updated_at,
    failureReason: r.failure_reason,
    commandUuids: JSON.parse(r.command_uuids) as string[],
    initiatedBy: r.initiated_by,
    ...(details === undefined ? {} : { details }),
  };
}

const iso = (s: string) => new Date(s).toISOString();
const detailsText = (d: DeviceActionDetails | undefined) => (d === undefined || Object.keys(d).length === 0 ? null : JSON.stringify(d));

export function deviceActionStore(db: Kysely<Schema>): DeviceActionStore {
  return {
    async create(action) {
      await db.transaction().execute(async (tx) => {
        await tx.insertInto('device_actions').values({
          id: action.id,
          device_id: action.deviceId,
          action_name: action.actionName,
          action_state: action.actionState,
          start_at: iso(action.startDateTime),
          updated_at: iso(action.lastUpdatedDateTime),
          failure_reason: action.failureReason,
          command_uuids: JSON.stringify(action.commandUuids),
          initiated_by: action.initiatedBy,
          details: detailsText(action.details),
        }).execute();
        const uuids = [...new Set(action.commandUuids)];
        for (const part of chunks(uuids, ID_BATCH)) {
          await tx.insertInto('device_action_commands').values(part.map((u) => ({ command_uuid: u, action_id: action.id }))).execute();
        }
      });
    },

    async byCommand(commandUuid) {
      const row = await db.selectFrom('device_action_commands')
        .innerJoin('device_actions', 'device_actions.id', 'device_action_commands.action_id')
        .selectAll('device_actions')
        .where('device_action_commands.command_uuid', '=', commandUuid)
        .executeTakeFirst();
      return row ? toAction(row) : undefined;
    },

    async get(id) {
      const row = await db.selectFrom('device_actions').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toAction(row) : undefined;
    },

    async forDevice(deviceId, limit = 100) {
      const rows = await db.selectFrom('device_actions').selectAll()
        .where('device_id', '=', deviceId)
        .orderBy('start_at', 'desc').orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toAction);
    },

    async forDevices(deviceIds, perDevice = 20) {
      const out = new Map<string, DeviceAction[]>();
      const ids = [...new Set(deviceIds)];
      for (const part of chunks(ids, ID_BATCH)) {
        // The newest `perDevice` of each device in one statement (window functions: SQLite 3.25+,
        // PostgreSQL), so a device with a long history costs no more than one with a short one.
        const ranked = db.selectFrom('device_actions')
          .selectAll()
          .select(sql<number>`row_number() over (partition by device_id order by start_at desc, id desc)`.as('rank'))
          .where('device_id', 'in', part)
          .as('ranked');
        const rows = await db.selectFrom(ranked).selectAll()
          .where('rank', '<=', perDevice)
          .orderBy('device_id').orderBy('rank')
          .execute();
        for (const r of rows) {
          addTo(out, r.device_id, toAction(r));
        }
      }
      return out;
    },

    async update(id, changes) {
      // One statement needs no transaction (BEGIN and COMMIT are two round trips more on
      // PostgreSQL, on every answered command); new command uuids rewrite the index with it.
      const write = async (tx: typeof db) => {
        await tx.updateTable('device_actions')
          .set({
            action_state: changes.actionState,
            updated_at: iso(changes.lastUpdatedDateTime),
            ...(changes.failureReason !== undefined ? { failure_reason: changes.failureReason } : {}),
            ...(changes.commandUuids !== undefined ? { command_uuids: JSON.stringify(changes.commandUuids) } : {}),
            ...(changes.details !== undefined ? { details: detailsText(changes.details) } : {}),
          })
          .where('id', '=', id)
          .execute();
        if (changes.commandUuids !== undefined) {
          await tx.deleteFrom('device_action_commands').where('action_id', '=', id).execute();
          for (const part of chunks([...new Set(changes.commandUuids)], ID_BATCH)) {
            await tx.insertInto('device_action_commands').values(part.map((u) => ({ command_uuid: u, action_id: id }))).execute();
          }
        }
      };
      if (changes.commandUuids === undefined) await write(db);
      else await db.transaction().execute(write);
    },

    async deleteForDevice(deviceId) {
      await db.transaction().execute(async (tx) => deleteActions(tx, deviceId));
    },

    async pendingWithExpiredCommands(limit) {
      // Driven by the queue's (state, expires_at) index: expired commands are few and pruned.
      const rows = await db.selectFrom('device_actions').selectAll()
        .where('action_state', '=', 'pending')
        .where('id', 'in', (eb) => eb.selectFrom('command_queue')
          .innerJoin('device_action_commands', 'device_action_commands.command_uuid', 'command_queue.uuid')
          .select('device_action_commands.action_id')
          .where('command_queue.state', '=', 'expired'))
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toAction);
    },

    async prune(updatedBefore) {
      const before = updatedBefore.toISOString();
      let total = 0;
      for (;;) {
        const ids = (await db.selectFrom('device_actions').select('id')
          .where('action_state', 'in', FINISHED).where('updated_at', '<', before)
          .limit(PRUNE_BATCH).execute()).map((r) => r.id);
        if (ids.length === 0) return total;
        await db.transaction().execute(async (tx) => {
          await tx.deleteFrom('device_action_commands').where('action_id', 'in', ids).execute();
          await tx.deleteFrom('device_actions').where('id', 'in', ids).execute();
        });
        total += ids.length;
        if (ids.length < PRUNE_BATCH) return total;
      }
    },
  };
}

async function deleteActions(tx: Kysely<Schema>, deviceId: string): Promise<void> {
  await tx.deleteFrom('device_action_commands')
    .where('action_id', 'in', (eb) => eb.selectFrom('device_actions').select('id').where('device_id', '=', deviceId))
    .execute();
  await tx.deleteFrom('device_actions').where('device_id', '=', deviceId).execute();
}

/**
 * Removes a device's records in one transaction: the managed device, its scope tags, its group
 * memberships, its inventory and actions; its open commands are expired (final), so none is
 * handed out again and the queue's prune() deletes them with the rest. The enrollment itself is
 * the platform's (core marks it unenrolled through its port).
 */
export function deviceRecordRemover(db: Kysely<Schema>): DeviceRecordRemover {
  return {
    async removeDevice(deviceId, now) {
      return db.transaction().execute(async (tx) => {
        const deleted = await tx.deleteFrom('managed_devices').where('id', '=', deviceId).executeTakeFirst();
        await tx.deleteFrom('object_scope_tags').where('object_type', '=', 'managedDevice').where('object_id', '=', deviceId).execute();
        await tx.deleteFrom('group_members').where('member_id', '=', deviceId).where('member_type', '=', 'device').execute();
        const apps = await tx.selectFrom('device_apps').select(['identifier', 'version']).where('device_id', '=', deviceId).execute();
        await adjustDetectedApps(tx, apps.map((a) => ({ ...a, delta: -1 })));
        await tx.deleteFrom('device_apps').where('device_id', '=', deviceId).execute();
        await tx.deleteFrom('device_inventory').where('device_id', '=', deviceId).execute();
        await deleteActions(tx, deviceId);
        await tx.updateTable('command_queue')
          .set({ state: 'expired', finished_at: now.toISOString() })
          .where('enrollment_id', '=', deviceId)
          .where('state', 'in', ['pending', 'sent'])
          .execute();
        return Number(deleted.numDeletedRows) > 0;
      });
    },
  };
}
