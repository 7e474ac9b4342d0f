import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createGroup, deleteGroup, getGroup, updateGroup } from '../../core/directory/save-group.js';
import { addGroupMember, idFromODataReference, removeGroupMember } from '../../core/directory/group-members.js';
import { listGroups } from '../../core/directory/list-groups.js';
import { assertMayAddMember, assertMayChangeRule, assertMayRemoveMember } from '../../core/directory/member-authority.js';
import type { DirectoryObjectRef, Group } from '../../core/directory/group.js';
import type { Scope } from '../../core/rbac/scope.js';
import type { GraphDeps } from './routes.js';
import { collection, contextUrl, graphVersion, nextLink, queryOptions } from './collection.js';
import { decodeBody } from './body.js';
import { presentDeviceMember, presentGroup, presentUser } from './directory-present.js';
import { invalidInput } from '../../core/errors.js';

const writable = {
  displayName: z.string().max(256, 'must be at most 256 characters'),
  description: z.string().max(1024, 'must be at most 1024 characters').nullable().optional(),
  mailNickname: z.string().max(64, 'must be at most 64 characters'),
  mailEnabled: z.boolean(),
  securityEnabled: z.boolean(),
  groupTypes: z.array(z.string()).optional(),
  membershipRule: z.string().max(3072, 'must be at most 3072 characters').nullable().optional(),
  membershipRuleProcessingState: z.enum(['On', 'Paused']).nullable().optional(),
};
const newGroup = z.object(writable).strict();
const groupChanges = z.object(writable).partial().strict();

const GROUPS = 'groups';

