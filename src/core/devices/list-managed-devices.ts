import { parseListQuery } from '../query/list-query.js';
import { managedDeviceSchema } from './managed-device-schema.js';
import type { ManagedDevice } from './managed-device.js';
import type { ManagedDeviceStore, Page } from './ports.js';

/** Lists managed devices with Graph's query options ($filter, $orderby, $top, $skiptoken, …). */
export async function listManagedDevices(
  deps: { devices: ManagedDeviceStore },
  input: { queryOptions: Readonly<Record<string, string | undefined>> },
): Promise<Page<ManagedDevice> & { select?: string[] }> {
  const query = parseListQuery(input.queryOptions, managedDeviceSchema);
  const page = await deps.devices.list(query);
  return query.select ? { ...page, select: query.select } : page;
}
