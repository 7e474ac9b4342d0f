// Server-to-device SyncML 1.2 messages ([MS-MDM] §2.2, §3.1.5): a header echoing the session,
// Status for the SyncHdr first (CmdRef 0), a Status per received command in order, then the
// server's commands; and packing of commands into messages no larger than the device's
// MaxMsgSize.
import { ProtocolError } from './errors.js';
import { el, renderXml, type XmlNode } from './xml.js';
import { METINF_NS, SYNCML_NS, type Item, type Meta, type SyncCommand, type SyncHeader, type SyncMessage } from './syncml.js';

export interface ReplyHeader {
  sessionId: string;
  msgId: string;
  /** The device's LocURI (the Source of its message). */
  target: string;
  /** The server's LocURI (the Target of the device's message). */
  source: string;
}

export interface StatusOut {
  msgRef: string;
  cmdRef: string;
  cmd: string;
  /** SyncML status code ("200", "400", …; [OMA-SyncMLRP1.2.2] §10). */
  code: string;
  targetRef?: string;
  sourceRef?: string;
}

export interface ItemOut {
  target: string;
  meta?: Meta;
  data?: string;
}

export type LeafCommandOut = { type: 'Add' | 'Delete' | 'Exec' | 'Get' | 'Replace'; items: ItemOut[] };
/** Windows refuses nested Atomic (status 500) and Get inside Atomic ("OMA DM protocol support"). */
export type CommandOut = LeafCommandOut | { type: 'Atomic'; commands: Exclude<LeafCommandOut, { type: 'Get' }>[] };

/** The reply header for a device message: same SessionID, Target and Source swapped. */
export function replyHeader(received: SyncHeader, msgId: string): ReplyHeader {
  return { sessionId: received.sessionId, msgId, target: received.source, source: received.target };
}

/**
 * The Status elements owed for a received message: the SyncHdr first with CmdRef 0, then one per
 * command in the order received (Status elements themselves get none). Atomic and Sequence get
 * their own Status and one for each command inside.
 */
export function statusesFor(message: SyncMessage, codeFor: (cmd: SyncCommand) => string = () => '200'): StatusOut[] {
  const { header } = message;
  const out: StatusOut[] = [{ msgRef: header.msgId, cmdRef: '0', cmd: 'SyncHdr', code: '200', targetRef: header.target, sourceRef: header.source }];
  const walk = (cmds: readonly SyncCommand[]): void => {
    for (const cmd of cmds) {
      if (cmd.type === 'Status') continue;
      if (cmd.type === 'Unknown') {
        out.push({ msgRef: header.msgId, cmdRef: cmd.cmdId ?? '', cmd: cmd.name, code: '400' });
        continue;
      }
      out.push({ msgRef: header.msgId, cmdRef: cmd.cmdId, cmd: cmd.type, code: codeFor(cmd) });
      if (cmd.type === 'Atomic' || cmd.type === 'Sequence') walk(cmd.commands);
    }
  };
  walk(message.commands);
  return out;
}

const leaf = (s: string | undefined, name: string): XmlNode | undefined => (s === undefined ? undefined : el(name, undefined, s));

function metaNode(meta: Meta | undefined): XmlNode | undefined {
  if (meta === undefined || (meta.format === undefined && meta.type === undefined)) return undefined;
  return el('Meta', undefined,
    meta.format === undefined ? undefined : el('Format', { xmlns: METINF_NS }, meta.format),
    meta.type === undefined ? undefined : el('Type', { xmlns: METINF_NS }, meta.type));
}

function itemNode(item: ItemOut | Item): XmlNode {
  return el('Item', undefined,
    item.target === undefined ? undefined : el('Target', undefined, el('LocURI', undefined, item.target)),
    'source' in item && item.source !== undefined ? el('Source', undefined, el('LocURI', undefined, item.source)) : undefined,
    metaNode(item.meta),
    leaf(item.data, 'Data'));
}

function statusNode(s: StatusOut, cmdId: number): XmlNode {
  return el('Status', undefined,
    leaf(String(cmdId), 'CmdID'), leaf(s.msgRef, 'MsgRef'), leaf(s.cmdRef, 'CmdRef'), leaf(s.cmd, 'Cmd'),
    leaf(s.targetRef, 'TargetRef'), leaf(s.sourceRef, 'SourceRef'), leaf(s.code, 'Data'));
}

