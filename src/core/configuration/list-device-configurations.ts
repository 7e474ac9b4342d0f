// GET deviceConfigurations with Graph's query options ($filter, $orderby, $top, $skiptoken, $count,
// $select) over the base type's properties, limited to the profiles whose scope tags the caller holds.
import { listPolicyPage, policyListSchema } from '../assignments/list-query.js';
import type { Page } from '../devices/ports.js';
import type { Scope } from '../rbac/scope.js';
import type { DeviceConfiguration, DeviceConfigurationStore } from './ports.js';

export const deviceConfigurationSchema = policyListSchema('deviceConfiguration', { created: 'created_at', modified: 'modified_at' });

export function listDeviceConfigurationPage(
  deps: { deviceConfigurations: DeviceConfigurationStore },
  input: { queryOptions: Readonly<Record<string, string | undefined>>; scope: Scope },
): Promise<Page<DeviceConfiguration> & { select?: string[] }> {
  return listPolicyPage(deps.deviceConfigurations, deviceConfigurationSchema, input);
}
