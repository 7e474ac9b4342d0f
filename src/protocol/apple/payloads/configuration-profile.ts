// A configuration profile (Apple's TopLevel "Configuration" dictionary) around payloads, and the
// keys every payload carries (CommonPayloadKeys). Pure: callers give identifiers and UUIDs.
// Reference: Apple's device-management schema, mdm/profiles/TopLevel.yaml and CommonPayloadKeys.yaml.
import type { PlistDict } from '../plist.js';

export interface PayloadInput {
  /** PayloadType: 'com.apple.wifi.managed'. */
  type: string;
  identifier: string;
  uuid: string;
  displayName: string;
  /** The payload's own keys. */
  content: PlistDict;
}

export interface ConfigurationProfileInput {
  identifier: string;
  uuid: string;
  displayName: string;
  description?: string;
  organization: string;
  payloads: readonly PayloadInput[];
}

export function payload(p: PayloadInput): PlistDict {
  return {
    ...p.content,
    PayloadType: p.type,
    PayloadVersion: 1,
    PayloadIdentifier: p.identifier,
    PayloadUUID: p.uuid,
    PayloadDisplayName: p.displayName,
  };
}

export function configurationProfile(input: ConfigurationProfileInput): PlistDict {
  return {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: input.identifier,
    PayloadUUID: input.uuid,
    PayloadDisplayName: input.displayName,
    ...(input.description ? { PayloadDescription: input.description } : {}),
    PayloadOrganization: input.organization,
    PayloadScope: 'System',
    PayloadContent: input.payloads.map(payload),
  };
}
