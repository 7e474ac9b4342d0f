// ConfigurationDeliveryStore (core/configuration/delivery-ports.ts) on the tables of
// migrations/0018-configuration-delivery.ts, on SQLite and PostgreSQL.
import type { Kysely, Selectable } from 'kysely';
import type { NewCommand } from '../core/commands/ports.js';
import { systemClock, type Clock } from '../core/clock.js';
import { checkedPayload, insertCommandRows, newCommandRow, type CommandQueueDatabase } from './command-queue.js';
import type { PolicyAssignment } from '../core/assignments/targets.js';
import type { ConfigurationDeliveryStore, ConfigurationDeviceState, DeliveryRemoval, DeliveryStatus } from '../core/configuration/delivery-ports.js';
import type { Schema } from './schema.js';
import type { DeviceConfigurationStatesTable } from './schema-configuration-delivery.js';
import { addTo, chunks } from './batches.js';

/** Ids per statement, far below SQLite's bound-parameter limit. */
const BATCH = 400;
/** State rows per insert: 13 columns each. */
const ROWS = 200;

function toState(r: Selectable<DeviceConfigurationStatesTable>): ConfigurationDeviceState {
  return {
    deviceId: r.device_id,
    configurationId: r.configuration_id,
    version: Number(r.version),
    status: r.status as DeliveryStatus,
    errorDetail: r.error_detail,
    settingStates: JSON.parse(r.setting_states) as ConfigurationDeviceState['settingStates'],
    commandUuid: r.command_uuid,
    removal: r.removal === null ? null : JSON.parse(r.removal) as DeliveryRemoval,
    lastReportedDateTime: r.last_reported_at,
    deviceName: r.device_name,
    deviceModel: r.device_model,
    userName: r.user_name,
    userPrincipalName: r.user_principal_name,
  };
}

function toRow(s: ConfigurationDeviceState) {
  return {
    device_id: s.deviceId, configuration_id: s.configurationId, version: s.version, status: s.status, error_detail: s.errorDetail,
    setting_states: JSON.stringify(s.settingStates), command_uuid: s.commandUuid, removal: s.removal === null ? null : JSON.stringify(s.removal),
    last_reported_at: s.lastReportedDateTime, device_name: s.deviceName, device_model: s.deviceModel, user_name: s.userName,
    user_principal_name: s.userPrincipalName,
  };
}

const byKey = (a: { deviceId: string; configurationId: string }, b: { deviceId: string; configurationId: string }) =>
  (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : a.configurationId < b.configurationId ? -1 : a.configurationId > b.configurationId ? 1 : 0);

/** `clock` stamps queued commands, as the command queue's own (system time unless a test gives one). */
export function configurationDeliveryStore(db: Kysely<Schema>, clock: Clock = systemClock): ConfigurationDeliveryStore {
  return {
    async allAssignments() {
      const rows = await db.selectFrom('device_configuration_assignments').selectAll().orderBy('configuration_id').orderBy('position').execute();
      const out = new Map<string, PolicyAssignment[]>();
      for (const r of rows) {
        addTo(out, r.configuration_id, { id: r.id, target: JSON.parse(r.target) as PolicyAssignment['target'] });
      }
      return out;
    },
    async assignments(configurationId) {
      const rows = await db.selectFrom('device_configuration_assignments').selectAll().where('configuration_id', '=', configurationId).orderBy('position').execute();
      return rows.map((r) => ({ id: r.id, target: JSON.parse(r.target) as PolicyAssignment['target'] }));
    },
    async setAssignments(configurationId, assignments) {
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('device_configuration_assignments').where('configuration_id', '=', configurationId).execute();
        if (assignments.length > 0) {
          await tx.insertInto('device_configuration_assignments')
            .values(assignments.map((a, i) => ({ configuration_id: configurationId, id: a.id, target: JSON.stringify(a.target), position: i })))
            .execute();
        }
      });
    },
    async forDevices(deviceIds) {
      const out = new Map<string, ConfigurationDeviceState[]>();
      for (const part of chunks([...new Set(deviceIds)], BATCH)) {
        const rows = await db.selectFrom('device_configuration_states').selectAll().where('device_id', 'in', part).orderBy('device_id').orderBy('configuration_id').execute();
        for (const r of rows) {
          addTo(out, r.device_id, toState(r));
        }
      }
      return out;
    },
    async forConfiguration(configurationId) {
      const rows = await db.selectFrom('device_configuration_states')
        .innerJoin('managed_devices', 'managed_devices.id', 'device_configuration_states.device_id')
        .selectAll('device_configuration_states')
        .where('device_configuration_states.configuration_id', '=', configurationId)
        .orderBy('device_configuration_states.device_id')
        .execute();
      return rows.map(toState);
    },
    async byCommand(commandUuid) {
      const row = await db.selectFrom('device_configuration_states').selectAll().where('command_uuid', '=', commandUuid).executeTakeFirst();
      return row ? toState(row) : undefined;
    },
    async write(put, remove, commands = []) {
      if (put.length === 0 && remove.length === 0 && commands.length === 0) return;
      // Checked and serialized before anything is written, once per shared command.
      const payloads = new Map<NewCommand, string>();
      const now = clock.now().toISOString();
      const rows = commands.map((c) => {
        let payload = payloads.get(c.command);
        if (payload === undefined) { payload = checkedPayload(c.command); payloads.set(c.command, payload); }
        return { ...newCommandRow(c.deviceId, c.command, payload, now), uuid: c.uuid };
      });
      await db.transaction().execute(async (tx) => {
        await insertCommandRows(tx as unknown as Kysely<CommandQueueDatabase>, rows);
        // A fixed order: two replicas writing overlapping batches wait instead of deadlocking.
        for (const r of [...remove].sort(byKey)) {
          await tx.deleteFrom('device_configuration_states').where('device_id', '=', r.deviceId).where('configuration_id', '=', r.configurationId).execute();
        }
        for (const part of chunks([...put].sort(byKey).map(toRow), ROWS)) {
          await tx.insertInto('device_configuration_states').values(part)
            .onConflict((oc) => oc.columns(['device_id', 'configuration_id']).doUpdateSet((eb) => ({
              version: eb.ref('excluded.version'), status: eb.ref('excluded.status'), error_detail: eb.ref('excluded.error_detail'),
              setting_states: eb.ref('excluded.setting_states'), command_uuid: eb.ref('excluded.command_uuid'), removal: eb.ref('excluded.removal'),
              last_reported_at: eb.ref('excluded.last_reported_at'), device_name: eb.ref('excluded.device_name'), device_model: eb.ref('excluded.device_model'),
              user_name: eb.ref('excluded.user_name'), user_principal_name: eb.ref('excluded.user_principal_name'),
            })))
            .execute();
        }
      });
    },
    async removed(commandUuid) {
      const r = await db.deleteFrom('device_configuration_states').where('command_uuid', '=', commandUuid).where('status', '=', 'removing').executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async report(commandUuid, changes) {
      const r = await db.updateTable('device_configuration_states').set({
        status: changes.status, error_detail: changes.errorDetail, setting_states: JSON.stringify(changes.settingStates), last_reported_at: changes.lastReportedDateTime,
      }).where('command_uuid', '=', commandUuid).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async pruneOrphans() {
      const r = await db.deleteFrom('device_configuration_states')
        .where('device_id', 'not in', db.selectFrom('managed_devices').select('id'))
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
