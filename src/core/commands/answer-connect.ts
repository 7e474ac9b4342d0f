// A device connects to the command endpoint (Apple's ServerURL PUT, or a SyncML message in a
// Windows session): store its answer to the previous command, if any, then hand it the next one.
import type { Clock } from '../clock.js';
import type { CommandQueue, CommandResult, QueuedCommand, RecordOutcome } from './ports.js';

/** The device's answer to one command, decoded by the platform's protocol module. */
export interface CommandReport {
  uuid: string;
  result: CommandResult;
}

/**
 * Applies a freshly recorded answer: inventory from a DeviceInformation response, a
 * deviceActionResult marked done… Called once per command, with the command as now stored.
 */
export interface CommandResultHandler {
  handle(command: QueuedCommand, report: CommandReport): Promise<void>;
}

export interface AnswerConnectDeps {
  queue: CommandQueue;
  clock: Clock;
  results?: CommandResultHandler;
}

export interface AnswerConnectInput {
  enrollmentId: string;
  /** 'idle': the device has nothing to report (Apple's Idle status, or no Status in SyncML). */
  report: CommandReport | 'idle';
  /**
   * Whether a command was due when the caller read the enrollment in this same request (Apple's
   * getForConnect), if it did. The command being answered is out ('sent', not due), so recording
   * its answer does not change this: true skips the queue's own check; false skips next() unless
   * applying the answer may have queued something (a result handler ran). Saves round trips.
   */
  commandDue?: boolean;
}

export interface AnswerConnectOutput {
  /** What happened to the report; undefined for 'idle'. */
  recorded: RecordOutcome | undefined;
  next: QueuedCommand | undefined;
}

export async function answerConnect(deps: AnswerConnectDeps, input: AnswerConnectInput): Promise<AnswerConnectOutput> {
  let recorded: RecordOutcome | undefined;
  let handled = false;
  if (input.report !== 'idle') {
    const report = input.report;
    // The command comes back as stored by the same statement: no second read to apply it.
    const answer = await deps.queue.recordAnswer(input.enrollmentId, report.uuid, report.result, deps.clock.now());
    recorded = answer.outcome;
    // Only the first answer is applied: a device repeating itself must not apply it twice.
    if (recorded === 'recorded' && deps.results && answer.command) {
      handled = true;
      await deps.results.handle(answer.command, report);
    }
  }
  // A handler may queue commands (inventory → configuration profiles): then the queue is asked.
  if (input.commandDue === false && !handled) return { recorded, next: undefined };
  return { recorded, next: await deps.queue.next(input.enrollmentId, deps.clock.now(), { likelyDue: input.commandDue === true }) };
}
