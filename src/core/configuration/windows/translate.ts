// A stored profile → OMA-DM settings for Windows (the CSP nodes to Replace, in order).
import type { ConfigurationFamily } from '../catalog.js';
import type { DeviceConfiguration } from '../ports.js';
import { SettingsReader, unusedAsNotApplicable, type Translation, type TranslationContext } from '../translation.js';
import { windowsScep, windowsTrustedRoot } from './certificates.js';
import { windowsCustom } from './custom.js';
import { windowsEmail } from './email.js';
import { windowsGeneral } from './general.js';
import { windowsImapEmail } from './imap-email.js';
import type { WindowsFamilyTranslator } from './types.js';
import { windowsVpn } from './vpn.js';
import { windowsWifi } from './wifi.js';

const FAMILY: Record<ConfigurationFamily, WindowsFamilyTranslator | undefined> = {
  wifi: windowsWifi, vpn: windowsVpn, general: windowsGeneral, trustedRoot: windowsTrustedRoot,
  scep: windowsScep, custom: windowsCustom, email: windowsEmail,
  imapEmail: windowsImapEmail,
};

export function translateForWindows(
  profile: DeviceConfiguration,
  family: ConfigurationFamily,
  settings: Record<string, unknown>,
  context: TranslationContext,
): Translation {
  const reader = new SettingsReader(settings);
  const translate = FAMILY[family];
  if (!translate) {
    return { platform: 'windows', settings: [], notApplicable: [{ setting: '@odata.type', reason: `${profile.odataType} is not a Windows profile type.` }] };
  }
  const result = translate(reader, { profile, context });
  return { platform: 'windows', settings: result.settings, notApplicable: [...result.notApplicable, ...unusedAsNotApplicable(reader, 'Windows')] };
}
