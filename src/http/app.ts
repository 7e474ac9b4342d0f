// Builds the Fastify application: request ids, logs, errors, authorization, health, metrics, docs
// and every route. One function serves the HTTPS listener and the optional plain-HTTP one.
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import { StewardError } from '../core/errors.js';
import type { Authenticator } from '../core/auth/principal.js';
import { installAuthorization } from './authz.js';
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
import type { Core } from '../core/deps.js';
import type { CertificateAuthority } from '../core/pki/ports.js';
import { scepRoutes } from './mdm/scep.js';

export interface HttpDeps {
  log: Logger;
  publicUrl: URL;
  version: string;
  ready(): Promise<boolean>;
  metrics: HttpMetrics;
  authenticator: Authenticator;
  core: Core;
  /** Steward's CA, for the device endpoints (SCEP); without it they are not served. */
  ca?: CertificateAuthority;
}

export interface ListenerOptions {
  https?: { key: string; cert: string };
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
  }
  await app.register(signInRoutes, { deps: withAudit });
  if (deps.ca) await app.register(scepRoutes, { deps: { ca: deps.ca, scep: deps.core.scep, clock: deps.core.clock } });
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
