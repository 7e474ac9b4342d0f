// Configuration profiles (Graph's deviceConfigurations): what an admin stored, platform-neutral.
// Translation to each platform's native form lives beside (apple/, windows/); delivery comes later.
import type { Page } from '../devices/ports.js';
import type { ListQuery } from '../query/list-query.js';

/** A stored profile: the common deviceConfiguration properties, and the type's own settings as Graph JSON. */
export interface DeviceConfiguration {
  id: string;
  /** Graph type name without the namespace: 'iosWiFiConfiguration'. */
  odataType: string;
  displayName: string;
  description: string | null;
  /** Starts at 1; every update adds one (Apple's PayloadUUID changes with it). */
  version: number;
  createdDateTime: string;
  lastModifiedDateTime: string;
  roleScopeTagIds: string[];
  /** Every other property, validated against Graph's type; secrets included (never presented). */
  settings: Record<string, unknown>;
}

export interface DeviceConfigurationStore {
  create(profile: DeviceConfiguration): Promise<void>;
  get(id: string): Promise<DeviceConfiguration | undefined>;
  list(): Promise<DeviceConfiguration[]>;
  /** A page of the profiles carrying one of the held scope tags, by Graph's query options (deviceConfigurationSchema). */
  page(query: ListQuery, heldTags: 'all' | ReadonlySet<string>): Promise<Page<DeviceConfiguration>>;
  /** Replaces the row when its stored version is `expectedVersion`; undefined when gone or changed meanwhile. */
  update(profile: DeviceConfiguration, expectedVersion: number): Promise<DeviceConfiguration | undefined>;
  delete(id: string): Promise<boolean>;
}
