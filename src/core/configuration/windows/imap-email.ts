// Steward's stewardWindows10ImapEmailConfiguration → the EMAIL2 CSP (an IMAP4 or POP3 account in
// the user's Mail app; per user on Windows 10 1507 and later). Node names and values per
// learn.microsoft.com/windows/client-management/mdm/email2-csp: the account is a GUID in braces,
// which OMA DM sends as 0x7B and 0x7D; every node is a string. EMAIL2 refuses Replace of
// SERVICENAME and SERVICETYPE, so the account GUID derives from them: a new name or type makes a
// new account (native-command.ts deletes the old one and wraps EMAIL2 commands in an Atomic, as the
// CSP asks). No password (AUTHSECRET): Mail asks the user for it.
import { invalidInput } from '../../errors.js';
import { stableUuid, type NotApplicable, type OmaDmSetting } from '../translation.js';
import type { WindowsFamilyTranslator } from './types.js';

/** An EMAIL2 account node. */
export const email2Account = (guid: string) => `./User/Vendor/MSFT/EMAIL2/0x7B${guid.toUpperCase()}0x7D`;

/** DWNDAY: days of mail to download (-1 all). */
const DWNDAY: Record<string, string> = { oneWeek: '7', twoWeeks: '14', oneMonth: '30', unlimited: '-1' };
/** LINGER: minutes between send/receive (0 manual). */
const LINGER: Record<string, string> = { manual: '0', fifteenMinutes: '15', thirtyMinutes: '30', sixtyMinutes: '60' };
/** SYNCINGCONTENTTYPES bit for mail. */
const MAIL_ONLY = '2';

export const windowsImapEmail: WindowsFamilyTranslator = (r, target) => {
  const notApplicable: NotApplicable[] = [];
  const { user, preview } = target.context;
  const source = (name: string | undefined): string => {
    if (!user) {
      if (preview) return name === 'primarySmtpAddress' ? '{{mail}}' : '{{userPrincipalName}}';
      throw invalidInput('An IMAP/POP profile for Windows needs a user to translate for (EMAIL2 requires the address and user name).', 'emailAddressSource');
    }
    if (name === 'primarySmtpAddress') return user.mail ?? user.userPrincipalName;
    if (name === 'sAMAccountName' || name === 'userLogonName') return user.userPrincipalName.split('@')[0] ?? user.userPrincipalName;
    return user.userPrincipalName;
  };
  const serviceType = r.str('accountType') === 'pop' ? 'POP3' : 'IMAP4';
  const serviceName = (r.str('accountName') ?? target.profile.displayName).slice(0, 32);
  const base = email2Account(stableUuid(target.profile.id, 'email2', serviceType, serviceName));
  const server = (side: 'incoming' | 'outgoing') => {
    const port = r.int(`${side}ServerPort`);
    return `${r.str(`${side}ServerHostName`) ?? ''}${port !== undefined ? `:${port}` : ''}`;
  };
  const chr = (node: string, value: string): OmaDmSetting => ({ locUri: `${base}/${node}`, format: 'chr', value });
  const settings: OmaDmSetting[] = [
    chr('SERVICENAME', serviceName),
    chr('SERVICETYPE', serviceType),
    chr('ACCOUNTTYPE', 'Email'),
    chr('SYNCINGCONTENTTYPES', MAIL_ONLY),
    chr('INSERVER', server('incoming')),
    chr('OUTSERVER', server('outgoing')),
    chr('REPLYADDR', r.str('emailAddress') ?? source(r.str('emailAddressSource'))),
    chr('AUTHNAME', r.str('incomingServerUsername') ?? source(r.str('usernameSource'))),
    chr('AUTHREQUIRED', r.str('outgoingServerAuthenticationMethod') === 'none' ? '0' : '1'),
  ];
  const sender = r.str('senderName') ?? user?.displayName;
  if (sender !== undefined) settings.push(chr('NAME', sender));
  const days = DWNDAY[r.str('durationOfEmailToSync') ?? ''];
  if (days !== undefined) settings.push(chr('DWNDAY', days));
  const linger = LINGER[r.str('emailSyncSchedule') ?? ''];
  if (linger !== undefined) settings.push(chr('LINGER', linger));
  settings.push(chr('TAGPROPS/8128000B', (r.bool('incomingServerRequireSsl') ?? true) ? '1' : '0'));
  settings.push(chr('TAGPROPS/812C000B', (r.bool('outgoingServerRequireSsl') ?? true) ? '1' : '0'));
  return { settings, notApplicable };
};
