// A Windows command on the shared queue: one SyncML command as JSON (the queue's payload), the
// verb and its items; an Atomic holds leaf commands. Each queued command becomes one SyncML
// command in a session (syncml-encode.ts gives it its CmdIDs). Checked when built and when read
// back, so that a bad payload fails where it is made, not in a device's session.
import type { JsonValue, NewCommand } from '../commands/ports.js';
import type { CommandOut, ItemOut } from '../../protocol/windows/syncml-encode.js';

export type LeafVerb = 'Add' | 'Delete' | 'Exec' | 'Get' | 'Replace';

export interface WindowsCommandItem {
  /** The node's LocURI: './Vendor/MSFT/…' (never starting with '/': "OMA DM protocol support"). */
  target: string;
  /** Meta Format: 'chr', 'int', 'bool', 'b64', 'xml', 'node', … */
  format?: string;
  /** Meta Type: a MIME type ('text/plain'). */
  type?: string;
  data?: string;
}

export type WindowsLeafCommand = { verb: LeafVerb; items: WindowsCommandItem[] };
/** Windows refuses Get inside Atomic and nested Atomic with 500 ("OMA DM protocol support"). */
export type WindowsCommandPayload = WindowsLeafCommand | { verb: 'Atomic'; commands: { verb: Exclude<LeafVerb, 'Get'>; items: WindowsCommandItem[] }[] };

const LEAF_VERBS: readonly string[] = ['Add', 'Delete', 'Exec', 'Get', 'Replace'];
const MAX_ITEMS = 256;
const MAX_LOCURI = 2048;

export class WindowsCommandError extends Error {
  override readonly name = 'WindowsCommandError';
}

const bad = (message: string): never => {
  throw new WindowsCommandError(message);
};

function checkItem(item: unknown, where: string): WindowsCommandItem {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return bad(`${where} is not an object`);
  const { target, format, type, data } = item as Record<string, unknown>;
  if (typeof target !== 'string' || target === '' || target.length > MAX_LOCURI) return bad(`${where}.target must be a LocURI of 1 to ${MAX_LOCURI} characters`);
  if (target.startsWith('/')) return bad(`${where}.target ${target} starts with '/': Windows LocURIs are relative ('./…')`);
  if (/\s/.test(target)) return bad(`${where}.target ${JSON.stringify(target)} contains whitespace`);
  const out: WindowsCommandItem = { target };
  for (const [name, v] of [['format', format], ['type', type], ['data', data]] as const) {
    if (v === undefined) continue;
    if (typeof v !== 'string') return bad(`${where}.${name} must be a string`);
    out[name] = v;
  }
  return out;
}

function checkLeaf(cmd: unknown, where: string, inAtomic: boolean): WindowsLeafCommand {
  if (typeof cmd !== 'object' || cmd === null || Array.isArray(cmd)) return bad(`${where} is not an object`);
  const { verb, items } = cmd as Record<string, unknown>;
  if (typeof verb !== 'string' || !LEAF_VERBS.includes(verb)) return bad(`${where}.verb ${String(verb)} is not one of ${LEAF_VERBS.join(', ')}${inAtomic ? '' : ', Atomic'}`);
  if (inAtomic && verb === 'Get') return bad(`${where}: Get is not allowed inside Atomic (Windows answers 500)`);
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_ITEMS) return bad(`${where}.items must hold 1 to ${MAX_ITEMS} items`);
  return { verb: verb as LeafVerb, items: items.map((it, i) => checkItem(it, `${where}.items[${i}]`)) };
}

/** Reads and checks a payload (as built here, or as stored in the queue). Throws WindowsCommandError. */
export function parseWindowsCommand(payload: unknown): WindowsCommandPayload {
  if (typeof payload === 'object' && payload !== null && !Array.isArray(payload) && (payload as Record<string, unknown>).verb === 'Atomic') {
    const commands = (payload as Record<string, unknown>).commands;
    if (!Array.isArray(commands) || commands.length === 0 || commands.length > MAX_ITEMS) return bad(`Atomic.commands must hold 1 to ${MAX_ITEMS} commands`);
    return {
      verb: 'Atomic',
      commands: commands.map((c, i) => checkLeaf(c, `Atomic.commands[${i}]`, true) as { verb: Exclude<LeafVerb, 'Get'>; items: WindowsCommandItem[] }),
    };
  }
  return checkLeaf(payload, 'command', false);
}

/** The requestType people and deviceActionResults see: the verb and the first target ("Exec ./Device/…/doWipe"). */
export function windowsRequestType(payload: WindowsCommandPayload): string {
  if (payload.verb === 'Atomic') {
    const n = payload.commands.length;
    const first = payload.commands[0];
    return `Atomic ${first ? `${first.verb} ${first.items[0]?.target ?? ''}` : ''}${n > 1 ? ` (+${n - 1})` : ''}`.trimEnd();
  }
  const more = payload.items.length > 1 ? ` (+${payload.items.length - 1})` : '';
  return `${payload.verb} ${payload.items[0]?.target ?? ''}${more}`;
}

function itemJson(item: WindowsCommandItem): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = { target: item.target };
  if (item.format !== undefined) out.format = item.format;
  if (item.type !== undefined) out.type = item.type;
  if (item.data !== undefined) out.data = item.data;
  return out;
}

function payloadJson(payload: WindowsCommandPayload): JsonValue {
  if (payload.verb === 'Atomic') return { verb: 'Atomic', commands: payload.commands.map((c) => ({ verb: c.verb, items: c.items.map(itemJson) })) };
  return { verb: payload.verb, items: payload.items.map(itemJson) };
}

/** A Windows command for the queue, checked; throws WindowsCommandError (a programming error) if invalid. */
export function windowsCommand(payload: WindowsCommandPayload, options: Pick<NewCommand, 'expiresAt' | 'priority'> = {}): NewCommand {
  const checked = parseWindowsCommand(payloadJson(payload));
  return { requestType: windowsRequestType(checked), payload: payloadJson(checked), platform: 'windows', ...options };
}

function itemOut(item: WindowsCommandItem): ItemOut {
  const meta = item.format !== undefined || item.type !== undefined
    ? { ...(item.format !== undefined ? { format: item.format } : {}), ...(item.type !== undefined ? { type: item.type } : {}) }
    : undefined;
  return { target: item.target, ...(meta ? { meta } : {}), ...(item.data !== undefined ? { data: item.data } : {}) };
}

/** The command as the SyncML encoder takes it. */
export function toCommandOut(payload: WindowsCommandPayload): CommandOut {
  if (payload.verb === 'Atomic') {
    return { type: 'Atomic', commands: payload.commands.map((c) => ({ type: c.verb, items: c.items.map(itemOut) })) };
  }
  return { type: payload.verb, items: payload.items.map(itemOut) };
}

/** Shorthands for the commands Steward builds. */
export const syncml = {
  get: (...targets: string[]): WindowsCommandPayload => ({ verb: 'Get', items: targets.map((target) => ({ target })) }),
  exec: (target: string, data?: { format?: string; data?: string }): WindowsCommandPayload => ({ verb: 'Exec', items: [{ target, ...data }] }),
  replace: (target: string, format: string, data: string): WindowsCommandPayload => ({ verb: 'Replace', items: [{ target, format, data }] }),
};
