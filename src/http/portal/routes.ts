// The company portal's API (Steward extension, docs/api.md): what a signed-in person does with
// their own devices. Every route is 'self': the session cookie (with the CSRF header on POSTs) or
// a user's bearer token, no role needed, never an API client; everything is limited to the
// person's own devices, and a device of someone else answers 404 like one that does not exist.
//
// GET  /portal/api/me/managedDevices                    the person's devices, with compliance and howToFix
// GET  /portal/api/me/managedDevices/{id}               one of them
// POST /portal/api/me/managedDevices/{id}/remoteLock    { message?, phoneNumber? }        204
// POST /portal/api/me/managedDevices/{id}/resetPasscode                                   204
// POST /portal/api/me/managedDevices/{id}/setDeviceName { deviceName }                    204
// POST /portal/api/me/managedDevices/{id}/retire                                          204
// GET  /portal/api/me/enrollmentOptions                 per platform: available, or why not
// GET  /portal/api/me/appleEnrollmentProfile?platform=iOS|macOS   the signed .mobileconfig
//
// The profile download is a GET because iOS and macOS install a profile only from a navigation,
// not from a script's download; SameSite=Strict keeps the session cookie off other sites' links.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Core } from '../../core/deps.js';
import { StewardError, invalidInput } from '../../core/errors.js';
import type { CertificateAuthority } from '../../core/pki/ports.js';
import { issueAppleProfile, type ProfileSigner } from '../../core/enrollment/apple-profile.js';
import type { WindowsAuthPolicySetting } from '../../core/enrollment/windows-paths.js';
import { enrollmentOptions } from '../../core/portal/enrollment-options.js';
import { getMyDevice, listMyDevices } from '../../core/portal/my-devices.js';
import { runSelfServiceAction, SELF_SERVICE_ACTIONS, type SelfServiceActionName, type SelfServiceRequest } from '../../core/portal/self-service.js';
import { signData } from '../../protocol/cms/signed-data.js';
import type { AuditTrail } from '../audit-trail.js';
import { ACTION_ROUTES, actionPlanners } from '../graph/device-actions.js';
import { presentEnrollmentOptions, presentMyDevice } from './present.js';
import { PORTAL_API_PATH } from '../../shared/portal.js';

export interface PortalDeps {
  core: Core;
  audit: AuditTrail;
  publicUrl: URL;
  organization: string;
  /** Steward's CA: without it devices cannot enroll (and the portal says so). */
  ca?: CertificateAuthority;
  windowsAuthPolicy: WindowsAuthPolicySetting;
}

export const PORTAL_API = PORTAL_API_PATH;

const SUMMARIES: Readonly<Record<SelfServiceActionName, string>> = {
  remoteLock: 'Lock one of my devices',
  resetPasscode: 'Clear the passcode of one of my devices (iOS/iPadOS)',
  setDeviceName: 'Rename one of my devices',
  retire: 'Remove one of my devices from management (company data goes, personal data stays)',
};

const platformQuery = z.object({ platform: z.enum(['iOS', 'macOS'], { message: 'must be iOS (iPhone and iPad) or macOS' }) }).strict();

/** The signed-in person's id; the 'self' permission guarantees one. */
function me(req: FastifyRequest): string {
  if (req.principal?.kind !== 'user') throw new StewardError('unauthenticated', 'Sign in first.');
  return req.principal.id;
}

export function profileSigner(ca: CertificateAuthority, clock: Core['clock']): ProfileSigner {
  return {
    caCertificateDer: () => ca.caCertificateDer(),
    signProfile: (content) => signData(content, { certificateDer: ca.caCertificateDer(), sign: (attributes) => ca.signCmsAttributes(attributes) }, { signingTime: clock.now() }),
  };
}

