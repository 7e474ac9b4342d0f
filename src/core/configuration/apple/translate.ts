// A stored profile → an Apple configuration profile. PayloadIdentifiers derive from the profile
// id (so a new version replaces the installed one); PayloadUUIDs change with every version.
import { configurationProfile } from '../../../protocol/apple/payloads/configuration-profile.js';
import type { ConfigurationFamily } from '../catalog.js';
import type { DeviceConfiguration } from '../ports.js';
import { SettingsReader, stableUuid, unusedAsNotApplicable, type Translation, type TranslationContext } from '../translation.js';
import { appleTrustedRoot, appleScep } from './certificates.js';
import { appleCustom } from './custom.js';
import { appleEmail } from './email.js';
import { appleGeneral } from './general.js';
import { appleImapEmail } from './imap-email.js';
import type { AppleFamilyTranslator } from './types.js';
import { appleVpn } from './vpn.js';
import { appleWifi } from './wifi.js';

const FAMILY: Record<ConfigurationFamily, AppleFamilyTranslator> = {
  wifi: appleWifi, vpn: appleVpn, email: appleEmail, imapEmail: appleImapEmail, general: appleGeneral,
  trustedRoot: appleTrustedRoot, scep: appleScep, custom: appleCustom,
};

export function profileIdentifier(profileId: string): string {
  return `com.steward.configuration.${profileId}`;
}

export function translateForApple(
  profile: DeviceConfiguration,
  family: ConfigurationFamily,
  platform: 'iOS' | 'macOS',
  settings: Record<string, unknown>,
  context: TranslationContext,
): Translation {
  const reader = new SettingsReader(settings);
  const uuid = (suffix: string) => stableUuid(profile.id, profile.version, suffix);
  const result = FAMILY[family](reader, { platform, profile, context, uuid });
  const identifier = profileIdentifier(profile.id);
  return {
    platform,
    profile: configurationProfile({
      identifier,
      uuid: uuid('profile'),
      displayName: profile.displayName,
      ...(profile.description ? { description: profile.description } : {}),
      organization: context.organization,
      payloads: result.payloads.map((p) => ({ ...p, identifier: `${identifier}.${p.suffix}`, uuid: uuid(p.suffix) })),
    }),
    notApplicable: [...result.notApplicable, ...unusedAsNotApplicable(reader, platform)],
  };
}
