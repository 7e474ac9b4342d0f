// Every Apple command Steward queues is checked against Apple's request tables before it is
// queued, by encoding it as the connect route will: a payload the device would answer with
// CommandFormatError fails here instead, and nothing is queued.
import type { JsonValue, NewCommand } from '../commands/ports.js';
import { encodeCommand, type RequestType } from '../../protocol/apple/connect.js';
import { COMMAND_REQUEST_KEYS } from '../../protocol/apple/generated/commands.generated.js';
import { ProtocolError } from '../../protocol/apple/errors.js';
import { jsonToPlist } from './command-json.js';

/** DeviceInformation's query names, from Apple's table (the validator checks only that they are strings). */
const QUERY_NAMES: ReadonlySet<string> = new Set(
  COMMAND_REQUEST_KEYS.DeviceInformation.find((k) => k.key === 'Queries')?.subkeys?.[0]?.subkeys?.map((s) => s.key) ?? [],
);

/** An Apple command for the queue, after checking it; throws (a programming error) if Apple's tables refuse it. */
export function appleCommand(requestType: RequestType, payload: { readonly [key: string]: JsonValue }, options: Pick<NewCommand, 'expiresAt' | 'priority'> = {}): NewCommand {
  try {
    encodeCommand({ commandUUID: 'check', requestType, payload: jsonToPlist(payload) as never });
  } catch (err) {
    if (err instanceof ProtocolError) throw new Error(`Steward built an invalid ${requestType} command: ${err.message}`, { cause: err });
    throw err;
  }
  if (requestType === 'DeviceInformation') {
    const queries = payload.Queries;
    const unknown = (Array.isArray(queries) ? queries as readonly JsonValue[] : []).filter((q) => typeof q !== 'string' || !QUERY_NAMES.has(q));
    if (unknown.length > 0) throw new Error(`DeviceInformation queries not in Apple's schema: ${unknown.map(String).join(', ')}`);
  }
  return { requestType, payload, platform: 'apple', ...options };
}
