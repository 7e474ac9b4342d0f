// Steward's configuration: every setting is a flag of `steward serve` and a STEWARD_* environment
// variable; a flag wins over the variable. Validated here once; a bad value names the flag or
// variable it came from.
import { z } from 'zod';

export interface Config {
  dataDir: string;
  host: string;
  port: number;
  /** The https:// URL devices and admins reach Steward at; nextLinks and enrollment URLs use it. */
  publicUrl: URL;
  databaseUrl: string | undefined;
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  /** A plain-HTTP listener for a TLS-terminating proxy in front of Steward. */
  httpPort: number | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Apple's push service (APNs provider API), or a stand-in: the sandbox, a test server, a proxy. */
  apnsUrl: URL;
  /** How Windows PCs sign in to enroll: OnPremise (password in the request) or Federated (Steward's sign-in page, with TOTP). */
  windowsAuthPolicy: 'OnPremise' | 'Federated';
  /**
   * The request header in which a trusted TLS-terminating proxy forwards the client certificate
   * (URL-encoded PEM, as nginx's $ssl_client_escaped_cert), for Apple and Windows device
   * endpoints; unset, no header is trusted.
   */
  clientCertHeader: string | undefined;
  /** WNS (waking Windows PCs): on only when the package SID, client secret and PFN are all given. */
  wnsPackageSid: string | undefined;
  /** A secret: never logged, never echoed in an error. */
  wnsClientSecret: string | undefined;
  wnsPackageFamilyName: string | undefined;
  /** Microsoft's token endpoint, or a stand-in for tests. */
  wnsTokenUrl: URL;
  /** Hosts (and their subdomains) a PC's channel URI may point at. */
  wnsChannelHosts: string[];
  /** The SMTP server compliance notifications go through (smtp:// with STARTTLS, or smtps://); unset, no e-mail is sent. */
  smtpUrl: URL | undefined;
  /** A secret: never logged, never echoed in an error. */
  smtpPassword: string | undefined;
  /** The From address of Steward's e-mail. */
  mailFrom: string | undefined;
}

export interface SettingDef {
  flag: string;
  env: string;
  description: string;
  valueName: string;
  default?: string;
}

