// Tenant-wide settings. Intune keeps them in Graph's deviceManagement.settings
// (microsoft.graph.deviceManagementSettings); Steward stores each as one row of a key/value table
// and adds its own, named with a `steward` prefix so that they cannot collide with a property
// Microsoft adds later.
import type { Clock } from '../clock.js';
import { invalidInput } from '../errors.js';
import type { SettingsStore } from './ports.js';

export interface TenantSettings {
  /** Days a device may go without checking in before it is non-compliant (Intune: 1–120, default 30). */
  deviceComplianceCheckinThresholdDays: number;
  isScheduledActionEnabled: boolean;
  /** Intune's "Mark devices with no compliance policy assigned as": true = Not compliant. */
  secureByDefault: boolean;
  /**
   * Steward extension: people without an admin role must also set up an authenticator app (TOTP)
   * and use it at every sign-in. Admins always must. (Not named …Totp…: core/secrets.ts would
   * mask the setting's value in the audit log and the logs.)
   */
  stewardRequireAuthenticatorForUsers: boolean;
}

export const defaultTenantSettings: Readonly<TenantSettings> = {
  deviceComplianceCheckinThresholdDays: 30,
  isScheduledActionEnabled: true,
  secureByDefault: false,
  stewardRequireAuthenticatorForUsers: false,
};

export const CHECKIN_THRESHOLD_DAYS = { min: 1, max: 120 } as const;

const PREFIX = 'deviceManagement.settings.';
const names = Object.keys(defaultTenantSettings) as (keyof TenantSettings)[];

function isValid<K extends keyof TenantSettings>(name: K, value: unknown): value is TenantSettings[K] {
  const expected = typeof defaultTenantSettings[name];
  if (typeof value !== expected) return false;
  if (name === 'deviceComplianceCheckinThresholdDays') {
    const n = value as number;
    return Number.isInteger(n) && n >= CHECKIN_THRESHOLD_DAYS.min && n <= CHECKIN_THRESHOLD_DAYS.max;
  }
  return true;
}

export async function readTenantSettings(deps: { settings: SettingsStore }): Promise<TenantSettings> {
  const stored = await deps.settings.get(names.map((n) => PREFIX + n));
  const out: Record<string, unknown> = { ...defaultTenantSettings };
  // A value that is not valid (written by hand, or by a version with other rules) falls back to
  // the default rather than failing every request that reads the settings.
  for (const n of names) {
    const v = stored.get(PREFIX + n);
    if (isValid(n, v)) out[n] = v;
  }
  return out as unknown as TenantSettings;
}

/** Applies `changes` (each checked) and returns the settings before and after. */
export async function updateTenantSettings(
  deps: { settings: SettingsStore; clock: Clock },
  changes: Partial<TenantSettings>,
): Promise<{ before: TenantSettings; after: TenantSettings }> {
  const values = new Map<string, unknown>();
  for (const n of names) {
    if (!Object.hasOwn(changes, n) || changes[n] === undefined) continue;
    const v = changes[n];
    if (!isValid(n, v)) {
      const what = n === 'deviceComplianceCheckinThresholdDays'
        ? `a whole number of days from ${CHECKIN_THRESHOLD_DAYS.min} to ${CHECKIN_THRESHOLD_DAYS.max}`
        : `a ${typeof defaultTenantSettings[n]}`;
      throw invalidInput(`settings.${n} must be ${what}.`, `settings.${n}`);
    }
    values.set(PREFIX + n, v);
  }
  const before = await readTenantSettings(deps);
  if (values.size > 0) await deps.settings.put(values, deps.clock.now());
  return { before, after: await readTenantSettings(deps) };
}
