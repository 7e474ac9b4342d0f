// The command channel: what a device PUTs to the ServerURL (its report on the last command, or Idle)
// and the command plist Steward answers with. The envelope keys (Status, CommandUUID, ErrorChain)
// are not in Apple's schema repository; they follow Apple's Device Management documentation,
// "Sending MDM Commands to a Device" and "ErrorChainItem". Request and response keys of each
// command come from the schema through generated/commands.generated.ts.
import { ProtocolError } from './errors.js';
import { isDict, validateKeys } from './key-spec.js';
import { encodePlist, parsePlistDict, setKey, type PlistDict, type PlistLimits } from './plist.js';
import {
  COMMAND_REQUEST_KEYS,
  COMMAND_RESPONSE_KEYS,
  REQUEST_TYPES,
  type CommandRequests,
  type CommandResponses,
  type RequestType,
} from './generated/commands.generated.js';
import type { CheckinIdentity } from './checkin.js';

export type { RequestType, CommandRequests, CommandResponses } from './generated/commands.generated.js';
export { COMMAND_SUPPORTED_OS, REQUEST_TYPES } from './generated/commands.generated.js';

export type CommandStatus = 'Acknowledged' | 'Error' | 'CommandFormatError' | 'NotNow' | 'Idle';
const STATUSES: readonly CommandStatus[] = ['Acknowledged', 'Error', 'CommandFormatError', 'NotNow', 'Idle'];

/** One entry of a device's ErrorChain (Apple: "ErrorChainItem"). */
export interface ErrorChainItem {
  ErrorCode: number;
  ErrorDomain: string;
  LocalizedDescription: string;
  USEnglishDescription?: string;
}

interface ReportBase extends CheckinIdentity {
  /** Every key of the report that is not part of the envelope: the command's response keys. */
  response: PlistDict;
}
/** What a device reports. `Idle` carries no CommandUUID; every other status answers one command. */
export type CommandReport =
  | (ReportBase & { Status: 'Idle' })
  | (ReportBase & { Status: 'Acknowledged' | 'NotNow'; CommandUUID: string })
  | (ReportBase & { Status: 'Error' | 'CommandFormatError'; CommandUUID: string; ErrorChain: ErrorChainItem[] });

const ENVELOPE = new Set(['Status', 'CommandUUID', 'ErrorChain', 'UDID', 'EnrollmentID', 'EnrollmentUserID', 'UserID', 'UserShortName', 'UserLongName', 'NotOnConsole']);

export function isRequestType(t: unknown): t is RequestType {
  return typeof t === 'string' && (REQUEST_TYPES as readonly string[]).includes(t);
}

/** Decodes a device's report. Throws ProtocolError (malformed-plist, missing-key, invalid-value, …). */
export function decodeCommandReport(body: Uint8Array, limits?: PlistLimits): CommandReport {
  const dict = parsePlistDict(body, limits);
  const status = dict.Status;
  if (status === undefined) throw new ProtocolError('missing-key', 'command report has no Status', 'Status');
  if (typeof status !== 'string' || !(STATUSES as readonly string[]).includes(status)) {
    throw new ProtocolError('invalid-value', `Status ${typeof status === 'string' ? JSON.stringify(status) : 'that is not a string'} is not one of ${STATUSES.join(', ')}`, 'Status');
  }
  const identity: CheckinIdentity = {};
  for (const k of ['UDID', 'EnrollmentID', 'EnrollmentUserID', 'UserID', 'UserShortName', 'UserLongName'] as const) {
    const v = dict[k];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw new ProtocolError('invalid-value', `report.${k}: expected a string`, `report.${k}`);
    identity[k] = v;
  }
  if (identity.UDID === undefined && identity.EnrollmentID === undefined) {
    throw new ProtocolError('missing-key', 'command report has neither UDID nor EnrollmentID', 'UDID');
  }
  const response: PlistDict = {};
  for (const [k, v] of Object.entries(dict)) if (!ENVELOPE.has(k)) setKey(response, k, v);
  if (status === 'Idle') return { ...identity, Status: 'Idle', response };
  const uuid = dict.CommandUUID;
  if (uuid === undefined) throw new ProtocolError('missing-key', `a ${status} report has no CommandUUID`, 'CommandUUID');
  if (typeof uuid !== 'string' || uuid === '') throw new ProtocolError('invalid-value', 'CommandUUID must be a non-empty string', 'CommandUUID');
  if (status === 'Acknowledged' || status === 'NotNow') return { ...identity, Status: status, CommandUUID: uuid, response };
  return { ...identity, Status: status as 'Error' | 'CommandFormatError', CommandUUID: uuid, ErrorChain: errorChain(dict.ErrorChain), response };
}

