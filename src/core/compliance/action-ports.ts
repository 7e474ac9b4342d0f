// What carrying out actions for noncompliance stores (store/compliance-actions.ts): one run per
// device, policy, action configuration and noncompliance episode. The run's row is the claim: the
// replica whose insert lands carries the action out; the others see the row and leave it.
import type { ComplianceActionType } from './policy.js';

/** A noncompliant device whose action may be due. */
export interface ActionCandidate {
  deviceId: string;
  policyId: string;
  /** The state's noncompliantSince: the episode the action belongs to. */
  episode: string;
}

export interface ActionRunKey {
  deviceId: string;
  policyId: string;
  /** "<rule index>.<configuration index>:<actionType>" (actionKey in compliance-actions.ts). */
  actionKey: string;
  episode: string;
}

export interface ActionRun extends ActionRunKey {
  actionType: ComplianceActionType;
}

export type ActionRunState = 'claimed' | 'done' | 'failed';

export interface ActionRunRecord extends ActionRun {
  state: ActionRunState;
  claimedAt: string;
  finishedAt: string | null;
  detail: string | null;
}

export interface ComplianceActionStore {
  /**
   * Devices noncompliant with the policy since `begunBy` or earlier with no run of the action for
   * that episode (or only a claim older than `staleBefore`, left by a replica that stopped), by
   * device id after `afterDeviceId`, at most `limit`; only `deviceIds` when given.
   */
  due(input: { policyId: string; actionKey: string; begunBy: string; staleBefore: string; afterDeviceId?: string; deviceIds?: readonly string[]; limit: number }): Promise<ActionCandidate[]>;
  /**
   * Claims the runs for `token`, atomically: a new run's row is inserted unless one exists, a
   * claim older than `staleBefore` is taken over. Returns the runs this call claimed.
   */
  claim(runs: readonly ActionRun[], token: string, now: Date, staleBefore: Date): Promise<ActionRun[]>;
  /** Records how the runs ended (only runs still claimed with `token`). */
  finish(results: readonly (ActionRunKey & { state: 'done' | 'failed'; detail: string })[], token: string, now: Date): Promise<void>;
  /**
   * Deletes the runs of episodes that ended (the device became compliant, the policy or device
   * went): finished ones, and claims older than `staleBefore` (a replica stopped mid-action).
   */
  pruneEnded(staleBefore: Date): Promise<number>;
  forDevice(deviceId: string): Promise<ActionRunRecord[]>;
}
