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
import type { DeviceActionQueue } from './actions/run-bulk-device-action.js';
import type { DeviceInventoryStore } from './apple/inventory-ports.js';
import type { WindowsInventoryStore } from './windows/inventory-ports.js';
import type { WnsDeviceSettings } from './windows/wns-channel.js';
import type { DeviceConfigurationStore } from './configuration/ports.js';
import type { ConfigurationDeliveryStore } from './configuration/delivery-ports.js';
import type { ConfigurationDeliverySettings } from './configuration/native-command.js';
import { reconcileDevices } from './configuration/reconcile.js';
import { reconcileForMembership } from './configuration/reconcile-triggers.js';
import { membershipEngine, type MembershipEngine } from './directory/dynamic-membership.js';
import type { CompliancePolicyStore, ComplianceStateStore } from './compliance/ports.js';
import { reevaluateDevices, reevaluateForMembership } from './compliance/reevaluate.js';
import type { ComplianceActionStore } from './compliance/action-ports.js';
import { carryOutComplianceActions } from './compliance/noncompliance-actions.js';
import type { NotificationTemplateStore } from './notifications/template.js';
import type { MailSender } from './notifications/ports.js';
import { notifyingGroupStore, type MembershipListener } from './directory/membership-changes.js';
import { notifyingUserStore, type UsersListener } from './directory/user-changes.js';

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
  /** Many devices' remote actions in one transaction (executeAction). */
  actionQueue: DeviceActionQueue;
  deviceRecords: DeviceRecordRemover;
  deviceInventory: DeviceInventoryStore;
  windowsInventory: WindowsInventoryStore;
  compliancePolicies: CompliancePolicyStore;
  complianceStates: ComplianceStateStore;
  complianceActions: ComplianceActionStore;
  notificationTemplates: NotificationTemplateStore;
  deviceConfigurations: DeviceConfigurationStore;
  configurationDelivery: ConfigurationDeliveryStore;
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
  /**
   * Listeners told after a group's direct members changed (directory/membership-changes.ts): the
   * one hook for membership. Compliance registers here in makeCore; others push their own.
   */
  onMembershipChanged: MembershipListener[];
  /**
   * Listeners told after users' licences, account state or names changed, or users were deleted
   * (directory/user-changes.ts): their devices are re-evaluated and reconciled at once in makeCore.
   */
  onUsersChanged: UsersListener[];
  /** Sends e-mail (compliance notifications); absent when no SMTP server is configured. */
  mailer?: MailSender;
  /** Carries out the actions for noncompliance due for these devices (called right after evaluation). */
  actOnNoncompliance: (deviceIds: readonly string[]) => Promise<unknown>;
  /** How configuration profiles are delivered (organization, Apple profile signer); defaults without. */
  deliverySettings?: ConfigurationDeliverySettings;
}

/** Tests and tools that push nothing. */
const noWaker: DeviceWaker = { wake: () => Promise.resolve() };

export function makeCore(ports: CorePorts, clock: Clock, extras: { waker?: DeviceWaker; wns?: WnsDeviceSettings; mailer?: MailSender; deliverySettings?: ConfigurationDeliverySettings } = {}): Core {
  const onMembershipChanged: MembershipListener[] = [];
  const groups = notifyingGroupStore(ports.groups, onMembershipChanged);
  const waker = extras.waker ?? noWaker;
  const mailer = extras.mailer === undefined ? {} : { mailer: extras.mailer };
  const actOnNoncompliance = (deviceIds: readonly string[]) => carryOutComplianceActions({ ...ports, groups, clock, waker, ...mailer }, { deviceIds });
  const compliance = { ...ports, groups, clock, actOnNoncompliance };
  onMembershipChanged.push((change) => reevaluateForMembership(compliance, change));
  // Configuration profiles follow membership and each device's inventory report (reconcile-triggers.ts).
  const delivery = { ...ports, groups, clock, waker, ...(extras.deliverySettings ? { deliverySettings: extras.deliverySettings } : {}) };
  onMembershipChanged.push((change) => reconcileForMembership(delivery, change));
  // A user's licences, account or deletion reach their devices at once (allLicensedUsers, the user's groups).
  const onUsersChanged: UsersListener[] = [];
  const users = notifyingUserStore(ports.users, onUsersChanged);
  onUsersChanged.push(async (change) => {
    const devices = await ports.complianceStates.devicesOfMembers(change.userIds);
    await reevaluateDevices(compliance, devices);
    await reconcileDevices(delivery, devices);
  });
  return {
    ...ports, users, groups, clock, memberships: membershipEngine({ ...ports, groups, clock }), waker,
    ...(extras.wns === undefined ? {} : { wns: extras.wns }), ...mailer,
    afterInventory: async (deviceIds) => { await reevaluateDevices(compliance, deviceIds); await reconcileDevices(delivery, deviceIds); },
    onMembershipChanged, onUsersChanged, actOnNoncompliance, ...(extras.deliverySettings ? { deliverySettings: extras.deliverySettings } : {}),
  };
}
