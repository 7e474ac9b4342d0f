// MailSender (core/notifications/ports.ts) over SMTP with nodemailer: one pooled connection set
// per process, STARTTLS when the server offers it (smtp://), TLS from the start for smtps://.
// The password never reaches a log or an error: nodemailer's own logger is off, and a failure is
// described by its code and the server's response only.
import nodemailer from 'nodemailer';
import type { MailMessage, MailSender } from '../core/notifications/ports.js';

export interface SmtpSettings {
  /** smtp://[user@]host[:port] or smtps://…; a password in the URL is accepted but --smtp-password is better. */
  url: URL;
  password: string | undefined;
  /** The From address. */
  from: string;
  /** Trust only these CA certificates (PEM), e.g. a test server's; the system's otherwise. */
  ca?: string;
}

export interface ClosableMailSender extends MailSender {
  close(): void;
}

export function createSmtpSender(settings: SmtpSettings): ClosableMailSender {
  const secure = settings.url.protocol === 'smtps:';
  const user = decodeURIComponent(settings.url.username);
  const pass = settings.password ?? (settings.url.password ? decodeURIComponent(settings.url.password) : undefined);
  const transport = nodemailer.createTransport({
    host: settings.url.hostname.replace(/^\[|\]$/g, ''),
    port: settings.url.port ? Number(settings.url.port) : secure ? 465 : 587,
    secure,
    pool: true,
    maxConnections: 2,
    ...(user ? { auth: { user, pass } } : {}),
    ...(settings.ca ? { tls: { ca: settings.ca } } : {}),
    logger: false,
    debug: false,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  return {
    async send(message: MailMessage) {
      try {
        await transport.sendMail({ from: settings.from, to: message.to, ...(message.cc.length > 0 ? { cc: [...message.cc] } : {}), subject: message.subject, text: message.text });
      } catch (err) {
        throw new Error(describe(err));
      }
    },
    close() { transport.close(); },
  };
}

/** An SMTP failure in words: the error code and the server's reply, never the credentials. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return 'SMTP failed';
  const e = err as Error & { code?: string; response?: string; responseCode?: number };
  const parts = [e.code, e.responseCode !== undefined ? String(e.responseCode) : undefined, e.response ?? e.message].filter((p): p is string => typeof p === 'string' && p !== '');
  return `SMTP: ${parts.join(' ')}`.slice(0, 500);
}
