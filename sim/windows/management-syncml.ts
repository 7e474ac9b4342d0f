// SyncML as the simulated PC writes and reads it, after the shapes of Microsoft's samples ([MS-MDM]
// §4 "Protocol Examples"; "OMA DM protocol support"; "Disconnecting from the management
// infrastructure"). Parsed with fast-xml-parser, not with Steward's decoder: the simulator must
// not share the server's mistakes.
import { XMLParser } from 'fast-xml-parser';

export interface ClientHeader {
  sessionId: string;
  msgId: number;
  /** The server URL (w7 ADDR). */
  target: string;
  /** The PC's DeviceID (DevInfo/DevId). */
  source: string;
  maxMsgSize?: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One client message; `body` is the SyncBody's commands, already numbered. */
export function clientMessage(h: ClientHeader, body: readonly string[], final = true): string {
  const meta = h.maxMsgSize === undefined ? '' : `<Meta><MaxMsgSize xmlns="syncml:metinf">${h.maxMsgSize}</MaxMsgSize></Meta>`;
  return '<?xml version="1.0" encoding="UTF-8"?>'
    + '<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto>'
    + `<SessionID>${esc(h.sessionId)}</SessionID><MsgID>${h.msgId}</MsgID>`
    + `<Target><LocURI>${esc(h.target)}</LocURI></Target><Source><LocURI>${esc(h.source)}</LocURI></Source>${meta}</SyncHdr>`
    + `<SyncBody>${body.join('')}${final ? '<Final/>' : ''}</SyncBody></SyncML>`;
}

export function alert(cmdId: number, code: string, item?: { type: string; format?: string; data: string }): string {
  const it = item === undefined ? '' : `<Item><Meta><Type xmlns="syncml:metinf">${esc(item.type)}</Type>${item.format ? `<Format xmlns="syncml:metinf">${esc(item.format)}</Format>` : ''}</Meta><Data>${esc(item.data)}</Data></Item>`;
  return `<Alert><CmdID>${cmdId}</CmdID><Data>${code}</Data>${it}</Alert>`;
}

export function replaceDevInfo(cmdId: number, values: readonly [string, string][]): string {
  return `<Replace><CmdID>${cmdId}</CmdID>${values.map(([uri, v]) => `<Item><Source><LocURI>${esc(uri)}</LocURI></Source><Data>${esc(v)}</Data></Item>`).join('')}</Replace>`;
}

export function status(cmdId: number, s: { msgRef: string; cmdRef: string; cmd: string; data: string; targetRef?: string }): string {
  return `<Status><CmdID>${cmdId}</CmdID><MsgRef>${esc(s.msgRef)}</MsgRef><CmdRef>${esc(s.cmdRef)}</CmdRef><Cmd>${esc(s.cmd)}</Cmd>`
    + `${s.targetRef === undefined ? '' : `<TargetRef>${esc(s.targetRef)}</TargetRef>`}<Data>${esc(s.data)}</Data></Status>`;
}

export function results(cmdId: number, r: { msgRef: string; cmdRef: string; items: readonly { source: string; format?: string; data: string }[] }): string {
  const items = r.items.map((i) => `<Item><Source><LocURI>${esc(i.source)}</LocURI></Source>${i.format ? `<Meta><Format xmlns="syncml:metinf">${esc(i.format)}</Format></Meta>` : ''}<Data>${esc(i.data)}</Data></Item>`);
  return `<Results><CmdID>${cmdId}</CmdID><MsgRef>${esc(r.msgRef)}</MsgRef><CmdRef>${esc(r.cmdRef)}</CmdRef>${items.join('')}</Results>`;
}

// ---- reading the server's messages ----

export interface ServerItem {
  target?: string;
  format?: string;
  type?: string;
  data?: string;
}

export type LeafKind = 'Get' | 'Add' | 'Replace' | 'Delete' | 'Exec';
export type LeafCommand = { kind: LeafKind; cmdId: string; items: ServerItem[] };
export type ServerCommand =
  | LeafCommand
  | { kind: 'Atomic'; cmdId: string; commands: ServerCommand[] }
  | { kind: 'Sequence'; cmdId: string; commands: ServerCommand[] }
  | { kind: 'Alert'; cmdId: string; data: string };

export interface ServerStatus {
  msgRef: string;
  cmdRef: string;
  cmd: string;
  data: string;
}

export interface ServerMessage {
  sessionId: string;
  msgId: string;
  target: string;
  source: string;
  statuses: ServerStatus[];
  commands: ServerCommand[];
  final: boolean;
  /** The order of the SyncBody's children, for order checks. */
  order: string[];
}

interface Node {
  name: string;
  children: Node[];
  text: string;
}

const parser = new XMLParser({ preserveOrder: true, removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, trimValues: false, processEntities: true });

function toNodes(raw: unknown): Node[] {
  const out: Node[] = [];
  for (const entry of raw as Record<string, unknown>[]) {
    for (const [name, value] of Object.entries(entry)) {
      if (name === ':@') continue;
      if (name === '#text') continue;
      const kids = Array.isArray(value) ? value as Record<string, unknown>[] : [];
      const text = kids.filter((k) => '#text' in k).map((k) => String(k['#text'])).join('');
      out.push({ name, children: toNodes(kids), text });
    }
  }
  return out;
}

const kid = (n: Node, name: string) => n.children.find((c) => c.name === name);
const text = (n: Node | undefined) => n?.text.trim() ?? '';

function item(n: Node): ServerItem {
  const meta = kid(n, 'Meta');
  const out: ServerItem = {};
  const target = kid(n, 'Target');
  if (target) out.target = text(kid(target, 'LocURI'));
  if (meta && kid(meta, 'Format')) out.format = text(kid(meta, 'Format'));
  if (meta && kid(meta, 'Type')) out.type = text(kid(meta, 'Type'));
  const data = kid(n, 'Data');
  if (data) out.data = data.text;
  return out;
}

function command(n: Node): ServerCommand | undefined {
  const cmdId = text(kid(n, 'CmdID'));
  switch (n.name) {
    case 'Get': case 'Add': case 'Replace': case 'Delete': case 'Exec':
      return { kind: n.name, cmdId, items: n.children.filter((c) => c.name === 'Item').map(item) };
    case 'Atomic': case 'Sequence':
      return { kind: n.name, cmdId, commands: n.children.map(command).filter((c): c is ServerCommand => c !== undefined) };
    case 'Alert':
      return { kind: 'Alert', cmdId, data: text(kid(n, 'Data')) };
    default:
      return undefined;
  }
}

export function parseServerMessage(xml: string): ServerMessage {
  const root = toNodes(parser.parse(xml)).find((n) => n.name === 'SyncML');
  if (!root) throw new Error('the server did not answer with SyncML');
  const hdr = kid(root, 'SyncHdr');
  const body = kid(root, 'SyncBody');
  if (!hdr || !body) throw new Error('SyncML without SyncHdr or SyncBody');
  const msg: ServerMessage = {
    sessionId: text(kid(hdr, 'SessionID')),
    msgId: text(kid(hdr, 'MsgID')),
    target: text(kid(kid(hdr, 'Target') ?? { name: '', children: [], text: '' }, 'LocURI')),
    source: text(kid(kid(hdr, 'Source') ?? { name: '', children: [], text: '' }, 'LocURI')),
    statuses: [], commands: [], final: false, order: [],
  };
  for (const n of body.children) {
    msg.order.push(n.name);
    if (n.name === 'Final') msg.final = true;
    else if (n.name === 'Status') msg.statuses.push({ msgRef: text(kid(n, 'MsgRef')), cmdRef: text(kid(n, 'CmdRef')), cmd: text(kid(n, 'Cmd')), data: text(kid(n, 'Data')) });
    else {
      const c = command(n);
      if (c) msg.commands.push(c);
    }
  }
  return msg;
}
