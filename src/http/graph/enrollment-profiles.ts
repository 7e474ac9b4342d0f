// deviceManagement/enrollmentProfiles: a Steward extension resource (docs/api.md). The token and
// the enrollmentUrl that carries it are in the answers of create and createToken only.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { EnrollmentProfile } from '../../core/enrollment/ports.js';
import { ENROLLMENT_PLATFORMS } from '../../core/enrollment/ports.js';
import { WINDOWS_PATHS } from '../../core/enrollment/windows-paths.js';
import {
  createEnrollmentProfile, createEnrollmentToken, deleteEnrollmentProfile, getEnrollmentProfile, listEnrollmentProfiles,
  revokeEnrollmentToken, updateEnrollmentProfile, type EnrollmentProfileDeps, type IssuedToken,
} from '../../core/enrollment/enrollment-profiles.js';
import type { AuditTrail } from '../audit-trail.js';
import { decodeBody, optText } from './body.js';
import { contextUrl, graphVersion } from './collection.js';
import { withODataType } from './odata-type.js';

const ENTITY_SET = 'deviceManagement/enrollmentProfiles';
const ODATA_TYPE = '#microsoft.graph.stewardEnrollmentProfile';

const editable = {
  description: optText(1024),
  ownership: z.enum(['company', 'personal']).optional(),
  tokenExpirationDateTime: z.string().nullable().optional(),
  maximumUses: z.number().int().nullable().optional(),
  roleScopeTagIds: z.array(z.string().min(1).max(128)).optional(),
};
const createBody = z.object({
  displayName: z.string().min(1, 'is required'),
  platform: z.enum(ENROLLMENT_PLATFORMS as [string, ...string[]], { message: `must be one of ${ENROLLMENT_PLATFORMS.join(', ')}` }),
  ...editable,
}).strict();
const patchBody = z.object({ displayName: z.string().min(1).optional(), ...editable }).strict();
const createTokenBody = z.object({ tokenValidityInSeconds: z.number().int().optional() }).strict();

export function presentEnrollmentProfile(p: EnrollmentProfile) {
  return withODataType(ODATA_TYPE, { ...p });
}

/** The token and its URL: only in the answer that made them. */
function presentIssued(issued: IssuedToken, publicUrl: URL) {
  const base = publicUrl.href.replace(/\/$/, '');
  return {
    ...presentEnrollmentProfile(issued.profile),
    tokenValue: issued.tokenValue,
    enrollmentUrl: issued.profile.platform === 'windows10AndLater'
      // servername is the token discovery URL, which answers Federated: only then does Windows
      // pass the accesstoken on (to the sign-in page). See core/enrollment/windows-discovery.ts.
      ? `ms-device-enrollment:?mode=mdm&servername=${encodeURIComponent(`${base}${WINDOWS_PATHS.tokenDiscovery}`)}&accesstoken=${encodeURIComponent(issued.tokenValue)}`
      : `${base}/enroll/${issued.tokenValue}`,
  };
}