export const groupRoutes: FastifyPluginAsync<{ deps: GraphDeps; publicUrl: URL }> = async (app, { deps, publicUrl }) => {
  const groupDeps = { groups: deps.groups, clock: deps.clock, onRuleChanged: async (g: Group) => { await deps.memberships.recomputeGroup(g); } };

  /** Directory objects for member refs, showing only users and devices in the caller's scope. */
  async function present(refs: DirectoryObjectRef[], scope: Scope) {
    const ids = (type: DirectoryObjectRef['type']) => refs.filter((r) => r.type === type).map((r) => r.id);
    const [users, groups, devices] = await Promise.all([
      deps.users.getMany(ids('user'), scope), deps.groups.getMany(ids('group')), deps.devices.getMany(ids('device'), scope),
    ]);
    const byId = new Map<string, object>([
      ...users.map((u): [string, object] => [u.id, presentUser(u)]),
      ...groups.map((g): [string, object] => [g.id, presentGroup(g)]),
      ...devices.map((d): [string, object] => [d.id, presentDeviceMember(d)]),
    ]);
    return refs.flatMap((r) => { const o = byId.get(r.id); return o ? [o] : []; });
  }

  app.get('/groups', { config: { permission: 'Microsoft.Intune_Groups_Read' }, schema: { summary: 'List groups', tags: ['groups'] } }, async (req) => {
    const page = await listGroups(deps, { queryOptions: queryOptions(req) });
    return collection(req, publicUrl, graphVersion(req), GROUPS, page, presentGroup);
  });

  app.post('/groups', { config: { permission: 'Microsoft.Intune_Groups_Create' }, schema: { summary: 'Create a group', tags: ['groups'] } }, async (req, reply) => {
    const input = decodeBody(newGroup, req.body, 'microsoft.graph.group');
    const group = await createGroup(groupDeps, input);
    await deps.audit.change(req, { activity: 'Create group', category: 'Group', operation: 'Create', resource: { type: 'Group', id: group.id, displayName: group.displayName, after: presentGroup(group) } });
    return reply.code(201).send({ '@odata.context': `${contextUrl(publicUrl, graphVersion(req), GROUPS)}/$entity`, ...presentGroup(group) });
  });

  app.get<{ Params: { id: string } }>('/groups/:id', { config: { permission: 'Microsoft.Intune_Groups_Read' }, schema: { summary: 'Get a group', tags: ['groups'] } }, async (req) => {
    const group = await getGroup(deps, { id: req.params.id });
    return { '@odata.context': `${contextUrl(publicUrl, graphVersion(req), GROUPS)}/$entity`, ...presentGroup(group) };
  });

  app.patch<{ Params: { id: string } }>('/groups/:id', { config: { permission: 'Microsoft.Intune_Groups_Update' }, schema: { summary: 'Update a group', tags: ['groups'] } }, async (req, reply) => {
    const changes = decodeBody(groupChanges, req.body, 'microsoft.graph.group');
    if (changes.groupTypes !== undefined || changes.membershipRule !== undefined || changes.membershipRuleProcessingState !== undefined) {
      await assertMayChangeRule(deps, { principal: req.principal, scope: req.scope, groupId: req.params.id });
    }
    const { before, after } = await updateGroup(groupDeps, { id: req.params.id, changes });
    await deps.audit.change(req, { activity: 'Update group', category: 'Group', operation: 'Patch', resource: { type: 'Group', id: after.id, displayName: after.displayName, before: presentGroup(before), after: presentGroup(after) } });
    return reply.code(204).send();
  });

  app.delete<{ Params: { id: string } }>('/groups/:id', { config: { permission: 'Microsoft.Intune_Groups_Delete' }, schema: { summary: 'Delete a group', tags: ['groups'] } }, async (req, reply) => {
    const group = await deleteGroup(deps, { id: req.params.id });
    await deps.audit.change(req, { activity: 'Delete group', category: 'Group', operation: 'Delete', resource: { type: 'Group', id: group.id, displayName: group.displayName, before: presentGroup(group) } });
    return reply.code(204).send();
  });

  app.get<{ Params: { id: string } }>('/groups/:id/members', { config: { permission: 'Microsoft.Intune_Groups_Read' }, schema: { summary: 'Direct members of a group', tags: ['groups'] } }, async (req) => {
    const group = await getGroup(deps, { id: req.params.id });
    const { top, skipToken } = memberPaging(req);
    const page = await deps.groups.members(group.id, { top, ...(skipToken ? { skipToken } : {}) });
    return {
      '@odata.context': contextUrl(publicUrl, graphVersion(req), 'directoryObjects'),
      ...(page.nextSkipToken ? { '@odata.nextLink': nextLink(req, publicUrl, page.nextSkipToken) } : {}),
      value: await present(page.items, req.scope),
    };
  });

  app.get<{ Params: { id: string } }>('/groups/:id/transitiveMembers', { config: { permission: 'Microsoft.Intune_Groups_Read' }, schema: { summary: 'Members of a group and of the groups nested in it', tags: ['groups'] } }, async (req) => {
    const group = await getGroup(deps, { id: req.params.id });
    const refs = await deps.groups.transitiveMembers(group.id);
    return { '@odata.context': contextUrl(publicUrl, graphVersion(req), 'directoryObjects'), value: await present(refs, req.scope) };
  });

  for (const [path, transitive] of [['memberOf', false], ['transitiveMemberOf', true]] as const) {
    app.get<{ Params: { id: string } }>(`/groups/:id/${path}`, { config: { permission: 'Microsoft.Intune_Groups_Read' }, schema: { summary: `Groups this group is a ${transitive ? 'transitive ' : ''}member of`, tags: ['groups'] } }, async (req) => {
      const group = await getGroup(deps, { id: req.params.id });
      const groups = transitive ? await deps.groups.transitiveMemberOf(group.id) : await deps.groups.memberOf(group.id);
      return { '@odata.context': contextUrl(publicUrl, graphVersion(req), 'directoryObjects'), value: groups.map(presentGroup) };
    });
  }

  app.post<{ Params: { id: string } }>('/groups/:id/members/$ref', { config: { permission: 'Microsoft.Intune_Groups_Update' }, schema: { summary: 'Add a member', tags: ['groups'] } }, async (req, reply) => {
    // A reference body is only {"@odata.id": url}; decodeBody drops annotations, so read it here.
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidInput('The request body must be a JSON object {"@odata.id": "<directory object URL>"}.');
    const extra = Object.keys(body).filter((k) => k !== '@odata.id');
    if (extra.length > 0) throw invalidInput(`Property '${extra[0]}' does not exist on a reference; send only @odata.id.`, extra[0]);
    const memberId = idFromODataReference((body as Record<string, unknown>)['@odata.id']);
    await assertMayAddMember(deps, { principal: req.principal, scope: req.scope, groupId: req.params.id, memberId });
    const { group, member } = await addGroupMember(deps, { groupId: req.params.id, memberId });
    await deps.audit.change(req, { activity: 'Add member to group', category: 'Group', operation: 'Action', resource: { type: 'Group', id: group.id, displayName: group.displayName, after: { member: `${member.type} ${member.id}` } } });
    return reply.code(204).send();
  });

  app.delete<{ Params: { id: string; memberId: string } }>('/groups/:id/members/:memberId/$ref', { config: { permission: 'Microsoft.Intune_Groups_Update' }, schema: { summary: 'Remove a member', tags: ['groups'] } }, async (req, reply) => {
    await assertMayRemoveMember(deps, { principal: req.principal, scope: req.scope, groupId: req.params.id, memberId: req.params.memberId });
    const group = await removeGroupMember(deps, { groupId: req.params.id, memberId: req.params.memberId });
    await deps.audit.change(req, { activity: 'Remove member from group', category: 'Group', operation: 'Action', resource: { type: 'Group', id: group.id, displayName: group.displayName, before: { member: req.params.memberId } } });
    return reply.code(204).send();
  });
};

function memberPaging(req: FastifyRequest): { top: number; skipToken?: string } {
  const q = queryOptions(req);
  const rawTop = q.$top ?? q.top;
  const top = rawTop === undefined ? 100 : Number(rawTop);
  if (!Number.isInteger(top) || top < 1 || top > 999) throw invalidInput(`$top must be an integer from 1 to 999, got '${rawTop ?? ''}'.`, '$top');
  const skipToken = q.$skiptoken ?? q.skiptoken;
  return skipToken ? { top, skipToken } : { top };
}
