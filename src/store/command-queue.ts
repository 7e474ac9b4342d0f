// CommandQueue (core/commands/ports.ts) on command_queue (migrations/0008-command-queue.ts), on
// SQLite and PostgreSQL.
//
// Handing out is one UPDATE … WHERE seq = (SELECT … LIMIT 1) RETURNING: a statement is its own
// transaction, so choosing and marking the command cannot be split by another caller. On
// PostgreSQL the inner SELECT takes the row with FOR UPDATE SKIP LOCKED, so replicas serving the
// same enrollment at once each get a different command (or none) instead of waiting or sharing
// one; on SQLite statements never interleave. One round trip instead of BEGIN, SELECT, UPDATE,
// COMMIT matters here: a check-in with nothing queued is on the hot path of every device.
//
// A 'sent' command keeps not_before = when it is due for redelivery, so "due" is one condition,
// not_before <= now, for pending and sent commands alike, and the (enrollment_id, state, seq)
// index finds both.
import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely, Selectable } from 'kysely';
import type {
  CommandErrorDetail, CommandFilter, CommandPlatform, CommandQueue, CommandResult, CommandState, JsonValue, NewCommand,
  QueuedCommand, RecordedAnswer, RecordOutcome,
} from '../core/commands/ports.js';
import { systemClock, type Clock } from '../core/clock.js';
import { invalidInput } from '../core/errors.js';
import type { Dialect } from './database.js';
import type { CommandQueueTable } from './schema-commands.js';

export interface CommandQueueDatabase {
  command_queue: CommandQueueTable;
}

type Row = Selectable<CommandQueueTable>;

export interface CommandQueueOptions {
  /**
   * A command handed out and not answered for this long is handed out again: the server died or
   * the connection dropped mid-exchange. Long enough for a slow device to answer (5 minutes).
   */
  redeliverAfterMs?: number;
  /** Wait after the n-th NotNow (n ≥ 1) before handing the command out again. */
  notNowBackoffMs?: (notNowCount: number) => number;
  /** Rows per statement for expire() and prune(). */
  batchSize?: number;
  /** Stamps createdAt and the first notBefore of enqueued commands. */
  clock?: Clock;
}

export const DEFAULT_REDELIVER_AFTER_MS = 5 * 60_000;

/** 1 minute, doubling, at most 15 minutes: the device also checks in by itself when it can. */
export function defaultNotNowBackoffMs(notNowCount: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, notNowCount - 1), 15 * 60_000);
}

/** Rows per INSERT: 17 columns each, far below SQLite's 32766 bound parameters. */
const INSERT_BATCH = 500;
const DEFAULT_LIST_LIMIT = 100;
/** Attempts at a NotNow update that lost a race with a concurrent change of the same row. */
const NOT_NOW_ATTEMPTS = 5;

/** States whose commands may be handed out: pending, and sent but unanswered (redelivered when due). */
export const OPEN_STATES = ['pending', 'sent'] as const;

function json(value: JsonValue, what: string): string {
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) throw invalidInput(`${what} must be JSON`, what);
  return text;
}

const iso = (d: Date) => d.toISOString();
const optDate = (s: string | null) => (s === null ? undefined : new Date(s));

function toResult(r: Row): QueuedCommand['result'] {
  const response = r.response === null ? undefined : (JSON.parse(r.response) as JsonValue);
  const withResponse = response === undefined ? {} : { response };
  switch (r.state as CommandState) {
    case 'acknowledged': return { status: 'acknowledged', ...withResponse };
    case 'format-error': return { status: 'format-error', ...withResponse };
    case 'error': return {
      status: 'error',
      errorChain: r.error_chain === null ? [] : (JSON.parse(r.error_chain) as CommandErrorDetail[]),
      ...withResponse,
    };
    default: return undefined;
  }
}

export function toQueuedCommand(r: Row): QueuedCommand {
  return {
    uuid: r.uuid,
    enrollmentId: r.enrollment_id,
    platform: r.platform as CommandPlatform,
    requestType: r.request_type,
    payload: JSON.parse(r.payload) as JsonValue,
    priority: r.priority,
    state: r.state as CommandState,
    createdAt: new Date(r.created_at),
    notBefore: new Date(r.not_before),
    sentAt: optDate(r.sent_at),
    expiresAt: optDate(r.expires_at),
    finishedAt: optDate(r.finished_at),
    deliveries: r.deliveries,
    notNowCount: r.not_now_count,
    result: toResult(r),
  };
}

/** The row a new command is stored as: pending, due now, a fresh uuid. Checks the command first. */
export function newCommandRow(enrollmentId: string, command: NewCommand, payload: string, now: string): Insertable<CommandQueueTable> {
  return {
    uuid: randomUUID(),
    enrollment_id: enrollmentId,
    platform: command.platform,
    request_type: command.requestType,
    payload,
    priority: command.priority ?? 0,
    state: 'pending',
    created_at: now,
    not_before: now,
    sent_at: null,
    expires_at: command.expiresAt ? iso(command.expiresAt) : null,
    finished_at: null,
    deliveries: 0,
    not_now_count: 0,
    response: null,
    error_chain: null,
  };
}

