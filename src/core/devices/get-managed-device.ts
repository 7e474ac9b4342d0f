import { notFound } from '../errors.js';
import type { ManagedDevice } from './managed-device.js';
import type { ManagedDeviceStore } from './ports.js';
import type { Scope } from '../rbac/scope.js';

export async function getManagedDevice(deps: { devices: ManagedDeviceStore }, input: { id: string; scope: Scope }): Promise<ManagedDevice> {
  const device = await deps.devices.get(input.id, input.scope);
  // The same answer for a device that does not exist and one out of the caller's scope.
  if (!device) throw notFound(`managedDevice ${input.id} was not found.`, 'id');
  return device;
}
