// A profile as Graph JSON, with every secret masked: what responses and audit entries carry.
import { MASK, SECRET_PROPERTIES } from './catalog.js';
import type { DeviceConfiguration } from './ports.js';

/** Secrets replaced by '****' (when set); encrypted OMA-URI values too, as Graph answers them. */
export function maskSecrets(settings: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(settings)) {
    if (SECRET_PROPERTIES.has(k)) out[k] = v === null || v === undefined ? null : MASK;
    else if (k === 'omaSettings' && Array.isArray(v)) {
      out[k] = (v as Record<string, unknown>[]).map((s) => (s.isEncrypted === true && 'value' in s ? { ...s, value: MASK } : s));
    } else out[k] = v;
  }
  return out;
}

export function presentDeviceConfiguration(p: DeviceConfiguration): Record<string, unknown> {
  return {
    '@odata.type': `#microsoft.graph.${p.odataType}`,
    id: p.id,
    displayName: p.displayName,
    description: p.description,
    version: p.version,
    createdDateTime: p.createdDateTime,
    lastModifiedDateTime: p.lastModifiedDateTime,
    roleScopeTagIds: p.roleScopeTagIds,
    supportsScopeTags: true,
    ...maskSecrets(p.settings),
  };
}
