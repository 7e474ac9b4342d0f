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
}

export interface AnswerConnectOutput {
  /** What happened to the report; undefined for 'idle'. */
  recorded: RecordOutcome | undefined;
  next: QueuedCommand | undefined;
}

export async function answerConnect(deps: AnswerConnectDeps, input: AnswerConnectInput): Promise<AnswerConnectOutput> {
  let recorded: RecordOutcome | undefined;
  if (input.report !== 'idle') {
    const report = input.report;
    recorded = await deps.queue.record(input.enrollmentId, report.uuid, report.result, deps.clock.now());
    // Only the first answer is applied: a device repeating itself must not apply it twice.
    if (recorded === 'recorded' && deps.results && report.result.status !== 'not-now') {
      const command = await deps.queue.results(report.uuid);
      if (command) await deps.results.handle(command, report);
    }
  }
  return { recorded, next: await deps.queue.next(input.enrollmentId, deps.clock.now()) };
}
