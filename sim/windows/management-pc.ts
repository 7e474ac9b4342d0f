// A simulated enrolled Windows PC talking OMA-DM to its management server ([MS-MDM]; "OMA DM
// protocol support", "Device management session"): it opens a session (Alert 1201, its login
// status in Alert 1224, DevInfo in a Replace), answers each server message with a Status per
// command and Results for Gets, from its own management tree, until the server sends only
// statuses with Final; it unenrolls with Alert 1226. Over real mutual TLS (httpsTransport with the
// client certificate) or in process (injectTransport with a proxy's forwarded-certificate header).
//
// It checks what a real client relies on and throws when the server breaks it: the same
// SessionID, the server's MsgID answering ours, the SyncHdr Status first, statuses before
// commands, no message larger than the MaxMsgSize it announced.
import type { Transport } from './transport.js';
import { ManagementTree, defaultHardware, type Answer, type PCHardware } from './management-tree.js';
import { alert, clientMessage, parseServerMessage, replaceDevInfo, results, status, type LeafCommand, type ServerCommand, type ServerItem, type ServerMessage } from './management-syncml.js';

export interface ManagedPCOptions {
  transport: Transport;
  /** From the enrollment (sim/windows/pc.ts): the management URL and DMClient provider id. */
  managementUrl: string;
  providerId: string;
  /** The PC's DeviceID, the Source of every message. */
  deviceId: string;
  /** Where requests go, when not the management URL itself (a test listener on localhost). */
  url?: string;
  /** Extra request headers (a TLS-terminating proxy's forwarded certificate). */
  headers?: Record<string, string>;
  hardware?: Partial<PCHardware>;
  /** Announced in every SyncHdr; server messages larger than this are an error. */
  maxMsgSize?: number;
  loginStatus?: 'user' | 'others' | 'none';
  firstSessionId?: number;
}

export class ManagementRefused extends Error {
  override readonly name = 'ManagementRefused';
  constructor(readonly status: number, readonly body: string) {
    super(`the management server answered HTTP ${status}: ${body.trim().slice(0, 200)}`);
  }
}

/** What the PC did with one server command. */
export interface HandledCommand {
  kind: ServerCommand['kind'];
  targets: string[];
  status: string;
}

export interface SessionReport {
  sessionId: string;
  /** Every server message of the session, in order. */
  replies: ServerMessage[];
  handled: HandledCommand[];
}

const CONTENT_TYPE = 'application/vnd.syncml.dm+xml';

export class ManagedWindowsPC {
  readonly tree: ManagementTree;
  enrolled = true;
  private nextSessionId: number;

  constructor(readonly options: ManagedPCOptions) {
    this.tree = new ManagementTree(defaultHardware(options.hardware), { deviceId: options.deviceId, providerId: options.providerId });
    this.nextSessionId = options.firstSessionId ?? 1;
  }

  /** Posts one message; the raw answer (for tests of refusals). */
  async post(xml: string): Promise<{ status: number; body: string; contentType: string }> {
    const res = await this.options.transport.request('POST', this.options.url ?? this.options.managementUrl,
      { 'content-type': CONTENT_TYPE, ...this.options.headers }, new TextEncoder().encode(xml));
    return { status: res.status, body: new TextDecoder().decode(res.body), contentType: res.headers['content-type'] ?? '' };
  }

  /** A session to drive message by message. */
  session(): DmSession {
    const id = String(this.nextSessionId++);
    return new DmSession(this, id);
  }

  /** One whole session, as the PC's schedule runs it. */
  async sync(): Promise<SessionReport> {
    if (!this.enrolled) throw new Error('this PC is no longer enrolled');
    const s = this.session();
    let reply = await s.start();
    for (let i = 0; !s.ended(reply); i++) {
      if (i > 100) throw new Error('the session does not end: 100 exchanges');
      reply = await s.answer(reply);
    }
    this.afterSession();
    return s.report;
  }

  /** The person removes the work account: Alert 1226 ("Disconnecting from the management infrastructure"). */
  async unenroll(): Promise<ServerMessage> {
    const s = this.session();
    const reply = await s.send([
      alert(2, '1226', { type: 'com.microsoft:mdm.unenrollment.userrequest', format: 'int', data: '1' }),
      replaceDevInfo(3, [['./DevInfo/DevID', this.options.deviceId]]),
    ]);
    this.enrolled = false;
    return reply;
  }

  /** A wipe or an unenroll the server asked for takes effect once the session is over. */
  private afterSession(): void {
    if (this.tree.executed.some((e) => /remotewipe|\/unenroll$/i.test(e.target))) this.enrolled = false;
  }

  header(sessionId: string, msgId: number) {
    return { sessionId, msgId, target: this.options.managementUrl, source: this.options.deviceId, ...(this.options.maxMsgSize === undefined ? {} : { maxMsgSize: this.options.maxMsgSize }) };
  }

  devInfo(): [string, string][] {
    return ['DevId', 'Man', 'Mod', 'DmV', 'Lang'].map((n) => [`./DevInfo/${n}`, this.tree.value(`./DevInfo/${n}`) ?? '']);
  }
}

export class DmSession {
  private msgId = 0;
  readonly report: SessionReport;

  constructor(private readonly pc: ManagedWindowsPC, readonly sessionId: string) {
    this.report = { sessionId, replies: [], handled: [] };
  }

  /** Package 1: Alert 1201, the login status, DevInfo. */
  start(): Promise<ServerMessage> {
    return this.send([
      alert(1, '1201'),
      alert(2, '1224', { type: 'com.microsoft/MDM/LoginStatus', format: 'chr', data: this.pc.options.loginStatus ?? 'user' }),
      replaceDevInfo(3, this.pc.devInfo()),
    ]);
  }

