// What translating a profile gives, and the helpers every family translator shares: a reader that
// records which settings it used, so that every other setting the admin set is reported as
// notApplicable (never dropped in silence), and stable identifiers.
import { createHash } from 'node:crypto';
import { invalidInput } from '../errors.js';
import type { PlistDict } from '../../protocol/apple/plist.js';

/** A setting the target platform cannot apply, with why. */
export interface NotApplicable {
  setting: string;
  reason: string;
}

/** One OMA-DM setting: a Replace (or Add) of `locUri` with a value of the given format. */
export interface OmaDmSetting {
  locUri: string;
  format: 'chr' | 'int' | 'bool' | 'b64' | 'xml' | 'float';
  value: string;
  /** Set for values that must never be shown (a pre-shared key inside WlanXml, a SCEP challenge). */
  secret?: true;
  /** Nodes that are executed rather than replaced (ClientCertificateInstall/SCEP/…/Install/Enroll). */
  exec?: true;
}

export type Translation =
  | { platform: 'iOS' | 'macOS'; profile: PlistDict; notApplicable: NotApplicable[] }
  | { platform: 'windows'; settings: OmaDmSetting[]; notApplicable: NotApplicable[] };

/** Who the profile is for (per-user variables) and Steward's SCEP details, given at translation time. */
export interface TranslationContext {
  user?: { id: string; userPrincipalName: string; mail: string | null; displayName: string };
  device?: { id: string; deviceName: string | null; serialNumber: string | null };
  organization: string;
  /** A challenge for Steward's SCEP service and the CA's SHA-1 thumbprint (hex): needed by SCEP profiles. */
  scep?: { challenge: string; caThumbprint: string };
  /** A preview for no one in particular: per-user values a translator needs stay as variables. */
  preview?: true;
}

/**
 * Reads settings by name and remembers which were read. `unused()` lists the settings that were
 * set (see isSet) but never read: the translator could not apply them.
 */
export class SettingsReader {
  private readonly used = new Set<string>();
  constructor(readonly settings: Readonly<Record<string, unknown>>) {}

  raw(name: string): unknown {
    this.used.add(name);
    return this.settings[name];
  }
  str(name: string): string | undefined {
    const v = this.raw(name);
    return typeof v === 'string' && v !== '' ? v : undefined;
  }
  bool(name: string): boolean | undefined {
    const v = this.raw(name);
    return typeof v === 'boolean' ? v : undefined;
  }
  /** True only when the setting is true (Graph's "…Blocked: false" means not configured). */
  on(name: string): boolean {
    return this.bool(name) === true;
  }
  int(name: string): number | undefined {
    const v = this.raw(name);
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  }
  strings(name: string): string[] {
    const v = this.raw(name);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];
  }
  objects(name: string): Record<string, unknown>[] {
    const v = this.raw(name);
    return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)) : [];
  }
  object(name: string): Record<string, unknown> | undefined {
    const v = this.raw(name);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : undefined;
  }
  /** Marks settings as handled without reading them (for instance, reported notApplicable by the translator). */
  touch(...names: string[]): void {
    for (const n of names) this.used.add(n);
  }
  unused(): string[] {
    return Object.keys(this.settings).filter((k) => !this.used.has(k) && !IGNORED.has(k) && isSet(this.settings[k])).sort();
  }
}

/** Profile metadata, not settings: never reported notApplicable. */
const IGNORED = new Set([
  'deviceManagementApplicabilityRuleOsEdition', 'deviceManagementApplicabilityRuleOsVersion',
  'deviceManagementApplicabilityRuleDeviceMode', 'deploymentChannel', 'supportsScopeTags',
]);

/** Enum members that mean "leave the device's own behaviour": not a setting to apply. */
const NOT_CONFIGURED = new Set(['notConfigured', 'userDefined', 'deviceDefault']);

/** Whether the admin set this value: not null, false, empty or an enum's "not configured" member. */
export function isSet(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === '') return false;
  if (typeof v === 'string') return !NOT_CONFIGURED.has(v);
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.values(v).some(isSet);
  return true;
}

export function unusedAsNotApplicable(reader: SettingsReader, platform: string): NotApplicable[] {
  return reader.unused().map((setting) => ({ setting, reason: `Steward has no ${platform} equivalent for this setting.` }));
}

/** A UUID derived from the inputs (same inputs, same UUID), in RFC 4122 form with version 5 bits. */
export function stableUuid(...parts: (string | number)[]): string {
  const h = createHash('sha1').update(parts.join('\u0000')).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex').toUpperCase();
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** Decodes a certificate given as base64 DER or as PEM; throws invalid-input naming the setting. */
export function certificateDer(value: string, setting: string): Buffer {
  const body = value.includes('-----BEGIN') ? value.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '') : value;
  const der = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  // A DER certificate is a SEQUENCE (0x30) with a long-form length.
  if (der.length < 64 || der[0] !== 0x30) throw invalidInput(`${setting} is not a DER certificate in base64 (or PEM).`, setting);
  return der;
}
