import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { createUser } from '../../core/directory/create-user.js';
import { updateUser } from '../../core/directory/update-user.js';
import { deleteUser, getUser, listUsers } from '../../core/directory/read-users.js';
import { assignLicense } from '../../core/directory/assign-license.js';
import { listManagedDevices } from '../../core/devices/list-managed-devices.js';
import { skus } from '../../core/directory/licenses.js';
import type { GraphDeps } from './routes.js';
import { collection, contextUrl, graphVersion, queryOptions } from './collection.js';
import { decodeBody, optText } from './body.js';
import { presentGroup, presentUser } from './directory-present.js';
import { presentManagedDevice } from './managed-devices.js';

const passwordProfile = z.object({
  password: z.string().min(1, 'password is required'),
  forceChangePasswordNextSignIn: z.boolean().optional(),
  forceChangePasswordNextSignInWithMfa: z.boolean().optional(),
}).strict();

const writable = {
  userPrincipalName: z.string().max(113, 'must be at most 113 characters'),
  displayName: z.string().max(256, 'must be at most 256 characters'),
  accountEnabled: z.boolean(),
  mailNickname: z.string().max(64, 'must be at most 64 characters').optional(),
  mail: optText(),
  givenName: optText(64),
  surname: optText(64),
  department: optText(64),
  jobTitle: optText(128),
  companyName: optText(64),
  employeeId: optText(16),
  officeLocation: optText(128),
  mobilePhone: optText(64),
  city: optText(128),
  country: optText(128),
  usageLocation: z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter country code (ISO 3166)').nullable().optional(),
  passwordProfile: passwordProfile.optional(),
};

const newUser = z.object(writable).strict();
const userChanges = z.object(writable).partial().strict();
const licenseChange = z.object({
  addLicenses: z.array(z.object({ skuId: z.string(), disabledPlans: z.array(z.string()).default([]) }).strict()),
  removeLicenses: z.array(z.string()),
}).strict();

const USERS = 'users';

