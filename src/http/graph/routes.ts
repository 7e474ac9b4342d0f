// The Graph-shaped admin API, registered under both /v1.0 and /beta.
import type { FastifyPluginAsync } from 'fastify';
import type { ManagedDeviceStore } from '../../core/devices/ports.js';
import { managedDeviceRoutes } from './managed-devices.js';

export interface GraphDeps {
  devices: ManagedDeviceStore;
}

export const graphApi: FastifyPluginAsync<{ deps: GraphDeps; publicUrl: URL }> = async (app, opts) => {
  await app.register(managedDeviceRoutes, { deps: opts.deps, publicUrl: opts.publicUrl });
};
