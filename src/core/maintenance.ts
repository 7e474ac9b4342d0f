// Housekeeping that keeps the database tidy and the signing keys fresh. Every step is idempotent,
// so replicas may run it at the same time without coordination.
import type { Core } from './deps.js';
import { SESSION_IDLE_MS } from './auth/sessions.js';
import { retireSupersededSigningKeys } from './auth/access-tokens.js';

export interface MaintenanceReport {
  expiredSessions: number;
  retiredSigningKeys: string[];
}

export async function runMaintenance(core: Pick<Core, 'sessions' | 'keys' | 'clock'>): Promise<MaintenanceReport> {
  const now = core.clock.now();
  const expiredSessions = await core.sessions.deleteExpired(now, new Date(now.getTime() - SESSION_IDLE_MS));
  const { retired } = await retireSupersededSigningKeys(core);
  return { expiredSessions, retiredSigningKeys: retired };
}
