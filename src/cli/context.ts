// What a CLI command that works on Steward's data needs: the database, the core, and an audit
// actor for the changes it makes.
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import type { Config } from '../config/config.js';
import { openDatabase, type Database } from '../store/database.js';
import { storePorts } from '../store/ports.js';
import { makeCore, type Core } from '../core/deps.js';
import { systemClock } from '../core/clock.js';
import { otherActor, recordChange, type ChangeInput } from '../core/audit/record-change.js';

export interface CliContext {
  database: Database;
  core: Core;
  /** Records a change made by this command in the audit log. */
  audit(change: Omit<ChangeInput, 'actor' | 'correlationId'>): Promise<void>;
  close(): Promise<void>;
}

export async function openCli(config: Config, command: string): Promise<CliContext> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: resolve(config.dataDir) });
  const core = makeCore(storePorts(database), systemClock);
  const correlationId = randomUUID();
  let osUser = 'unknown';
  try { osUser = userInfo().username; } catch { /* no passwd entry in some containers */ }
  const actor = otherActor('System', { applicationDisplayName: `steward ${command}`, servicePrincipalName: osUser });
  return {
    database,
    core,
    audit: (change) => recordChange({ audit: core.auditLog, clock: core.clock }, { ...change, actor, correlationId }),
    close: () => database.close(),
  };
}