  /** The session is over: the server sent a complete package with no command. */
  ended(reply: ServerMessage): boolean {
    return reply.final && reply.commands.length === 0;
  }

  /** Answers a server message: a Status for its header and each command, Results for Gets. */
  answer(reply: ServerMessage): Promise<ServerMessage> {
    const body: string[] = [];
    let cmdId = 1;
    const put = (make: (id: number) => string) => body.push(make(cmdId++));
    put((id) => status(id, { msgRef: reply.msgId, cmdRef: '0', cmd: 'SyncHdr', data: '200' }));
    const respond = (cmd: ServerCommand) => {
      if (cmd.kind === 'Alert') {
        put((id) => status(id, { msgRef: reply.msgId, cmdRef: cmd.cmdId, cmd: 'Alert', data: '200' }));
        return;
      }
      if (cmd.kind === 'Atomic' || cmd.kind === 'Sequence') {
        const inner = cmd.commands.map((c) => ({ c, answers: c.kind === 'Alert' || c.kind === 'Atomic' || c.kind === 'Sequence' ? [{ status: '500' }] : c.items.map((i) => this.run(c.kind, i)) }));
        const failed = cmd.kind === 'Atomic' && inner.some((x) => x.answers.some((a) => !/^2/.test(a.status)));
        put((id) => status(id, { msgRef: reply.msgId, cmdRef: cmd.cmdId, cmd: cmd.kind, data: failed ? '507' : '200' }));
        this.report.handled.push({ kind: cmd.kind, targets: [], status: failed ? '507' : '200' });
        for (const { c, answers } of inner) {
          const code = failed ? (answers.every((a) => /^2/.test(a.status)) ? '216' : answers.find((a) => !/^2/.test(a.status))?.status ?? '500') : answers[0]?.status ?? '200';
          put((id) => status(id, { msgRef: reply.msgId, cmdRef: c.cmdId, cmd: c.kind, data: code }));
        }
        return;
      }
      const leaf: LeafCommand = cmd;
      const answers = leaf.items.map((i) => ({ item: i, answer: this.run(leaf.kind, i) }));
      const codes = new Set(answers.map((a) => a.answer.status));
      // [OMA-SyncMLRP] Status: one Status for the command when every item has the same code; a
      // Status per item, with its TargetRef, when they differ.
      if (codes.size <= 1) put((id) => status(id, { msgRef: reply.msgId, cmdRef: cmd.cmdId, cmd: cmd.kind, data: answers[0]?.answer.status ?? '200' }));
      else for (const a of answers) put((id) => status(id, { msgRef: reply.msgId, cmdRef: cmd.cmdId, cmd: cmd.kind, data: a.answer.status, targetRef: a.item.target ?? '' }));
      this.report.handled.push({ kind: cmd.kind, targets: cmd.items.map((i) => i.target ?? ''), status: [...codes].join(',') });
      if (cmd.kind === 'Get') {
        const found = answers.filter((a) => a.answer.status === '200');
        if (found.length > 0) {
          put((id) => results(id, { msgRef: reply.msgId, cmdRef: cmd.cmdId, items: found.map((a) => ({ source: a.item.target ?? '', ...(a.answer.format ? { format: a.answer.format } : {}), data: a.answer.data ?? '' })) }));
        }
      }
    };
    for (const cmd of reply.commands) respond(cmd);
    // More of the server's package to come: ask for it.
    if (!reply.final) put((id) => alert(id, '1222'));
    return this.send(body);
  }

  private run(kind: 'Get' | 'Add' | 'Replace' | 'Delete' | 'Exec', item: ServerItem): Answer {
    const target = item.target ?? '';
    switch (kind) {
      case 'Get': return this.pc.tree.get(target);
      case 'Add': return this.pc.tree.add(target, item.data, item.format);
      case 'Replace': return this.pc.tree.replace(target, item.data, item.format);
      case 'Delete': return this.pc.tree.delete(target);
      case 'Exec': return this.pc.tree.exec(target, item.data);
    }
  }

  /** Sends the next client message and checks the answer as a DM client would. */
  async send(body: readonly string[]): Promise<ServerMessage> {
    this.msgId += 1;
    const xml = clientMessage(this.pc.header(this.sessionId, this.msgId), body);
    const res = await this.pc.post(xml);
    if (res.status !== 200) throw new ManagementRefused(res.status, res.body);
    const max = this.pc.options.maxMsgSize;
    if (max !== undefined && Buffer.byteLength(res.body) > max) throw new Error(`server message of ${Buffer.byteLength(res.body)} bytes exceeds MaxMsgSize ${max}`);
    const reply = parseServerMessage(res.body);
    if (reply.sessionId !== this.sessionId) throw new Error(`server answered session ${reply.sessionId}, not ${this.sessionId}`);
    if (reply.msgId !== String(this.msgId)) throw new Error(`server MsgID ${reply.msgId} does not answer client MsgID ${this.msgId}`);
    if (reply.target !== this.pc.options.deviceId) throw new Error(`server message is for ${reply.target}, not this PC`);
    const first = reply.statuses[0];
    if (reply.order[0] !== 'Status' || first?.cmdRef !== '0' || first.cmd !== 'SyncHdr') throw new Error('the first element of the server message is not the Status for the SyncHdr');
    const firstCommand = reply.order.findIndex((n) => n !== 'Status');
    if (firstCommand >= 0 && reply.order.slice(firstCommand).includes('Status')) throw new Error('a Status after a command in the server message');
    this.report.replies.push(reply);
    return reply;
  }
}
