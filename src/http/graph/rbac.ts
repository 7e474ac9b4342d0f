// Intune RBAC through Graph: resourceOperations, roleDefinitions, roleAssignments (v1.0 and beta)
// and roleScopeTags (beta).
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { invalidInput } from '../../core/errors.js';
import { resourceOperations } from '../../core/rbac/resource-operations.js';
import { allRoles, createRole, deleteRole, findRole, updateRole } from '../../core/rbac/roles.js';
import { createAssignment, deleteAssignment, getAssignment, updateAssignment, type AssignmentInput } from '../../core/rbac/assignments.js';
import { allScopeTags, createScopeTag, deleteScopeTag } from '../../core/rbac/scope-tags.js';
import { scopeTypes, type RoleAssignment, type RoleDefinition, type RoleScopeTag } from '../../core/rbac/model.js';
import type { GraphDeps } from './routes.js';
import { contextUrl, graphVersion } from './collection.js';
import { decodeBody } from './body.js';
import { withODataType } from './odata-type.js';

export function presentRole(r: RoleDefinition) {
  return withODataType('#microsoft.graph.deviceAndAppManagementRoleDefinition', {
    id: r.id,
    displayName: r.displayName,
    description: r.description,
    isBuiltIn: r.isBuiltIn,
    isBuiltInRoleDefinition: r.isBuiltIn,
    roleScopeTagIds: r.roleScopeTagIds,
    rolePermissions: [{
      actions: [] as string[],
      resourceActions: [{ allowedResourceActions: r.allowed, notAllowedResourceActions: [] as string[] }],
    }],
  });
}

export function presentAssignment(a: RoleAssignment) {
  return withODataType('#microsoft.graph.deviceAndAppManagementRoleAssignment', {
    id: a.id,
    displayName: a.displayName,
    description: a.description,
    members: a.members,
    resourceScopes: a.resourceScopes,
    scopeMembers: a.resourceScopes,
    scopeType: a.scopeType,
    roleScopeTagIds: a.roleScopeTagIds,
  });
}

const presentTag = (t: RoleScopeTag) => withODataType('#microsoft.graph.roleScopeTag', { id: t.id, displayName: t.displayName, description: t.description, isBuiltIn: t.isBuiltIn });

const permissions = z.array(z.object({
  actions: z.array(z.string()).optional(),
  resourceActions: z.array(z.object({ allowedResourceActions: z.array(z.string()).default([]), notAllowedResourceActions: z.array(z.string()).optional() }).strict()).optional(),
  allowedResourceActions: z.array(z.string()).optional(),
}).strict());
const roleBody = z.object({
  displayName: z.string().max(256, 'must be at most 256 characters'),
  description: z.string().max(1024).nullable().optional(),
  rolePermissions: permissions,
  roleScopeTagIds: z.array(z.string()).optional(),
  isBuiltIn: z.literal(false).optional(),
  isBuiltInRoleDefinition: z.literal(false).optional(),
}).strict();
const assignmentBody = z.object({
  displayName: z.string().max(256),
  description: z.string().max(1024).nullable().optional(),
  members: z.array(z.string()).optional(),
  resourceScopes: z.array(z.string()).optional(),
  scopeMembers: z.array(z.string()).optional(),
  scopeType: z.enum(scopeTypes).optional(),
  roleScopeTagIds: z.array(z.string()).optional(),
}).strict();
const tagBody = z.object({ displayName: z.string().min(1).max(128), description: z.string().max(1024).nullable().optional() }).strict();

function allowedOf(p: z.infer<typeof permissions>): string[] {
  return p.flatMap((x) => [...(x.allowedResourceActions ?? []), ...(x.resourceActions ?? []).flatMap((a) => {
    if ((a.notAllowedResourceActions ?? []).length > 0) throw invalidInput('notAllowedResourceActions is not supported: list the allowed operations instead.', 'rolePermissions');
    return a.allowedResourceActions;
  })]);
}

/** The role id in "roleDefinition@odata.bind": "https://…/deviceManagement/roleDefinitions('id')". */
function boundRoleId(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const bind = (body as Record<string, unknown>)['roleDefinition@odata.bind'];
  if (bind === undefined) return undefined;
  const m = typeof bind === 'string' ? /roleDefinitions(?:\('([^']+)'\)|\/([^/?#]+))\/?$/.exec(bind) : null;
  const id = m?.[1] ?? m?.[2];
  if (!id) throw invalidInput('roleDefinition@odata.bind must be the URL of a role definition, such as https://graph.microsoft.com/beta/deviceManagement/roleDefinitions(\'{id}\').', 'roleDefinition@odata.bind');
  return decodeURIComponent(id);
}

const DM = 'deviceManagement';

