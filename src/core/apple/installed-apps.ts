// InstalledApplicationList and ManagedApplicationList answers as inventory. Pure. Keys are Apple's
// ("Installed Application List Command", "Managed Application List Command").
import type { JsonValue } from '../commands/ports.js';
import type { InstalledApp, ManagedAppState } from './inventory-ports.js';
import { arr, dictOf, num, text } from './json-read.js';

/**
 * The apps of an InstalledApplicationList answer, one per identifier and version (a Mac can hold
 * two copies of one app). Size is the bundle plus its data (BundleSize + DynamicSize).
 */
export function installedApps(response: JsonValue | undefined): InstalledApp[] | undefined {
  const list = arr(dictOf(response) ?? {}, 'InstalledApplicationList');
  if (!list) return undefined;
  const seen = new Set<string>();
  const apps: InstalledApp[] = [];
  for (const item of list) {
    const a = dictOf(item);
    if (!a) continue;
    const name = text(a, 'Name');
    const identifier = text(a, 'Identifier') ?? name;
    if (identifier === undefined) continue;
    const build = text(a, 'Version');
    const version = text(a, 'ShortVersion') ?? build ?? '';
    const key = `${identifier}\u0000${version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const size = (num(a, 'BundleSize') ?? 0) + (num(a, 'DynamicSize') ?? 0);
    apps.push({ identifier, displayName: name ?? null, version, buildVersion: build ?? null, sizeInBytes: Math.max(0, Math.round(size)) });
  }
  return apps;
}

/** The managed apps of a ManagedApplicationList answer (a dictionary keyed by bundle identifier). */
export function managedApps(response: JsonValue | undefined): ManagedAppState[] | undefined {
  const list = dictOf(dictOf(response)?.ManagedApplicationList);
  if (!list) return undefined;
  return Object.entries(list).flatMap(([identifier, v]) => {
    const a = dictOf(v);
    if (!a) return [];
    return [{ identifier, status: text(a, 'Status') ?? 'Unknown', managementFlags: num(a, 'ManagementFlags') ?? 0 }];
  }).sort((x, y) => x.identifier.localeCompare(y.identifier));
}
