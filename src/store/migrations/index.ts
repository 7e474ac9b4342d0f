// Every migration, in order. Names sort lexically; never rename or edit one that has shipped.
import type { StewardMigration } from './types.js';
import { migration as m0001 } from './0001-managed-devices.js';
import { migration as m0002 } from './0002-directory.js';
import { migration as m0003 } from './0003-rbac.js';
import { migration as m0004 } from './0004-audit.js';
import { migration as m0005 } from './0005-signing-keys.js';
import { migration as m0006 } from './0006-sessions.js';
import { migration as m0007 } from './0007-scope-tags.js';
import { migration as m0008 } from './0008-command-queue.js';
import { migration as m0009 } from './0009-scep.js';
import { migration as m0010 } from './0010-enrollment.js';
import { migration as m0011 } from './0011-push-certificate.js';
import { migration as m0012 } from './0012-device-inventory.js';
import { migration as m0013 } from './0013-windows-enrollment.js';
import { migration as m0014 } from './0014-windows-inventory.js';
import { migration as m0015 } from './0015-compliance.js';
import { migration as m0016 } from './0016-configuration.js';
import { migration as m0017 } from './0017-wns.js';
import { migration as m0018 } from './0018-configuration-delivery.js';
import { migration as m0019 } from './0019-compliance-actions.js';
import { migration as m0020 } from './0020-compliance-state-writes.js';

export const migrations: Record<string, StewardMigration> = {
  '0001-managed-devices': m0001,
  '0002-directory': m0002,
  '0003-rbac': m0003,
  '0004-audit': m0004,
  '0005-signing-keys': m0005,
  '0006-sessions': m0006,
  '0007-scope-tags': m0007,
  '0008-command-queue': m0008,
  '0009-scep': m0009,
  '0010-enrollment': m0010,
  '0011-push-certificate': m0011,
  '0012-device-inventory': m0012,
  '0013-windows-enrollment': m0013,
  '0014-windows-inventory': m0014,
  '0015-compliance': m0015,
  '0016-configuration': m0016,
  '0017-wns': m0017,
  '0018-configuration-delivery': m0018,
  '0019-compliance-actions': m0019,
  '0020-compliance-state-writes': m0020,
};
