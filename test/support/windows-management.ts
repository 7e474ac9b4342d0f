// A Steward for OMA-DM tests: the app on a real HTTPS listener that asks for client certificates
// (requestCert, not required, Steward's CA named: as main.ts builds it), or in process with a
// TLS-terminating proxy's forwarded-certificate header; and PCs enrolled through MS-MDE2
// (sim/windows/pc.ts) that then manage themselves over it (sim/windows/management-pc.ts).
import { generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildHttp, type HttpDeps } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { createLogger } from '../../src/log/logger.js';
import { ping, type Database } from '../../src/store/database.js';
import { storePorts } from '../../src/store/ports.js';
import { makeCore, type Core } from '../../src/core/deps.js';
import { caProfileSigner } from '../../src/core/configuration/profile-signer.js';
import type { NewCertificateAuthority } from '../../src/pki/certificate-authority.js';
import { SimulatedWindowsPC, type WindowsEnrollmentIdentity } from '../../sim/windows/pc.js';
import { httpsTransport, injectTransport, type Transport } from '../../sim/windows/transport.js';
import { ManagedWindowsPC, type ManagedPCOptions } from '../../sim/windows/management-pc.js';
import { testCa } from './apple.js';
import { PUBLIC_URL, tokenAuthenticator } from './http.js';
import type { TestClock } from './sign-in.js';
import { aWindowsUser, PASSWORD, type WindowsTestApp } from './windows.js';

export const FORWARDED_CERT_HEADER = 'x-ssl-client-cert';

export interface ManagementTestApp extends WindowsTestApp {
  /** https://localhost:<port> when listening, else undefined (in process only). */
  url: string | undefined;
  close(): Promise<void>;
}

export interface ManagementTestOptions {
  clock?: TestClock;
  /** Real HTTPS with mutual TLS (default), or in process only. */
  listen?: boolean;
  devices?: HttpDeps['devices'];
}

let tlsKeyPair: { key: string; publicKey: ReturnType<typeof generateKeyPairSync>['publicKey'] } | undefined;

/** The HTTPS certificate of the test listener, from the test CA, for localhost. */
async function serverCertificate(ca: NewCertificateAuthority): Promise<{ key: string; cert: string }> {
  if (!tlsKeyPair) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    tlsKeyPair = { key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, publicKey };
  }
  const issued = await ca.ca.issue({ subject: 'CN=localhost', publicKey: tlsKeyPair.publicKey, usage: 'tls-server', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], validityDays: 30 });
  return { key: tlsKeyPair.key, cert: issued.pem };
}

/**
 * Real time plus what the test moved it by: the command queue stamps enqueued commands with the
 * system's time, so the app's clock must never run behind it.
 */
export function offsetClock(): TestClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance: (ms) => { offset += ms; },
    set: (at) => { offset = new Date(at).getTime() - Date.now(); },
  };
}

export async function managementTestApp(database: Database, options: ManagementTestOptions = {}): Promise<ManagementTestApp> {
  const clock = options.clock ?? offsetClock();
  const ca = await testCa();
  const core: Core = makeCore(storePorts(database), clock, { deliverySettings: { organization: 'Steward', signer: caProfileSigner(ca.ca, clock) } });
  const logs: string[] = [];
  const sink = new Writable({ write(chunk: Buffer, _e, cb) { logs.push(chunk.toString()); cb(); } });
  const listen = options.listen ?? true;
  const tls = listen ? await serverCertificate(ca) : undefined;
  const app: FastifyInstance = await buildHttp({
    log: createLogger('info', sink), publicUrl: PUBLIC_URL, version: '0.0.0-test', ready: () => ping(database.db),
    metrics: createMetrics(), authenticator: tokenAuthenticator, core, ca: ca.ca,
    devices: { windowsAuthPolicy: 'OnPremise', ...options.devices },
  }, tls ? { https: { ...tls, ca: ca.ca.caCertificatePem(), requestCert: true, rejectUnauthorized: false } } : {});
  let url: string | undefined;
  if (listen) {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    url = `https://localhost:${new URL(address).port}`;
  }
  return { app, core, clock, ca, logs, url, close: () => app.close() };
}

export interface EnrolledPC {
  pc: ManagedWindowsPC;
  enrollmentId: string;
  identity: WindowsEnrollmentIdentity;
  transport: Transport;
}

/**
 * A person's PC enrolled (OnPremise, in process) and ready to manage itself: over real mutual TLS
 * with its client certificate when the app listens, otherwise in process with the certificate in
 * the forwarded header (the app must trust FORWARDED_CERT_HEADER).
 */
export async function anEnrolledPC(t: ManagementTestApp, options: Omit<Partial<ManagedPCOptions>, 'transport'> & { deviceName?: string; over?: 'tls' | 'header' } = {}): Promise<EnrolledPC> {
  const { user } = await aWindowsUser(t);
  const enroller = new SimulatedWindowsPC({ transport: injectTransport(t.app), ...(options.deviceName ? { deviceName: options.deviceName } : {}) });
  const identity = await enroller.enroll({ email: user.userPrincipalName, password: PASSWORD });
  const over = options.over ?? (t.url ? 'tls' : 'header');
  let transport: Transport;
  let extra: Partial<ManagedPCOptions> = {};
  if (over === 'tls') {
    if (!t.url) throw new Error('the app does not listen: use over: "header"');
    transport = httpsTransport({ ca: t.ca.ca.caCertificatePem(), clientCertificate: { certPem: identity.certificatePem, keyPem: identity.privateKeyPem } });
    extra = { url: `${t.url}/ManagementServer/MDM.svc` };
  } else {
    transport = injectTransport(t.app);
    extra = { headers: { [FORWARDED_CERT_HEADER]: encodeURIComponent(identity.certificatePem) } };
  }
  const pc = new ManagedWindowsPC({
    transport, managementUrl: identity.managementUrl, providerId: identity.providerId, deviceId: enroller.deviceId, ...extra, ...options,
  });
  return { pc, enrollmentId: identity.enrollmentId, identity, transport };
}
