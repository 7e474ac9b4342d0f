// The one composition root: config → store → core → http. Nothing else wires adapters together.
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config.js';
import { createLogger, type Logger } from './log/logger.js';
import { openDatabase, ping, type Database } from './store/database.js';
import { storePorts } from './store/ports.js';
import { makeCore } from './core/deps.js';
import { caProfileSigner } from './core/configuration/profile-signer.js';
import { systemClock } from './core/clock.js';
import { tokenAuthenticator } from './core/auth/token-authenticator.js';
import { loadOrCreatePki } from './pki/data-dir.js';
import { buildHttp } from './http/app.js';
import { createMetrics } from './http/metrics.js';
import { version } from './version.js';
import { startScheduler, type Scheduler } from './jobs/scheduler.js';
import { runMaintenance } from './core/maintenance.js';
import { createDeviceWaker } from './core/push/wake-devices.js';
import { cachedPushCertificates } from './core/push/cached-push-certificates.js';
import { createApnsSender } from './push/apns.js';
import { combineWakers, createWindowsWaker, type ClosableDeviceWaker } from './core/push/wake-windows.js';
import { createWnsSender } from './push/wns.js';
import { createSmtpSender, type ClosableMailSender } from './mail/smtp.js';
import type { Authenticator } from './core/auth/principal.js';
import type { Clock } from './core/clock.js';

export interface RunningServer {
  /** The HTTPS URL actually listened on (the real port when 0 was asked for). */
  url: string;
  httpUrl: string | undefined;
  log: Logger;
  database: Database;
  /** Stops taking requests, finishes the ones in flight, closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  clock?: Clock;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.logger ?? createLogger(config.logLevel);
  const dataDir = resolve(config.dataDir);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir });
  const apps: FastifyInstance[] = [];
  let scheduler: Scheduler | undefined;
  let waker: ClosableDeviceWaker | undefined;
  let mailer: ClosableMailSender | undefined;
  try {
    log.info({ database: database.location, dialect: database.dialect }, 'database ready');
    const pki = await loadOrCreatePki({
      dataDir,
      hostnames: [config.publicUrl.hostname],
      tlsCertFile: config.tlsCert,
      tlsKeyFile: config.tlsKey,
    });
    if (pki.created.ca) log.info({ dataDir }, 'created Steward\'s certificate authority');
    if (pki.created.tls) log.info({ hostnames: [config.publicUrl.hostname] }, 'issued the HTTPS certificate');

    const metrics = createMetrics();
    const clock = options.clock ?? systemClock;
    const ports = storePorts(database);
    // Read on every wake and Authenticate; remembered for seconds, forgotten when replaced here.
    ports.pushCertificates = cachedPushCertificates(ports.pushCertificates, clock);
    const wns = config.wnsPackageSid !== undefined && config.wnsClientSecret !== undefined && config.wnsPackageFamilyName !== undefined
      ? { packageSid: config.wnsPackageSid, clientSecret: config.wnsClientSecret, packageFamilyName: config.wnsPackageFamilyName }
      : undefined;
    log.info({ wns: wns !== undefined }, wns ? 'WNS configured: Windows PCs are woken by push notifications' : 'WNS not configured: Windows PCs fetch commands on their poll schedule');
    // Each waker is given every id and wakes its own platform's devices.
    waker = combineWakers(
      createDeviceWaker({
        enrollments: ports.appleEnrollments,
        certificates: ports.pushCertificates,
        senderFor: (certificate) => createApnsSender({
          auth: { type: 'certificate', certificatePem: certificate.certificatePem, privateKeyPem: certificate.privateKeyPem },
          baseUrl: config.apnsUrl.origin,
          clock,
        }),
        clock,
        log: log.child({ component: 'apns' }),
      }),
      createWindowsWaker({
        enrollments: ports.windowsEnrollments,
        sender: wns === undefined ? undefined : createWnsSender({
          packageSid: wns.packageSid, clientSecret: wns.clientSecret,
          tokenUrl: config.wnsTokenUrl.href, channelHosts: config.wnsChannelHosts, clock, logger: log.child({ component: 'wns' }),
        }),
        log: log.child({ component: 'wns' }),
      }),
    );
    if (config.smtpUrl !== undefined && config.mailFrom !== undefined) mailer = createSmtpSender({ url: config.smtpUrl, password: config.smtpPassword, from: config.mailFrom });
    // The host only: the URL may carry a user name, and the password is never logged.
    log.info({ smtp: config.smtpUrl?.host ?? null }, mailer ? 'SMTP configured: compliance notifications are e-mailed' : 'SMTP not configured: compliance notification actions fail until --smtp-url is given');
    const core = makeCore(ports, clock, { waker, ...(wns === undefined ? {} : { wns: { packageFamilyName: wns.packageFamilyName } }), ...(mailer === undefined ? {} : { mailer }),
      // Configuration profiles for Apple devices are signed by Steward's CA, as the enrollment profile is.
      deliverySettings: { organization: 'Steward', signer: caProfileSigner(pki.ca, clock) } });
    const issuer = config.publicUrl.href.replace(/\/$/, '');
    const authenticator: Authenticator = tokenAuthenticator({ ...core, issuer });
    const deps = {
      log,
      publicUrl: config.publicUrl,
      version,
      ready: () => ping(database.db),
      metrics,
      authenticator,
      core,
      ca: pki.ca,
      devices: { windowsAuthPolicy: config.windowsAuthPolicy, ...(config.clientCertHeader ? { forwardedCertificateHeader: config.clientCertHeader } : {}) },
    };
    // Ask for a client certificate without requiring one (Windows PCs present theirs; browsers,
    // offered only Steward's CA as an acceptable issuer, are not prompted).
    const https = await buildHttp(deps, { https: { key: pki.tls.key, cert: pki.tls.cert, ca: pki.ca.caCertificatePem(), requestCert: true, rejectUnauthorized: false } });
    apps.push(https);
    const address = await https.listen({ port: config.port, host: config.host });
    const port = new URL(address).port;
    let httpUrl: string | undefined;
    if (config.httpPort !== undefined) {
      const plain = await buildHttp(deps, { trustProxy: true });
      apps.push(plain);
      httpUrl = await plain.listen({ port: config.httpPort, host: config.host });
    }
    scheduler = startScheduler([{ name: 'maintenance', everyMs: 15 * 60_000, run: () => runMaintenance(core, log) }], log);
    return {
      url: `https://localhost:${port}`,
      httpUrl,
      log,
      database,
      close: async () => {
        await Promise.all(apps.map((a) => a.close()));
        await scheduler?.stop();
        await waker?.close();
        mailer?.close();
        await database.close();
      },
    };
  } catch (err) {
    await Promise.allSettled(apps.map((a) => a.close()));
    await waker?.close();
    mailer?.close();
    await database.close();
    throw err;
  }
}
