import { join, resolve } from 'node:path';
import type { Config } from '../config/config.js';
import { startServer } from '../main.js';
import { version } from '../version.js';

/** How long in-flight requests may take to finish after SIGTERM before Steward exits anyway. */
const DRAIN_SECONDS = 30;

export async function serveCommand(config: Config): Promise<void> {
  const server = await startServer(config);
  const base = config.publicUrl.href.replace(/\/$/, '');
  const dataDir = resolve(config.dataDir);
  // Never print the database URL: it may carry a password.
  const where = config.databaseUrl ? '--database-url "$STEWARD_DATABASE_URL"' : `--data-dir ${config.dataDir}`;
  process.stdout.write([
    '',
    `Steward ${version} is running at ${base}`,
    `  listening on ${server.url}${server.httpUrl ? ` and ${server.httpUrl} (plain HTTP, for a TLS-terminating proxy)` : ''}`,
    `  database    ${server.database.location}`,
    `  CA          ${join(dataDir, 'pki', 'ca.crt')} (trust it on admin machines to avoid browser warnings)`,
    `  API docs    ${base}/docs`,
    '',
    'Next steps (in another terminal, from this directory):',
    `  create an admin:       npm run -s steward -- admin create ${where} --email you@example.com --password-stdin  (then type the password)`,
    `  create an API client:  npm run -s steward -- api-client create ${where} --name automation --role "Intune Administrator"`,
    '  then get a token at POST /oauth2/token and call the Graph API (README, "Using the admin API").',
    '',
  ].join('\n'));

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      server.log.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    server.log.info({ signal }, 'stopping: finishing requests in flight');
    const force = setTimeout(() => {
      server.log.error(`requests still in flight after ${DRAIN_SECONDS}s; exiting`);
      process.exit(1);
    }, DRAIN_SECONDS * 1000);
    force.unref();
    server.close().then(() => {
      server.log.info('stopped');
      process.exit(0);
    }, (err: unknown) => {
      server.log.error({ err }, 'error while stopping');
      process.exit(1);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
