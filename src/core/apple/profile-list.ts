// ProfileList answers as inventory. Pure. Keys are Apple's ("Profile List Command").
import type { JsonValue } from '../commands/ports.js';
import type { InstalledProfile } from './inventory-ports.js';
import { arr, bool, dictOf, text } from './json-read.js';

export function installedProfiles(response: JsonValue | undefined): InstalledProfile[] | undefined {
  const list = arr(dictOf(response) ?? {}, 'ProfileList');
  if (!list) return undefined;
  return list.flatMap((item): InstalledProfile[] => {
    const p = dictOf(item);
    const identifier = p && text(p, 'PayloadIdentifier');
    if (!p || identifier === undefined) return [];
    const payloadTypes = (arr(p, 'PayloadContent') ?? []).map((c) => text(dictOf(c) ?? {}, 'PayloadType')).filter((t): t is string => t !== undefined);
    return [{
      identifier,
      uuid: text(p, 'PayloadUUID') ?? '',
      displayName: text(p, 'PayloadDisplayName') ?? null,
      organization: text(p, 'PayloadOrganization') ?? null,
      isManaged: bool(p, 'IsManaged') ?? false,
      isEncrypted: bool(p, 'IsEncrypted') ?? false,
      removalDisallowed: bool(p, 'PayloadRemovalDisallowed') ?? false,
      payloadTypes: [...new Set(payloadTypes)],
    }];
  });
}