export const portalRoutes: FastifyPluginAsync<{ deps: PortalDeps }> = async (app, { deps }) => {
  const core = deps.core;
  const config = { permission: 'self' } as const;
  const tags = ['company portal (Steward extension)'];
  const baseUrl = deps.publicUrl.href.replace(/\/$/, '');
  const runDeps = { ...core, planners: actionPlanners(core) };

  app.addHook('onSend', async (_req, reply, payload) => {
    void reply.header('cache-control', 'no-store');
    return payload;
  });

  app.get(`${PORTAL_API}/me/managedDevices`, { config, schema: { summary: 'My devices, with compliance and what to fix', tags } }, async (req) => {
    const userId = me(req);
    const devices = await listMyDevices(core, { userId });
    return { value: devices.map((d) => presentMyDevice(d, userId)) };
  });

  app.get<{ Params: { id: string } }>(`${PORTAL_API}/me/managedDevices/:id`, { config, schema: { summary: 'One of my devices', tags } }, async (req) => {
    const userId = me(req);
    return presentMyDevice(await getMyDevice(core, { userId, deviceId: req.params.id }), userId);
  });

  for (const name of SELF_SERVICE_ACTIONS) {
    app.post<{ Params: { id: string } }>(`${PORTAL_API}/me/managedDevices/:id/${name}`, { config, schema: { summary: SUMMARIES[name], tags } }, async (req, reply) => {
      const userId = me(req);
      const route = ACTION_ROUTES[name];
      const request = route.decode(req.body) as SelfServiceRequest;
      const { device, action } = await runSelfServiceAction(runDeps, { userId, deviceId: req.params.id, request });
      await deps.audit.change(req, {
        activity: `${name} ManagedDevice`, category: 'Device', operation: 'Action',
        resource: { type: 'ManagedDevice', id: device.id, displayName: device.deviceName, after: { actionName: name, actionState: action.actionState, selfService: true, ...(route.audited?.(request) ?? {}) } },
      });
      return reply.code(204).send();
    });
  }

  app.get(`${PORTAL_API}/me/enrollmentOptions`, { config, schema: { summary: 'How I can enroll a device, per platform, or why not', tags } }, async (req) => {
    const options = await enrollmentOptions(core, { userId: me(req), baseUrl, deviceEndpoints: deps.ca !== undefined, windowsAuthPolicy: deps.windowsAuthPolicy });
    return presentEnrollmentOptions(options, `${PORTAL_API}/me/appleEnrollmentProfile`);
  });

  app.get(`${PORTAL_API}/me/appleEnrollmentProfile`, { config, schema: { summary: 'Download a personal Apple enrollment profile (.mobileconfig) for my iPhone, iPad or Mac', tags } }, async (req, reply: FastifyReply) => {
    const userId = me(req);
    const query = platformQuery.safeParse(req.query);
    if (!query.success) {
      const issue = query.error.issues[0];
      throw invalidInput(issue?.code === 'unrecognized_keys' ? `Unknown query option ${issue.keys.join(', ')}: only platform is accepted.` : `platform: ${issue?.message ?? 'is required'}.`, 'platform');
    }
    if (!deps.ca) throw new StewardError('unavailable', 'This Steward server does not enroll devices: its certificate authority is not set up. Contact your IT department.');
    const pushTopic = async () => (await core.pushCertificates.current())?.topic;
    const issued = await issueAppleProfile(
      { ...core, signer: profileSigner(deps.ca, core.clock), pushTopic, baseUrl, organization: deps.organization },
      { kind: 'user', userId, platform: query.data.platform },
    );
    await deps.audit.change(req, {
      activity: 'Download personal enrollment profile', category: 'Enrollment', operation: 'Action',
      resource: { type: 'AppleEnrollment', id: issued.enrollmentId, displayName: issued.profileName, after: { platform: query.data.platform, ownership: 'personal' } },
    });
    return reply
      .type('application/x-apple-aspen-config')
      .header('content-disposition', `attachment; filename="${deps.organization.replace(/[^A-Za-z0-9._-]+/g, '-') || 'steward'}-enrollment.mobileconfig"`)
      .send(Buffer.from(issued.signed));
  });
};
