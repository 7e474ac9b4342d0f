// One client message of an OMA-DM session ([MS-MDM] §3.1.5; learn.microsoft.com "OMA DM protocol
// support", "Device management session"), answered:
//
//   client: SyncHdr (SessionID, MsgID 1, Source = DeviceID), Alert 1201 (or 1200), Replace ./DevInfo
//   server: Status for the SyncHdr, a Status per command received, then its commands (from the
//           shared queue), Final
//   client: Status (and Results) for them
//   …       until the server has nothing more and sends only Statuses with Final: the session ends.
//
// The server's MsgID is the client's (one server message answers each client message: MsgIDs
// start at 1 and go up by one, as [MS-MDM] asks). What does not fit under the client's MaxMsgSize
// goes in the next message, without Final on this one. A client package spread over several
// messages (no Final) is answered with Statuses and Alert 1222 until it ends; its answers are
// recorded when it ends. Alert 1226 (unenrollment) ends the enrollment.
import type { Clock } from '../clock.js';
import type { CommandReport, CommandResultHandler } from '../commands/answer-connect.js';
import type { CommandQueue, CommandResult, QueuedCommand } from '../commands/ports.js';
import type { WindowsEnrollment, WindowsEnrollmentStore } from '../enrollment/ports.js';
import { StewardError } from '../errors.js';
import { ProtocolError } from '../../protocol/windows/errors.js';
import { alertMeaning, devInfo, type DevInfo, type SyncCommand, type SyncMessage } from '../../protocol/windows/syncml.js';
import { encodeSyncML, packSyncML, replyHeader, statusesFor, type CommandOut, type EncodedMessage, type StatusOut } from '../../protocol/windows/syncml-encode.js';
import { NEXT_MESSAGE_ALERT_BYTES, withNextMessageAlert } from '../../protocol/windows/syncml-next-message.js';
import { commandResult } from './command-answer.js';
import { parseWindowsCommand, toCommandOut, WindowsCommandError } from './command-payload.js';
import type { CollectedAnswer, SessionTable, WindowsSession } from './session-table.js';

/** Used when the client gives no MaxMsgSize; Windows' DM client announces its own when it has one. */
export const DEFAULT_MAX_MSG_SIZE = 512_000;
/** The enrollment's lastSeenAt and the device's lastSyncDateTime are rewritten at most this often. */
export const CHECK_IN_STAMP_MS = 60_000;
/** Smaller MaxMsgSize values are refused: a header and one status must fit. */
export const MIN_MAX_MSG_SIZE = 2048;
/** Commands handed out per server message, at most (the rest follow in the next message). */
export const MAX_COMMANDS_PER_MESSAGE = 32;

export interface WindowsSessionLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface SessionStartInfo {
  /** Alert 1201 (the PC's schedule, a user) or 1200 (a server's notification). */
  initiator: 'client' | 'server';
  devInfo: DevInfo;
  /** Alert 1224 com.microsoft/MDM/LoginStatus: 'user' (the enrolled user), 'others' or 'none'. */
  loginStatus: string | undefined;
  /** The first session in a minute or more: the check-in is stamped (lastSyncDateTime). */
  checkIn: boolean;
}

export interface WindowsSessionDeps {
  windowsEnrollments: Pick<WindowsEnrollmentStore, 'update' | 'touch'>;
  commands: CommandQueue;
  clock: Clock;
  sessions: SessionTable;
  /** Applies recorded answers: inventory, remote actions (result-handler.ts). */
  results?: CommandResultHandler;
  /** At the start of each session, before commands are handed out: queue inventory if due… */
  onSessionStart?(enrollment: WindowsEnrollment, info: SessionStartInfo): Promise<void>;
  /** The PC unenrolled itself (Alert 1226): its record goes, as an Apple CheckOut's does. */
  onUnenrolled?(enrollmentId: string): Promise<void>;
  log?: WindowsSessionLog;
  maxCommandsPerMessage?: number;
}

export interface WindowsSessionInput {
  /** The enrollment the client certificate belongs to (the caller checked it is enrolled). */
  enrollment: WindowsEnrollment;
  message: SyncMessage;
}

export interface WindowsSessionOutput {
  xml: string;
  /** The uuids of the queued commands this message carries. */
  commandUuids: string[];
  /** The server's package is complete (Final). */
  final: boolean;
  /** Nothing more to send: the client ends the session. */
  ended: boolean;
  unenrolled: boolean;
  /** The device sent the same message again; the earlier answer was repeated. */
  repeated: boolean;
}

const refuse = (message: string) => new StewardError('device-identity', message);
const normalizeId = (id: string) => id.trim().replace(/^\{(.*)\}$/, '$1').toLowerCase();

