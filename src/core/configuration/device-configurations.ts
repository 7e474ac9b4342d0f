// Use cases of Graph's deviceConfigurations: create, read, update and delete configuration
// profiles, validated against Graph's types. Secrets are stored for translation and never
// presented (present.ts masks them).
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { invalidInput, notFound, StewardError } from '../errors.js';
import { heldScopeTags, type Scope } from '../rbac/scope.js';
import { MASK, SECRET_PROPERTIES, SUPPORTED_TYPES, SUPPORTED_TYPE_NAMES, type SupportedType } from './catalog.js';
import { checkFamily } from './checks.js';
import type { DeviceConfiguration, DeviceConfigurationStore } from './ports.js';
import { validateConfigurationBody } from './validate.js';

export interface DeviceConfigurationDeps {
  deviceConfigurations: DeviceConfigurationStore;
  clock: Clock;
}

export function supportedType(type: string): SupportedType {
  const t = SUPPORTED_TYPES[type];
  if (!t) throw invalidInput(`@odata.type #microsoft.graph.${type} is not supported by Steward; supported types: ${SUPPORTED_TYPE_NAMES.join(', ')}.`, '@odata.type');
  return t;
}

export function configurationVisible(p: DeviceConfiguration, scope: Scope): boolean {
  const held = heldScopeTags(scope);
  return held === 'all' || p.roleScopeTagIds.some((t) => held.has(t));
}

function splitCommon(type: string, props: Record<string, unknown>) {
  const { displayName, description, roleScopeTagIds, ...settings } = props;
  if (displayName !== undefined && (typeof displayName !== 'string' || displayName.trim() === '' || displayName.length > 1000)) {
    throw invalidInput('displayName must be 1 to 1000 characters.', 'displayName');
  }
  if (description !== undefined && description !== null && (typeof description !== 'string' || description.length > 1500)) {
    throw invalidInput('description must be at most 1500 characters.', 'description');
  }
  return {
    displayName,
    description,
    roleScopeTagIds: roleScopeTagIds === null ? undefined : roleScopeTagIds as string[] | undefined,
    settings: settings,
    type,
  };
}

function checkTags(tags: string[], scope: Scope): string[] {
  const unique = [...new Set(tags)];
  if (unique.length === 0 || unique.length > 100) throw invalidInput('roleScopeTagIds must hold 1 to 100 scope tag ids.', 'roleScopeTagIds');
  const held = heldScopeTags(scope);
  const foreign = held === 'all' ? undefined : unique.find((t) => !held.has(t));
  if (foreign !== undefined) throw invalidInput(`roleScopeTagIds: you do not hold scope tag ${foreign}.`, 'roleScopeTagIds');
  return unique;
}

export async function createDeviceConfiguration(
  deps: DeviceConfigurationDeps,
  input: { type: string; body: Record<string, unknown>; scope: Scope },
): Promise<DeviceConfiguration> {
  const { family } = supportedType(input.type);
  const common = splitCommon(input.type, validateConfigurationBody(input.type, input.body));
  if (common.displayName === undefined) throw invalidInput('displayName is required.', 'displayName');
  checkFamily(family, common.settings, input.type);
  const held = heldScopeTags(input.scope);
  const now = deps.clock.now().toISOString();
  const profile: DeviceConfiguration = {
    id: randomUUID(),
    odataType: input.type,
    displayName: common.displayName.trim(),
    description: common.description ?? null,
    version: 1,
    createdDateTime: now,
    lastModifiedDateTime: now,
    roleScopeTagIds: checkTags(common.roleScopeTagIds ?? (held === 'all' ? ['0'] : [...held].slice(0, 100)), input.scope),
    settings: common.settings,
  };
  await deps.deviceConfigurations.create(profile);
  return profile;
}

export async function getDeviceConfiguration(deps: DeviceConfigurationDeps, input: { id: string; scope: Scope }): Promise<DeviceConfiguration> {
  const p = await deps.deviceConfigurations.get(input.id);
  if (!p || !configurationVisible(p, input.scope)) throw notFound(`deviceConfiguration ${input.id} was not found.`, 'id');
  return p;
}

export async function listDeviceConfigurations(deps: DeviceConfigurationDeps, input: { scope: Scope }): Promise<DeviceConfiguration[]> {
  return (await deps.deviceConfigurations.list()).filter((p) => configurationVisible(p, input.scope));
}

/** PATCH: the type cannot change; a secret sent back masked ('****') keeps its stored value. */
export async function updateDeviceConfiguration(
  deps: DeviceConfigurationDeps,
  input: { id: string; type?: string; changes: Record<string, unknown>; scope: Scope },
): Promise<{ before: DeviceConfiguration; after: DeviceConfiguration }> {
  const before = await getDeviceConfiguration(deps, input);
  if (input.type !== undefined && input.type !== before.odataType) {
    throw invalidInput(`@odata.type cannot change from #microsoft.graph.${before.odataType}.`, '@odata.type');
  }
  const { family } = supportedType(before.odataType);
  const common = splitCommon(before.odataType, validateConfigurationBody(before.odataType, input.changes));
  const changes = Object.fromEntries(Object.entries(common.settings).filter(([k, v]) => !(SECRET_PROPERTIES.has(k) && v === MASK)));
  const settings = { ...before.settings, ...changes };
  checkFamily(family, settings, before.odataType);
  const next: DeviceConfiguration = {
    ...before,
    displayName: common.displayName?.trim() ?? before.displayName,
    description: common.description === undefined ? before.description : common.description,
    roleScopeTagIds: common.roleScopeTagIds ? checkTags(common.roleScopeTagIds, input.scope) : before.roleScopeTagIds,
    settings,
    version: before.version + 1,
    lastModifiedDateTime: deps.clock.now().toISOString(),
  };
  const after = await deps.deviceConfigurations.update(next, before.version);
  if (!after) throw new StewardError('conflict', `deviceConfiguration ${input.id} changed meanwhile; read it again and retry.`, 'id');
  return { before, after };
}

export async function deleteDeviceConfiguration(deps: DeviceConfigurationDeps, input: { id: string; scope: Scope }): Promise<DeviceConfiguration> {
  const p = await getDeviceConfiguration(deps, input);
  if (!(await deps.deviceConfigurations.delete(p.id))) throw notFound(`deviceConfiguration ${input.id} was not found.`, 'id');
  return p;
}
