// Alert 1222 "Next message" in a server message ([OMA-DM Protocol 1.2] §8.2 "Multiple messages in
// package"): while the client's package is not complete (its message had no Final), the server
// answers each message with its statuses and this alert, asking for the rest.
import { ALERT_NEXT_MESSAGE } from './syncml.js';
import { el, renderXml } from './xml.js';
import type { EncodedMessage } from './syncml-encode.js';

/** The bytes the alert adds to a message, for packing under MaxMsgSize (CmdIDs up to 10 digits). */
export const NEXT_MESSAGE_ALERT_BYTES = renderXml(el('Alert', undefined, el('CmdID', undefined, '9999999999'), el('Data', undefined, ALERT_NEXT_MESSAGE))).length;

/** Adds Alert 1222 after the message's statuses and commands, with the next free CmdID. */
export function withNextMessageAlert(message: EncodedMessage): EncodedMessage {
  const cmdId = message.statuses + message.cmdIds.reduce((n, ids) => n + ids.length, 0) + 1;
  const alert = renderXml(el('Alert', undefined, el('CmdID', undefined, String(cmdId)), el('Data', undefined, ALERT_NEXT_MESSAGE)));
  const at = message.xml.lastIndexOf(message.xml.includes('<Final/></SyncBody>') ? '<Final/></SyncBody>' : '</SyncBody>');
  const xml = message.xml.slice(0, at) + alert + message.xml.slice(at);
  return { ...message, xml, bytes: Buffer.byteLength(xml, 'utf8') };
}
