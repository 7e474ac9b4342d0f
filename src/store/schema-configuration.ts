// Tables of migrations/0016-configuration.ts; schema.ts adds them to Schema.

/** Configuration profiles (Graph's deviceConfigurations). */
export interface DeviceConfigurationsTable {
  id: string;
  /** Graph type name without namespace ('iosWiFiConfiguration'). */
  odata_type: string;
  display_name: string;
  description: string | null;
  version: number;
  /** JSON object: the type's own properties. Holds secrets (preSharedKey): never selected for a response as is. */
  settings: string;
  /** JSON array of scope tag ids. */
  role_scope_tag_ids: string;
  created_at: string;
  modified_at: string;
}
