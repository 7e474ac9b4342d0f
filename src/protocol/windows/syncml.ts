// OMA-DM SyncML 1.2 messages as Windows sends them ([MS-MDM] §2.2; learn.microsoft.com
// "OMA DM protocol support"): types and the decoder. The server-side encoder and the
// MaxMsgSize packing live in syncml-encode.ts.
import { ProtocolError } from './errors.js';
import { child, children, parseXml, textOf, type XmlElement, type XmlLimits } from './xml.js';

/** Windows writes the SyncML namespace in upper case ([MS-MDM] §4); matched case-insensitively. */
export const SYNCML_NS = 'SYNCML:SYNCML1.2';
export const METINF_NS = 'syncml:metinf';

export interface SyncHeader {
  verDTD: string;
  verProto: string;
  sessionId: string;
  msgId: string;
  target: string; // LocURI: the server URL in client messages, the device id in server messages
  source: string;
  maxMsgSize?: number;
}

export interface Meta {
  format?: string;
  type?: string;
}

export interface Item {
  target?: string;
  source?: string;
  meta?: Meta;
  data?: string;
}

export type CommandName = 'Add' | 'Alert' | 'Atomic' | 'Delete' | 'Exec' | 'Get' | 'Replace' | 'Results' | 'Sequence' | 'Status';

export type SyncCommand =
  | { type: 'Alert'; cmdId: string; data: string; items: Item[] }
  | { type: 'Add' | 'Delete' | 'Exec' | 'Get' | 'Replace'; cmdId: string; meta?: Meta; items: Item[] }
  | { type: 'Atomic' | 'Sequence'; cmdId: string; commands: SyncCommand[] }
  | { type: 'Results'; cmdId: string; msgRef?: string; cmdRef: string; meta?: Meta; items: Item[] }
  | { type: 'Status'; cmdId: string; msgRef: string; cmdRef: string; cmd: string; data: string; targetRef?: string; sourceRef?: string; items: Item[] }
  /** An element under SyncBody that is not a DM command: the receiver answers it with Status 400. */
  | { type: 'Unknown'; name: string; cmdId?: string };

export interface SyncMessage {
  header: SyncHeader;
  commands: SyncCommand[];
  final: boolean;
}

/** Default limits for a SyncML body; callers pass the endpoint's own byte limit. */
export const syncmlXmlLimits: Partial<XmlLimits> = { maxDepth: 16, maxElements: 50_000 };

export function isSyncmlNamespace(ns: string): boolean {
  return /^syncml:syncml1\.2$/i.test(ns);
}

// Microsoft's own samples write both "syncml:metinf" and "syncml:metinfo" (the unenrollment
// page), and clients vary in case; Meta children are matched by local name in any of these.
function isMetaNamespace(ns: string, root: string): boolean {
  return ns === root || /^syncml:metinfo?$/i.test(ns);
}

export function decodeSyncML(body: Uint8Array | string, limits: Partial<XmlLimits> = {}): SyncMessage {
  const root = parseXml(body, { ...syncmlXmlLimits, ...limits });
  if (root.name !== 'SyncML') throw new ProtocolError('unexpected-element', `root element is <${root.name}>, not <SyncML>`, '/');
  if (!isSyncmlNamespace(root.ns)) {
    throw new ProtocolError('wrong-namespace', `<SyncML> is in namespace ${JSON.stringify(root.ns)}, expected ${SYNCML_NS}`, '/SyncML');
  }
  const r = new Reader(root.ns);
  const hdr = r.one(root, 'SyncHdr', '/SyncML');
  const body_ = r.one(root, 'SyncBody', '/SyncML');
  const header = r.header(hdr);
  const commands: SyncCommand[] = [];
  let final = false;
  for (const el of body_.children) {
    if (el.ns === root.ns && el.name === 'Final') { final = true; continue; }
    commands.push(r.command(el, '/SyncML/SyncBody'));
  }
  return { header, commands, final };
}

class Reader {
  constructor(private readonly ns: string) {}

  one(el: XmlElement, name: string, path: string): XmlElement {
    const found = children(el, this.ns, name);
    if (found.length === 0) throw new ProtocolError('missing-element', `<${name}> is required in <${el.name}>`, path);
    if (found.length > 1) throw new ProtocolError('unexpected-element', `<${name}> appears more than once in <${el.name}>`, path);
    return found[0] as XmlElement;
  }

  opt(el: XmlElement, name: string): XmlElement | undefined {
    return child(el, this.ns, name);
  }

  str(el: XmlElement, name: string, path: string): string {
    return textOf(this.one(el, name, path));
  }

