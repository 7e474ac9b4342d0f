// Windows enrollment over MS-MDE2, at Microsoft's paths: discovery (GET probe and Discover),
// the certificate enrollment policy (MS-XCEP GetPolicies) and enrollment (MS-WSTEP
// RequestSecurityToken). Thin: decode, one core call, encode; every refusal is a SOAP fault
// (enrollment-faults.ts), never a 401 and never Fastify's JSON error. Bodies are read as bytes up
// to 1 MB (the XML reader's own limit is tighter), whatever the content type says.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Core } from '../../../core/deps.js';
import type { WindowsIdentityIssuer } from '../../../core/enrollment/windows-ports.js';
import { discoverWindowsEnrollment, type WindowsDiscoveryEntry } from '../../../core/enrollment/windows-discovery.js';
import { enrollWindowsDevice } from '../../../core/enrollment/windows-enroll.js';
import { WINDOWS_PATHS, type WindowsAuthPolicySetting } from '../../../core/enrollment/windows-paths.js';
import { windowsCertificatePolicy } from '../../../core/enrollment/windows-policy.js';
import { decodeDiscoveryRequest, encodeDiscoveryResponse } from '../../../protocol/windows/mde2.js';
import { decodeRequestSecurityToken, encodeRequestSecurityTokenResponse } from '../../../protocol/windows/wstep.js';
import { decodeGetPoliciesRequest, encodeGetPoliciesResponse } from '../../../protocol/windows/xcep.js';
import { messageIdOf, sendFault, SOAP_CONTENT_TYPE, type WindowsService } from './enrollment-faults.js';

export interface WindowsEnrollmentRouteDeps {
  core: Core;
  ca: WindowsIdentityIssuer;
  /** Steward's public https URL, without a trailing slash. */
  baseUrl: string;
  organization: string;
  authPolicy: WindowsAuthPolicySetting;
  onUnenrolled?: (enrollmentId: string) => Promise<void>;
}

/** Largest enrollment message read: the largest RequestSecurityToken is a few kilobytes. */
export const MAX_WINDOWS_ENROLLMENT_BYTES = 1024 * 1024;

export const windowsEnrollmentRoutes: FastifyPluginAsync<{ deps: WindowsEnrollmentRouteDeps }> = async (app, { deps }) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_WINDOWS_ENROLLMENT_BYTES }, (_req, body, done) => done(null, body));
  // Errors Fastify raises before a handler runs (body too large, bad Content-Length) are faults too.
  app.setErrorHandler((err, req, reply) => {
    req.markAuthorized();
    return sendFault(req, reply, err, serviceOf(req.routeOptions.url));
  });
  const core = deps.core;
  const credentialDeps = core;
  const enrollDeps = { ...core, ca: deps.ca, baseUrl: deps.baseUrl, organization: deps.organization, ...(deps.onUnenrolled ? { onUnenrolled: deps.onUnenrolled } : {}) };

  // [MS-MDE2] §3.1 and the published samples: Windows first GETs the discovery URL and expects an
  // empty 200 before it POSTs Discover.
  for (const path of [WINDOWS_PATHS.discovery, WINDOWS_PATHS.tokenDiscovery]) {
    app.get(path, { config: { permission: 'public' } }, async (_req, reply) => reply.code(200).header('cache-control', 'no-cache').type('text/html').send(''));
  }

  const discover = (entry: WindowsDiscoveryEntry) => async (req: FastifyRequest, reply: FastifyReply) => {
    const body = bodyOf(req);
    try {
      const request = decodeDiscoveryRequest(body);
      const answer = await discoverWindowsEnrollment({ settings: core.settings, baseUrl: deps.baseUrl, authPolicy: deps.authPolicy }, { request, entry });
      req.log.info({ authPolicy: answer.authPolicy, entry }, 'Windows discovery');
      return await soap(reply, encodeDiscoveryResponse({ ...answer, activityId: req.id, ...(request.messageId !== undefined ? { relatesTo: request.messageId } : {}) }));
    } catch (err) {
      return sendFault(req, reply, err, 'discovery', messageIdOf(body));
    }
  };
  app.post(WINDOWS_PATHS.discovery, { config: { permission: 'public' } }, discover('user'));
  app.post(WINDOWS_PATHS.tokenDiscovery, { config: { permission: 'public' } }, discover('token'));

  app.post(WINDOWS_PATHS.policy, { config: { permission: 'device' } }, async (req, reply) => {
    const body = bodyOf(req);
    try {
      const request = decodeGetPoliciesRequest(body);
      const policy = await windowsCertificatePolicy(credentialDeps, { credential: request.credential });
      req.markAuthorized();
      return await soap(reply, encodeGetPoliciesResponse({ relatesTo: request.messageId, ...policy }));
    } catch (err) {
      req.markAuthorized(); // refused in a fault: the backstop must not turn it into a 500
      return sendFault(req, reply, err, 'policy', messageIdOf(body));
    }
  });

  app.post(WINDOWS_PATHS.enrollment, { config: { permission: 'device' } }, async (req, reply) => {
    const body = bodyOf(req);
    try {
      const request = decodeRequestSecurityToken(body);
      const result = await enrollWindowsDevice(enrollDeps, { request });
      req.markAuthorized();
      req.log.info({ enrollmentId: result.enrollment.id, userId: result.enrollment.userId, profileId: result.enrollment.profileId, replaced: result.replaced }, 'Windows PC enrolled');
      const now = core.clock.now();
      return await soap(reply, encodeRequestSecurityTokenResponse({
        relatesTo: request.messageId,
        provisioningXml: result.provisioningXml,
        timestamp: { created: now, expires: new Date(now.getTime() + 5 * 60_000) },
      }));
    } catch (err) {
      req.markAuthorized();
      return sendFault(req, reply, err, 'enrollment', messageIdOf(body));
    }
  });
};

function serviceOf(url: string | undefined): WindowsService {
  if (url === WINDOWS_PATHS.policy) return 'policy';
  if (url === WINDOWS_PATHS.enrollment) return 'enrollment';
  return 'discovery';
}

function bodyOf(req: FastifyRequest): Uint8Array {
  return Buffer.isBuffer(req.body) ? req.body : new Uint8Array();
}

/** One message, never chunked ("The HTTP server response must not set Transfer-Encoding to Chunked"). */
function soap(reply: FastifyReply, xml: string): FastifyReply {
  const bytes = Buffer.from(xml, 'utf8');
  return reply.code(200).header('cache-control', 'no-store').header('content-length', String(bytes.length)).type(SOAP_CONTENT_TYPE).send(bytes);
}
