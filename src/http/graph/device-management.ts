// Graph's deviceManagement singleton, for its tenant-wide settings (under /v1.0 and /beta).
//
// GET   /deviceManagement    Microsoft.Intune_Organization_Read
// PATCH /deviceManagement    Microsoft.Intune_Organization_Update
//   { "settings": { "deviceComplianceCheckinThresholdDays": 1..120, "isScheduledActionEnabled",
//                   "secureByDefault", "stewardRequireAuthenticatorForUsers" } }
//   Members of settings left out keep their value: OData 4.01 §11.4.3 applies PATCH to complex
//   properties recursively. Answers 200 with the whole deviceManagement, as Intune documents
//   ("Update deviceManagement": 200 OK and the updated object).
//
// Steward extension: settings.stewardRequireAuthenticatorForUsers (boolean, default false): people
// without an admin role must also use an authenticator app (TOTP) to sign in to the web pages;
// admins always must. It sits in deviceManagementSettings beside Intune's own tenant settings, so
// that one GET and one PATCH cover them all; Graph SDKs keep an unknown member of a complex type
// in its additionalData.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import type { SettingsStore } from '../../core/settings/ports.js';
import { readTenantSettings, updateTenantSettings, type TenantSettings } from '../../core/settings/tenant-settings.js';
import type { AuditTrail } from '../audit-trail.js';
import { contextUrl, graphVersion } from './collection.js';
import { decodeBody } from './body.js';

/** The id of Steward's one deviceManagement (Graph gives each tenant's its own; Steward has one tenant). */
export const DEVICE_MANAGEMENT_ID = '5c7e3a2f-9d1b-4e0a-8f63-2b7d4c9e1a05';

export interface DeviceManagementDeps {
  settings: SettingsStore;
  clock: Clock;
  audit: AuditTrail;
}

const settingsBody = z.object({
  '@odata.type': z.string().optional(),
  deviceComplianceCheckinThresholdDays: z.number().int('must be a whole number of days').optional(),
  isScheduledActionEnabled: z.boolean().optional(),
  secureByDefault: z.boolean().optional(),
  stewardRequireAuthenticatorForUsers: z.boolean().optional(),
}).strict();
const patchBody = z.object({ id: z.string().optional(), settings: settingsBody.optional() }).strict();

export function presentSettings(s: TenantSettings) {
  return { '@odata.type': '#microsoft.graph.deviceManagementSettings', ...s };
}

export const deviceManagementRoutes: FastifyPluginAsync<{ deps: DeviceManagementDeps; publicUrl: URL }> = async (app, { deps, publicUrl }) => {
  const present = (req: FastifyRequest, s: TenantSettings) => ({
    '@odata.context': contextUrl(publicUrl, graphVersion(req), 'deviceManagement'),
    '@odata.type': '#microsoft.graph.deviceManagement',
    id: DEVICE_MANAGEMENT_ID,
    intuneAccountId: DEVICE_MANAGEMENT_ID,
    subscriptionState: 'active',
    settings: presentSettings(s),
  });

  app.get('/deviceManagement', { config: { permission: 'Microsoft.Intune_Organization_Read' }, schema: { summary: 'Tenant-wide device management settings', tags: ['settings'] } }, async (req) =>
    present(req, await readTenantSettings(deps)));

  app.patch('/deviceManagement', { config: { permission: 'Microsoft.Intune_Organization_Update' }, schema: { summary: 'Change tenant-wide device management settings', tags: ['settings'] } }, async (req) => {
    const body = decodeBody(patchBody, req.body, 'microsoft.graph.deviceManagement');
    const { '@odata.type': _type, ...changes } = body.settings ?? {};
    const { before, after } = await updateTenantSettings(deps, changes);
    if (JSON.stringify(before) !== JSON.stringify(after)) await deps.audit.change(req, {
      activity: 'Update tenant settings', category: 'Other', operation: 'Patch',
      resource: { type: 'DeviceManagementSettings', id: DEVICE_MANAGEMENT_ID, displayName: 'deviceManagement.settings', before: { ...before }, after: { ...after } },
    });
    return present(req, after);
  });
};