function errorChain(v: PlistDict[string] | undefined): ErrorChainItem[] {
  // Apple documents ErrorChain as present with Error; some devices omit it with CommandFormatError.
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ProtocolError('invalid-value', 'ErrorChain must be an array', 'ErrorChain');
  return v.map((item, i) => {
    const at = `ErrorChain[${i}]`;
    if (!isDict(item)) throw new ProtocolError('invalid-value', `${at} must be a dictionary`, at);
    const code = item.ErrorCode, domain = item.ErrorDomain, text = item.LocalizedDescription, en = item.USEnglishDescription;
    if (typeof code !== 'number' || !Number.isInteger(code)) throw new ProtocolError('invalid-value', `${at}.ErrorCode must be an integer`, `${at}.ErrorCode`);
    if (typeof domain !== 'string') throw new ProtocolError('invalid-value', `${at}.ErrorDomain must be a string`, `${at}.ErrorDomain`);
    const out: ErrorChainItem = { ErrorCode: code, ErrorDomain: domain, LocalizedDescription: typeof text === 'string' ? text : '' };
    if (typeof en === 'string') out.USEnglishDescription = en;
    return out;
  });
}

/**
 * The typed response of an Acknowledged report, checked against Apple's response table for the
 * command Steward sent (the server knows it from the CommandUUID; the report does not say).
 */
export function commandResponse<T extends RequestType>(report: CommandReport, requestType: T): CommandResponses[T] {
  if (report.Status !== 'Acknowledged') throw new ProtocolError('invalid-value', `a ${report.Status} report carries no response`, 'Status');
  validateKeys(report.response, COMMAND_RESPONSE_KEYS[requestType], requestType);
  return report.response as unknown as CommandResponses[T];
}

export interface Command<T extends RequestType = RequestType> {
  commandUUID: string;
  requestType: T;
  payload: CommandRequests[T];
}

/**
 * Encodes a command as Apple's plist: { CommandUUID, Command: { RequestType, …payload } }. The
 * payload is checked against Apple's request table, unknown keys and out-of-range values included,
 * so a typo fails here instead of on the device as CommandFormatError.
 */
export function encodeCommand<T extends RequestType>(cmd: Command<T>): Uint8Array {
  const { commandUUID, requestType } = cmd;
  if (!isRequestType(requestType)) throw new ProtocolError('unknown-request-type', `RequestType ${JSON.stringify(requestType)} is not in Apple's schema`, 'RequestType');
  if (typeof commandUUID !== 'string' || commandUUID === '') throw new ProtocolError('invalid-value', 'CommandUUID must be a non-empty string', 'CommandUUID');
  const payload = cmd.payload as unknown as PlistDict;
  if (!isDict(payload)) throw new ProtocolError('invalid-value', 'payload must be a dictionary', requestType);
  if (Object.hasOwn(payload, 'RequestType')) throw new ProtocolError('invalid-value', 'RequestType goes in requestType, not in the payload', `${requestType}.RequestType`);
  validateKeys(payload, COMMAND_REQUEST_KEYS[requestType], requestType, { rejectUnknown: true });
  const command: PlistDict = { RequestType: requestType };
  for (const [k, v] of Object.entries(payload)) setKey(command, k, v);
  return encodePlist({ CommandUUID: commandUUID, Command: command });
}
