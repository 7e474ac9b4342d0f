// OMA-DM session state, in memory per process ([MS-MDM] §3.1.5; OMA-DM 1.2 sessions): which
// queued command each CmdID of each server message carries, the answers collected for the client
// package in progress, what did not fit under MaxMsgSize, and the last answer (a repeated message
// gets it again). Losing it costs no command: the queue hands out again, 5 minutes later, every
// command it marked sent that was never answered, and records an answer once (queue.record).
import type { QueuedCommand } from '../commands/ports.js';
import type { StatusOut } from '../../protocol/windows/syncml-encode.js';

/** One status the device returned for a command Steward sent in this session. */
export interface CollectedStatus {
  /** The CmdID it answers: the command's own, or one of an Atomic's children. */
  cmdId: string;
  cmd: string;
  code: string;
  /** True for the status of the command itself (for an Atomic: of the Atomic element). */
  own: boolean;
  targetRef?: string;
}

export interface CollectedResult {
  source: string;
  format?: string;
  type?: string;
  data?: string;
}

/** Everything the device said about one command within the client package in progress. */
export interface CollectedAnswer {
  command: QueuedCommand;
  statuses: CollectedStatus[];
  results: CollectedResult[];
}

export interface SentRef {
  uuid: string;
  /** The CmdID is the command's own (for an Atomic: the Atomic element's). */
  own: boolean;
}

export interface WindowsSession {
  enrollmentId: string;
  sessionId: string;
  /** The last client MsgID answered, and the answer (sent again if the device repeats that message). */
  lastMsgId: number;
  lastReply: string | undefined;
  lastReplyFinal: boolean;
  /** `${server MsgID}:${CmdID}` → the command it carried. */
  sent: Map<string, SentRef>;
  /** Commands sent in this session and not yet answered, by uuid. */
  inFlight: Map<string, QueuedCommand>;
  /** Answers collected for the client package in progress, by uuid; recorded when the package ends. */
  answers: Map<string, CollectedAnswer>;
  /** Handed out by the queue (so marked sent) but not yet on the wire: MaxMsgSize left no room. */
  leftoverCommands: QueuedCommand[];
  leftoverStatuses: StatusOut[];
  /** The server sent its last message: only a repeated message is answered again. */
  ended: boolean;
  touchedAt: number;
}

export interface SessionTableOptions {
  /** A session idle this long is forgotten (the device's own HTTP timeout is far shorter). */
  idleMs?: number;
  /** At most this many sessions; the least recently used go first. */
  maxSessions?: number;
}

export const SESSION_IDLE_MS = 10 * 60_000;

export class SessionTable {
  private readonly sessions = new Map<string, WindowsSession>();
  private readonly idleMs: number;
  private readonly max: number;
  private lastSweep = 0;

  constructor(options: SessionTableOptions = {}) {
    this.idleMs = options.idleMs ?? SESSION_IDLE_MS;
    this.max = options.maxSessions ?? 200_000;
  }

  private static key(enrollmentId: string, sessionId: string): string {
    return `${enrollmentId}\u0000${sessionId}`;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** The live session, if any (refreshing its place as the most recently used). */
  get(enrollmentId: string, sessionId: string, now: number): WindowsSession | undefined {
    this.sweep(now);
    const key = SessionTable.key(enrollmentId, sessionId);
    const s = this.sessions.get(key);
    if (!s) return undefined;
    if (now - s.touchedAt > this.idleMs) {
      this.sessions.delete(key);
      return undefined;
    }
    this.sessions.delete(key);
    this.sessions.set(key, s);
    return s;
  }

  /** A new, empty session (replacing one with the same id). */
  start(enrollmentId: string, sessionId: string, now: number): WindowsSession {
    const session: WindowsSession = {
      enrollmentId, sessionId, lastMsgId: 0, lastReply: undefined, lastReplyFinal: false,
      sent: new Map(), inFlight: new Map(), answers: new Map(), leftoverCommands: [], leftoverStatuses: [], ended: false, touchedAt: now,
    };
    const key = SessionTable.key(enrollmentId, sessionId);
    this.sessions.delete(key);
    this.sessions.set(key, session);
    while (this.sessions.size > this.max) {
      const oldest = this.sessions.keys().next();
      if (oldest.done === true) break;
      this.sessions.delete(oldest.value);
    }
    return session;
  }

  delete(enrollmentId: string, sessionId: string): void {
    this.sessions.delete(SessionTable.key(enrollmentId, sessionId));
  }

  /** Forgets every session of an enrollment (it unenrolled). */
  forget(enrollmentId: string): void {
    for (const [key, s] of this.sessions) if (s.enrollmentId === enrollmentId) this.sessions.delete(key);
  }

  /** Drops idle sessions, at most once a minute; the map is in least-recently-used order. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, s] of this.sessions) {
      if (now - s.touchedAt <= this.idleMs) break;
      this.sessions.delete(key);
    }
  }
}
