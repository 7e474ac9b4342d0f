// Tenant-wide settings as key/value rows (tenant-settings.ts names the keys and checks the values).
export interface SettingsStore {
  /** The stored values of these keys; a key never set is absent from the map. */
  get(keys: readonly string[]): Promise<Map<string, unknown>>;
  /** Sets every key given, in one transaction. Values are JSON-compatible. */
  put(values: ReadonlyMap<string, unknown>, at: Date): Promise<void>;
}
