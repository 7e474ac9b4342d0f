// Every migration, in order. Names sort lexically; never rename or edit one that has shipped.
import type { StewardMigration } from './types.js';
import { migration as m0001 } from './0001-managed-devices.js';

export const migrations: Record<string, StewardMigration> = {
  '0001-managed-devices': m0001,
};
