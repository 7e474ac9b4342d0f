// The Graph-shaped admin API, registered under both /v1.0 and /beta.
import type { FastifyPluginAsync } from 'fastify';
import type { Clock } from '../../core/clock.js';
import type { ManagedDeviceStore } from '../../core/devices/ports.js';
import type { GroupStore, UserStore } from '../../core/directory/ports.js';
import type { MembershipEngine } from '../../core/directory/dynamic-membership.js';
import type { RbacStore } from '../../core/rbac/model.js';
import type { AuditLog } from '../../core/audit/ports.js';
import type { AuditTrail } from '../audit-trail.js';
import { managedDeviceRoutes } from './managed-devices.js';
import { userRoutes } from './users.js';
import { groupRoutes } from './groups.js';
import { rbacRoutes } from './rbac.js';
import { auditEventRoutes } from './audit-events.js';
import { userImportRoutes } from './user-import.js';
import { deviceActionRoutes, type DeviceActionRouteDeps } from './device-actions.js';

/** The remote actions' ports (DeviceActionRouteDeps: the command queue, actions, inventory, enrollments, waker) too. */
export interface GraphDeps extends DeviceActionRouteDeps {
  clock: Clock;
  devices: ManagedDeviceStore;
  users: UserStore;
  groups: GroupStore;
  memberships: MembershipEngine;
  rbac: RbacStore;
  auditLog: AuditLog;
  audit: AuditTrail;
}

export const graphApi: FastifyPluginAsync<{ deps: GraphDeps; publicUrl: URL }> = async (app, opts) => {
  const o = { deps: opts.deps, publicUrl: opts.publicUrl };
  await app.register(managedDeviceRoutes, o);
  await app.register(deviceActionRoutes, o);
  await app.register(userRoutes, o);
  await app.register(userImportRoutes, o);
  await app.register(groupRoutes, o);
  await app.register(rbacRoutes, o);
  await app.register(auditEventRoutes, { deps: { audit: opts.deps.auditLog }, publicUrl: opts.publicUrl });
};