/** The status Steward returns for a command the client sent: it accepts what a client reports, nothing else. */
function codeFor(cmd: SyncCommand): string {
  switch (cmd.type) {
    case 'Alert': case 'Replace': case 'Add': case 'Results': return '200';
    case 'Status': return '200';
    // A client asking the server to run management commands: not a feature of an MDM server.
    case 'Get': case 'Exec': case 'Delete': case 'Atomic': case 'Sequence': return '406';
    case 'Unknown': return '400';
  }
}

export async function answerSyncML(deps: WindowsSessionDeps, input: WindowsSessionInput): Promise<WindowsSessionOutput> {
  const { enrollment, message } = input;
  const { header } = message;
  const now = deps.clock.now();
  const t = now.getTime();

  if (header.maxMsgSize !== undefined && header.maxMsgSize < MIN_MAX_MSG_SIZE) {
    throw new ProtocolError('invalid-value', `MaxMsgSize ${header.maxMsgSize} is below ${MIN_MAX_MSG_SIZE} bytes`, '/SyncML/SyncHdr/Meta/MaxMsgSize');
  }
  const msgId = Number(header.msgId);
  if (!Number.isSafeInteger(msgId) || msgId < 1) throw new ProtocolError('invalid-value', `MsgID ${header.msgId} is not a positive integer`, '/SyncML/SyncHdr/MsgID');
  const reply = replyHeader(header, header.msgId);
  const maxMsgSize = header.maxMsgSize ?? DEFAULT_MAX_MSG_SIZE;
  const received = statusesFor(message, codeFor);
  // Whatever cannot be answered is refused before anything is stored: the statuses alone must fit.
  // Packed as they will be sent, so that a message answered with statuses alone is encoded once.
  const statusesOnly = packSyncML({ header: reply, statuses: received, commands: [], maxMsgSize: message.final ? maxMsgSize : maxMsgSize - NEXT_MESSAGE_ALERT_BYTES, final: message.final });

  // The certificate says which enrollment; the header must name that enrollment's PC.
  if (enrollment.deviceId !== null && normalizeId(enrollment.deviceId) !== normalizeId(header.source)) {
    throw refuse(`the message comes from device ${header.source.slice(0, 80)}, but this certificate was issued to device ${enrollment.deviceId}`);
  }
  if (enrollment.deviceId === null) await deps.windowsEnrollments.update(enrollment.id, { deviceId: header.source });

  const meanings = message.commands.flatMap((c) => (c.type === 'Alert' ? alertMeaning(c) : []));
  const start = meanings.find((m): m is Extract<typeof m, { kind: 'session-start' }> => m.kind === 'session-start');
  let session = deps.sessions.get(enrollment.id, header.sessionId, t);
  if (session && msgId === session.lastMsgId && session.lastReply !== undefined) {
    // The same message again (the answer was lost on the way): the same answer, nothing applied twice.
    return { xml: session.lastReply, commandUuids: [], final: session.lastReplyFinal, ended: session.ended, unenrolled: false, repeated: true };
  }
  let isNew = false;
  if (!session || msgId === 1 || (start !== undefined && msgId <= session.lastMsgId)) {
    if (!session && msgId > 1) deps.log?.info({ enrollmentId: enrollment.id, sessionId: header.sessionId, msgId }, 'OMA-DM session unknown here (restarted, or another replica): continuing it');
    session = deps.sessions.start(enrollment.id, header.sessionId, t);
    isNew = true;
  } else if (msgId !== session.lastMsgId + 1) {
    deps.log?.warn({ enrollmentId: enrollment.id, sessionId: header.sessionId, msgId, expected: session.lastMsgId + 1 }, 'OMA-DM message out of sequence');
  }
  session.ended = false;

  if (meanings.some((m) => m.kind === 'unenroll-request')) return unenroll(deps, enrollment, message, now);

  collectAnswers(deps, session, message);
  // The check-in is stamped at most once a minute (lastSeenAt, then lastSyncDateTime): a PC in a
  // burst of sessions costs reads, not writes.
  const checkIn = isNew && (enrollment.lastSeenAt === null || !(t - Date.parse(enrollment.lastSeenAt) < CHECK_IN_STAMP_MS));
  if (checkIn) await deps.windowsEnrollments.touch(enrollment.id, now);
  if (isNew && (start !== undefined || msgId === 1)) {
    const login = meanings.find((m): m is Extract<typeof m, { kind: 'login-status' }> => m.kind === 'login-status');
    await deps.onSessionStart?.(enrollment, { initiator: start?.initiator ?? 'client', devInfo: devInfo(message), loginStatus: login?.status, checkIn });
  }
  if (message.final) await settleAnswers(deps, session, now);

  const nothingLeft = session.leftoverStatuses.length === 0;
  const statuses = [...received.slice(0, 1), ...session.leftoverStatuses, ...received.slice(1)];
  session.leftoverStatuses = [];

  let out: EncodedMessage;
  let carried: { command: QueuedCommand; out: CommandOut }[] = [];
  let more: boolean;
  if (!message.final) {
    // The client's package goes on: statuses and a request for its next message, nothing new.
    const [first] = nothingLeft ? statusesOnly : packSyncML({ header: reply, statuses, commands: [], maxMsgSize: maxMsgSize - NEXT_MESSAGE_ALERT_BYTES, final: false });
    if (!first) throw new Error('packSyncML returned no message');
    session.leftoverStatuses = statuses.slice(first.statuses);
    out = withNextMessageAlert(first);
    more = true;
  } else {
    const packed = await gatherCommands(deps, session, enrollment.id, reply, statuses, maxMsgSize, now, nothingLeft ? statusesOnly : undefined);
    carried = packed.carried;
    out = packed.message;
    more = packed.more;
  }

  for (const [i, c] of carried.entries()) {
    for (const [j, id] of (out.cmdIds[i] ?? []).entries()) session.sent.set(`${out.msgId}:${id}`, { uuid: c.command.uuid, own: j === 0 });
    session.inFlight.set(c.command.uuid, c.command);
  }
  const ended = message.final && !more && carried.length === 0;
  session.lastMsgId = msgId;
  session.lastReply = out.xml;
  session.lastReplyFinal = !more;
  session.touchedAt = t;
  if (ended) {
    // Kept until idle only to answer a repeated last message; unanswered commands go back to the queue's care.
    session.ended = true;
    session.sent.clear();
    session.inFlight.clear();
    session.answers.clear();
  }
  return { xml: out.xml, commandUuids: carried.map((c) => c.command.uuid), final: !more, ended, unenrolled: false, repeated: false };
}

