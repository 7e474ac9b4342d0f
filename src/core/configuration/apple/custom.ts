// Graph's iosCustomConfiguration / macOSCustomConfiguration: a .mobileconfig the admin made. Its
// payloads go into Steward's profile as they are; a payload without PayloadType is refused.
import { invalidInput } from '../../errors.js';
import { parsePlist, type PlistDict, type PlistValue } from '../../../protocol/apple/plist.js';
import type { AppleFamilyTranslator } from './types.js';

const isDict = (v: PlistValue | undefined): v is PlistDict => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);

export function customPayloads(base64: string): (PlistDict & { PayloadType: string })[] {
  let value: PlistValue;
  try {
    value = parsePlist(Buffer.from(base64, 'base64'));
  } catch (e) {
    throw invalidInput(`payload is not a property list (.mobileconfig): ${(e as Error).message}`, 'payload');
  }
  if (!isDict(value)) throw invalidInput('payload must be a .mobileconfig dictionary.', 'payload');
  // A whole profile (TopLevel) contributes its payloads; a lone payload dictionary is itself one.
  const items = value.PayloadType === 'Configuration' ? value.PayloadContent : [value];
  if (!Array.isArray(items)) throw invalidInput('payload: the profile has no PayloadContent array.', 'payload');
  return items.map((p, n) => {
    if (!isDict(p) || typeof p.PayloadType !== 'string') throw invalidInput(`payload: item ${n} of PayloadContent has no PayloadType.`, 'payload');
    return { ...p, PayloadType: p.PayloadType };
  });
}

export const appleCustom: AppleFamilyTranslator = (r) => {
  r.touch('payloadName', 'payloadFileName');
  const payloads = customPayloads(r.str('payload') ?? '');
  return {
    payloads: payloads.map((p, n) => {
      const { PayloadType, PayloadIdentifier, PayloadDisplayName, PayloadUUID: _uuid, PayloadVersion: _v, ...content } = p;
      return {
        type: PayloadType,
        suffix: typeof PayloadIdentifier === 'string' ? `custom.${n}.${PayloadIdentifier}` : `custom.${n}`,
        displayName: typeof PayloadDisplayName === 'string' ? PayloadDisplayName : PayloadType,
        content,
      };
    }),
    notApplicable: [],
  };
};