export const userRoutes: FastifyPluginAsync<{ deps: GraphDeps; publicUrl: URL }> = async (app, { deps, publicUrl }) => {
  const directory = { users: deps.users, clock: deps.clock, onUserChanged: (u: Parameters<typeof deps.memberships.refreshUser>[0]) => deps.memberships.refreshUser(u) };

  app.get('/users', { config: { permission: 'Microsoft.Intune_Users_Read' }, schema: { summary: 'List users', tags: ['users'] } }, async (req) => {
    const page = await listUsers(deps, { queryOptions: queryOptions(req), scope: req.scope });
    return collection(req, publicUrl, graphVersion(req), USERS, page, presentUser);
  });

  app.post('/users', { config: { permission: 'Microsoft.Intune_Users_Create' }, schema: { summary: 'Create a user', tags: ['users'] } }, async (req, reply) => {
    const input = decodeBody(newUser, req.body, 'microsoft.graph.user');
    const user = await createUser(directory, input);
    await deps.audit.change(req, { activity: 'Create user', category: 'User', operation: 'Create', resource: { type: 'User', id: user.id, displayName: user.userPrincipalName, after: presentUser(user) } });
    return reply.code(201).send({ '@odata.context': `${contextUrl(publicUrl, graphVersion(req), USERS)}/$entity`, ...presentUser(user) });
  });

  app.get<{ Params: { id: string } }>('/users/:id', { config: { permission: 'Microsoft.Intune_Users_Read' }, schema: { summary: 'Get a user by id or userPrincipalName', tags: ['users'] } }, async (req) => {
    const user = await getUser(deps, { idOrUpn: req.params.id, scope: req.scope });
    return { '@odata.context': `${contextUrl(publicUrl, graphVersion(req), USERS)}/$entity`, ...presentUser(user) };
  });

  app.patch<{ Params: { id: string } }>('/users/:id', { config: { permission: 'Microsoft.Intune_Users_Update' }, schema: { summary: 'Update a user', tags: ['users'] } }, async (req, reply) => {
    const changes = decodeBody(userChanges, req.body, 'microsoft.graph.user');
    const { before, after } = await updateUser(directory, { id: req.params.id, scope: req.scope, changes });
    await deps.audit.change(req, { activity: 'Update user', category: 'User', operation: 'Patch', resource: { type: 'User', id: after.id, displayName: after.userPrincipalName, before: presentUser(before), after: { ...presentUser(after), ...(changes.passwordProfile ? { passwordProfile: 'changed' } : {}) } } });
    return reply.code(204).send();
  });

  app.delete<{ Params: { id: string } }>('/users/:id', { config: { permission: 'Microsoft.Intune_Users_Delete' }, schema: { summary: 'Delete a user', tags: ['users'] } }, async (req, reply) => {
    const user = await deleteUser(deps, { id: req.params.id, scope: req.scope });
    await deps.audit.change(req, { activity: 'Delete user', category: 'User', operation: 'Delete', resource: { type: 'User', id: user.id, displayName: user.userPrincipalName, before: presentUser(user) } });
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>('/users/:id/assignLicense', { config: { permission: 'Microsoft.Intune_Licenses_Assign' }, schema: { summary: 'Assign or remove licenses', tags: ['users'] } }, async (req) => {
    const body = decodeBody(licenseChange, req.body, 'assignLicense parameters');
    const { before, after } = await assignLicense(directory, { id: req.params.id, scope: req.scope, addLicenses: body.addLicenses, removeLicenses: body.removeLicenses });
    await deps.audit.change(req, { activity: 'Assign license', category: 'User', operation: 'Action', resource: { type: 'User', id: after.id, displayName: after.userPrincipalName, before: { assignedLicenses: before.assignedLicenses }, after: { assignedLicenses: after.assignedLicenses } } });
    return { '@odata.context': `${contextUrl(publicUrl, graphVersion(req), USERS)}/$entity`, ...presentUser(after) };
  });

  for (const [path, transitive] of [['memberOf', false], ['transitiveMemberOf', true]] as const) {
    app.get<{ Params: { id: string } }>(`/users/:id/${path}`, { config: { permission: 'Microsoft.Intune_Users_Read' }, schema: { summary: `Groups the user is a ${transitive ? 'transitive ' : ''}member of`, tags: ['users'] } }, async (req) => {
      const user = await getUser(deps, { idOrUpn: req.params.id, scope: req.scope });
      const groups = transitive ? await deps.groups.transitiveMemberOf(user.id) : await deps.groups.memberOf(user.id);
      return { '@odata.context': `${contextUrl(publicUrl, graphVersion(req), 'directoryObjects')}`, value: groups.map(presentGroup) };
    });
  }

  app.get<{ Params: { id: string } }>('/users/:id/managedDevices', { config: { permission: 'Microsoft.Intune_ManagedDevices_Read' }, schema: { summary: 'The user\'s managed devices', tags: ['users'] } }, async (req) => {
    const user = await getUser(deps, { idOrUpn: req.params.id, scope: req.scope });
    const page = await listManagedDevices(deps, { queryOptions: queryOptions(req), scope: req.scope, userId: user.id });
    return collection(req, publicUrl, graphVersion(req), `users('${user.id}')/managedDevices`, page, presentManagedDevice);
  });

  app.get('/subscribedSkus', { config: { permission: 'Microsoft.Intune_Organization_Read' }, schema: { summary: 'Steward\'s licenses and how many are assigned', tags: ['users'] } }, async (req) => {
    const value = await Promise.all(skus.map(async (s) => ({
      id: s.skuId, skuId: s.skuId, skuPartNumber: s.skuPartNumber, appliesTo: 'User', capabilityStatus: 'Enabled',
      consumedUnits: await deps.users.countLicensed(s.skuId),
      prepaidUnits: { enabled: 1_000_000, suspended: 0, warning: 0, lockedOut: 0 },
      servicePlans: s.servicePlans.map((p) => ({ ...p, provisioningStatus: 'Success' })),
    })));
    return { '@odata.context': contextUrl(publicUrl, graphVersion(req), 'subscribedSkus'), value };
  });
};
