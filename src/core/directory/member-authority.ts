// Who may change which group members, beyond the route's Groups_Update:
// - a group that confers a role (core/rbac/role-groups.ts) takes Roles_Assign, or anyone who may
//   update groups could make themselves an Intune Administrator;
// - an admin whose role is scoped to groups sees only the users and devices in those groups, and
//   must not widen the scope: they may add only users and devices in scope, nest only groups
//   whose members are all in scope (and never a dynamic group, whose rule could bring in anyone
//   later), and may not change the rule of a dynamic group that is, or is nested in, a scope group.
import type { Principal } from '../auth/principal.js';
import type { ManagedDeviceStore } from '../devices/ports.js';
import { notFound, StewardError } from '../errors.js';
import type { RbacStore } from '../rbac/model.js';
import { assertMayChangeMembers } from '../rbac/role-groups.js';
import { groupScope, type Scope } from '../rbac/scope.js';
import { isDynamic } from './group.js';
import type { GroupStore, UserStore } from './ports.js';

export interface MemberAuthorityDeps {
  rbac: RbacStore;
  groups: GroupStore;
  users: UserStore;
  devices: ManagedDeviceStore;
}

interface Change {
  principal: Principal | undefined;
  scope: Scope;
  groupId: string;
}

const forbidden = (message: string, target?: string) => new StewardError('forbidden', message, target);

async function mayChange(deps: MemberAuthorityDeps, change: Change): Promise<void> {
  if (!change.principal) throw forbidden('Changing group members needs a signed-in caller.');
  await assertMayChangeMembers(deps, change.principal, change.groupId);
}

/** Users and devices out of scope answer as missing, as everywhere else. */
async function assertVisible(deps: MemberAuthorityDeps, memberId: string, scope: Scope): Promise<void> {
  const type = await deps.groups.objectType(memberId);
  const visible = type === 'user' ? (await deps.users.getMany([memberId], scope)).length > 0
    : type === 'device' ? (await deps.devices.getMany([memberId], scope)).length > 0
      : true;
  if (!visible) throw notFound(`directoryObject ${memberId} was not found.`, '@odata.id');
}

export async function assertMayAddMember(deps: MemberAuthorityDeps, change: Change & { memberId: string }): Promise<void> {
  await mayChange(deps, change);
  const { scope, memberId } = change;
  if (scope.kind === 'all') return;
  await assertVisible(deps, memberId, scope);
  // Over every group, membership cannot widen the scope (scope tags are not changed by it).
  if (groupScope(scope) === 'all') return;
  const nested = await deps.groups.get(memberId);
  if (!nested) return;
  if (isDynamic(nested)) {
    throw forbidden(`Your role is limited to scope groups: you may not nest dynamic group ${nested.displayName}, whose rule could bring in users and devices outside your scope.`, '@odata.id');
  }
  const refs = await deps.groups.transitiveMembers(nested.id);
  const ids = (type: 'user' | 'device') => refs.filter((r) => r.type === type).map((r) => r.id);
  const [userIds, deviceIds] = [ids('user'), ids('device')];
  const [users, devices] = await Promise.all([deps.users.getMany(userIds, scope), deps.devices.getMany(deviceIds, scope)]);
  if (users.length < userIds.length || devices.length < deviceIds.length) {
    throw forbidden(`Your role is limited to scope groups: group ${nested.displayName} has members outside your scope, and nesting it would widen it.`, '@odata.id');
  }
}

export async function assertMayRemoveMember(deps: MemberAuthorityDeps, change: Change & { memberId: string }): Promise<void> {
  await mayChange(deps, change);
  if (change.scope.kind !== 'all') await assertVisible(deps, change.memberId, change.scope);
}

/** For changes of groupTypes, membershipRule or membershipRuleProcessingState. */
export async function assertMayChangeRule(deps: MemberAuthorityDeps, change: Change): Promise<void> {
  await mayChange(deps, change);
  const { scope, groupId } = change;
  const groupIds = groupScope(scope);
  if (groupIds === 'all') return;
  const scopeGroups = new Set(groupIds);
  const above = await deps.groups.transitiveMemberOf(groupId);
  if (scopeGroups.has(groupId) || above.some((g) => scopeGroups.has(g.id))) {
    throw forbidden(`Your role is limited to scope groups, and group ${groupId} is one of them or nested in one: changing its membership rule could widen your scope.`, 'membershipRule');
  }
}
