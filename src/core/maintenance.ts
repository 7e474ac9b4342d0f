// Housekeeping that keeps the database tidy and the signing keys fresh. Every step is idempotent,
// so replicas may run it at the same time without coordination.
import type { Core } from './deps.js';
import { SESSION_IDLE_MS } from './auth/sessions.js';
import { retireSupersededSigningKeys } from './auth/access-tokens.js';
import { checkPushCertificateExpiry } from './push/check-push-certificate-expiry.js';
import { settleExpiredActions } from './actions/settle-action.js';
import { refreshInventory } from './apple/refresh-inventory.js';
import { reevaluateFleet, type ComplianceDeps } from './compliance/reevaluate.js';
import { carryOutComplianceActions, CLAIM_LEASE_MS, type NoncomplianceActionDeps } from './compliance/noncompliance-actions.js';
import { sweepConfiguration } from './configuration/reconcile-triggers.js';
import type { ReconcileDeps } from './configuration/reconcile.js';

export interface MaintenanceReport {
  expiredSessions: number;
  retiredSigningKeys: string[];
  expiredCommands: number;
  prunedCommands: number;
  /** The push certificate's expiry warnings (also logged): within 30 days, expired, not yet valid. */
  pushCertificateWarnings: string[];
  /** Pending remote actions failed because their commands expired unanswered. */
  failedActions: number;
  prunedActions: number;
  /** Apple devices whose inventory refresh was queued (core/apple/refresh-inventory.ts). */
  inventoryRefreshes: number;
  /** Devices whose compliance was re-evaluated (every device: check-in thresholds and grace periods pass with time). */
  complianceEvaluated: number;
  /** Actions for noncompliance carried out (done) and failed this run; runs of ended episodes pruned. */
  complianceActions: { done: number; failed: number; pruned: number };
  /** Devices whose configuration profiles were reconciled (drift repaired), and states of removed devices pruned. */
  configuration: { devices: number; pruned: number };
}

/** Where maintenance says what needs a person (pino's logger fits). */
export interface MaintenanceLog {
  warn(details: object, message: string): void;
}

/** How long finished device commands stay readable (deviceActionResults, troubleshooting). */
export const COMMAND_RETENTION_MS = 30 * 24 * 3600_000;

/** How long finished remote actions stay in deviceActionResults. */
export const ACTION_RETENTION_MS = 90 * 24 * 3600_000;

export async function runMaintenance(
  core: Pick<Core, 'sessions' | 'keys' | 'clock' | 'commands' | 'pushCertificates' | 'deviceActions' | 'devices' | 'deviceInventory' | 'waker'> & ComplianceDeps & NoncomplianceActionDeps & ReconcileDeps,
  log?: MaintenanceLog,
): Promise<MaintenanceReport> {
  const now = core.clock.now();
  const expiredSessions = await core.sessions.deleteExpired(now, new Date(now.getTime() - SESSION_IDLE_MS));
  const { retired } = await retireSupersededSigningKeys(core);
  const expiredCommands = await core.commands.expire(now);
  const prunedCommands = await core.commands.prune(new Date(now.getTime() - COMMAND_RETENTION_MS));
  const failedActions = await settleExpiredActions(core);
  const prunedActions = await core.deviceActions.prune(new Date(now.getTime() - ACTION_RETENTION_MS));
  // Claims each device before queuing, so replicas running this together queue it once.
  const { queued: inventoryRefreshes } = await refreshInventory(core);
  // Batched over the fleet; replicas sweeping together write the same states (idempotent).
  const { devices: complianceEvaluated } = await reevaluateFleet(core);
  // Grace periods run out with time alone: every due action, claimed once across replicas.
  const actions = await carryOutComplianceActions(core);
  const prunedRuns = await core.complianceActions.pruneEnded(new Date(now.getTime() - CLAIM_LEASE_MS));
  // Batched; replicas sweeping together queue at worst a duplicate install and write the same states.
  const configuration = await sweepConfiguration(core);
  const push = await checkPushCertificateExpiry(core);
  // Every run while it lasts: without a valid certificate no Apple device can be woken.
  for (const warning of push.warnings) log?.warn({ topic: push.topic, notAfter: push.notAfter?.toISOString() }, `Apple push notification certificate: ${warning}`);
  return {
    expiredSessions, retiredSigningKeys: retired, expiredCommands, prunedCommands, pushCertificateWarnings: push.warnings,
    failedActions, prunedActions, inventoryRefreshes, complianceEvaluated, complianceActions: { ...actions, pruned: prunedRuns }, configuration,
  };
}