/** Files each Status and Results under the command it answers; unknown CmdRefs are logged and ignored. */
function collectAnswers(deps: WindowsSessionDeps, session: WindowsSession, message: SyncMessage): void {
  const answerFor = (msgRef: string, cmdRef: string, what: string): { answer: CollectedAnswer; own: boolean } | undefined => {
    const ref = session.sent.get(`${msgRef}:${cmdRef}`);
    const command = ref && session.inFlight.get(ref.uuid);
    if (!ref || !command) {
      deps.log?.warn({ enrollmentId: session.enrollmentId, sessionId: session.sessionId, msgRef, cmdRef, what }, 'answer to a command this session did not send: ignored');
      return undefined;
    }
    let answer = session.answers.get(ref.uuid);
    if (!answer) {
      answer = { command, statuses: [], results: [] };
      session.answers.set(ref.uuid, answer);
    }
    return { answer, own: ref.own };
  };
  for (const cmd of message.commands) {
    if (cmd.type === 'Status') {
      if (cmd.cmdRef === '0') continue; // the status of our SyncHdr
      const found = answerFor(cmd.msgRef, cmd.cmdRef, `Status ${cmd.data} for ${cmd.cmd}`);
      if (!found) continue;
      const targets = cmd.targetRef !== undefined ? [cmd.targetRef] : cmd.items.flatMap((i) => (i.target !== undefined ? [i.target] : []));
      if (targets.length === 0) found.answer.statuses.push({ cmdId: cmd.cmdRef, cmd: cmd.cmd, code: cmd.data, own: found.own });
      for (const targetRef of targets) found.answer.statuses.push({ cmdId: cmd.cmdRef, cmd: cmd.cmd, code: cmd.data, own: found.own, targetRef });
    } else if (cmd.type === 'Results') {
      // MsgRef may be left out: then it is the server message being answered.
      const found = answerFor(cmd.msgRef ?? String(session.lastMsgId), cmd.cmdRef, 'Results');
      if (!found) continue;
      for (const item of cmd.items) {
        const source = item.source ?? item.target;
        if (source === undefined) continue;
        found.answer.results.push({
          source, ...(item.meta?.format !== undefined ? { format: item.meta.format } : {}), ...(item.meta?.type !== undefined ? { type: item.meta.type } : {}), ...(item.data !== undefined ? { data: item.data } : {}),
        });
      }
    }
  }
}

/** Records the answers of a finished client package, once each, and applies the recorded ones. */
async function settleAnswers(deps: WindowsSessionDeps, session: WindowsSession, now: Date): Promise<void> {
  for (const [uuid, answer] of session.answers) {
    const result = commandResult(answer);
    if (result === undefined) continue; // its own status has not come: stays in flight
    session.answers.delete(uuid);
    session.inFlight.delete(uuid);
    await record(deps, session.enrollmentId, uuid, result, now);
  }
}