export const settings = {
  dataDir: { flag: '--data-dir', env: 'STEWARD_DATA_DIR', valueName: 'dir', default: './data', description: 'where the SQLite database, the CA and the TLS certificate live' },
  host: { flag: '--host', env: 'STEWARD_HOST', valueName: 'address', default: '0.0.0.0', description: 'address to listen on' },
  port: { flag: '--port', env: 'STEWARD_PORT', valueName: 'port', default: '8443', description: 'HTTPS port (0 picks a free one)' },
  publicUrl: { flag: '--public-url', env: 'STEWARD_PUBLIC_URL', valueName: 'url', description: 'https:// URL devices and admins use to reach Steward (default https://localhost:<port>)' },
  databaseUrl: { flag: '--database-url', env: 'STEWARD_DATABASE_URL', valueName: 'url', description: 'postgres:// URL; without it Steward uses SQLite in the data directory' },
  tlsCert: { flag: '--tls-cert', env: 'STEWARD_TLS_CERT', valueName: 'file', description: 'PEM certificate (chain) for HTTPS instead of one issued by Steward\'s CA' },
  tlsKey: { flag: '--tls-key', env: 'STEWARD_TLS_KEY', valueName: 'file', description: 'PEM private key for --tls-cert' },
  httpPort: { flag: '--http-port', env: 'STEWARD_HTTP_PORT', valueName: 'port', description: 'also listen with plain HTTP on this port, for a TLS-terminating proxy' },
  logLevel: { flag: '--log-level', env: 'STEWARD_LOG_LEVEL', valueName: 'level', default: 'info', description: 'fatal, error, warn, info, debug, trace or silent' },
  apnsUrl: { flag: '--apns-url', env: 'STEWARD_APNS_URL', valueName: 'url', default: 'https://api.push.apple.com', description: 'https:// URL of Apple\'s push service (APNs); change it only to test against the sandbox or a stand-in' },
  clientCertHeader: { flag: '--client-cert-header', env: 'STEWARD_CLIENT_CERT_HEADER', valueName: 'name', description: 'request header in which a TLS-terminating proxy forwards the device\'s client certificate as URL-encoded PEM (nginx: $ssl_client_escaped_cert); only with a proxy that always overwrites it' },
  wnsPackageSid: { flag: '--wns-package-sid', env: 'STEWARD_WNS_PACKAGE_SID', valueName: 'sid', description: 'package SID (ms-app://s-1-15-2-…) of Steward\'s WNS app, to wake Windows PCs with push notifications; with --wns-client-secret and --wns-package-family-name' },
  wnsClientSecret: { flag: '--wns-client-secret', env: 'STEWARD_WNS_CLIENT_SECRET', valueName: 'secret', description: 'client secret of the WNS app (prefer the variable to the flag: a flag shows in the process list)' },
  wnsPackageFamilyName: { flag: '--wns-package-family-name', env: 'STEWARD_WNS_PACKAGE_FAMILY_NAME', valueName: 'pfn', description: 'package family name of the WNS app, given to Windows PCs (DMClient Push/PFN)' },
  wnsTokenUrl: { flag: '--wns-token-url', env: 'STEWARD_WNS_TOKEN_URL', valueName: 'url', default: 'https://login.live.com/accesstoken.srf', description: 'https:// URL where Steward gets WNS access tokens; change it only for tests' },
  wnsChannelHosts: { flag: '--wns-channel-hosts', env: 'STEWARD_WNS_CHANNEL_HOSTS', valueName: 'hosts', default: 'notify.windows.com', description: 'comma-separated hosts (subdomains included) that PCs\' WNS channel URIs may point at; change it only for tests' },
  smtpUrl: { flag: '--smtp-url', env: 'STEWARD_SMTP_URL', valueName: 'url', description: 'SMTP server for compliance notification e-mail: smtp://[user@]host[:port] (STARTTLS when offered; port 587 by default) or smtps://… (TLS; 465); with --mail-from' },
  smtpPassword: { flag: '--smtp-password', env: 'STEWARD_SMTP_PASSWORD', valueName: 'password', description: 'password of the --smtp-url user (prefer the variable to the flag: a flag shows in the process list)' },
  mailFrom: { flag: '--mail-from', env: 'STEWARD_MAIL_FROM', valueName: 'address', description: 'From address of Steward\'s e-mail, such as "Steward <it@contoso.com>"' },
  windowsAuthPolicy: { flag: '--windows-auth-policy', env: 'STEWARD_WINDOWS_AUTH_POLICY', valueName: 'policy', default: 'OnPremise', description: 'how Windows PCs sign in to enroll: OnPremise (Windows asks for the password) or Federated (Steward\'s sign-in page, which also asks for the authenticator code)' },
} as const satisfies Record<keyof Config, SettingDef>;

export type SettingName = keyof typeof settings;

/** Where a raw value came from, so that an error can name it. */
export type RawSettings = Partial<Record<SettingName, { value: string; source: 'flag' | 'env' | 'default' }>>;

/** Settings whose values are never echoed (a database URL carries a password). */
const secretSettings: ReadonlySet<SettingName> = new Set(['databaseUrl', 'wnsClientSecret', 'smtpUrl', 'smtpPassword']);

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const port = (allowZero: boolean) => z.string().trim()
  .regex(/^\d+$/, 'must be a whole number')
  .transform(Number)
  .refine((n) => n <= 65535 && (allowZero || n >= 1), allowZero ? 'must be from 0 to 65535' : 'must be from 1 to 65535');

