// Steward's IMAP/POP e-mail types (extension-types.ts) → com.apple.mail.managed. Keys per Apple's
// schema (mdm/profiles/com.apple.mail.managed.yaml). The address and user names come from the
// settings (variables such as {{mail}} already substituted) or, when not given, from the user the
// profile is translated for, as Graph's emailAddressSource/usernameSource say. No password is
// sent: Mail asks the user for it.
import type { PlistDict } from '../../../protocol/apple/plist.js';
import type { NotApplicable, SettingsReader, TranslationContext } from '../translation.js';
import type { AppleFamilyTranslator } from './types.js';

const AUTH: Record<string, string> = {
  none: 'EmailAuthNone', password: 'EmailAuthPassword', cramMd5: 'EmailAuthCRAMMD5', ntlm: 'EmailAuthNTLM', httpMd5: 'EmailAuthHTTPMD5',
};

/** Keys Apple's schema marks as not available on macOS (introduced: n/a), by the setting that sets them. */
const IOS_ONLY = [
  'blockMovingMessagesToOtherEmailAccounts', 'blockSendingEmailFromThirdPartyApps', 'blockSyncingRecentlyUsedEmailAddresses',
  'smimeSigningEnabled', 'smimeSigningUserOverrideEnabled', 'smimeEncryptByDefaultEnabled',
  'smimeEncryptByDefaultUserOverrideEnabled', 'smimeEnablePerMessageSwitch',
];

type User = NonNullable<TranslationContext['user']>;

function fromSource(source: string | undefined, user: User | undefined, preview: boolean): string | undefined {
  if (!user) return preview ? (source === 'primarySmtpAddress' ? '{{mail}}' : '{{userPrincipalName}}') : undefined;
  switch (source) {
    case 'primarySmtpAddress': return user.mail ?? user.userPrincipalName;
    case 'sAMAccountName': case 'userLogonName': return user.userPrincipalName.split('@')[0] ?? user.userPrincipalName;
    default: return user.userPrincipalName;
  }
}

function server(r: SettingsReader, side: 'incoming' | 'outgoing', c: PlistDict, user: string | undefined): void {
  const key = side === 'incoming' ? 'Incoming' : 'Outgoing';
  c[`${key}MailServerHostName`] = r.str(`${side}ServerHostName`) ?? '';
  const port = r.int(`${side}ServerPort`);
  if (port !== undefined) c[`${key}MailServerPortNumber`] = port;
  c[`${key}MailServerUseSSL`] = r.bool(`${side}ServerRequireSsl`) ?? true;
  c[`${key}MailServerAuthentication`] = AUTH[r.str(`${side}ServerAuthenticationMethod`) ?? 'password'] ?? 'EmailAuthPassword';
  const name = r.str(`${side}ServerUsername`) ?? user;
  if (name !== undefined) c[`${key}MailServerUsername`] = name;
}

export const appleImapEmail: AppleFamilyTranslator = (r, target) => {
  const notApplicable: NotApplicable[] = [];
  const { user, preview } = target.context;
  const c: PlistDict = { EmailAccountType: r.str('accountType') === 'pop' ? 'EmailTypePOP' : 'EmailTypeIMAP' };
  const description = r.str('accountName') ?? target.profile.displayName;
  c.EmailAccountDescription = description;
  const sender = r.str('senderName') ?? user?.displayName;
  if (sender !== undefined) c.EmailAccountName = sender;
  // Without a user (and not a preview) the device asks its user for the address and user name.
  const address = r.str('emailAddress') ?? fromSource(r.str('emailAddressSource'), user, preview === true);
  if (address !== undefined) c.EmailAddress = address;
  const incomingUser = r.str('incomingServerUsername') ?? fromSource(r.str('usernameSource'), user, preview === true);
  server(r, 'incoming', c, incomingUser);
  const prefix = r.str('imapPathPrefix');
  if (prefix !== undefined) c.IncomingMailServerIMAPPathPrefix = prefix;
  server(r, 'outgoing', c, incomingUser);
  if (r.on('outgoingPasswordSameAsIncomingPassword')) c.OutgoingPasswordSameAsIncomingPassword = true;
  if (r.bool('mailDropEnabled') !== undefined) c.allowMailDrop = r.bool('mailDropEnabled') === true;
  if (target.platform === 'macOS') {
    for (const setting of IOS_ONLY) {
      if (r.on(setting)) notApplicable.push({ setting, reason: 'Apple applies this Mail setting on iOS and iPadOS only.' });
    }
  } else {
    if (r.on('blockMovingMessagesToOtherEmailAccounts')) c.PreventMove = true;
    if (r.on('blockSendingEmailFromThirdPartyApps')) c.PreventAppSheet = true;
    if (r.on('blockSyncingRecentlyUsedEmailAddresses')) c.disableMailRecentsSyncing = true;
    if (r.on('smimeSigningEnabled')) c.SMIMESigningEnabled = true;
    if (r.on('smimeSigningUserOverrideEnabled')) c.SMIMESigningUserOverrideable = true;
    if (r.on('smimeEncryptByDefaultEnabled')) c.SMIMEEncryptByDefault = true;
    if (r.on('smimeEncryptByDefaultUserOverrideEnabled')) c.SMIMEEncryptByDefaultUserOverrideable = true;
    if (r.on('smimeEnablePerMessageSwitch')) c.SMIMEEnableEncryptionPerMessageSwitch = true; // iOS 12+; SMIMEEnablePerMessageSwitch is deprecated
  }
  return { payloads: [{ type: 'com.apple.mail.managed', suffix: 'mail', displayName: description, content: c }], notApplicable };
};
