// WNS push for Windows PCs, the PC's side ("Push notification support for device management",
// learn.microsoft.com/windows/client-management/mdm/push-notification-windows-mdm; DMClient CSP
// Provider/{ProviderID}/Push): Steward gives the PC the package family name (PFN) of its WNS app,
// the PC registers with WNS and reports the channel URI to post raw notifications to.
//
// Queued with the inventory (session-start.ts), so in a session the PC holds anyway: the PFN
// until the PC has accepted the configured one, and a Get of ChannelURI and Status every time
// (WNS channels expire and the PC renews them: each inventory refreshes the stored URI).
import type { NewCommand } from '../commands/ports.js';
import type { WindowsEnrollment } from '../enrollment/ports.js';
import { WINDOWS_SERVER_ID } from '../enrollment/windows-paths.js';
import { dmClientPush } from '../../protocol/windows/csp.js';
import { INVENTORY_COMMAND_TTL_MS } from '../apple/inventory-commands.js';
import type { WindowsCommandResponse } from './command-answer.js';
import { syncml, windowsCommand, type WindowsCommandPayload } from './command-payload.js';
import { nodeKey } from './inventory-results.js';

/** WNS as configured (--wns-package-family-name); absent: PCs are not given a PFN and only poll. */
export interface WnsDeviceSettings {
  packageFamilyName: string;
}

const push = dmClientPush(WINDOWS_SERVER_ID);
const pfnKey = nodeKey(push.pfn);
const channelKey = nodeKey(push.channelUri);
const statusKey = nodeKey(push.status);

/** The commands that set the PFN (if the PC has not accepted this one) and read the channel back. */
export function wnsChannelCommands(settings: WnsDeviceSettings, enrollment: Pick<WindowsEnrollment, 'wnsPfn'>, now: Date): NewCommand[] {
  const options = { priority: 0, expiresAt: new Date(now.getTime() + INVENTORY_COMMAND_TTL_MS) };
  const commands: NewCommand[] = [];
  // Replace creates the node when absent and overwrites an older PFN (DMClient CSP: Add, Get, Replace).
  if (enrollment.wnsPfn !== settings.packageFamilyName) commands.push(windowsCommand(syncml.replace(push.pfn, 'chr', settings.packageFamilyName), options));
  commands.push(windowsCommand(syncml.get(push.channelUri, push.status), options));
  return commands;
}

/** The PFN an acknowledged command set, if it is the Push/PFN Replace. */
export function pfnSetBy(payload: WindowsCommandPayload): string | undefined {
  if (payload.verb !== 'Replace' && payload.verb !== 'Add') return undefined;
  return payload.items.find((i) => nodeKey(i.target) === pfnKey)?.data;
}

/** Whether a Get reads the channel. */
export function readsWnsChannel(payload: WindowsCommandPayload): boolean {
  return payload.verb === 'Get' && payload.items.some((i) => nodeKey(i.target) === channelKey);
}

/**
 * The channel and status from a Get's results: a channel URI is kept only when it is an https
 * URL (what WNS hands out); an empty or absent one (not registered yet, 404) is null.
 */
export function wnsChannelFromResponse(response: WindowsCommandResponse): { channelUri: string | null; status: string | null } {
  let channelUri: string | null = null;
  let status: string | null = null;
  for (const r of response.results) {
    const key = nodeKey(r.target);
    const value = r.data?.trim() ?? '';
    if (key === channelKey && /^https:\/\/[^\s]{1,2040}$/.test(value)) channelUri = value;
    if (key === statusKey && value !== '') status = value.slice(0, 32);
  }
  return { channelUri, status };
}
