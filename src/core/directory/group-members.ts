import type { Clock } from '../clock.js';
import { invalidInput, notFound } from '../errors.js';
import type { GroupStore } from './ports.js';
import { isDynamic, type DirectoryObjectRef, type Group } from './group.js';
import { getGroup } from './save-group.js';

/** Graph POST /groups/{id}/members/$ref. */
export async function addGroupMember(deps: { groups: GroupStore; clock: Clock }, input: { groupId: string; memberId: string }): Promise<{ group: Group; member: DirectoryObjectRef }> {
  const group = await getGroup(deps, { id: input.groupId });
  // Entra refuses manual changes to a dynamic group's members.
  if (isDynamic(group)) throw invalidInput(`The members of dynamic group ${group.displayName} come from its membershipRule and cannot be added by hand.`, 'members');
  const type = await deps.groups.objectType(input.memberId);
  if (!type) throw notFound(`directoryObject ${input.memberId} was not found.`, '@odata.id');
  if (type === 'group') {
    if (input.memberId === group.id) throw invalidInput('A group cannot be a member of itself.', '@odata.id');
    // Nesting that closes a loop would make transitive membership infinite.
    const above = await deps.groups.transitiveMemberOf(group.id);
    if (above.some((g) => g.id === input.memberId)) throw invalidInput(`Adding group ${input.memberId} would make a membership cycle.`, '@odata.id');
  }
  // Graph answers 400 "One or more added object references already exist".
  if (await deps.groups.isDirectMember(group.id, input.memberId)) {
    throw invalidInput('One or more added object references already exist for the following modified properties: \'members\'.', '@odata.id');
  }
  const member = { id: input.memberId, type };
  await deps.groups.addMembers(group.id, [member], 'assigned', deps.clock.now());
  return { group, member };
}

/** Graph DELETE /groups/{id}/members/{memberId}/$ref. */
export async function removeGroupMember(deps: { groups: GroupStore }, input: { groupId: string; memberId: string }): Promise<Group> {
  const group = await getGroup(deps, { id: input.groupId });
  if (isDynamic(group)) throw invalidInput(`The members of dynamic group ${group.displayName} come from its membershipRule and cannot be removed by hand.`, 'members');
  if (!(await deps.groups.isDirectMember(group.id, input.memberId))) throw notFound(`${input.memberId} is not a member of group ${group.id}.`, 'memberId');
  await deps.groups.removeMembers(group.id, [input.memberId]);
  return group;
}

/** The id in a Graph reference such as https://graph.microsoft.com/v1.0/directoryObjects/{id}. */
export function idFromODataReference(ref: unknown): string {
  if (typeof ref !== 'string' || ref.length === 0) throw invalidInput('@odata.id is required: the URL of the directory object to add, such as https://graph.microsoft.com/v1.0/directoryObjects/{id}.', '@odata.id');
  const m = /\/(?:directoryObjects|users|groups|devices|servicePrincipals)\/([^/?#]+)\/?$/.exec(ref) ?? /^([0-9a-fA-F-]{36})$/.exec(ref);
  if (!m?.[1]) throw invalidInput(`@odata.id '${ref.slice(0, 200)}' does not name a directory object.`, '@odata.id');
  return decodeURIComponent(m[1]);
}