export const rbacRoutes: FastifyPluginAsync<{ deps: GraphDeps; publicUrl: URL }> = async (app, { deps, publicUrl }) => {
  const ctx = (req: FastifyRequest, set: string, entity = false) => `${contextUrl(publicUrl, graphVersion(req), `${DM}/${set}`)}${entity ? '/$entity' : ''}`;
  const read = { permission: 'Microsoft.Intune_Roles_Read' } as const;

  app.get('/deviceManagement/resourceOperations', { config: read, schema: { summary: 'Intune resource operations', tags: ['rbac'] } }, async (req) => ({
    '@odata.context': ctx(req, 'resourceOperations'),
    value: resourceOperations.map((o) => withODataType('#microsoft.graph.resourceOperation', { id: o.id, resourceName: o.resourceName, actionName: o.actionName, description: o.description, enabledForScopeValidation: o.enabledForScopeValidation })),
  }));

  app.get('/deviceManagement/roleDefinitions', { config: read, schema: { summary: 'Role definitions, built-in and custom', tags: ['rbac'] } }, async (req) => ({
    '@odata.context': ctx(req, 'roleDefinitions'), value: (await allRoles(deps)).map(presentRole),
  }));
  app.get<{ Params: { id: string } }>('/deviceManagement/roleDefinitions/:id', { config: read, schema: { tags: ['rbac'] } }, async (req) => ({
    '@odata.context': ctx(req, 'roleDefinitions', true), ...presentRole(await findRole(deps, req.params.id)),
  }));
  app.get<{ Params: { id: string } }>('/deviceManagement/roleDefinitions/:id/roleAssignments', { config: read, schema: { tags: ['rbac'] } }, async (req) => {
    const role = await findRole(deps, req.params.id);
    return { '@odata.context': ctx(req, 'roleAssignments'), value: (await deps.rbac.assignments()).filter((a) => a.roleDefinitionId === role.id).map(presentAssignment) };
  });
  app.post('/deviceManagement/roleDefinitions', { config: { permission: 'Microsoft.Intune_Roles_Create' }, schema: { summary: 'Create a custom role', tags: ['rbac'] } }, async (req, reply) => {
    const body = decodeBody(roleBody, req.body, 'microsoft.graph.roleDefinition');
    const role = await createRole(deps, { displayName: body.displayName, description: body.description ?? null, allowed: allowedOf(body.rolePermissions), ...(body.roleScopeTagIds ? { roleScopeTagIds: body.roleScopeTagIds } : {}) });
    await deps.audit.change(req, { activity: 'Create role definition', category: 'Role', operation: 'Create', resource: { type: 'RoleDefinition', id: role.id, displayName: role.displayName, after: presentRole(role) } });
    return reply.code(201).send({ '@odata.context': ctx(req, 'roleDefinitions', true), ...presentRole(role) });
  });
  app.patch<{ Params: { id: string } }>('/deviceManagement/roleDefinitions/:id', { config: { permission: 'Microsoft.Intune_Roles_Update' }, schema: { tags: ['rbac'] } }, async (req, reply) => {
    const body = decodeBody(roleBody.partial(), req.body, 'microsoft.graph.roleDefinition');
    const { before, after } = await updateRole(deps, { id: req.params.id, changes: {
      ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.rolePermissions !== undefined ? { allowed: allowedOf(body.rolePermissions) } : {}),
      ...(body.roleScopeTagIds !== undefined ? { roleScopeTagIds: body.roleScopeTagIds } : {}),
    } });
    await deps.audit.change(req, { activity: 'Update role definition', category: 'Role', operation: 'Patch', resource: { type: 'RoleDefinition', id: after.id, displayName: after.displayName, before: presentRole(before), after: presentRole(after) } });
    return reply.code(204).send();
  });
  app.delete<{ Params: { id: string } }>('/deviceManagement/roleDefinitions/:id', { config: { permission: 'Microsoft.Intune_Roles_Delete' }, schema: { tags: ['rbac'] } }, async (req, reply) => {
    const role = await deleteRole(deps, { id: req.params.id });
    await deps.audit.change(req, { activity: 'Delete role definition', category: 'Role', operation: 'Delete', resource: { type: 'RoleDefinition', id: role.id, displayName: role.displayName, before: presentRole(role) } });
    return reply.code(204).send();
  });

  app.get('/deviceManagement/roleAssignments', { config: read, schema: { summary: 'Role assignments', tags: ['rbac'] } }, async (req) => ({
    '@odata.context': ctx(req, 'roleAssignments'), value: (await deps.rbac.assignments()).map(presentAssignment),
  }));
  app.get<{ Params: { id: string } }>('/deviceManagement/roleAssignments/:id', { config: read, schema: { tags: ['rbac'] } }, async (req) => ({
    '@odata.context': ctx(req, 'roleAssignments', true), ...presentAssignment(await getAssignment(deps, req.params.id)),
  }));
  app.get<{ Params: { id: string } }>('/deviceManagement/roleAssignments/:id/roleDefinition', { config: read, schema: { tags: ['rbac'] } }, async (req) => ({
    '@odata.context': ctx(req, 'roleDefinitions', true), ...presentRole(await findRole(deps, (await getAssignment(deps, req.params.id)).roleDefinitionId)),
  }));
  const assignmentInput = (body: z.infer<typeof assignmentBody> | Partial<z.infer<typeof assignmentBody>>, roleId: string | undefined): AssignmentInput => ({
    ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
    ...(body.description !== undefined ? { description: body.description } : {}),
    ...(roleId !== undefined ? { roleDefinitionId: roleId } : {}),
    ...(body.members !== undefined ? { members: body.members } : {}),
    ...(body.resourceScopes ?? body.scopeMembers ? { resourceScopes: body.resourceScopes ?? body.scopeMembers } : {}),
    ...(body.scopeType !== undefined ? { scopeType: body.scopeType } : {}),
    ...(body.roleScopeTagIds !== undefined ? { roleScopeTagIds: body.roleScopeTagIds } : {}),
  });
  app.post('/deviceManagement/roleAssignments', { config: { permission: 'Microsoft.Intune_Roles_Assign' }, schema: { summary: 'Assign a role to admin groups over scope groups', tags: ['rbac'] } }, async (req, reply) => {
    const roleId = boundRoleId(req.body);
    const body = decodeBody(assignmentBody, req.body, 'microsoft.graph.deviceAndAppManagementRoleAssignment');
    const a = await createAssignment(deps, assignmentInput(body, roleId));
    await deps.audit.change(req, { activity: 'Create role assignment', category: 'Role', operation: 'Create', resource: { type: 'RoleAssignment', id: a.id, displayName: a.displayName, after: presentAssignment(a) } });
    return reply.code(201).send({ '@odata.context': ctx(req, 'roleAssignments', true), ...presentAssignment(a) });
  });
  app.patch<{ Params: { id: string } }>('/deviceManagement/roleAssignments/:id', { config: { permission: 'Microsoft.Intune_Roles_Assign' }, schema: { tags: ['rbac'] } }, async (req, reply) => {
    const roleId = boundRoleId(req.body);
    const body = decodeBody(assignmentBody.partial(), req.body, 'microsoft.graph.deviceAndAppManagementRoleAssignment');
    const { before, after } = await updateAssignment(deps, { id: req.params.id, changes: assignmentInput(body, roleId) });
    await deps.audit.change(req, { activity: 'Update role assignment', category: 'Role', operation: 'Patch', resource: { type: 'RoleAssignment', id: after.id, displayName: after.displayName, before: presentAssignment(before), after: presentAssignment(after) } });
    return reply.code(204).send();
  });
  app.delete<{ Params: { id: string } }>('/deviceManagement/roleAssignments/:id', { config: { permission: 'Microsoft.Intune_Roles_Assign' }, schema: { tags: ['rbac'] } }, async (req, reply) => {
    const a = await deleteAssignment(deps, { id: req.params.id });
    await deps.audit.change(req, { activity: 'Delete role assignment', category: 'Role', operation: 'Delete', resource: { type: 'RoleAssignment', id: a.id, displayName: a.displayName, before: presentAssignment(a) } });
    return reply.code(204).send();
  });

  app.get('/deviceManagement/roleScopeTags', { config: read, schema: { summary: 'Scope tags (beta)', tags: ['rbac'] } }, async (req) => ({
    '@odata.context': ctx(req, 'roleScopeTags'), value: (await allScopeTags(deps)).map(presentTag),
  }));
  app.post('/deviceManagement/roleScopeTags', { config: { permission: 'Microsoft.Intune_Roles_Create' }, schema: { tags: ['rbac'] } }, async (req, reply) => {
    const body = decodeBody(tagBody, req.body, 'microsoft.graph.roleScopeTag');
    const tag = await createScopeTag(deps, { displayName: body.displayName, description: body.description ?? null });
    await deps.audit.change(req, { activity: 'Create scope tag', category: 'Role', operation: 'Create', resource: { type: 'RoleScopeTag', id: tag.id, displayName: tag.displayName, after: presentTag(tag) } });
    return reply.code(201).send({ '@odata.context': ctx(req, 'roleScopeTags', true), ...presentTag(tag) });
  });
  app.delete<{ Params: { id: string } }>('/deviceManagement/roleScopeTags/:id', { config: { permission: 'Microsoft.Intune_Roles_Delete' }, schema: { tags: ['rbac'] } }, async (req, reply) => {
    const tag = await deleteScopeTag(deps, { id: req.params.id });
    await deps.audit.change(req, { activity: 'Delete scope tag', category: 'Role', operation: 'Delete', resource: { type: 'RoleScopeTag', id: tag.id, displayName: tag.displayName, before: presentTag(tag) } });
    return reply.code(204).send();
  });
};
