import type { ListQuery } from '../query/list-query.js';
import type { ManagedDevice } from './managed-device.js';

export interface Page<T> {
  items: T[];
  nextSkipToken?: string;
  count?: number;
}

export interface ManagedDeviceStore {
  list(query: ListQuery): Promise<Page<ManagedDevice>>;
  get(id: string): Promise<ManagedDevice | undefined>;
  /** Inserts or replaces a device record (enrollment and inventory write through this). */
  put(device: ManagedDevice): Promise<void>;
}