const validators: { [K in SettingName]: z.ZodType<Config[K], string> } = {
  dataDir: z.string().min(1, 'must not be empty'),
  host: z.string().min(1, 'must not be empty'),
  port: port(true),
  publicUrl: z.string().transform((s, ctx) => {
    let u: URL;
    try { u = new URL(s); } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute URL such as https://mdm.example.com' });
      return z.NEVER;
    }
    if (u.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'must start with https:// (devices only talk to MDM servers over HTTPS)' });
      return z.NEVER;
    }
    if (u.search || u.hash || u.username || u.password) {
      ctx.addIssue({ code: 'custom', message: 'must not carry a query, fragment or credentials' });
      return z.NEVER;
    }
    u.pathname = u.pathname.replace(/\/+$/, '');
    return u;
  }),
  databaseUrl: z.string().refine((s) => /^postgres(ql)?:\/\/./.test(s), 'must be a postgres:// or postgresql:// URL'),
  tlsCert: z.string().min(1, 'must not be empty'),
  tlsKey: z.string().min(1, 'must not be empty'),
  httpPort: port(false),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  apnsUrl: z.string().transform((s, ctx) => {
    let u: URL;
    try { u = new URL(s); } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute URL such as https://api.push.apple.com' });
      return z.NEVER;
    }
    if (u.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'must start with https:// (APNs speaks HTTP/2 over TLS only)' });
      return z.NEVER;
    }
    if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash || u.username || u.password) {
      ctx.addIssue({ code: 'custom', message: 'must be an origin only, such as https://api.push.apple.com (no path, query or credentials)' });
      return z.NEVER;
    }
    return u;
  }),
  windowsAuthPolicy: z.enum(['OnPremise', 'Federated'], { message: 'must be OnPremise or Federated' }),
  wnsPackageSid: z.string().trim().regex(/^ms-app:\/\/s-1-15-2(-\d{1,10}){1,16}$/i, 'must be a package SID such as ms-app://s-1-15-2-…'),
  wnsClientSecret: z.string().trim().min(1, 'must not be empty').max(512, 'must be at most 512 characters'),
  // Name_PublisherId: the name (letters, digits, dots, hyphens) and 13 base-32 characters.
  wnsPackageFamilyName: z.string().trim().regex(/^[A-Za-z0-9.-]{3,50}_[a-z0-9]{13}$/i, 'must be a package family name such as Contoso.Steward_8wekyb3d8bbwe'),
  wnsTokenUrl: z.string().transform((s, ctx) => {
    let u: URL;
    try { u = new URL(s); } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute URL such as https://login.live.com/accesstoken.srf' });
      return z.NEVER;
    }
    if (u.protocol !== 'https:' || u.username || u.password) {
      ctx.addIssue({ code: 'custom', message: 'must start with https:// and carry no credentials (the client secret is sent there)' });
      return z.NEVER;
    }
    return u;
  }),
  wnsChannelHosts: z.string().transform((s, ctx) => {
    const hosts = s.split(',').map((h) => h.trim().toLowerCase()).filter((h) => h !== '');
    if (hosts.length === 0 || hosts.some((h) => !/^[a-z0-9.-]{1,253}$/.test(h) || h.startsWith('.') || h.endsWith('.'))) {
      ctx.addIssue({ code: 'custom', message: 'must be host names separated by commas, such as notify.windows.com' });
      return z.NEVER;
    }
    return hosts;
  }),
  smtpUrl: z.string().transform((s, ctx) => {
    let u: URL;
    try { u = new URL(s); } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute URL such as smtp://mail.contoso.com:587' });
      return z.NEVER;
    }
    if ((u.protocol !== 'smtp:' && u.protocol !== 'smtps:') || u.hostname === '' || (u.pathname !== '' && u.pathname !== '/') || u.search || u.hash) {
      ctx.addIssue({ code: 'custom', message: 'must be smtp://[user@]host[:port] or smtps://[user@]host[:port], with no path or query' });
      return z.NEVER;
    }
    return u;
  }),
  smtpPassword: z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
  // "Name <address>" or a bare address; the address part is checked loosely (one @, no spaces).
  mailFrom: z.string().trim().regex(/^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'must be an e-mail address such as it@contoso.com or "Steward <it@contoso.com>"'),
  // An HTTP field name (RFC 9110 token), and not one a client sends for itself anyway.
  clientCertHeader: z.string().trim()
    .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/, 'must be an HTTP header name such as X-SSL-Client-Cert')
    .refine((h) => !['host', 'authorization', 'cookie', 'content-type', 'content-length', 'user-agent', 'x-forwarded-for'].includes(h.toLowerCase()), 'must be a header the proxy sets, not one clients send'),
};

/** Flag values as given on the command line (undefined when absent). */
export type Flags = Partial<Record<SettingName, string>>;

