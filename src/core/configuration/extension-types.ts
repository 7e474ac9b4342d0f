// Steward's own deviceConfiguration types, for what Graph has no type for (Graph's only e-mail
// profiles are Exchange ActiveSync ones). Named in Graph's style with a `steward` prefix, derived
// from deviceConfiguration (its common properties apply), and documented in docs/api.md. Property
// names reuse the names of Graph's iosEasEmailProfileConfiguration where they mean the same thing
// (accountName, emailAddressSource, usernameSource, blockMovingMessagesToOtherEmailAccounts,
// smimeSigningEnabled…); the rest follow Apple's com.apple.mail.managed keys in
// Graph's camelCase. No password property: as with Intune's e-mail profiles, the user types it on
// the device.
import { invalidInput } from '../errors.js';
import type { BetaShape } from './beta-properties.js';

const s = { kind: 'string' } as const;
const b = { kind: 'boolean' } as const;
const i = { kind: 'integer' } as const;
const oneOf = (...values: string[]): BetaShape => ({ kind: 'enum', values });

/** Authentication of a mail server: Apple's EmailAuth* values in Graph's enum style. */
export const MAIL_AUTHENTICATION = ['none', 'password', 'cramMd5', 'ntlm', 'httpMd5'] as const;

/** The properties of the IMAP/POP e-mail types (iOS and macOS alike; per-platform applicability is the translator's). */
export const IMAP_EMAIL_PROPERTIES: Readonly<Record<string, BetaShape>> = {
  accountName: s,
  accountType: oneOf('imap', 'pop'),
  emailAddress: s,
  emailAddressSource: oneOf('userPrincipalName', 'primarySmtpAddress'),
  senderName: s,
  incomingServerHostName: s,
  incomingServerPort: i,
  incomingServerRequireSsl: b,
  incomingServerAuthenticationMethod: oneOf(...MAIL_AUTHENTICATION),
  incomingServerUsername: s,
  usernameSource: oneOf('userLogonName', 'userPrincipalName', 'sAMAccountName', 'primarySmtpAddress'),
  imapPathPrefix: s,
  outgoingServerHostName: s,
  outgoingServerPort: i,
  outgoingServerRequireSsl: b,
  outgoingServerAuthenticationMethod: oneOf(...MAIL_AUTHENTICATION),
  outgoingServerUsername: s,
  outgoingPasswordSameAsIncomingPassword: b,
  blockMovingMessagesToOtherEmailAccounts: b,
  blockSendingEmailFromThirdPartyApps: b,
  blockSyncingRecentlyUsedEmailAddresses: b,
  mailDropEnabled: b,
  smimeSigningEnabled: b,
  smimeSigningUserOverrideEnabled: b,
  smimeEncryptByDefaultEnabled: b,
  smimeEncryptByDefaultUserOverrideEnabled: b,
  smimeEnablePerMessageSwitch: b,
};

/**
 * The Windows type: what the EMAIL2 CSP can set (learn.microsoft.com/windows/client-management/mdm/
 * email2-csp; per user on Windows 10 1507 and later). EMAIL2 has one set of credentials for both
 * servers and knows only whether the outgoing server wants them, so no incoming authentication
 * method, outgoing user name or IMAP path prefix; the sync window and schedule take the names and
 * the members of Graph's windows10EasEmailProfileConfiguration that EMAIL2 has values for.
 */
export const WINDOWS_IMAP_EMAIL_PROPERTIES: Readonly<Record<string, BetaShape>> = {
  accountName: s,
  accountType: oneOf('imap', 'pop'),
  emailAddress: s,
  emailAddressSource: IMAP_EMAIL_PROPERTIES.emailAddressSource!,
  senderName: s,
  incomingServerHostName: s,
  incomingServerPort: i,
  incomingServerRequireSsl: b,
  incomingServerUsername: s,
  usernameSource: IMAP_EMAIL_PROPERTIES.usernameSource!,
  outgoingServerHostName: s,
  outgoingServerPort: i,
  outgoingServerRequireSsl: b,
  outgoingServerAuthenticationMethod: oneOf('none', 'password'),
  durationOfEmailToSync: oneOf('userDefined', 'oneWeek', 'twoWeeks', 'oneMonth', 'unlimited'),
  emailSyncSchedule: oneOf('userDefined', 'manual', 'fifteenMinutes', 'thirtyMinutes', 'sixtyMinutes'),
};

