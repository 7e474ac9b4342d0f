// Housekeeping that keeps the database tidy and the signing keys fresh. Every step is idempotent,
// so replicas may run it at the same time without coordination.
import type { Core } from './deps.js';
import { SESSION_IDLE_MS } from './auth/sessions.js';
import { retireSupersededSigningKeys } from './auth/access-tokens.js';

export interface MaintenanceReport {
  expiredSessions: number;
  retiredSigningKeys: string[];
  expiredCommands: number;
  prunedCommands: number;
}

/** How long finished device commands stay readable (deviceActionResults, troubleshooting). */
export const COMMAND_RETENTION_MS = 30 * 24 * 3600_000;

export async function runMaintenance(core: Pick<Core, 'sessions' | 'keys' | 'clock' | 'commands'>): Promise<MaintenanceReport> {
  const now = core.clock.now();
  const expiredSessions = await core.sessions.deleteExpired(now, new Date(now.getTime() - SESSION_IDLE_MS));
  const { retired } = await retireSupersededSigningKeys(core);
  const expiredCommands = await core.commands.expire(now);
  const prunedCommands = await core.commands.prune(new Date(now.getTime() - COMMAND_RETENTION_MS));
  return { expiredSessions, retiredSigningKeys: retired, expiredCommands, prunedCommands };
}
