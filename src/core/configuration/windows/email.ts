// Graph's windows10EasEmailProfileConfiguration → the ActiveSync CSP (an Exchange account in the
// user's Mail app). Node values per learn.microsoft.com/windows/client-management/mdm/activesync-csp.
import { activeSyncAccount } from '../../../protocol/windows/csp-settings/paths.js';
import { invalidInput } from '../../errors.js';
import { stableUuid, type OmaDmSetting } from '../translation.js';
import type { WindowsFamilyTranslator } from './types.js';

/** Options/MailAgeFilter: 0 all mail, 1 a day, 2 three days, 3 a week, 4 two weeks, 5 a month. */
const MAIL_AGE: Record<string, number> = { unlimited: 0, oneDay: 1, threeDays: 2, oneWeek: 3, twoWeeks: 4, oneMonth: 5 };
/** Options/Schedule: minutes between syncs, 0 manual, -1 as items arrive. */
const SCHEDULE: Record<string, number> = { manual: 0, fifteenMinutes: 15, thirtyMinutes: 30, sixtyMinutes: 60, asMessagesArrive: -1 };

export const windowsEmail: WindowsFamilyTranslator = (r, target) => {
  const user = target.context.user;
  const pick = (source: string | undefined): string => {
    if (!user) {
      if (target.context.preview) return source === 'primarySmtpAddress' ? '{{mail}}' : '{{userPrincipalName}}';
      throw invalidInput('An Exchange profile for Windows needs a user to translate for.', 'emailAddressSource');
    }
    if (source === 'primarySmtpAddress') return user.mail ?? user.userPrincipalName;
    if (source === 'sAMAccountName' || source === 'samAccountName' || source === 'userLogonName') return user.userPrincipalName.split('@')[0] ?? user.userPrincipalName;
    return user.userPrincipalName;
  };
  const base = activeSyncAccount(stableUuid(target.profile.id, 'activesync').toLowerCase());
  const domain = r.str('customDomainName');
  r.touch('userDomainNameSource');
  const name = pick(r.str('usernameSource') ?? r.str('usernameAADSource'));
  const chr = (node: string, value: string): OmaDmSetting => ({ locUri: `${base}/${node}`, format: 'chr', value });
  const settings: OmaDmSetting[] = [
    chr('AccountName', r.str('accountName') ?? target.profile.displayName),
    chr('ServerName', r.str('hostName') ?? ''),
    chr('EmailAddress', pick(r.str('emailAddressSource'))),
    chr('UserName', domain !== undefined && !name.includes('@') ? `${domain}\\${name}` : name),
    chr('Options/UseSSL', (r.bool('requireSsl') ?? true) ? '1' : '0'),
  ];
  const age = MAIL_AGE[r.str('durationOfEmailToSync') ?? ''];
  if (age !== undefined) settings.push(chr('Options/MailAgeFilter', String(age)));
  const schedule = SCHEDULE[r.str('emailSyncSchedule') ?? ''];
  if (schedule !== undefined) settings.push(chr('Options/Schedule', String(schedule)));
  return { settings, notApplicable: [] };
};