/** Steward extension type name → its own properties (besides deviceConfiguration's). */
export const STEWARD_TYPES: Readonly<Record<string, Readonly<Record<string, BetaShape>>>> = {
  stewardIosImapEmailConfiguration: IMAP_EMAIL_PROPERTIES,
  stewardMacOSImapEmailConfiguration: IMAP_EMAIL_PROPERTIES,
  stewardWindows10ImapEmailConfiguration: WINDOWS_IMAP_EMAIL_PROPERTIES,
};

/** EMAIL2 limits: SERVICENAME is at most 32 characters, INSERVER and OUTSERVER ("host:port") 62. */
const WINDOWS_LIMITS = { serviceName: 32, server: 62 };

/** The Steward type an '@odata.type' names ('#microsoft.graph.stewardIosImapEmailConfiguration' → its name), if any. */
export function stewardTypeFromODataType(odataType: string): string | undefined {
  const m = /^#?microsoft\.graph\.(steward[A-Za-z0-9]+)$/.exec(odataType);
  return m?.[1] !== undefined && STEWARD_TYPES[m[1]] ? m[1] : undefined;
}

const str = (v: Record<string, unknown>, k: string): string | undefined => (typeof v[k] === 'string' && v[k] !== '' ? v[k] : undefined);
const HOST = /^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$|^\[?[0-9A-Fa-f:.]+\]?$/;

/** Checks across the properties of an IMAP/POP profile (the shapes are checked before): each failure names its property. */
export function checkImapEmail(settings: Record<string, unknown>, type?: string): void {
  if (str(settings, 'accountType') === undefined) throw invalidInput('accountType is required (imap or pop).', 'accountType');
  for (const side of ['incoming', 'outgoing'] as const) {
    const hostKey = `${side}ServerHostName`;
    const host = str(settings, hostKey);
    if (host === undefined) throw invalidInput(`${hostKey} is required.`, hostKey);
    if (host.length > 253 || !HOST.test(host)) throw invalidInput(`${hostKey}: '${host}' is not a host name or IP address.`, hostKey);
    const portKey = `${side}ServerPort`;
    const port = settings[portKey];
    if (port !== undefined && port !== null && (typeof port !== 'number' || port < 1 || port > 65535)) {
      throw invalidInput(`${portKey} must be from 1 to 65535.`, portKey);
    }
  }
  const address = str(settings, 'emailAddress');
  // A literal address must look like one; an address made of variables is checked when translated.
  if (address !== undefined && !address.includes('{{') && !/^[^@\s]+@[^@\s]+$/.test(address)) {
    throw invalidInput(`emailAddress: '${address}' is not an e-mail address.`, 'emailAddress');
  }
  if (str(settings, 'imapPathPrefix') !== undefined && settings.accountType === 'pop') {
    throw invalidInput('imapPathPrefix applies to IMAP accounts only.', 'imapPathPrefix');
  }
  if (type === 'stewardWindows10ImapEmailConfiguration') {
    const name = str(settings, 'accountName');
    if (name !== undefined && name.length > WINDOWS_LIMITS.serviceName) {
      throw invalidInput(`accountName: Windows (EMAIL2 SERVICENAME) takes at most ${WINDOWS_LIMITS.serviceName} characters.`, 'accountName');
    }
    for (const side of ['incoming', 'outgoing'] as const) {
      const port = settings[`${side}ServerPort`];
      const server = `${String(settings[`${side}ServerHostName`])}${typeof port === 'number' ? `:${port}` : ''}`;
      if (server.length > WINDOWS_LIMITS.server) {
        throw invalidInput(`${side}ServerHostName: Windows (EMAIL2) takes at most ${WINDOWS_LIMITS.server} characters for the server and its port.`, `${side}ServerHostName`);
      }
    }
  }
}
