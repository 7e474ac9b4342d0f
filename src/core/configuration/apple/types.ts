// What an Apple family translator receives and gives.
import type { PlistDict } from '../../../protocol/apple/plist.js';
import type { DeviceConfiguration } from '../ports.js';
import type { NotApplicable, SettingsReader, TranslationContext } from '../translation.js';

export interface AppleTarget {
  platform: 'iOS' | 'macOS';
  profile: DeviceConfiguration;
  context: TranslationContext;
  /** This profile version's UUID for the payload named `suffix`. */
  uuid(suffix: string): string;
}

export interface ApplePayloadPart {
  type: string;
  /** Last part of the PayloadIdentifier: unique within the profile. */
  suffix: string;
  displayName: string;
  content: PlistDict;
}

export interface AppleFamilyResult {
  payloads: ApplePayloadPart[];
  notApplicable: NotApplicable[];
}

export type AppleFamilyTranslator = (r: SettingsReader, target: AppleTarget) => AppleFamilyResult;