async function record(deps: WindowsSessionDeps, enrollmentId: string, uuid: string, result: CommandResult, now: Date): Promise<void> {
  // The command comes back as the same statement stored it: no second read to apply it.
  const { outcome, command: stored } = await deps.commands.recordAnswer(enrollmentId, uuid, result, now);
  if (outcome === 'unknown') deps.log?.warn({ enrollmentId, uuid }, 'answer for a command the queue does not know');
  // Applied once: a device repeating an answer (or a redelivery answered twice) changes nothing.
  if (outcome !== 'recorded' || !deps.results || result.status === 'not-now') return;
  const report: CommandReport = { uuid, result };
  if (stored) await deps.results.handle(stored, report);
}

/**
 * Statuses first, then what did not fit last time, then commands from the queue while the first
 * message has room (and at most maxCommandsPerMessage). Commands the queue handed out that do not
 * fit stay for the next message (they are marked sent: a lost session gives them back in 5 min).
 */
async function gatherCommands(
  deps: WindowsSessionDeps, session: WindowsSession, enrollmentId: string, reply: ReturnType<typeof replyHeader>,
  statuses: StatusOut[], maxMsgSize: number, now: Date,
  /** The statuses packed alone, when they are the ones given (nothing left from the last message). */
  statusesOnly: EncodedMessage[] | undefined,
): Promise<{ message: EncodedMessage; carried: { command: QueuedCommand; out: CommandOut }[]; more: boolean }> {
  const limit = deps.maxCommandsPerMessage ?? MAX_COMMANDS_PER_MESSAGE;
  const outgoing: { command: QueuedCommand; out: CommandOut }[] = [];
  const pack = () => packSyncML({ header: reply, statuses, commands: outgoing.map((o) => o.out), maxMsgSize, final: true });

  /** Adds a command if the device could ever receive it; returns the packing with it. */
  const add = async (command: QueuedCommand): Promise<void> => {
    let out: CommandOut;
    try {
      if (command.platform !== 'windows') throw new WindowsCommandError(`a ${command.platform} command in a Windows enrollment's queue`);
      out = toCommandOut(parseWindowsCommand(command.payload));
    } catch (err) {
      if (!(err instanceof WindowsCommandError)) throw err;
      deps.log?.warn({ enrollmentId, uuid: command.uuid, reason: err.message }, 'queued command is not a valid Windows command');
      await record(deps, enrollmentId, command.uuid, { status: 'format-error' }, now);
      return;
    }
    outgoing.push({ command, out });
    try {
      pack();
    } catch (err) {
      if (!(err instanceof ProtocolError) || err.code !== 'message-too-large') throw err;
      outgoing.pop();
      deps.log?.warn({ enrollmentId, uuid: command.uuid, maxMsgSize }, 'command larger than the device accepts in one message');
      await record(deps, enrollmentId, command.uuid, {
        status: 'error', errorChain: [{ domain: 'steward', description: `The command does not fit in one message of the device's MaxMsgSize (${maxMsgSize} bytes).` }],
      }, now);
    }
  };

  const leftovers = session.leftoverCommands;
  session.leftoverCommands = [];
  for (const c of leftovers) await add(c);
  let packed = outgoing.length === 0 && statusesOnly !== undefined ? statusesOnly : pack();
  // Read the clock again: commands queued since the message arrived (inventory at session start) are due.
  const handOut = deps.clock.now();
  while (packed.length === 1 && outgoing.length < limit) {
    const next = await deps.commands.next(enrollmentId, handOut);
    if (!next) break;
    await add(next);
    packed = pack();
  }

  const first = packed[0];
  if (!first) throw new Error('packSyncML returned no message');
  const more = packed.length > 1;
  const carried = outgoing.slice(0, first.commands);
  session.leftoverCommands = outgoing.slice(first.commands).map((o) => o.command);
  session.leftoverStatuses = statuses.slice(first.statuses);
  // Packed with Final for a conservative fit; sent without it when more follows.
  const message = more
    ? encodeSyncML({ header: reply, statuses: statuses.slice(0, first.statuses), commands: carried.map((o) => o.out), final: false })
    : first;
  return { message, carried, more };
}

async function unenroll(deps: WindowsSessionDeps, enrollment: WindowsEnrollment, message: SyncMessage, now: Date): Promise<WindowsSessionOutput> {
  await deps.windowsEnrollments.update(enrollment.id, { state: 'unenrolled', unenrolledAt: now.toISOString() });
  deps.sessions.forget(enrollment.id);
  deps.log?.info({ enrollmentId: enrollment.id }, 'Windows PC unenrolled itself (Alert 1226)');
  await deps.onUnenrolled?.(enrollment.id);
  const out = encodeSyncML({ header: replyHeader(message.header, message.header.msgId), statuses: statusesFor(message, codeFor), commands: [] });
  return { xml: out.xml, commandUuids: [], final: true, ended: true, unenrolled: true, repeated: false };
}
