// An action's state from its commands' states: done when every command is acknowledged, failed as
// soon as one fails (the first, in words), pending otherwise. Pure.
import type { QueuedCommand } from '../commands/ports.js';
import type { ActionState } from './ports.js';

function chainInWords(c: QueuedCommand): string {
  if (c.result?.status !== 'error' || c.result.errorChain.length === 0) return 'the device gave no reason';
  return c.result.errorChain.map((e) => {
    const where = [e.domain, e.code].filter((x) => x !== undefined).join(' ');
    return `${e.description?.trim() || 'no description'}${where ? ` (${where})` : ''}`;
  }).join('; ');
}

export function actionOutcome(commands: readonly (QueuedCommand | undefined)[], uuids: readonly string[]): { actionState: ActionState; failureReason: string | null } {
  let allDone = commands.length > 0;
  for (const [i, c] of commands.entries()) {
    if (!c) return { actionState: 'failed', failureReason: `Command ${uuids[i] ?? ''} is no longer in the queue.` };
    switch (c.state) {
      case 'acknowledged': continue;
      case 'error': return { actionState: 'failed', failureReason: `${c.requestType} failed on the device: ${chainInWords(c)}.` };
      case 'format-error': return { actionState: 'failed', failureReason: `The device could not read the ${c.requestType} command (CommandFormatError).` };
      case 'expired': return { actionState: 'failed', failureReason: `${c.requestType} expired${c.expiresAt ? ` at ${c.expiresAt.toISOString()}` : ''}: the device did not fetch it in time.` };
      case 'pending': case 'sent': allDone = false; continue;
    }
  }
  return allDone ? { actionState: 'done', failureReason: null } : { actionState: 'pending', failureReason: null };
}
