// The core's view of everything it runs on: the ports, a clock, and what derives from them.
import type { Clock } from './clock.js';
import type { ManagedDeviceStore } from './devices/ports.js';
import type { GroupStore, UserStore } from './directory/ports.js';
import type { ApiClientStore, RbacStore } from './rbac/model.js';
import type { AuditLog } from './audit/ports.js';
import type { SigningKeyStore } from './auth/access-tokens.js';
import type { CredentialStore, SessionStore } from './auth/sign-in-ports.js';
import type { SettingsStore } from './settings/ports.js';
import type { CommandQueue } from './commands/ports.js';
import type { ScepStore } from './scep/ports.js';
import type { AppleEnrollmentStore, EnrollmentProfileStore, WindowsEnrollmentStore } from './enrollment/ports.js';
import type { WindowsSignInTokenStore } from './enrollment/windows-ports.js';
import type { DeviceWaker, PushCertificateStore } from './push/ports.js';
import type { DeviceActionStore, DeviceRecordRemover } from './actions/ports.js';
import type { DeviceInventoryStore } from './apple/inventory-ports.js';
import type { WindowsInventoryStore } from './windows/inventory-ports.js';
import type { WnsDeviceSettings } from './windows/wns-channel.js';
import type { DeviceConfigurationStore } from './configuration/ports.js';
import { membershipEngine, type MembershipEngine } from './directory/dynamic-membership.js';
import type { CompliancePolicyStore, ComplianceStateStore } from './compliance/ports.js';
import { reevaluateDevices } from './compliance/reevaluate.js';

export interface CorePorts {
  devices: ManagedDeviceStore;
  users: UserStore;
  groups: GroupStore;
  rbac: RbacStore;
  apiClients: ApiClientStore;
  auditLog: AuditLog;
  keys: SigningKeyStore;
  credentials: CredentialStore;
  sessions: SessionStore;
  commands: CommandQueue;
  settings: SettingsStore;
  scep: ScepStore;
  enrollmentProfiles: EnrollmentProfileStore;
  appleEnrollments: AppleEnrollmentStore;
  pushCertificates: PushCertificateStore;
  windowsEnrollments: WindowsEnrollmentStore;
  windowsSignInTokens: WindowsSignInTokenStore;
  deviceActions: DeviceActionStore;
  deviceRecords: DeviceRecordRemover;
  deviceInventory: DeviceInventoryStore;
  windowsInventory: WindowsInventoryStore;
  compliancePolicies: CompliancePolicyStore;
  complianceStates: ComplianceStateStore;
  deviceConfigurations: DeviceConfigurationStore;
}

export interface Core extends CorePorts {
  clock: Clock;
  memberships: MembershipEngine;
  /** Wakes devices after commands are queued for them; does nothing unless the composition root gives one. */
  waker: DeviceWaker;
  /** WNS, when configured: Windows PCs are given its PFN and report a channel to be woken through. */
  wns?: WnsDeviceSettings;
  /** Called by the platforms' result handlers once a device's inventory is stored: re-evaluates its compliance. */
  afterInventory: (deviceIds: readonly string[]) => Promise<void>;
}

/** Tests and tools that push nothing. */
const noWaker: DeviceWaker = { wake: () => Promise.resolve() };

export function makeCore(ports: CorePorts, clock: Clock, extras: { waker?: DeviceWaker; wns?: WnsDeviceSettings } = {}): Core {
  return {
    ...ports, clock, memberships: membershipEngine({ ...ports, clock }), waker: extras.waker ?? noWaker,
    ...(extras.wns === undefined ? {} : { wns: extras.wns }),
    afterInventory: (deviceIds) => reevaluateDevices({ ...ports, clock }, deviceIds),
  };
}
