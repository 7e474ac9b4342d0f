import { pino, type Logger, type DestinationStream } from 'pino';
import { redactSecrets } from './redact.js';

export type { Logger };

/**
 * Structured JSON logs. Every record passes through redactSecrets before it is written, so a
 * secret logged by mistake (a request body, an error carrying a password) never reaches the log.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({
    level,
    base: { service: 'steward' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (record) => redactSecrets(record) as Record<string, unknown>,
    },
    serializers: {
      err: (e: unknown) => redactSecrets(e),
      error: (e: unknown) => redactSecrets(e),
    },
  }, destination);
}
