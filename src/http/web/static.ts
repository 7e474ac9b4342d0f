// Serves the built web pages (web/dist, written by `npm run build:web`): the admin console at `/`
// and the company portal at `/portal`, each a single-page app whose client-side routes (HTML5
// history) fall back to its index.html. The fallback never shadows the API or device routes: a
// path whose first segment (under /portal, first two) belongs to any other registered route gets
// the usual Graph-shaped 404 instead of a page. Every route here is 'public': the pages hold no
// data; they sign in and call the API like any client.
//
// Caching: files under /assets/ have content hashes in their names and are cached for a year
// (immutable); the HTML is `no-cache` so a new build is picked up at once. Every answer carries a
// Content-Security-Policy without inline scripts, X-Content-Type-Options and frame-ancestors 'none'.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { DeclaredRoute } from '../authz.js';
import { graphError } from '../graph/errors.js';

/** web/dist of this checkout. */
export const defaultWebRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface WebRouteOptions {
  /** The directory `vite build` wrote (index.html, portal/index.html, assets/). */
  root?: string;
  /** Every route of the whole app (declaredRoutes(app) of the root instance). */
  routes: () => readonly DeclaredRoute[];
}

/** The URLs this plugin registers: not counted as API territory by the fallback. */
const OWN_URLS = new Set(['/', '/*', '/portal', '/portal/*', '/assets/*']);

const NOT_BUILT = `The web pages are not built yet.

Build them once with:

    npm run build:web

(\`npm start\` builds them before it starts Steward.) The admin API is served as usual under
/v1.0 and /beta; its documentation is at /docs.
`;

export const webRoutes: FastifyPluginAsync<WebRouteOptions> = async (app, options) => {
  const root = options.root ?? defaultWebRoot;
  const config = { permission: 'public' } as const;
  // Only reply.sendFile: the routes below are Steward's own, each with its permission.
  await app.register(fastifyStatic, { serve: false });

  app.addHook('onSend', async (_req, reply, payload) => {
    void reply
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'same-origin');
    return payload;
  });

  // First path segments (and /portal/<segment>) that belong to other routes, computed once all
  // routes are registered.
  let reserved: Set<string> | undefined;
  const reservedPrefixes = () => {
    if (reserved) return reserved;
    reserved = new Set();
    for (const r of options.routes()) {
      if (OWN_URLS.has(r.url)) continue;
      const parts = r.url.split('/');
      const first = parts[1] ?? '';
      reserved.add(first === 'portal' ? `portal/${parts[2] ?? ''}` : first);
    }
    return reserved;
  };
  const isApiTerritory = (path: string) => {
    const parts = path.split('/');
    const first = parts[1] ?? '';
    return reservedPrefixes().has(first === 'portal' ? `portal/${parts[2] ?? ''}` : first);
  };

  const notFound = (req: FastifyRequest, reply: FastifyReply) =>
    reply.code(404).send(graphError('ResourceNotFound', `No resource at ${req.method} ${req.url.split('?')[0] ?? ''}.`, req.id));

  function sendPage(req: FastifyRequest, reply: FastifyReply, file: 'index.html' | 'portal/index.html') {
    const path = req.url.split('?')[0] ?? '/';
    // A client-side route never has a file extension; a missing /favicon.ico is a 404, not a page.
    if (isApiTerritory(path) || /\.[A-Za-z0-9]+$/.test(path)) return notFound(req, reply);
    if (!existsSync(join(root, file))) {
      return reply.code(503).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(NOT_BUILT);
    }
    void reply.header('cache-control', 'no-cache');
    return reply.sendFile(file, root, { cacheControl: false });
  }

  app.get('/', { config, schema: { hide: true } }, (req, reply) => sendPage(req, reply, 'index.html'));
  app.get('/*', { config, schema: { hide: true } }, (req, reply) => sendPage(req, reply, 'index.html'));
  app.get('/portal', { config, schema: { hide: true } }, (req, reply) => sendPage(req, reply, 'portal/index.html'));
  app.get('/portal/*', { config, schema: { hide: true } }, (req, reply) => sendPage(req, reply, 'portal/index.html'));
  app.get<{ Params: { '*': string } }>('/assets/*', { config, schema: { hide: true } }, (req, reply) => {
    const name = req.params['*'];
    if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(name) || name.split('/').includes('..')) return notFound(req, reply);
    if (!existsSync(join(root, 'assets', name))) return notFound(req, reply);
    return reply.sendFile(join('assets', name), root, { maxAge: 365 * 24 * 3600 * 1000, immutable: true });
  });
};
