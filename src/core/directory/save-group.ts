import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { invalidInput, notFound } from '../errors.js';
import { parseMembershipRule } from './membership-rule/parse.js';
import type { GroupStore } from './ports.js';
import { DYNAMIC, isDynamic, type Group } from './group.js';
import { checkDisplayName, checkMailNickname } from './validate.js';

export type GroupInput = Partial<Pick<Group, 'displayName' | 'description' | 'mailNickname' | 'mailEnabled' | 'securityEnabled' | 'groupTypes' | 'membershipRule' | 'membershipRuleProcessingState'>>;

export interface GroupDeps {
  groups: GroupStore;
  clock: Clock;
  /** Recomputes a dynamic group's members after its rule or processing state changed. */
  onRuleChanged?(group: Group): Promise<void>;
}

function checkGroup(input: Group): Group {
  const g = { ...input, displayName: checkDisplayName(input.displayName) };
  checkMailNickname(g.mailNickname);
  if (g.mailEnabled) throw invalidInput('mailEnabled: Steward groups are security groups; mail-enabled groups are not supported.', 'mailEnabled');
  if (!g.securityEnabled) throw invalidInput('securityEnabled must be true: Steward groups are security groups.', 'securityEnabled');
  const unknownType = g.groupTypes.find((t) => t !== DYNAMIC);
  if (unknownType) throw invalidInput(`groupTypes: '${unknownType}' is not supported; use [] or ["DynamicMembership"].`, 'groupTypes');
  if (isDynamic(g)) {
    if (!g.membershipRule) throw invalidInput('membershipRule is required when groupTypes contains DynamicMembership.', 'membershipRule');
    parseMembershipRule(g.membershipRule); // throws with the position of the problem
  } else if (g.membershipRule) {
    throw invalidInput('membershipRule needs "DynamicMembership" in groupTypes.', 'membershipRule');
  }
  return g;
}

/** Graph POST /groups. */
export async function createGroup(deps: GroupDeps, input: GroupInput & { displayName: string; mailNickname: string }): Promise<Group> {
  const groupTypes = input.groupTypes ?? [];
  const group = checkGroup({
    id: randomUUID(),
    displayName: input.displayName.trim(),
    description: input.description ?? null,
    mailNickname: input.mailNickname,
    mailEnabled: input.mailEnabled ?? false,
    securityEnabled: input.securityEnabled ?? true,
    groupTypes,
    membershipRule: input.membershipRule ?? null,
    membershipRuleProcessingState: groupTypes.includes(DYNAMIC) ? (input.membershipRuleProcessingState ?? 'On') : null,
    createdDateTime: deps.clock.now().toISOString(),
  });
  await deps.groups.create(group);
  if (isDynamic(group)) await deps.onRuleChanged?.(group);
  return group;
}

/** Graph PATCH /groups/{id}: returns the group before and after. */
export async function updateGroup(deps: GroupDeps, input: { id: string; changes: GroupInput }): Promise<{ before: Group; after: Group }> {
  const before = await deps.groups.get(input.id);
  if (!before) throw notFound(`group ${input.id} was not found.`, 'id');
  const merged: Group = { ...before, ...input.changes };
  // Microsoft's own conversion to static (the PowerShell sample on "Change static groups to
  // dynamic membership groups") removes DynamicMembership from groupTypes and pauses the rule
  // without clearing it; a static group has no rule here, so the rule goes with the type.
  if (isDynamic(before) && !isDynamic(merged) && input.changes.membershipRule === undefined) merged.membershipRule = null;
  const after = checkGroup(merged);
  if (isDynamic(after) && after.membershipRuleProcessingState === null) after.membershipRuleProcessingState = 'On';
  if (!isDynamic(after)) after.membershipRuleProcessingState = null;
  await deps.groups.update(before.id, after);
  const ruleChanged = after.membershipRule !== before.membershipRule
    || after.membershipRuleProcessingState !== before.membershipRuleProcessingState
    || isDynamic(after) !== isDynamic(before);
  if (ruleChanged) await deps.onRuleChanged?.(after);
  return { before, after };
}

export async function getGroup(deps: { groups: GroupStore }, input: { id: string }): Promise<Group> {
  const group = await deps.groups.get(input.id);
  if (!group) throw notFound(`group ${input.id} was not found.`, 'id');
  return group;
}

export async function deleteGroup(deps: { groups: GroupStore }, input: { id: string }): Promise<Group> {
  const group = await getGroup(deps, input);
  await deps.groups.delete(group.id);
  return group;
}
