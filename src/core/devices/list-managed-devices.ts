import { parseListQuery } from '../query/list-query.js';
import { managedDeviceSchema } from './managed-device-schema.js';
import type { ManagedDevice } from './managed-device.js';
import type { ManagedDeviceStore, Page } from './ports.js';
import type { Scope } from '../rbac/scope.js';

/** Lists managed devices with Graph's query options ($filter, $orderby, $top, $skiptoken, …). */
export async function listManagedDevices(
  deps: { devices: ManagedDeviceStore },
  input: { queryOptions: Readonly<Record<string, string | undefined>>; scope: Scope; userId?: string },
): Promise<Page<ManagedDevice> & { select?: string[] }> {
  const query = parseListQuery(input.queryOptions, managedDeviceSchema);
  const page = await deps.devices.list(query, input.scope, input.userId === undefined ? {} : { userId: input.userId });
  return query.select ? { ...page, select: query.select } : page;
}
