// Builds the Fastify application: request ids, logs, errors, authorization, health, metrics, docs
// and every route. One function serves the HTTPS listener and the optional plain-HTTP one.
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import { StewardError } from '../core/errors.js';
import type { Authenticator } from '../core/auth/principal.js';
import { declaredRoutes, installAuthorization } from './authz.js';
import { graphCode, graphError, httpStatus } from './graph/errors.js';
import { healthRoutes } from './health.js';
import { installMetrics, type HttpMetrics } from './metrics.js';
import { graphApi, type GraphDeps } from './graph/routes.js';
import { apiBase } from './graph/collection.js';
import { auditTrail } from './audit-trail.js';
import { oauthRoutes } from './oauth.js';
import { sessionAuthenticator } from './session-auth.js';
import { signInRoutes } from './sign-in.js';
import { deviceManagementRoutes } from './graph/device-management.js';
import { applePushCertificateRoutes } from './graph/apple-push-certificate.js';
import type { Core } from '../core/deps.js';
import type { CertificateAuthority } from '../core/pki/ports.js';
import { scepRoutes } from './mdm/scep.js';
import { enrollmentProfileRoutes } from './graph/enrollment-profiles.js';
import { deviceConfigurationRoutes } from './graph/device-configurations.js';
import { appleMdmRoutes, type AppleMdmDeps } from './mdm/apple/routes.js';
import { ReplayGuard } from './mdm/apple/identity.js';
import { signData } from '../protocol/cms/signed-data.js';
import { appleResultHandler } from '../core/apple/result-handler.js';
import { enqueueInventory } from '../core/apple/inventory-commands.js';
import { windowsEnrollmentRoutes } from './mdm/windows/enrollment.js';
import { windowsSignInPageRoutes } from './mdm/windows/enrollment-sign-in.js';
import { windowsManagementRoutes } from './mdm/windows/management.js';
import { compliancePolicyRoutes } from './graph/compliance-policies.js';
import { notificationTemplateRoutes } from './graph/notification-templates.js';
import { portalRoutes } from './portal/routes.js';
import type { WindowsAuthPolicySetting } from '../core/enrollment/windows-paths.js';
import { webRoutes } from './web/static.js';

export interface HttpDeps {
  log: Logger;
  publicUrl: URL;
  version: string;
  ready(): Promise<boolean>;
  metrics: HttpMetrics;
  authenticator: Authenticator;
  core: Core;
  /** Steward's CA, for the device endpoints (SCEP, Apple MDM); without it they are not served. */
  ca?: CertificateAuthority;
  /** Device endpoint settings and the hooks that apply device answers (inventory, actions). */
  devices?: Partial<Pick<AppleMdmDeps, 'organization' | 'results' | 'onEnrolled' | 'onUnenrolled'>> & { forwardedCertificateHeader?: string; windowsAuthPolicy?: WindowsAuthPolicySetting };
  /** The built web pages (default web/dist of this checkout); see http/web/static.ts. */
  webRoot?: string;
}