  optStr(el: XmlElement, name: string): string | undefined {
    const c = this.opt(el, name);
    return c === undefined ? undefined : textOf(c);
  }

  locUri(el: XmlElement, name: 'Target' | 'Source', path: string): string | undefined {
    const c = this.opt(el, name);
    return c === undefined ? undefined : this.str(c, 'LocURI', `${path}/${name}`);
  }

  meta(el: XmlElement): Meta | undefined {
    const m = this.opt(el, 'Meta');
    if (!m) return undefined;
    const pick = (n: string): string | undefined => {
      const c = m.children.find((x) => x.name === n && isMetaNamespace(x.ns, this.ns));
      return c === undefined ? undefined : textOf(c);
    };
    const meta: Meta = {};
    const format = pick('Format');
    const type = pick('Type');
    if (format !== undefined) meta.format = format;
    if (type !== undefined) meta.type = type;
    return meta;
  }

  header(h: XmlElement): SyncHeader {
    const p = '/SyncML/SyncHdr';
    const verDTD = this.str(h, 'VerDTD', p);
    const verProto = this.str(h, 'VerProto', p);
    if (verDTD !== '1.2') throw new ProtocolError('unsupported-version', `VerDTD ${verDTD} is not 1.2`, `${p}/VerDTD`);
    if (verProto !== 'DM/1.2') throw new ProtocolError('unsupported-version', `VerProto ${verProto} is not DM/1.2`, `${p}/VerProto`);
    const sessionId = this.str(h, 'SessionID', p);
    const msgId = this.str(h, 'MsgID', p);
    if (!/^[0-9]{1,10}$/.test(msgId)) throw new ProtocolError('invalid-value', `MsgID ${JSON.stringify(msgId.slice(0, 20))} is not a number`, `${p}/MsgID`);
    if (sessionId === '' || sessionId.length > 64) throw new ProtocolError('invalid-value', 'SessionID is empty or too long', `${p}/SessionID`);
    const target = this.locUri(h, 'Target', p);
    const source = this.locUri(h, 'Source', p);
    if (target === undefined) throw new ProtocolError('missing-element', '<Target> is required in <SyncHdr>', p);
    if (source === undefined) throw new ProtocolError('missing-element', '<Source> is required in <SyncHdr>', p);
    const header: SyncHeader = { verDTD, verProto, sessionId, msgId, target, source };
    const meta = this.opt(h, 'Meta');
    const max = meta?.children.find((x) => x.name === 'MaxMsgSize' && isMetaNamespace(x.ns, this.ns));
    if (max) {
      const v = textOf(max);
      if (!/^[0-9]{1,10}$/.test(v)) throw new ProtocolError('invalid-value', `MaxMsgSize ${JSON.stringify(v.slice(0, 20))} is not a number`, `${p}/Meta/MaxMsgSize`);
      header.maxMsgSize = Number(v);
    }
    return header;
  }

  items(el: XmlElement, path: string): Item[] {
    return children(el, this.ns, 'Item').map((it) => {
      const item: Item = {};
      const ip = `${path}/Item`;
      const target = this.locUri(it, 'Target', ip);
      const source = this.locUri(it, 'Source', ip);
      const meta = this.meta(it);
      const data = this.opt(it, 'Data');
      if (target !== undefined) item.target = target;
      if (source !== undefined) item.source = source;
      if (meta !== undefined) item.meta = meta;
      // Data is kept as its text: Windows escapes nested XML in Data rather than embedding it.
      if (data !== undefined) item.data = textOf(data);
      return item;
    });
  }