export const enrollmentProfileRoutes: FastifyPluginAsync<{ deps: EnrollmentProfileDeps & { audit: AuditTrail }; publicUrl: URL }> = async (app, { deps, publicUrl }) => {
  const tags = ['enrollmentProfiles (Steward extension)'];
  const entity = (version: string) => `${contextUrl(publicUrl, version, ENTITY_SET)}/$entity`;
  const audit = (activity: string, operation: 'Create' | 'Patch' | 'Delete' | 'Action', p: EnrollmentProfile, before?: EnrollmentProfile) => ({
    activity, category: 'Enrollment' as const, operation,
    resource: { type: 'EnrollmentProfile', id: p.id, displayName: p.displayName, ...(before ? { before: { ...before } } : {}), after: { ...p } },
  });

  app.get('/deviceManagement/enrollmentProfiles', {
    config: { permission: 'Microsoft.Intune_AppleEnrollmentProfiles_Read' },
    schema: { summary: 'List enrollment profiles', tags },
  }, async (req) => {
    const items = await listEnrollmentProfiles(deps, { scope: req.scope });
    return { '@odata.context': contextUrl(publicUrl, graphVersion(req), ENTITY_SET), value: items.map(presentEnrollmentProfile) };
  });

  app.post('/deviceManagement/enrollmentProfiles', {
    config: { permission: 'Microsoft.Intune_AppleEnrollmentProfiles_Create' },
    schema: { summary: 'Create an enrollment profile (the answer carries its token and enrollmentUrl, once)', tags },
  }, async (req, reply) => {
    const body = decodeBody(createBody, req.body, 'stewardEnrollmentProfile');
    const issued = await createEnrollmentProfile(deps, { ...body, platform: body.platform as EnrollmentProfile['platform'], scope: req.scope });
    await deps.audit.change(req, audit('Create EnrollmentProfile', 'Create', issued.profile));
    return reply.code(201).header('location', `${contextUrl(publicUrl, graphVersion(req), ENTITY_SET).replace('$metadata#', '')}/${issued.profile.id}`)
      .send({ '@odata.context': entity(graphVersion(req)), ...presentIssued(issued, publicUrl) });
  });

  app.get<{ Params: { id: string } }>('/deviceManagement/enrollmentProfiles/:id', {
    config: { permission: 'Microsoft.Intune_AppleEnrollmentProfiles_Read' },
    schema: { summary: 'Get an enrollment profile', tags },
  }, async (req) => {
    const p = await getEnrollmentProfile(deps, { id: req.params.id, scope: req.scope });
    return { '@odata.context': entity(graphVersion(req)), ...presentEnrollmentProfile(p) };
  });

  app.patch<{ Params: { id: string } }>('/deviceManagement/enrollmentProfiles/:id', {
    config: { permission: 'Microsoft.Intune_AppleEnrollmentProfiles_Update' },
    schema: { summary: 'Update an enrollment profile', tags },
  }, async (req, reply) => {
    const changes = decodeBody(patchBody, req.body, 'stewardEnrollmentProfile');
    const { before, after } = await updateEnrollmentProfile(deps, { id: req.params.id, scope: req.scope, changes });
    await deps.audit.change(req, audit('Patch EnrollmentProfile', 'Patch', after, before));
    return reply.code(204).send();
  });

  app.delete<{ Params: { id: string } }>('/deviceManagement/enrollmentProfiles/:id', {
    config: { permission: 'Microsoft.Intune_AppleEnrollmentProfiles_Delete' },
    schema: { summary: 'Delete an enrollment profile (enrolled devices stay enrolled)', tags },
  }, async (req, reply) => {
    const p = await deleteEnrollmentProfile(deps, { id: req.params.id, scope: req.scope });
    await deps.audit.change(req, { activity: 'Delete EnrollmentProfile', category: 'Enrollment', operation: 'Delete', resource: { type: 'EnrollmentProfile', id: p.id, displayName: p.displayName, before: { ...p } } });
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>('/deviceManagement/enrollmentProfiles/:id/createToken', {
    config: { permission: 'Microsoft.Intune_AppleEnrollmentProfiles_Update' },
    schema: { summary: 'Replace the token (the old one stops working); the answer carries the new token and enrollmentUrl', tags },
  }, async (req) => {
    const body = decodeBody(createTokenBody, req.body ?? {}, 'createToken parameters');
    const issued = await createEnrollmentToken(deps, { id: req.params.id, scope: req.scope, ...body });
    await deps.audit.change(req, audit('createToken EnrollmentProfile', 'Action', issued.profile));
    return { '@odata.context': entity(graphVersion(req)), ...presentIssued(issued, publicUrl) };
  });

  app.post<{ Params: { id: string } }>('/deviceManagement/enrollmentProfiles/:id/revokeToken', {
    config: { permission: 'Microsoft.Intune_AppleEnrollmentProfiles_Update' },
    schema: { summary: 'Revoke the token at once (enrolled devices stay enrolled)', tags },
  }, async (req, reply) => {
    const { before, after } = await revokeEnrollmentToken(deps, { id: req.params.id, scope: req.scope });
    await deps.audit.change(req, audit('revokeToken EnrollmentProfile', 'Action', after, before));
    return reply.code(204).send();
  });
};
