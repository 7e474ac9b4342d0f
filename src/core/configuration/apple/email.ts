// Graph's iosEasEmailProfileConfiguration → com.apple.eas.account (Exchange ActiveSync). The
// address and user name come from the user the profile is translated for; without one the device
// asks its user for them.
import type { PlistDict } from '../../../protocol/apple/plist.js';
import type { NotApplicable, TranslationContext } from '../translation.js';
import type { AppleFamilyTranslator } from './types.js';

const DAYS: Record<string, number> = { userDefined: 0, oneDay: 1, threeDays: 3, oneWeek: 7, twoWeeks: 14, oneMonth: 31, unlimited: 0 };

function userValue(source: string | undefined, user: NonNullable<TranslationContext['user']>): string {
  switch (source) {
    case 'primarySmtpAddress': return user.mail ?? user.userPrincipalName;
    case 'sAMAccountName': case 'userLogonName': case 'samAccountName': return user.userPrincipalName.split('@')[0] ?? user.userPrincipalName;
    default: return user.userPrincipalName;
  }
}

export const appleEmail: AppleFamilyTranslator = (r, target) => {
  const notApplicable: NotApplicable[] = [];
  const c: PlistDict = { Host: r.str('hostName') ?? '', SSL: r.bool('requireSsl') ?? true };
  const user = target.context.user;
  const addressSource = r.str('emailAddressSource');
  const nameSource = r.str('usernameSource') ?? r.str('usernameAADSource');
  const domain = r.str('customDomainName');
  r.touch('userDomainNameSource');
  if (user) {
    c.EmailAddress = userValue(addressSource, user);
    const name = userValue(nameSource, user);
    c.UserName = domain !== undefined && !name.includes('@') ? `${domain}\\${name}` : name;
  }
  const days = r.str('durationOfEmailToSync');
  if (days !== undefined && DAYS[days] !== undefined) c.MailNumberOfPastDaysToSync = DAYS[days];
  if (r.on('blockMovingMessagesToOtherEmailAccounts')) c.PreventMove = true;
  if (r.on('blockSendingEmailFromThirdPartyApps')) c.PreventAppSheet = true;
  if (r.on('blockSyncingRecentlyUsedEmailAddresses')) c.disableMailRecentsSyncing = true;
  if (r.on('requireSmime')) c.SMIMEEnabled = true;
  if (r.on('useOAuth')) c.OAuth = true;
  const method = r.str('authenticationMethod');
  if (method === 'certificate' || method === 'derivedCredential') {
    notApplicable.push({ setting: 'authenticationMethod', reason: 'certificate authentication for Exchange needs a linked certificate profile, which Steward does not link yet.' });
  }
  if (target.platform === 'macOS') notApplicable.push({ setting: '@odata.type', reason: 'Exchange ActiveSync accounts are an iOS profile type.' });
  const account = r.str('accountName') ?? target.profile.displayName;
  return { payloads: [{ type: 'com.apple.eas.account', suffix: 'eas', displayName: account, content: c }], notApplicable };
};
