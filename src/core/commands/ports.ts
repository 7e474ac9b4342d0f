// The durable command queue that Apple's MDM protocol and Windows' OMA-DM share (issues 4 and 5):
// one row per command per enrollment, handed out in order, answered once, expired, pruned.
//
// Life of a command:
//   pending ──next──▶ sent ──record(acknowledged | error | format-error)──▶ final
//      ▲                │
//      └─ record(not-now): pending again, not before now + backoff
//   sent and unanswered past the redelivery timeout: handed out again by next (never lost)
//   pending (or sent and unanswered) past expiresAt: expired by expire(), which is final too
// A final command is never handed out again, and a repeated answer changes nothing.

export type CommandPlatform = 'apple' | 'windows';

/** JSON as stored: what the platform encoder gave and what the platform decoder reads back. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface NewCommand {
  /**
   * What the device is asked to do, for people and for deviceActionResults: Apple's RequestType
   * ('DeviceLock'), or the SyncML verb and target ('Exec ./Device/Vendor/MSFT/RemoteWipe/doWipe').
   */
  requestType: string;
  /** Opaque to the queue; the platform's encoder understands it. */
  payload: JsonValue;
  platform: CommandPlatform;
  /** After this the command is not handed out any more; expire() marks it expired. */
  expiresAt?: Date;
  /** Higher first; within a priority, oldest first. Default 0. */
  priority?: number;
}

export type CommandState = 'pending' | 'sent' | 'acknowledged' | 'error' | 'format-error' | 'expired';

export const FINAL_COMMAND_STATES: readonly CommandState[] = ['acknowledged', 'error', 'format-error', 'expired'];

/** One entry of Apple's ErrorChain, or a SyncML status turned into one. */
export interface CommandErrorDetail {
  /** Apple's ErrorDomain ('MCMDMErrorDomain'), or 'syncml'. */
  domain?: string;
  /** Apple's ErrorCode, or the SyncML status code. */
  code?: number;
  /** USEnglishDescription or LocalizedDescription. */
  description?: string;
}

/** The device's answer to one command, whatever the platform. */
export type CommandResult =
  | { status: 'acknowledged'; response?: JsonValue }
  | { status: 'error'; errorChain: readonly CommandErrorDetail[]; response?: JsonValue }
  | { status: 'format-error'; response?: JsonValue }
  /** The device cannot do it now (locked, busy): delivered again later. */
  | { status: 'not-now' };

/** What record() did: 'unknown' is also the answer for another enrollment's command. */
export type RecordOutcome = 'recorded' | 'already-recorded' | 'unknown';

/** What recordAnswer() did, with the command as stored when that was a final answer recorded now. */
export interface RecordedAnswer {
  outcome: RecordOutcome;
  /** Present when outcome is 'recorded' and the answer was final (not NotNow): the row as updated. */
  command: QueuedCommand | undefined;
}

export interface QueuedCommand {
  uuid: string;
  enrollmentId: string;
  platform: CommandPlatform;
  requestType: string;
  payload: JsonValue;
  priority: number;
  state: CommandState;
  createdAt: Date;
  /**
   * Earliest time next() may hand the command out (again): the enqueue time, the end of a NotNow
   * backoff, or, while 'sent', the time it is redelivered if no answer has come.
   */
  notBefore: Date;
  /** The last time it was handed out. */
  sentAt: Date | undefined;
  expiresAt: Date | undefined;
  /** When it reached a final state. */
  finishedAt: Date | undefined;
  /** How many times it was handed out. */
  deliveries: number;
  /** How many times the device answered NotNow. */
  notNowCount: number;
  /** The final answer: present for acknowledged, error and format-error. */
  result: Exclude<CommandResult, { status: 'not-now' }> | undefined;
}

export interface CommandFilter {
  states?: readonly CommandState[];
  requestType?: string;
  /** At most this many, newest first. Default 100. */
  limit?: number;
}

export interface NextOptions {
  /**
   * The caller has just seen a command due (in the same request, e.g. with the enrollment): skip
   * the cheap read that otherwise checks before taking the write. Only a saving; the result is
   * the same either way.
   */
  likelyDue?: boolean;
}

export interface CommandQueue {
  /** Queues one command for each enrollment (each gets its own uuid): one batch, one transaction. */
  enqueue(enrollmentIds: readonly string[], command: NewCommand): Promise<QueuedCommand[]>;
  /**
   * Hands out the next due command and marks it sent: the highest priority, then the oldest, that
   * is pending and past its notBefore (or sent and unanswered past the redelivery timeout), and
   * not expired. Never the same command to two callers at once, across replicas.
   */
  next(enrollmentId: string, now: Date, options?: NextOptions): Promise<QueuedCommand | undefined>;
  /**
   * Stores the device's answer. Idempotent: once a final answer is stored, another answer (a
   * device retrying) changes nothing and returns 'already-recorded'. A uuid unknown to this
   * enrollment (or never handed out to it) is 'unknown': a device cannot answer another's command.
   */
  record(enrollmentId: string, uuid: string, result: CommandResult, now: Date): Promise<RecordOutcome>;
  /**
   * record(), also returning the command as the same statement stored it, so that applying the
   * answer needs no second read (one round trip less per delivered command on PostgreSQL).
   */
  recordAnswer(enrollmentId: string, uuid: string, result: CommandResult, now: Date): Promise<RecordedAnswer>;
  /** Marks commands past their expiresAt as expired (unless sent and not yet due for redelivery); returns how many. */
  expire(now: Date): Promise<number>;
  /** Deletes commands that reached a final state before the date, in batches; returns how many. */
  prune(finishedBefore: Date): Promise<number>;
  /** One command with its state and result (deviceActionResults). */
  results(uuid: string): Promise<QueuedCommand | undefined>;
  /** An enrollment's commands, newest first. */
  forEnrollment(enrollmentId: string, filter?: CommandFilter): Promise<QueuedCommand[]>;
}
