// Compliance policy use cases: list, get, create, update, delete, assign. Scope tags limit who sees
// a policy (an admin sees a policy carrying one of the tags of a role assignment; Default, '0',
// when it carries none given), as for Intune's policies. Each change re-evaluates the devices it
// may affect (reevaluate.ts).
import { randomUUID } from 'node:crypto';
import { invalidInput, notFound } from '../errors.js';
import { heldScopeTags, type Scope } from '../rbac/scope.js';
import type { PolicyInput } from './decode-policy.js';
import type { AssignmentTarget, CompliancePolicy, CompliancePolicyType, PolicyAssignment } from './policy.js';
import { reevaluateForPolicy, type ComplianceDeps } from './reevaluate.js';
import { checkedAssignments } from '../assignments/assign.js';

function visible(policy: CompliancePolicy, scope: Scope): boolean {
  const held = heldScopeTags(scope);
  return held === 'all' || policy.roleScopeTagIds.some((t) => held.has(t));
}

function assertMayTag(tags: readonly string[], scope: Scope): void {
  const held = heldScopeTags(scope);
  if (held === 'all') return;
  const missing = tags.find((t) => !held.has(t));
  if (missing !== undefined) throw invalidInput(`roleScopeTagIds: scope tag ${missing} is not one of yours.`, 'roleScopeTagIds');
}

export async function listPolicies(deps: Pick<ComplianceDeps, 'compliancePolicies'>, input: { scope: Scope }): Promise<CompliancePolicy[]> {
  return (await deps.compliancePolicies.list()).filter((p) => visible(p, input.scope));
}

export async function getPolicy(deps: Pick<ComplianceDeps, 'compliancePolicies'>, input: { id: string; scope: Scope }): Promise<CompliancePolicy> {
  const policy = await deps.compliancePolicies.get(input.id);
  if (!policy || !visible(policy, input.scope)) throw notFound(`No deviceCompliancePolicy has id '${input.id}'.`);
  return policy;
}

export async function createPolicy(deps: ComplianceDeps, input: { type: CompliancePolicyType; body: PolicyInput; scope: Scope }): Promise<CompliancePolicy> {
  const tags = input.body.roleScopeTagIds ?? ['0'];
  assertMayTag(tags, input.scope);
  const now = deps.clock.now().toISOString();
  const policy: CompliancePolicy = {
    id: randomUUID(), type: input.type, displayName: input.body.displayName ?? '', description: input.body.description ?? null,
    createdDateTime: now, lastModifiedDateTime: now, version: 1, roleScopeTagIds: tags,
    settings: Object.fromEntries(Object.entries(input.body.settings).filter(([, v]) => v !== null)),
    scheduledActionsForRule: input.body.scheduledActionsForRule ?? [], assignments: [],
  };
  await deps.compliancePolicies.create(policy);
  return policy;
}

export async function updatePolicy(deps: ComplianceDeps, input: { id: string; body: PolicyInput; scope: Scope }): Promise<{ before: CompliancePolicy; after: CompliancePolicy }> {
  const before = await getPolicy(deps, input);
  if (input.body.roleScopeTagIds) assertMayTag(input.body.roleScopeTagIds, input.scope);
  const after: CompliancePolicy = {
    ...before,
    ...(input.body.displayName !== undefined ? { displayName: input.body.displayName } : {}),
    ...(input.body.description !== undefined ? { description: input.body.description } : {}),
    ...(input.body.roleScopeTagIds ? { roleScopeTagIds: input.body.roleScopeTagIds } : {}),
    ...(input.body.scheduledActionsForRule ? { scheduledActionsForRule: input.body.scheduledActionsForRule } : {}),
    settings: { ...before.settings, ...input.body.settings },
    lastModifiedDateTime: deps.clock.now().toISOString(),
    version: before.version + 1,
  };
  // null in a PATCH clears a setting.
  for (const [k, v] of Object.entries(input.body.settings)) if (v === null) delete after.settings[k];
  if (!(await deps.compliancePolicies.update(after))) throw notFound(`No deviceCompliancePolicy has id '${input.id}'.`);
  await reevaluateForPolicy(deps, after, await statedDevices(deps, after.id));
  return { before, after };
}

export async function deletePolicy(deps: ComplianceDeps, input: { id: string; scope: Scope }): Promise<CompliancePolicy> {
  const policy = await getPolicy(deps, input);
  const affected = await statedDevices(deps, policy.id);
  await deps.compliancePolicies.delete(policy.id);
  await reevaluateForPolicy(deps, undefined, affected);
  return policy;
}

/** Replaces the policy's assignments (Graph's assign action) and returns them. */
export async function assignPolicy(deps: ComplianceDeps, input: { id: string; targets: readonly AssignmentTarget[]; scope: Scope }): Promise<{ policy: CompliancePolicy; assignments: PolicyAssignment[] }> {
  const policy = await getPolicy(deps, input);
  const assignments = await checkedAssignments(deps.groups, policy.id, input.targets);
  const affected = await statedDevices(deps, policy.id);
  await deps.compliancePolicies.setAssignments(policy.id, assignments, deps.clock.now());
  const after = { ...policy, assignments };
  await reevaluateForPolicy(deps, after, affected);
  return { policy: after, assignments };
}

async function statedDevices(deps: Pick<ComplianceDeps, 'complianceStates'>, policyId: string): Promise<string[]> {
  return (await deps.complianceStates.forPolicy(policyId)).map((s) => s.deviceId);
}
