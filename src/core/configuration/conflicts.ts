// Conflicts: two profiles on one device that set one setting to different values. Settings are
// compared in their native form, so that two Graph types reaching the same node (a custom OMA-URI
// and a restriction) are caught too:
//   Windows  a LocURI (case-insensitive, ./Device/… as ./…) and its value; executed nodes are not settings
//   Apple    a key of a payload type a device applies once (restrictions, passcode), and its value;
//            payloads a device holds many of (Wi-Fi, VPN, mail accounts, certificates) never conflict
import type { PlistValue } from '../../protocol/apple/plist.js';
import type { DeliverySettingState } from './delivery-ports.js';
import type { Translation } from './translation.js';
import { nodeKey } from './native-command.js';

/** Apple payload types whose keys merge into one device-wide setting. */
const MERGED_APPLE_TYPES: ReadonlySet<string> = new Set(['com.apple.applicationaccess', 'com.apple.mobiledevice.passwordpolicy', 'com.apple.applicationaccess.new']);

/** A profile's comparable settings: native key → value as text. */
export type SettingFingerprint = ReadonlyMap<string, string>;

const plistText = (v: PlistValue): string => JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? Buffer.from(x).toString('base64') : typeof x === 'bigint' ? x.toString() : x));

export function fingerprint(t: Translation): SettingFingerprint {
  const out = new Map<string, string>();
  if (t.platform === 'windows') {
    for (const s of t.settings) if (!s.exec) out.set(nodeKey(s.locUri), s.value);
    return out;
  }
  const payloads = Array.isArray(t.profile.PayloadContent) ? t.profile.PayloadContent : [];
  for (const p of payloads) {
    if (typeof p !== 'object' || p === null || Array.isArray(p) || p instanceof Uint8Array || p instanceof Date || typeof p === 'bigint') continue;
    const dict = p;
    const type = dict.PayloadType;
    if (typeof type !== 'string' || !MERGED_APPLE_TYPES.has(type)) continue;
    for (const [k, v] of Object.entries(dict)) if (!k.startsWith('Payload')) out.set(`${type}/${k}`, plistText(v));
  }
  return out;
}

export interface ProfileSettings {
  id: string;
  displayName: string;
  settings: SettingFingerprint;
}

/**
 * The keys set to different values by two or more of these profiles (computed once per run over
 * every profile: a device can only conflict on these).
 */
export function contestedKeys(profiles: readonly ProfileSettings[]): Set<string> {
  const seen = new Map<string, string>();
  const out = new Set<string>();
  for (const p of profiles) {
    for (const [k, v] of p.settings) {
      const before = seen.get(k);
      if (before === undefined) seen.set(k, v);
      else if (before !== v) out.add(k);
    }
  }
  return out;
}

const nameOf = (key: string) => key.split('/').filter(Boolean).pop() ?? key;

/** The conflict setting states of each of a device's profiles, by profile id (only profiles with one). */
export function conflictsOn(profiles: readonly ProfileSettings[], contested: ReadonlySet<string>): Map<string, DeliverySettingState[]> {
  const out = new Map<string, DeliverySettingState[]>();
  if (contested.size === 0 || profiles.length < 2) return out;
  for (const key of contested) {
    const setting = profiles.filter((p) => p.settings.has(key));
    const values = new Set(setting.map((p) => p.settings.get(key)));
    if (values.size < 2) continue;
    const sources = setting.map((p) => ({ id: p.id, displayName: p.displayName }));
    for (const p of setting) {
      const others = setting.filter((o) => o !== p).map((o) => `'${o.displayName}' sets ${o.settings.get(key) ?? ''}`).join('; ');
      const list = out.get(p.id) ?? [];
      list.push({
        setting: key, settingName: nameOf(key), state: 'conflict', errorCode: 0, currentValue: p.settings.get(key) ?? null,
        errorDescription: `Conflicts with another profile on this device: ${others}.`, sources,
      });
      out.set(p.id, list);
    }
  }
  return out;
}