/** Checks a command and returns its payload as stored (JSON text). */
export function checkedPayload(command: NewCommand): string {
  validate(command);
  return json(command.payload, 'payload');
}

/** Inserts rows in statements of INSERT_BATCH, in order (the caller's transaction). */
export async function insertCommandRows(tx: Kysely<CommandQueueDatabase>, rows: readonly Insertable<CommandQueueTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    await tx.insertInto('command_queue').values(rows.slice(i, i + INSERT_BATCH)).execute();
  }
}

function validate(command: NewCommand): void {
  if (command.requestType.trim() === '') throw invalidInput('requestType must not be empty', 'requestType');
  if (command.platform !== 'apple' && command.platform !== 'windows') throw invalidInput(`unknown platform ${String(command.platform)}`, 'platform');
  if (command.priority !== undefined && !Number.isSafeInteger(command.priority)) throw invalidInput('priority must be an integer', 'priority');
  if (command.expiresAt !== undefined && Number.isNaN(command.expiresAt.getTime())) throw invalidInput('expiresAt is not a date', 'expiresAt');
}

/** Works on any Kysely whose schema has command_queue (Steward's Schema, or a test's own). */
export function commandQueue<DB extends CommandQueueDatabase>(
  database: Kysely<DB>, dialect: Dialect, options: CommandQueueOptions = {},
): CommandQueue {
  const db = database as unknown as Kysely<CommandQueueDatabase>;
  const redeliverAfterMs = options.redeliverAfterMs ?? DEFAULT_REDELIVER_AFTER_MS;
  const notNowBackoffMs = options.notNowBackoffMs ?? defaultNotNowBackoffMs;
  const batchSize = options.batchSize ?? 1000;
  const clock = options.clock ?? systemClock;

  /** Runs a batched UPDATE or DELETE until a batch comes back short; returns the total. */
  async function inBatches(step: () => Promise<bigint>): Promise<number> {
    let total = 0;
    for (;;) {
      const n = Number(await step());
      total += n;
      if (n < batchSize) return total;
    }
  }

  /** The row as updated, or undefined when nothing was (answered already, or not this enrollment's). */
  async function recordFinal(enrollmentId: string, uuid: string, result: Exclude<CommandResult, { status: 'not-now' }>, now: Date): Promise<Row | undefined> {
    const response = result.response === undefined ? null : json(result.response, 'response');
    const errorChain = result.status === 'error' ? JSON.stringify(result.errorChain) : null;
    return db.updateTable('command_queue')
      .set({ state: result.status, finished_at: iso(now), response, error_chain: errorChain })
      .where('uuid', '=', uuid).where('enrollment_id', '=', enrollmentId)
      // Only a command that was handed out can be answered. A late answer to one that expired
      // while out is still what the device did, so it replaces 'expired'.
      .where('sent_at', 'is not', null)
      .where('state', 'in', [...OPEN_STATES, 'expired'])
      // The stored row comes back with the update: applying the answer needs no second read.
      .returningAll()
      .executeTakeFirst();
  }

  async function recordNotNow(enrollmentId: string, uuid: string, now: Date): Promise<RecordOutcome> {
    // The backoff grows with the count, so read it and update only if nobody changed it since
    // (compare and set), trying again if somebody did.
    for (let attempt = 0; attempt < NOT_NOW_ATTEMPTS; attempt++) {
      const row = await db.selectFrom('command_queue').select(['state', 'sent_at', 'not_now_count', 'deliveries'])
        .where('uuid', '=', uuid).where('enrollment_id', '=', enrollmentId)
        .executeTakeFirst();
      if (!row || row.sent_at === null) return 'unknown';
      // Only a command out on the device can be put off; anything else is a repeated answer.
      if (row.state !== 'sent') return 'already-recorded';
      const count = row.not_now_count + 1;
      const r = await db.updateTable('command_queue')
        .set({ state: 'pending', not_now_count: count, not_before: iso(new Date(now.getTime() + notNowBackoffMs(count))) })
        .where('uuid', '=', uuid).where('enrollment_id', '=', enrollmentId)
        .where('state', '=', 'sent').where('not_now_count', '=', row.not_now_count).where('deliveries', '=', row.deliveries)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) > 0) return 'recorded';
    }
    return 'already-recorded';
  }

  async function recordAnswer(enrollmentId: string, uuid: string, result: CommandResult, now: Date): Promise<RecordedAnswer> {
    if (result.status === 'not-now') return { outcome: await recordNotNow(enrollmentId, uuid, now), command: undefined };
    const stored = await recordFinal(enrollmentId, uuid, result, now);
    if (stored) return { outcome: 'recorded', command: toQueuedCommand(stored) };
    const row = await db.selectFrom('command_queue').select(['sent_at'])
      .where('uuid', '=', uuid).where('enrollment_id', '=', enrollmentId)
      .executeTakeFirst();
    return { outcome: row && row.sent_at !== null ? 'already-recorded' : 'unknown', command: undefined };
  }

  return {
    async enqueue(enrollmentIds, command) {
      const payload = checkedPayload(command);
      const ids = [...new Set(enrollmentIds)];
      if (ids.length === 0) return [];
      const now = iso(clock.now());
      const rows = ids.map((enrollmentId) => newCommandRow(enrollmentId, command, payload, now));
      await db.transaction().execute((tx) => insertCommandRows(tx, rows));
      return rows.map((r) => toQueuedCommand({ ...r, seq: 0 } as Row));
    },

    async next(enrollmentId, now, options = {}) {
      const at = iso(now);
      // Most check-ins find nothing due: a plain read says so at a quarter of the cost of the
      // UPDATE, and takes no write lock (SQLite serializes writers). The UPDATE decides. A caller
      // that has just seen a command due skips the read (one round trip less).
      const due = options.likelyDue === true || await db.selectFrom('command_queue').select('seq')
        .where('enrollment_id', '=', enrollmentId)
        .where('state', 'in', OPEN_STATES)
        .where('not_before', '<=', at)
        .limit(1)
        .executeTakeFirst();
      if (!due) return undefined;
      const row = await db.updateTable('command_queue')
        .set((eb) => ({
          state: 'sent',
          sent_at: at,
          not_before: iso(new Date(now.getTime() + redeliverAfterMs)),
          deliveries: eb('deliveries', '+', 1),
        }))
        .where('seq', '=', (eb) => {
          let pick = eb.selectFrom('command_queue').select('seq')
            .where('enrollment_id', '=', enrollmentId)
            .where('state', 'in', OPEN_STATES)
            .where('not_before', '<=', at)
            .where((w) => w.or([w('expires_at', 'is', null), w('expires_at', '>', at)]))
            .orderBy('priority', 'desc').orderBy('seq')
            .limit(1);
          if (dialect === 'postgres') pick = pick.forUpdate().skipLocked();
          return pick;
        })
        // Checked again on the row as it is when locked (PostgreSQL re-evaluates these, not the subquery).
        .where('state', 'in', OPEN_STATES)
        .where('not_before', '<=', at)
        .returningAll()
        .executeTakeFirst();
      return row ? toQueuedCommand(row) : undefined;
    },

    async record(enrollmentId, uuid, result, now) {
      return (await recordAnswer(enrollmentId, uuid, result, now)).outcome;
    },

    recordAnswer,

    async expire(now) {
      const at = iso(now);
      // Pending commands past their expiry; and sent ones past it whose answer is overdue (one
      // still within its redelivery window may yet be answered).
      const expireState = (state: 'pending' | 'sent') => inBatches(async () => {
        let q = db.updateTable('command_queue')
          .set({ state: 'expired', finished_at: at })
          .where('seq', 'in', (eb) => eb.selectFrom('command_queue').select('seq')
            .where('state', '=', state).where('expires_at', '<=', at)
            .$if(state === 'sent', (s) => s.where('not_before', '<=', at))
            .limit(batchSize))
          .where('state', '=', state).where('expires_at', '<=', at);
        if (state === 'sent') q = q.where('not_before', '<=', at);
        return (await q.executeTakeFirst()).numUpdatedRows;
      });
      return (await expireState('pending')) + (await expireState('sent'));
    },

    async prune(finishedBefore) {
      const before = iso(finishedBefore);
      return inBatches(async () => (await db.deleteFrom('command_queue')
        .where('seq', 'in', (eb) => eb.selectFrom('command_queue').select('seq')
          .where('finished_at', '<', before).limit(batchSize))
        .where('finished_at', '<', before)
        .executeTakeFirst()).numDeletedRows);
    },

    async results(uuid) {
      const row = await db.selectFrom('command_queue').selectAll().where('uuid', '=', uuid).executeTakeFirst();
      return row ? toQueuedCommand(row) : undefined;
    },

    async forEnrollment(enrollmentId, filter: CommandFilter = {}) {
      let q = db.selectFrom('command_queue').selectAll().where('enrollment_id', '=', enrollmentId);
      if (filter.states) {
        if (filter.states.length === 0) return [];
        q = q.where('state', 'in', filter.states);
      }
      if (filter.requestType !== undefined) q = q.where('request_type', '=', filter.requestType);
      const rows = await q.orderBy('seq', 'desc').limit(filter.limit ?? DEFAULT_LIST_LIMIT).execute();
      return rows.map(toQueuedCommand);
    },
  };
}