  command(el: XmlElement, parent: string): SyncCommand {
    const path = `${parent}/${el.name}`;
    if (el.ns !== this.ns) return { type: 'Unknown', name: el.name };
    const name = el.name as CommandName;
    switch (name) {
      case 'Alert':
        return { type: 'Alert', cmdId: this.str(el, 'CmdID', path), data: this.str(el, 'Data', path), items: this.items(el, path) };
      case 'Add':
      case 'Delete':
      case 'Exec':
      case 'Get':
      case 'Replace': {
        const meta = this.meta(el);
        return { type: name, cmdId: this.str(el, 'CmdID', path), ...(meta ? { meta } : {}), items: this.items(el, path) };
      }
      case 'Atomic':
      case 'Sequence': {
        const cmdId = this.str(el, 'CmdID', path);
        const commands = el.children
          .filter((c) => !(c.ns === this.ns && (c.name === 'CmdID' || c.name === 'Meta' || c.name === 'NoResp')))
          .map((c) => this.command(c, path));
        return { type: name, cmdId, commands };
      }
      case 'Results': {
        const meta = this.meta(el);
        const msgRef = this.optStr(el, 'MsgRef');
        return { type: 'Results', cmdId: this.str(el, 'CmdID', path), ...(msgRef !== undefined ? { msgRef } : {}), cmdRef: this.str(el, 'CmdRef', path), ...(meta ? { meta } : {}), items: this.items(el, path) };
      }
      case 'Status': {
        const targetRef = this.optStr(el, 'TargetRef');
        const sourceRef = this.optStr(el, 'SourceRef');
        return {
          type: 'Status', cmdId: this.str(el, 'CmdID', path), msgRef: this.str(el, 'MsgRef', path), cmdRef: this.str(el, 'CmdRef', path),
          cmd: this.str(el, 'Cmd', path), data: this.str(el, 'Data', path),
          ...(targetRef !== undefined ? { targetRef } : {}), ...(sourceRef !== undefined ? { sourceRef } : {}), items: this.items(el, path),
        };
      }
      default: {
        const cmdId = this.optStr(el, 'CmdID');
        return { type: 'Unknown', name: el.name, ...(cmdId !== undefined ? { cmdId } : {}) };
      }
    }
  }
}

// ---- what the server reads out of a client message ----

export const ALERT_SERVER_INITIATED = '1200';
export const ALERT_CLIENT_INITIATED = '1201';
export const ALERT_NEXT_MESSAGE = '1222';
export const ALERT_DEVICE = '1224';
export const ALERT_GENERIC = '1226';

export type AlertMeaning =
  | { kind: 'session-start'; initiator: 'client' | 'server' }
  | { kind: 'next-message' }
  /** 1224 com.microsoft/MDM/LoginStatus: "user", "others" or "none" ("OMA DM protocol support"). */
  | { kind: 'login-status'; status: string }
  /** 1224 com.microsoft/MDM/AADUserToken: the Entra ID token of the signed-in user. */
  | { kind: 'aad-user-token'; token: string }
  /** 1226 com.microsoft:mdm.unenrollment.userrequest ("Disconnecting from the management infrastructure"). */
  | { kind: 'unenroll-request' }
  | { kind: 'generic'; type: string; data: string | undefined }
  | { kind: 'other'; code: string };

export function alertMeaning(alert: Extract<SyncCommand, { type: 'Alert' }>): AlertMeaning[] {
  const code = alert.data;
  if (code === ALERT_CLIENT_INITIATED) return [{ kind: 'session-start', initiator: 'client' }];
  if (code === ALERT_SERVER_INITIATED) return [{ kind: 'session-start', initiator: 'server' }];
  if (code === ALERT_NEXT_MESSAGE) return [{ kind: 'next-message' }];
  if (code !== ALERT_DEVICE && code !== ALERT_GENERIC) return [{ kind: 'other', code }];
  return alert.items.map((item): AlertMeaning => {
    const type = item.meta?.type ?? '';
    if (code === ALERT_DEVICE && type === 'com.microsoft/MDM/LoginStatus') return { kind: 'login-status', status: (item.data ?? '').toLowerCase() };
    if (code === ALERT_DEVICE && type === 'com.microsoft/MDM/AADUserToken') return { kind: 'aad-user-token', token: item.data ?? '' };
    if (code === ALERT_GENERIC && type === 'com.microsoft:mdm.unenrollment.userrequest') return { kind: 'unenroll-request' };
    return { kind: 'generic', type, data: item.data };
  });
}

/** The DevInfo standard object the client reports with Replace in its first package. */
export interface DevInfo {
  devId?: string;
  man?: string;
  mod?: string;
  dmV?: string;
  lang?: string;
}

export function devInfo(message: SyncMessage): DevInfo {
  const info: DevInfo = {};
  const keys: Record<string, keyof DevInfo> = { devid: 'devId', man: 'man', mod: 'mod', dmv: 'dmV', lang: 'lang' };
  for (const cmd of message.commands) {
    if (cmd.type !== 'Replace' && cmd.type !== 'Add') continue;
    for (const item of cmd.items) {
      // Microsoft's samples write both ./DevInfo/DevId and ./DevInfo/DevID.
      const m = /^\.\/DevInfo\/([A-Za-z]+)$/.exec(item.source ?? '');
      const key = m?.[1] === undefined ? undefined : keys[m[1].toLowerCase()];
      if (key !== undefined && item.data !== undefined) info[key] = item.data;
    }
  }
  return info;
}
