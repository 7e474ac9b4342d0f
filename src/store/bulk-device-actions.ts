// DeviceActionQueue (core/actions/run-bulk-device-action.ts): the commands of many devices' remote
// actions and the device_actions rows that track them, in one transaction, on SQLite and
// PostgreSQL. The rows are those command-queue.ts and device-actions.ts write one at a time.
//
// Commands go in by position: every device's first command, then every device's second, and so
// on, so each device's commands keep their order (seq) whatever order a multi-row INSERT assigns.
import type { Insertable, Kysely } from 'kysely';
import type { DeviceActionQueue } from '../core/actions/run-bulk-device-action.js';
import type { DeviceAction } from '../core/actions/ports.js';
import type { QueuedCommand } from '../core/commands/ports.js';
import { systemClock, type Clock } from '../core/clock.js';
import { checkedPayload, insertCommandRows, newCommandRow, toQueuedCommand, type CommandQueueDatabase } from './command-queue.js';
import type { Schema } from './schema.js';
import type { CommandQueueTable } from './schema-commands.js';

/** Rows per INSERT of the action tables (10 and 2 columns): below SQLite's bound-parameter limit. */
const ROW_BATCH = 500;

export function deviceActionQueue(db: Kysely<Schema>, clock: Clock = systemClock): DeviceActionQueue {
  return {
    async queueActions(items) {
      if (items.length === 0) return [];
      const now = clock.now().toISOString();
      // Checked before anything is written: a bad command fails the whole request.
      const rows: Insertable<CommandQueueTable>[][] = items.map(({ action, commands }) =>
        commands.map((command) => newCommandRow(action.deviceId, command, checkedPayload(command), now)));
      const actions: DeviceAction[] = items.map(({ action }, i) => ({ ...action, commandUuids: (rows[i] ?? []).map((r) => r.uuid) }));
      const longest = Math.max(...rows.map((r) => r.length));
      await db.transaction().execute(async (tx) => {
        for (let position = 0; position < longest; position++) {
          await insertCommandRows(tx as unknown as Kysely<CommandQueueDatabase>, rows.flatMap((r) => { const row = r[position]; return row === undefined ? [] : [row]; }));
        }
        for (let i = 0; i < actions.length; i += ROW_BATCH) {
          const part = actions.slice(i, i + ROW_BATCH);
          await tx.insertInto('device_actions').values(part.map((a) => ({
            id: a.id,
            device_id: a.deviceId,
            action_name: a.actionName,
            action_state: a.actionState,
            start_at: new Date(a.startDateTime).toISOString(),
            updated_at: new Date(a.lastUpdatedDateTime).toISOString(),
            failure_reason: a.failureReason,
            command_uuids: JSON.stringify(a.commandUuids),
            initiated_by: a.initiatedBy,
            details: a.details === undefined || Object.keys(a.details).length === 0 ? null : JSON.stringify(a.details),
          }))).execute();
        }
        const links = actions.flatMap((a) => [...new Set(a.commandUuids)].map((u) => ({ command_uuid: u, action_id: a.id })));
        for (let i = 0; i < links.length; i += ROW_BATCH) {
          await tx.insertInto('device_action_commands').values(links.slice(i, i + ROW_BATCH)).execute();
        }
      });
      return actions.map((action, i) => ({
        action,
        commands: (rows[i] ?? []).map((r): QueuedCommand => toQueuedCommand({ ...r, seq: 0 } as Parameters<typeof toQueuedCommand>[0])),
      }));
    },
  };
}
