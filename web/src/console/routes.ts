// The console's pages: one line each. A page is a file in ./pages/ whose default export is its
// component; `path` is relative to `/` (':id' for parameters); `nav` puts it in the navigation
// under `section`; `anyOf` hides it (nav and route) from people whose roles grant none of those
// operations. Pages load on demand (one chunk each).
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

export interface ConsolePage {
  path: string;
  title: string;
  component: LazyExoticComponent<ComponentType>;
  nav?: { label?: string; section?: string };
  anyOf?: string[];
}

const op = (resource: string, operation = 'Read') => `Microsoft.Intune_${resource}_${operation}`;

export const pages: ConsolePage[] = [
  { path: '', title: 'Home', component: lazy(() => import('./pages/dashboard.js')), nav: { label: 'Home' } },
  { path: 'devices', title: 'Devices', component: lazy(() => import('./pages/devices.js')), nav: { section: 'Devices' }, anyOf: [op('ManagedDevices')] },
  { path: 'devices/:id', title: 'Device', component: lazy(() => import('./pages/device-detail.js')), anyOf: [op('ManagedDevices')] },
  { path: 'helpdesk', title: 'Help desk', component: lazy(() => import('./pages/helpdesk.js')), nav: { section: 'Devices' }, anyOf: [op('ManagedDevices')] },
  { path: 'enrollment-profiles', title: 'Enrollment profiles', component: lazy(() => import('./pages/enrollment-profiles.js')), nav: { section: 'Devices' }, anyOf: [op('AppleEnrollmentProfiles')] },
  // W3's pages (users and groups, policies, profiles, enrollment, roles, audit) go here, one line each.
  { path: 'users', title: 'Users', component: lazy(() => import('./pages/users.js')), nav: { section: 'Directory' }, anyOf: [op('Users')] },
  { path: 'users/:id', title: 'User', component: lazy(() => import('./pages/users.js')), anyOf: [op('Users')] },
  { path: 'groups', title: 'Groups', component: lazy(() => import('./pages/groups.js')), nav: { section: 'Directory' }, anyOf: [op('Groups')] },
  { path: 'groups/:id', title: 'Group', component: lazy(() => import('./pages/groups.js')), anyOf: [op('Groups')] },
  { path: 'compliance-policies', title: 'Compliance policies', component: lazy(() => import('./pages/compliance-policies.js')), nav: { section: 'Policies' }, anyOf: [op('DeviceCompliancePolices')] },
  { path: 'compliance-policies/:id', title: 'Compliance policy', component: lazy(() => import('./pages/compliance-policies.js')), anyOf: [op('DeviceCompliancePolices')] },
  { path: 'configuration-profiles', title: 'Configuration profiles', component: lazy(() => import('./pages/configuration-profiles.js')), nav: { section: 'Policies' }, anyOf: [op('DeviceConfigurations')] },
  { path: 'configuration-profiles/:id', title: 'Configuration profile', component: lazy(() => import('./pages/configuration-profiles.js')), anyOf: [op('DeviceConfigurations')] },
  { path: 'roles', title: 'Roles and scope', component: lazy(() => import('./pages/roles.js')), nav: { section: 'Tenant' }, anyOf: [op('Roles')] },
  { path: 'apple-push-certificate', title: 'Apple push certificate', component: lazy(() => import('./pages/apple-push-certificate.js')), nav: { section: 'Tenant' }, anyOf: [op('Organization')] },
  { path: 'audit-log', title: 'Audit log', component: lazy(() => import('./pages/audit-log.js')), nav: { section: 'Tenant' }, anyOf: [op('Audit')] },
];
