// stewardPreview (a Steward extension): the native form a profile translates to, for admins to
// read, with every secret masked. Made for no one in particular: per-user variables stay as
// written, and the SCEP challenge is a placeholder.
import { encodePlist, type PlistValue } from '../../protocol/apple/plist.js';
import { invalidInput } from '../errors.js';
import { isSecretName } from '../secrets.js';
import { MASK, SUPPORTED_TYPES, type ConfigurationPlatform } from './catalog.js';
import type { DeviceConfiguration } from './ports.js';
import { translateConfiguration } from './translate.js';
import type { NotApplicable, OmaDmSetting } from './translation.js';

export type ConfigurationPreview =
  | { platform: 'iOS' | 'macOS'; format: 'plist'; content: string; notApplicable: NotApplicable[] }
  | { platform: 'windows'; format: 'omaDm'; settings: OmaDmSetting[]; notApplicable: NotApplicable[] };

/** Secret-named string and data values (Password, Challenge, SharedSecret…) replaced by the mask, at any depth. */
function maskPlist(v: PlistValue, key = ''): PlistValue {
  if ((typeof v === 'string' || v instanceof Uint8Array) && isSecretName(key)) return MASK;
  if (Array.isArray(v)) return v.map((x) => maskPlist(x));
  if (typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof Date) && typeof v !== 'bigint') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskPlist(x, k)]));
  }
  return v;
}

function maskSetting(s: OmaDmSetting): OmaDmSetting {
  if (!s.secret) return s;
  // The pre-shared key sits inside the WLAN profile XML: mask it there, keep the rest readable.
  if (s.locUri.endsWith('/WlanXml')) return { ...s, value: s.value.replace(/<keyMaterial>[^<]*<\/keyMaterial>/g, `<keyMaterial>${MASK}</keyMaterial>`) };
  return { ...s, value: MASK };
}

export function previewConfiguration(profile: DeviceConfiguration, input: { platform?: string; organization: string }): ConfigurationPreview {
  const type = SUPPORTED_TYPES[profile.odataType];
  if (!type) throw invalidInput(`#microsoft.graph.${profile.odataType} has no translation.`, '@odata.type');
  const platforms: ConfigurationPlatform[] = ['iOS', 'macOS', 'windows'];
  if (input.platform !== undefined && !platforms.includes(input.platform as ConfigurationPlatform)) {
    throw invalidInput(`platform must be one of ${platforms.join(', ')}.`, 'platform');
  }
  if (input.platform !== undefined && input.platform !== type.platform) {
    throw invalidInput(`${profile.odataType} is a ${type.platform} profile; it has no ${input.platform} form.`, 'platform');
  }
  const t = translateConfiguration(profile, {
    organization: input.organization,
    preview: true,
    scep: { challenge: MASK, caThumbprint: "(the thumbprint of Steward's CA)" },
  }, { keepUnresolvedVariables: true });
  if (t.platform === 'windows') return { platform: 'windows', format: 'omaDm', settings: t.settings.map(maskSetting), notApplicable: t.notApplicable };
  return { platform: t.platform, format: 'plist', content: new TextDecoder().decode(encodePlist(maskPlist(t.profile))), notApplicable: t.notApplicable };
}
