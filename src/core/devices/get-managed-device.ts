import { notFound } from '../errors.js';
import type { ManagedDevice } from './managed-device.js';
import type { ManagedDeviceStore } from './ports.js';

export async function getManagedDevice(deps: { devices: ManagedDeviceStore }, input: { id: string }): Promise<ManagedDevice> {
  const device = await deps.devices.get(input.id);
  // The same answer for a device that does not exist and (once scopes exist) one out of scope.
  if (!device) throw notFound(`managedDevice ${input.id} was not found.`, 'id');
  return device;
}