export interface ListenerOptions {
  /**
   * TLS. With requestCert, rejectUnauthorized false and ca (Steward's CA PEM), the listener asks for
   * a client certificate without requiring one: Windows PCs present theirs (mutual TLS, MS-MDM),
   * admins' browsers are not prompted (the request names only Steward's CA).
   */
  https?: { key: string; cert: string; ca?: string; requestCert?: boolean; rejectUnauthorized?: boolean };
  /** Behind a TLS-terminating proxy: trust X-Forwarded-* from it. */
  trustProxy?: boolean;
  /** Largest request body accepted, in bytes. */
  bodyLimit?: number;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export async function buildHttp(deps: HttpDeps, options: ListenerOptions = {}): Promise<FastifyInstance> {
  // Fastify's instance type is parameterized by its logger; keep it the default one.
  const logger: FastifyBaseLogger = deps.log;
  const app = Fastify({
    loggerInstance: logger,
    ...(options.https ? { https: options.https } : {}),
    trustProxy: options.trustProxy ?? false,
    bodyLimit: options.bodyLimit ?? 4 * 1024 * 1024,
    // Graph clients send client-request-id; echo it as the request id so logs and errors line up.
    genReqId: (req) => {
      const given = req.headers['client-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });

  app.addHook('onRequest', async (req, reply) => {
    void reply.header('request-id', req.id).header('client-request-id', req.id);
  });

  app.setErrorHandler((err: FastifyError | StewardError, req, reply) => sendError(err, req, reply));
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send(graphError('ResourceNotFound', `No resource at ${req.method} ${req.url.split('?')[0] ?? ''}.`, req.id));
  });

  const audit = auditTrail({ audit: deps.core.auditLog, clock: deps.core.clock });
  installAuthorization(app, deps.authenticator, (req, reason) => audit.refused(req, 'Authorization refused', { reason }), sessionAuthenticator(deps.core));
  installMetrics(app, deps.metrics);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Steward admin API', version: deps.version, description: 'Microsoft Graph-shaped device management API. Steward extensions are listed in docs/api.md.' },
      servers: [{ url: deps.publicUrl.href.replace(/\/$/, '') }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes, { ready: () => deps.ready(), metrics: deps.metrics });
  await app.register(oauthRoutes, { deps: {
    apiClients: deps.core.apiClients, keys: deps.core.keys, clock: deps.core.clock, issuer: apiBase(deps.publicUrl),
    onRefused: (clientId, reason, req) => audit.refused(req, 'Sign-in refused', { name: clientId, reason }),
  } });
  const withAudit = { ...deps.core, audit };
  const graph: GraphDeps = withAudit;
  for (const prefix of ['/v1.0', '/beta']) {
    await app.register(graphApi, { prefix, deps: graph, publicUrl: deps.publicUrl });
    await app.register(deviceManagementRoutes, { prefix, deps: withAudit, publicUrl: deps.publicUrl });
    await app.register(applePushCertificateRoutes, { prefix, deps: withAudit, publicUrl: deps.publicUrl });
    await app.register(enrollmentProfileRoutes, { prefix, deps: withAudit, publicUrl: deps.publicUrl });
    await app.register(compliancePolicyRoutes, { prefix, deps: withAudit, publicUrl: deps.publicUrl });
    await app.register(notificationTemplateRoutes, { prefix, deps: withAudit, publicUrl: deps.publicUrl });
    await app.register(deviceConfigurationRoutes, { prefix, deps: withAudit, publicUrl: deps.publicUrl, organization: deps.devices?.organization ?? 'Steward' });
  }
  await app.register(signInRoutes, { deps: withAudit });
  await app.register(portalRoutes, { deps: {
    core: deps.core, audit, publicUrl: deps.publicUrl, organization: deps.devices?.organization ?? 'Steward',
    windowsAuthPolicy: deps.devices?.windowsAuthPolicy ?? 'OnPremise', ...(deps.ca ? { ca: deps.ca } : {}),
  } });
  await app.register(webRoutes, { routes: () => declaredRoutes(app), ...(deps.webRoot ? { root: deps.webRoot } : {}) });
  if (deps.ca) {
    const ca = deps.ca;
    await app.register(scepRoutes, { deps: { ca, scep: deps.core.scep, clock: deps.core.clock } });
    await app.register(appleMdmRoutes, { deps: {
      core: deps.core,
      identity: {
        caCertificateDer: ca.caCertificateDer(), scep: deps.core.scep, clock: deps.core.clock, replay: new ReplayGuard(),
        ...(deps.devices?.forwardedCertificateHeader ? { forwardedCertificateHeader: deps.devices.forwardedCertificateHeader } : {}),
      },
      signer: {
        caCertificateDer: () => ca.caCertificateDer(),
        signProfile: (content) => signData(content, { certificateDer: ca.caCertificateDer(), sign: (attributes) => ca.signCmsAttributes(attributes) }, { signingTime: deps.core.clock.now() }),
      },
      baseUrl: deps.publicUrl.href.replace(/\/$/, ''),
      organization: deps.devices?.organization ?? 'Steward',
      results: deps.devices?.results ?? appleResultHandler(deps.core),
      onEnrolled: deps.devices?.onEnrolled ?? (async (ids) => { await enqueueInventory(deps.core, { enrollmentIds: ids, reason: 'enrollment' }); }),
      onUnenrolled: deps.devices?.onUnenrolled ?? (async (id) => { await deps.core.deviceRecords.removeDevice(id, deps.core.clock.now()); }),
    } });
    await app.register(windowsEnrollmentRoutes, { deps: {
      core: deps.core,
      ca,
      baseUrl: deps.publicUrl.href.replace(/\/$/, ''),
      organization: deps.devices?.organization ?? 'Steward',
      authPolicy: deps.devices?.windowsAuthPolicy ?? 'OnPremise',
      ...(deps.devices?.onUnenrolled ? { onUnenrolled: deps.devices.onUnenrolled } : {}),
    } });
    await app.register(windowsSignInPageRoutes, { deps: { core: deps.core, organization: deps.devices?.organization ?? 'Steward' } });
    await app.register(windowsManagementRoutes, { deps: {
      core: deps.core,
      certificates: {
        caCertificateDer: ca.caCertificateDer(), clock: deps.core.clock,
        ...(deps.devices?.forwardedCertificateHeader ? { forwardedCertificateHeader: deps.devices.forwardedCertificateHeader } : {}),
      },
      ...(deps.devices?.onUnenrolled ? { onUnenrolled: deps.devices.onUnenrolled } : {}),
    } });
  }
  return app;
}

function sendError(err: FastifyError | StewardError, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof StewardError) {
    if (err.code === 'unauthenticated' || err.code === 'forbidden') req.log.info({ code: err.code, route: req.routeOptions.url }, 'request refused');
    return reply.code(httpStatus[err.code]).send(graphError(graphCode[err.code], err.message, req.id, err.target));
  }
  if (err.validation) {
    return reply.code(400).send(graphError('BadRequest', `Request ${err.validationContext ?? 'input'} is not valid: ${err.message}`, req.id));
  }
  const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (status >= 400 && status < 500) {
    // Fastify's own client errors: body too large, bad JSON, wrong media type, …
    const code = status === 413 ? 'RequestEntityTooLarge' : status === 415 ? 'UnsupportedMediaType' : 'BadRequest';
    return reply.code(status).send(graphError(code, err.message, req.id));
  }
  req.log.error({ err }, 'unhandled error');
  return reply.code(500).send(graphError('InternalServerError', `An internal error occurred. Quote request id ${req.id} when you report it.`, req.id));
}
