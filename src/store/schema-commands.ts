// Kysely's view of the table of migrations/0008-command-queue.ts; schema.ts adds it to Schema.
import type { Generated } from 'kysely';

/** The durable command queue (core/commands/ports.ts), Apple and Windows alike. One row per command per enrollment. */
export interface CommandQueueTable {
  /** Insertion order: FIFO within an enrollment. */
  seq: Generated<number>;
  /** The command's id on the wire (Apple's CommandUUID, a SyncML CmdRef key). Unique. */
  uuid: string;
  enrollment_id: string;
  /** 'apple' | 'windows'. */
  platform: string;
  request_type: string;
  /** JSON text, opaque to the queue. */
  payload: string;
  priority: number;
  /** A CommandState: 'pending' | 'sent' | 'acknowledged' | 'error' | 'format-error' | 'expired'. */
  state: string;
  /** ISO-8601 UTC with milliseconds, like every timestamp. */
  created_at: string;
  /** Earliest hand-out (again): enqueue time, end of a NotNow backoff, or redelivery time while sent. */
  not_before: string;
  sent_at: string | null;
  expires_at: string | null;
  finished_at: string | null;
  deliveries: number;
  not_now_count: number;
  /** JSON text: the device's response (Apple's response dictionary, SyncML Results). */
  response: string | null;
  /** JSON text: an array of CommandErrorDetail, for 'error'. */
  error_chain: string | null;
}
