// What a Windows family translator receives and gives.
import type { DeviceConfiguration } from '../ports.js';
import type { NotApplicable, OmaDmSetting, SettingsReader, TranslationContext } from '../translation.js';

export interface WindowsTarget {
  profile: DeviceConfiguration;
  context: TranslationContext;
}

export interface WindowsFamilyResult {
  settings: OmaDmSetting[];
  notApplicable: NotApplicable[];
}

export type WindowsFamilyTranslator = (r: SettingsReader, target: WindowsTarget) => WindowsFamilyResult;
