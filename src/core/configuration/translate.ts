// The one entry point: a stored profile and who it is for → the native form of its platform.
// Variables are substituted first, so every translator sees the user's own values.
import { SUPPORTED_TYPES } from './catalog.js';
import { invalidInput } from '../errors.js';
import type { DeviceConfiguration } from './ports.js';
import { translateForApple } from './apple/translate.js';
import { translateForWindows } from './windows/translate.js';
import type { Translation, TranslationContext } from './translation.js';
import { substituteVariables } from './variables.js';

export function translateConfiguration(profile: DeviceConfiguration, context: TranslationContext, options: { keepUnresolvedVariables?: boolean } = {}): Translation {
  const type = SUPPORTED_TYPES[profile.odataType];
  if (!type) throw invalidInput(`#microsoft.graph.${profile.odataType} has no translation.`, '@odata.type');
  const settings = substituteVariables(profile.settings, context, options.keepUnresolvedVariables === true);
  return type.platform === 'windows'
    ? translateForWindows(profile, type.family, settings, context)
    : translateForApple(profile, type.family, type.platform, settings, context);
}