/** Merges flags, environment and defaults, in that order of precedence. */
export function collectSettings(flags: Flags, env: Readonly<Record<string, string | undefined>>): RawSettings {
  const raw: RawSettings = {};
  for (const name of Object.keys(settings) as SettingName[]) {
    const def: SettingDef = settings[name];
    const flag = flags[name];
    const fromEnv = env[def.env];
    if (flag !== undefined) raw[name] = { value: flag, source: 'flag' };
    else if (fromEnv !== undefined && fromEnv !== '') raw[name] = { value: fromEnv, source: 'env' };
    else if (def.default !== undefined) raw[name] = { value: def.default, source: 'default' };
  }
  return raw;
}

function describeSource(name: SettingName, source: 'flag' | 'env' | 'default'): string {
  const def: SettingDef = settings[name];
  return source === 'env' ? def.env : def.flag;
}

export function parseConfig(raw: RawSettings): Config {
  const problems: string[] = [];
  const out: Partial<Record<SettingName, unknown>> = {};
  for (const name of Object.keys(settings) as SettingName[]) {
    const given = raw[name];
    if (!given) continue;
    const parsed = validators[name].safeParse(given.value);
    if (parsed.success) out[name] = parsed.data;
    // The value is shown unless the setting may hold a secret (a database URL carries a password).
    else problems.push(`${describeSource(name, given.source)}: ${parsed.error.issues[0]?.message ?? 'is not valid'}${secretSettings.has(name) ? '' : ` (got '${given.value}')`}`);
  }
  const wns = (['wnsPackageSid', 'wnsClientSecret', 'wnsPackageFamilyName'] as const);
  const wnsGiven = wns.filter((n) => raw[n] !== undefined);
  if (wnsGiven.length > 0 && wnsGiven.length < wns.length) {
    const missing = wns.filter((n) => raw[n] === undefined).map((n) => settings[n].flag);
    problems.push(`${missing.join(', ')}: must be given too (WNS needs the package SID, the client secret and the package family name)`);
  }
  if ((raw.smtpUrl === undefined) !== (raw.mailFrom === undefined)) {
    problems.push(raw.smtpUrl ? '--mail-from: must be given together with --smtp-url' : '--smtp-url: must be given together with --mail-from');
  }
  if (raw.smtpPassword !== undefined && raw.smtpUrl === undefined) problems.push('--smtp-password: needs --smtp-url (with the user name in it)');
  if ((raw.tlsCert === undefined) !== (raw.tlsKey === undefined)) {
    problems.push(raw.tlsCert ? '--tls-key: must be given together with --tls-cert' : '--tls-cert: must be given together with --tls-key');
  }
  if (raw.httpPort && raw.port && out.httpPort !== undefined && out.httpPort === out.port && out.port !== 0) {
    problems.push(`${describeSource('httpPort', raw.httpPort.source)}: must differ from the HTTPS port ${String(out.port)}`);
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  const portNumber = out.port as number;
  return {
    dataDir: out.dataDir as string,
    host: out.host as string,
    port: portNumber,
    publicUrl: (out.publicUrl as URL | undefined) ?? new URL(`https://localhost:${portNumber === 0 ? 8443 : portNumber}`),
    databaseUrl: out.databaseUrl as string | undefined,
    tlsCert: out.tlsCert as string | undefined,
    tlsKey: out.tlsKey as string | undefined,
    httpPort: out.httpPort as number | undefined,
    logLevel: out.logLevel as Config['logLevel'],
    apnsUrl: out.apnsUrl as URL,
    windowsAuthPolicy: out.windowsAuthPolicy as Config['windowsAuthPolicy'],
    clientCertHeader: out.clientCertHeader as string | undefined,
    wnsPackageSid: out.wnsPackageSid as string | undefined,
    wnsClientSecret: out.wnsClientSecret as string | undefined,
    wnsPackageFamilyName: out.wnsPackageFamilyName as string | undefined,
    wnsTokenUrl: out.wnsTokenUrl as URL,
    wnsChannelHosts: out.wnsChannelHosts as string[],
    smtpUrl: out.smtpUrl as URL | undefined,
    smtpPassword: out.smtpPassword as string | undefined,
    mailFrom: out.mailFrom as string | undefined,
  };
}

export function loadConfig(flags: Flags, env: Readonly<Record<string, string | undefined>>): Config {
  return parseConfig(collectSettings(flags, env));
}
