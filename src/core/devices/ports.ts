import type { ListQuery } from '../query/list-query.js';
import type { Scope } from '../rbac/scope.js';
import type { ManagedDevice } from './managed-device.js';

export interface Page<T> {
  items: T[];
  nextSkipToken?: string;
  count?: number;
}

export interface ManagedDeviceStore {
  list(query: ListQuery, scope: Scope, options?: { userId?: string }): Promise<Page<ManagedDevice>>;
  get(id: string, scope: Scope): Promise<ManagedDevice | undefined>;
  getMany(ids: readonly string[], scope: Scope): Promise<ManagedDevice[]>;
  /**
   * Inserts or replaces a device record (enrollment and inventory write through this). Its scope
   * tags are left as they are: RbacStore.setObjectScopeTags changes them.
   */
  put(device: Omit<ManagedDevice, 'roleScopeTagIds'>): Promise<void>;
  /** Every device, a batch at a time (dynamic groups, sweeps). */
  batches(size: number): AsyncIterable<ManagedDevice[]>;
}
