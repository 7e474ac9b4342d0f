// What a device's Status and Results elements for one command mean for the queue: the
// CommandResult recorded, with the SyncML codes kept in the response. Pure.
//
// - A command is answered by its own Status (for an Atomic, the Atomic element's Status).
// - Several Status elements may answer one command with several items, one per item with a
//   TargetRef ([OMA-SyncMLRP1.2.2] Status: "if the items' status codes were not the same, a Status
//   MUST be returned for each of the items").
// - 1xx and 2xx (202 "accepted for processing" included) are acknowledged; 215, 216 and every 4xx
//   and 5xx are errors with the code and its description (syncml-status.ts). SyncML has no NotNow.
// - A Get is answered when its items were read or found absent (404): a node a PC does not have
//   (a TPM, a battery, a node newer than its Windows) is a fact of inventory, not a failed command.
//   A Status without TargetRef for a Get of several items applies to each of them.
import type { CommandErrorDetail, CommandResult, JsonValue } from '../commands/ports.js';
import { describeSyncmlStatus, isSyncmlSuccess } from '../../protocol/windows/syncml-status.js';
import type { CollectedAnswer } from './session-table.js';

export interface WindowsResponseStatus {
  code: string;
  target?: string;
  /** The child command an Atomic's status is for ('Add', 'Replace'…); absent for the command's own. */
  child?: string;
}

export interface WindowsResponseResult {
  target: string;
  format?: string;
  type?: string;
  data?: string;
}

/** The response stored with a Windows command's result. */
export interface WindowsCommandResponse {
  statuses: WindowsResponseStatus[];
  results: WindowsResponseResult[];
}

function toJson(r: WindowsCommandResponse): JsonValue {
  return {
    statuses: r.statuses.map((s) => ({ code: s.code, ...(s.target !== undefined ? { target: s.target } : {}), ...(s.child !== undefined ? { child: s.child } : {}) })),
    results: r.results.map((x) => ({
      target: x.target,
      ...(x.format !== undefined ? { format: x.format } : {}),
      ...(x.type !== undefined ? { type: x.type } : {}),
      ...(x.data !== undefined ? { data: x.data } : {}),
    })),
  };
}

/** Reads back a stored response (undefined if it is not one). */
export function windowsResponseOf(response: JsonValue | undefined): WindowsCommandResponse | undefined {
  if (typeof response !== 'object' || response === null || Array.isArray(response)) return undefined;
  const r = response as { readonly [key: string]: JsonValue };
  const statuses = Array.isArray(r.statuses) ? r.statuses as readonly JsonValue[] : [];
  const results = Array.isArray(r.results) ? r.results as readonly JsonValue[] : [];
  const str = (o: JsonValue, k: string): string | undefined => {
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined;
    const v = (o as { readonly [key: string]: JsonValue })[k];
    return typeof v === 'string' ? v : undefined;
  };
  return {
    statuses: statuses.flatMap((s) => {
      const code = str(s, 'code');
      if (code === undefined) return [];
      const target = str(s, 'target');
      const child = str(s, 'child');
      return [{ code, ...(target !== undefined ? { target } : {}), ...(child !== undefined ? { child } : {}) }];
    }),
    results: results.flatMap((x) => {
      const target = str(x, 'target');
      if (target === undefined) return [];
      const format = str(x, 'format');
      const type = str(x, 'type');
      const data = str(x, 'data');
      return [{ target, ...(format !== undefined ? { format } : {}), ...(type !== undefined ? { type } : {}), ...(data !== undefined ? { data } : {}) }];
    }),
  };
}

function detail(code: string, target: string | undefined, child: string | undefined): CommandErrorDetail {
  const where = [child, target].filter((x) => x !== undefined).join(' ');
  return { domain: 'syncml', code: Number(code), description: `${describeSyncmlStatus(code)}${where ? ` (${where})` : ''}` };
}

/**
 * The result of a command from what the device said, or undefined while the command's own status
 * has not come (it stays in flight; the queue redelivers it if the session ends first).
 */
export function commandResult(answer: CollectedAnswer): CommandResult | undefined {
  const own = answer.statuses.filter((s) => s.own);
  if (own.length === 0) return undefined;
  const payload = answer.command.payload as { readonly verb?: JsonValue; readonly items?: JsonValue };
  const isGet = payload.verb === 'Get';
  const getTargets = isGet && Array.isArray(payload.items)
    ? (payload.items as readonly JsonValue[]).flatMap((i) => (typeof i === 'object' && i !== null && !Array.isArray(i) && typeof (i as { target?: JsonValue }).target === 'string' ? [(i as { target: string }).target] : []))
    : [];
  const response: WindowsCommandResponse = {
    statuses: answer.statuses.flatMap((s): WindowsResponseStatus[] => (isGet && s.own && s.targetRef === undefined && getTargets.length > 1
      ? getTargets.map((target) => ({ code: s.code, target }))
      : [{ code: s.code, ...(s.targetRef !== undefined ? { target: s.targetRef } : {}), ...(s.own ? {} : { child: s.cmd }) }])),
    results: answer.results.map((r) => ({ target: r.source, ...(r.format !== undefined ? { format: r.format } : {}), ...(r.type !== undefined ? { type: r.type } : {}), ...(r.data !== undefined ? { data: r.data } : {}) })),
  };
  const ok = isGet
    ? own.every((s) => isSyncmlSuccess(s.code) || s.code === '404') || answer.results.length > 0
    : own.every((s) => isSyncmlSuccess(s.code));
  if (ok) return { status: 'acknowledged', response: toJson(response) };
  const failing = answer.statuses.filter((s) => !isSyncmlSuccess(s.code) && s.code !== '216');
  const chain = (failing.length > 0 ? failing : own).map((s) => detail(s.code, s.targetRef, s.own ? undefined : s.cmd));
  return { status: 'error', errorChain: chain, response: toJson(response) };
}
