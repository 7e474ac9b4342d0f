import type { FastifyPluginAsync } from 'fastify';
import type { HttpMetrics } from './metrics.js';

export const healthRoutes: FastifyPluginAsync<{ ready(): Promise<boolean>; metrics: HttpMetrics }> = async (app, opts) => {
  const hide = { hide: true };
  // Liveness: the process answers.
  app.get('/healthz', { config: { permission: 'public' }, schema: { ...hide } }, async () => ({ status: 'ok' }));
  // Readiness: the database answers, so a load balancer may send traffic here.
  app.get('/readyz', { config: { permission: 'public' }, schema: { ...hide } }, async (_req, reply) => {
    const ok = await opts.ready();
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'database unavailable' });
  });
  app.get('/metrics', { config: { permission: 'public' }, schema: { ...hide } }, async (_req, reply) => {
    return reply.type(opts.metrics.registry.contentType).send(await opts.metrics.registry.metrics());
  });
};
