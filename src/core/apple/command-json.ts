// Apple command payloads and responses as the command queue stores them: JSON, with plist's data,
// dates and big integers tagged as protocol/apple/plist-json.ts does ({"$data": base64},
// {"$date": ISO-8601}, {"$int": decimal}). Steward's own code builds payloads in that form; the
// connect route turns a queued command into Apple's plist (appleCommandOf) and a device's report
// into answerConnect's (commandReportOf).
import type { CommandErrorDetail, JsonValue, QueuedCommand } from '../commands/ports.js';
import type { CommandReport } from '../commands/answer-connect.js';
import type { Command, CommandReport as AppleReport, RequestType } from '../../protocol/apple/connect.js';
import { isRequestType } from '../../protocol/apple/connect.js';
import type { PlistValue } from '../../protocol/apple/plist.js';
import { plistFromJson, plistToJson as toTaggedJson, type PlistJson } from '../../protocol/apple/plist-json.js';
import { invalidInput } from '../errors.js';

export const plistToJson = (v: PlistValue): JsonValue => toTaggedJson(v);

/** The plist of tagged JSON; throws ProtocolError for what no plist holds (null, a bad date). */
export const jsonToPlist = (v: JsonValue): PlistValue => plistFromJson(v as PlistJson);

/** Bytes from a response value: the tagged form, or plain base64 text. Undefined for anything else. */
export function bytesOf(v: JsonValue | undefined): Uint8Array | undefined {
  if (typeof v === 'string') return new Uint8Array(Buffer.from(v, 'base64'));
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const d = (v as { readonly [key: string]: JsonValue }).$data;
    if (typeof d === 'string') return new Uint8Array(Buffer.from(d, 'base64'));
  }
  return undefined;
}

/** A queued Apple command as protocol/apple/connect.ts's encodeCommand takes it. */
export function appleCommandOf(command: QueuedCommand): Command {
  if (command.platform !== 'apple') throw invalidInput(`command ${command.uuid} is a ${command.platform} command`);
  if (!isRequestType(command.requestType)) throw invalidInput(`RequestType ${command.requestType} is not an Apple command`);
  const payload = jsonToPlist(command.payload);
  // RequestType belongs beside the payload, not in it; a payload that repeats it is forgiven.
  if (typeof payload === 'object' && !Array.isArray(payload) && !(payload instanceof Date) && !(payload instanceof Uint8Array)
    && payload.RequestType === command.requestType) delete payload.RequestType;
  return { commandUUID: command.uuid, requestType: command.requestType, payload: payload as never } satisfies Command<RequestType>;
}

/**
 * A device's report (protocol/apple/connect.ts decodeCommandReport) as answerConnect takes it:
 * 'idle', or the answer to one command with its response as tagged JSON and its ErrorChain in
 * English where the device gives it (USEnglishDescription, else LocalizedDescription).
 */
export function commandReportOf(report: AppleReport): CommandReport | 'idle' {
  switch (report.Status) {
    case 'Idle': return 'idle';
    case 'NotNow': return { uuid: report.CommandUUID, result: { status: 'not-now' } };
    case 'Acknowledged': return { uuid: report.CommandUUID, result: { status: 'acknowledged', response: plistToJson(report.response) } };
    case 'CommandFormatError': return { uuid: report.CommandUUID, result: { status: 'format-error', response: plistToJson(report.response) } };
    case 'Error': {
      const errorChain: CommandErrorDetail[] = report.ErrorChain.map((e) => ({
        domain: e.ErrorDomain, code: e.ErrorCode, description: e.USEnglishDescription ?? e.LocalizedDescription,
      }));
      return { uuid: report.CommandUUID, result: { status: 'error', errorChain, response: plistToJson(report.response) } };
    }
  }
}
