// An in-process Steward HTTP app over a real test database, for app.inject tests.
import type { FastifyInstance } from 'fastify';
import { Writable } from 'node:stream';
import { buildHttp, type HttpDeps } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { createLogger } from '../../src/log/logger.js';
import { ping, type Database } from '../../src/store/database.js';
import { storePorts } from '../../src/store/ports.js';
import { makeCore, type Core } from '../../src/core/deps.js';
import { systemClock } from '../../src/core/clock.js';
import { caProfileSigner } from '../../src/core/configuration/profile-signer.js';
import type { Authenticator, Principal, ResourceOperation } from '../../src/core/auth/principal.js';
import { allScope } from '../../src/core/rbac/scope.js';

export const PUBLIC_URL = new URL('https://mdm.example.test');

/** Bearer tokens for tests: the token is the comma-separated list of granted operations. */
export const tokenAuthenticator: Authenticator = {
  authenticate: (token) => Promise.resolve(token.startsWith('grant:')
    ? { kind: 'apiClient', id: 'test', displayName: 'test client', name: 'test-client', grants: [{ allowed: new Set(token.slice(6).split(',') as ResourceOperation[]), scope: allScope }] } satisfies Principal
    : undefined),
};

export function bearer(...operations: ResourceOperation[]): Record<string, string> {
  return { authorization: `Bearer grant:${operations.join(',')}` };
}

/** As tokenAuthenticator, and `Bearer scoped:<ops>`: those operations on objects carrying scope tag 5 only. */
export const tag5Authenticator: Authenticator = {
  authenticate: async (token) => token.startsWith('scoped:')
    ? { kind: 'apiClient', id: 'scoped', displayName: 'scoped', name: 'scoped', grants: [{ allowed: new Set(token.slice(7).split(',') as ResourceOperation[]), scope: { kind: 'clauses', clauses: [{ groupIds: 'all', tagIds: ['5'] }] } }] }
    : tokenAuthenticator.authenticate(token),
};

export interface TestApp {
  app: FastifyInstance;
  logs: string[];
  core: Core;
}

/** Builds the app (not yet ready, so a test may add routes before its first inject). */
export async function testApp(database: Database, options: { authenticator?: Authenticator } & Pick<HttpDeps, 'ca' | 'devices' | 'webRoot'> = {}): Promise<TestApp> {
  const core = makeCore(storePorts(database), systemClock, options.ca ? { deliverySettings: { organization: 'Steward', signer: caProfileSigner(options.ca, systemClock) } } : {});
  const logs: string[] = [];
  const sink = new Writable({ write(chunk: Buffer, _e, cb) { logs.push(chunk.toString()); cb(); } });
  const app = await buildHttp({
    log: createLogger('info', sink),
    publicUrl: PUBLIC_URL,
    version: '0.0.0-test',
    ready: () => ping(database.db),
    metrics: createMetrics(),
    authenticator: options.authenticator ?? tokenAuthenticator,
    core,
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.devices ? { devices: options.devices } : {}),
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
  });
  return { app, logs, core };
}
