// Every route declares the permission it needs in its config; a route that declares none fails
// at start-up, and a backstop fails any successful answer whose request was never authorized.
// (The habit comes from Fleet's authzcheck.)
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { StewardError } from '../core/errors.js';
import { isAllowed, scopeFor, type Authenticator, type Principal, type ResourceOperation } from '../core/auth/principal.js';
import { noScope } from '../core/rbac/scope.js';
import type { Scope } from '../core/rbac/scope.js';

/**
 * - 'public': anyone (health, metrics, docs, the token endpoint);
 * - 'device': a device endpoint, whose handler must identify the device itself and then call
 *   `request.markAuthorized()`;
 * - 'self': a person acting on their own things (the company portal): a signed-in user, from the
 *   session cookie or a user's bearer token, with or without a role; never an API client. The
 *   request's scope stays empty: the handler limits everything to `request.principal.id`;
 * - a resource operation: a signed-in admin or API client whose role grants it.
 */
export type Permission = 'public' | 'device' | 'self' | ResourceOperation;

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: Permission;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
    /** Where the principal may use the route's declared operation (set with the principal). */
    scope: Scope;
    authorized: boolean;
    markAuthorized(): void;
  }
}

/** A route as registered, with the permission it declared (for tests and documentation). */
export interface DeclaredRoute {
  method: string;
  url: string;
  permission: Permission;
}

const declared = new WeakMap<FastifyInstance, DeclaredRoute[]>();

/** Every route registered on `app` since installAuthorization, with its declared permission. */
export function declaredRoutes(app: FastifyInstance): readonly DeclaredRoute[] {
  return declared.get(app) ?? [];
}


function bearerToken(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

export function installAuthorization(
  app: FastifyInstance,
  authenticator: Authenticator,
  onForbidden?: (req: FastifyRequest, reason: string) => Promise<void>,
  /** People in the web pages: the session cookie (with CSRF checks), used when no bearer token is sent. */
  authenticateSession?: (req: FastifyRequest) => Promise<Principal | undefined>,
): void {
  app.decorateRequest('principal', undefined);
  app.decorateRequest('scope', null as never); // set on every request in onRequest below
  app.decorateRequest('authorized', false);
  app.decorateRequest('markAuthorized', function (this: FastifyRequest) { this.authorized = true; });

  const routes: DeclaredRoute[] = [];
  declared.set(app, routes);
  app.addHook('onRoute', (route) => {
    // The API documentation pages are registered by @fastify/swagger-ui and are public.
    if (route.url.startsWith('/docs')) route.config = { ...route.config, permission: 'public' };
    const permission = route.config?.permission;
    if (!permission) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no permission; every route must (config.permission)`);
    }
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, permission });
  });

  // Authentication and the declared check run before the body is read, so that an
  // unauthenticated 50 MB upload is refused without being parsed.
  app.addHook('onRequest', async (req) => {
    // Deny by default: a request whose scope was never set sees nothing rather than everything.
    req.scope = noScope;
    const permission = req.routeOptions.config.permission;
    if (permission === undefined) return; // not-found handler: nothing to authorize
    if (permission === 'public') { req.authorized = true; return; }
    if (permission === 'device') return;
    const token = bearerToken(req);
    const principal = token ? await authenticator.authenticate(token) : await authenticateSession?.(req);
    if (!principal) {
      throw new StewardError('unauthenticated', token
        ? 'Access token is not valid or has expired.'
        : 'Access token is empty: send an Authorization: Bearer header with a token from POST /oauth2/token, or sign in.');
    }
    req.principal = principal;
    if (permission === 'self') {
      if (principal.kind !== 'user') {
        const reason = 'Only a signed-in person can use this: it acts on their own account and devices.';
        await onForbidden?.(req, reason);
        throw new StewardError('forbidden', reason);
      }
      req.authorized = true;
      return;
    }
    if (!isAllowed(principal, permission)) {
      const reason = `The caller's roles do not grant ${permission}.`;
      await onForbidden?.(req, reason);
      throw new StewardError('forbidden', reason);
    }
    req.scope = scopeFor(principal, permission);
    req.authorized = true;
  });

  app.addHook('onSend', async (req, reply, payload) => {
    if (req.authorized || reply.statusCode >= 400 || req.routeOptions.config.permission === undefined) return payload;
    req.log.error({ route: req.routeOptions.url }, 'backstop: the route answered without authorizing the request');
    void reply.code(500).type('application/json');
    return JSON.stringify({ error: { code: 'InternalServerError', message: 'The request was not authorized by its handler.', innerError: { 'request-id': req.id } } });
  });
}