/** Renders one command with CmdIDs from `next`; returns the XML and the CmdIDs used (Atomic first). */
function commandXml(cmd: CommandOut, next: number): { xml: string; ids: string[] } {
  if (cmd.type === 'Atomic') {
    const ids = [String(next)];
    const inner = cmd.commands.map((c, i) => {
      ids.push(String(next + 1 + i));
      return el(c.type, undefined, leaf(String(next + 1 + i), 'CmdID'), ...c.items.map(itemNode));
    });
    return { xml: renderXml(el('Atomic', undefined, leaf(String(next), 'CmdID'), ...inner)), ids };
  }
  return { xml: renderXml(el(cmd.type, undefined, leaf(String(next), 'CmdID'), ...cmd.items.map(itemNode))), ids: [String(next)] };
}

function envelope(h: ReplyHeader): { open: string; close: (final: boolean) => string } {
  const hdr = renderXml(el('SyncHdr', undefined,
    leaf('1.2', 'VerDTD'), leaf('DM/1.2', 'VerProto'), leaf(h.sessionId, 'SessionID'), leaf(h.msgId, 'MsgID'),
    el('Target', undefined, el('LocURI', undefined, h.target)),
    el('Source', undefined, el('LocURI', undefined, h.source))));
  return {
    open: `<?xml version="1.0" encoding="UTF-8"?><SyncML xmlns="${SYNCML_NS}">${hdr}<SyncBody>`,
    close: (final) => `${final ? '<Final/>' : ''}</SyncBody></SyncML>`,
  };
}

export interface EncodedMessage {
  xml: string;
  bytes: number;
  msgId: string;
  /** The number of statuses and of commands (from the start of each list) this message carries. */
  statuses: number;
  commands: number;
  /** For each command carried, the CmdIDs it was given (an Atomic's own first, then its children's). */
  cmdIds: string[][];
}

/** Encodes one server message with all the given statuses and commands. */
export function encodeSyncML(args: { header: ReplyHeader; statuses: readonly StatusOut[]; commands: readonly CommandOut[]; final?: boolean }): EncodedMessage {
  const [first] = packSyncML({ ...args, maxMsgSize: Number.POSITIVE_INFINITY });
  if (!first) throw new ProtocolError('message-too-large', 'nothing to encode');
  return first;
}

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * Packs statuses and then commands, in order, into consecutive messages (MsgID counting up from
 * header.msgId) each no larger than maxMsgSize bytes. Statuses come first so that the first
 * message answers the device. Each message is a complete package (Final) unless `final` is false;
 * the session layer sends the first now and re-packs what is left for the device's next message.
 * A single status or command that cannot fit in an empty message is a 'message-too-large' error.
 */
export function packSyncML(args: {
  header: ReplyHeader;
  statuses: readonly StatusOut[];
  commands: readonly CommandOut[];
  maxMsgSize: number;
  final?: boolean;
}): EncodedMessage[] {
  const final = args.final ?? true;
  const startMsgId = Number(args.header.msgId);
  if (!Number.isSafeInteger(startMsgId) || startMsgId < 1) throw new ProtocolError('invalid-value', `MsgID ${args.header.msgId} is not a positive integer`);
  const messages: EncodedMessage[] = [];
  let si = 0;
  let ci = 0;
  do {
    const msgId = String(startMsgId + messages.length);
    const env = envelope({ ...args.header, msgId });
    const overhead = utf8(env.open) + utf8(env.close(final));
    const parts: string[] = [];
    let size = overhead;
    let cmdId = 1;
    const fromS = si;
    const fromC = ci;
    const cmdIds: string[][] = [];
    const tooBig = (what: string, need: number): never => {
      throw new ProtocolError('message-too-large', `${what} needs ${need} bytes, more than the device's MaxMsgSize of ${args.maxMsgSize}`);
    };
    if (overhead > args.maxMsgSize) tooBig('the message header', overhead);
    while (si < args.statuses.length) {
      const xml = renderXml(statusNode(args.statuses[si] as StatusOut, cmdId));
      const n = utf8(xml);
      if (size + n > args.maxMsgSize) {
        if (parts.length === 0) tooBig(`the status for command ${(args.statuses[si] as StatusOut).cmdRef}`, overhead + n);
        break;
      }
      parts.push(xml);
      size += n;
      si += 1;
      cmdId += 1;
    }
    while (si === args.statuses.length && ci < args.commands.length) {
      const { xml, ids } = commandXml(args.commands[ci] as CommandOut, cmdId);
      const n = utf8(xml);
      if (size + n > args.maxMsgSize) {
        if (parts.length === 0) tooBig(`command ${ci} (${(args.commands[ci] as CommandOut).type})`, overhead + n);
        break;
      }
      parts.push(xml);
      cmdIds.push(ids);
      size += n;
      ci += 1;
      cmdId += ids.length;
    }
    const xml = env.open + parts.join('') + env.close(final);
    messages.push({ xml, bytes: size, msgId, statuses: si - fromS, commands: ci - fromC, cmdIds });
  } while (si < args.statuses.length || ci < args.commands.length);
  return messages;
}
