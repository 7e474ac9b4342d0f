// What the device pages share: the managedDevice fields they show, the remote actions with the
// permission each needs, and words for Graph's enum values.
import type { DeviceActionResult as GraphDeviceActionResult, ManagedDevice as GraphManagedDevice } from '../../../src/shared/graph/entities.generated.js';
import { api } from '../common/api.js';

/** The managedDevice properties the pages show, typed from Graph's own (src/shared/graph), always present in Steward's answers. */
type ShownProperty =
  'deviceName' | 'managedDeviceName' | 'operatingSystem' | 'osVersion' | 'model' | 'manufacturer' | 'serialNumber' | 'udid' | 'imei' | 'wiFiMacAddress' | 'phoneNumber' | 'userId' | 'userPrincipalName' | 'userDisplayName' | 'managedDeviceOwnerType' | 'managementState' | 'complianceState' | 'deviceEnrollmentType' | 'enrollmentProfileName' | 'jailBroken' | 'isEncrypted' | 'isSupervised' | 'totalStorageSpaceInBytes' | 'freeStorageSpaceInBytes' | 'physicalMemoryInBytes' | 'enrolledDateTime' | 'lastSyncDateTime' | 'notes';

export type ManagedDevice = { id: string; deviceActionResults?: DeviceActionResult[] } & Required<Pick<GraphManagedDevice, ShownProperty>>;

/** Graph's deviceActionResult (Steward always names the action), with Steward's extensions (failureReason; remoteLock's unlockPin). */
export type DeviceActionResult = Required<Omit<GraphDeviceActionResult, '@odata.type' | 'actionName'>> & { actionName: string; failureReason?: string | null; unlockPin?: string };

export const DEVICES = '/v1.0/deviceManagement/managedDevices';
export const READ_DEVICES = 'Microsoft.Intune_ManagedDevices_Read';

export type ActionName = 'syncDevice' | 'remoteLock' | 'resetPasscode' | 'rebootNow' | 'shutDown' | 'retire' | 'wipe' | 'disableLostMode' | 'locateDevice';

export interface RemoteAction {
  name: ActionName;
  label: string;
  /** The operation the signed-in person needs (RemoteTasks_…). */
  permission: string;
  /** What happens, for the confirmation. */
  explain: string;
  danger?: boolean;
  /** Offered for several devices at once. */
  bulk?: boolean;
  /** The platforms (operatingSystem) it applies to; all when absent. */
  platforms?: string[];
}

const task = (op: string) => `Microsoft.Intune_RemoteTasks_${op}`;

export const ACTIONS: readonly RemoteAction[] = [
  { name: 'syncDevice', label: 'Sync', permission: task('SyncDevice'), explain: 'The device checks in and reports its inventory now.', bulk: true },
  { name: 'remoteLock', label: 'Lock', permission: task('RemoteLock'), explain: 'The device locks its screen at once; its user unlocks it with their passcode.', bulk: true },
  { name: 'resetPasscode', label: 'Reset passcode', permission: task('ResetPasscode'), explain: 'The passcode is removed, so the device opens without one until its user sets a new one.', platforms: ['iOS', 'iPadOS'] },
  { name: 'rebootNow', label: 'Restart', permission: task('RebootNow'), explain: 'The device restarts now; unsaved work may be lost.', bulk: true },
  { name: 'shutDown', label: 'Shut down', permission: task('ShutDown'), explain: 'The device turns off and stays off until someone turns it on.' },
  { name: 'disableLostMode', label: 'Disable lost mode', permission: task('DisableLostMode'), explain: 'The device leaves lost mode.', platforms: ['iOS', 'iPadOS'] },
  { name: 'retire', label: 'Retire', permission: task('Retire'), explain: 'Company data, apps and profiles are removed and the device is no longer managed. Personal data stays.', danger: true, bulk: true },
  { name: 'wipe', label: 'Wipe', permission: task('Wipe'), explain: 'The device is erased to factory settings: every app and all data on it are lost.', danger: true },
];

export function actionByName(name: string): RemoteAction | undefined {
  return ACTIONS.find((a) => a.name === name);
}

export function appliesTo(action: RemoteAction, device: Pick<ManagedDevice, 'operatingSystem'>): boolean {
  return !action.platforms || action.platforms.includes(device.operatingSystem ?? '');
}

export async function runAction(id: string, action: ActionName, body?: Record<string, unknown>): Promise<void> {
  await api.post(`${DEVICES}/${encodeURIComponent(id)}/${action}`, body);
}

export function deviceLabel(d: Pick<ManagedDevice, 'deviceName' | 'model' | 'serialNumber' | 'id'>): string {
  return d.deviceName ?? d.model ?? d.serialNumber ?? d.id;
}

const COMPLIANCE_WORDS: Record<string, [string, 'ok' | 'bad' | 'warn' | 'neutral']> = {
  compliant: ['Compliant', 'ok'],
  noncompliant: ['Not compliant', 'bad'],
  inGracePeriod: ['In grace period', 'warn'],
  conflict: ['Conflict', 'warn'],
  error: ['Error', 'bad'],
  unknown: ['Not evaluated', 'neutral'],
  notApplicable: ['Not applicable', 'neutral'],
  notAssigned: ['Not assigned', 'neutral'],
  remediated: ['Remediated', 'ok'],
  nonCompliant: ['Not compliant', 'bad'],
  configManager: ['Configuration Manager', 'neutral'],
  succeeded: ['Succeeded', 'ok'],
  failed: ['Failed', 'bad'],
  pending: ['Pending', 'warn'],
  active: ['In progress', 'warn'],
  done: ['Done', 'ok'],
  canceled: ['Canceled', 'neutral'],
  notSupported: ['Not supported', 'neutral'],
};

export function stateWords(state: string): string {
  return COMPLIANCE_WORDS[state]?.[0] ?? state;
}

export function StateBadge(props: { state: string }) {
  const [words, tone] = COMPLIANCE_WORDS[props.state] ?? [props.state, 'neutral'];
  return <span className={`badge ${tone}`}>{words}</span>;
}

export const OWNER_WORDS: Record<string, string> = { company: 'Corporate', personal: 'Personal', unknown: 'Unknown' };
export const PLATFORMS = ['iOS', 'iPadOS', 'macOS', 'Windows'] as const;
export const COMPLIANCE_STATES = ['compliant', 'noncompliant', 'inGracePeriod', 'unknown', 'error', 'conflict'] as const;

export function formatBytes(n: number): string {
  if (!n) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(v >= 100 || i === 0 ? 0 : 1)} ${units[i]}`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export const ACTION_NAME_WORDS: Record<string, string> = {
  ...Object.fromEntries(ACTIONS.map((a): [string, string] => [a.name, a.label])),
  enableLostMode: 'Enable lost mode', setDeviceName: 'Rename', locateDevice: 'Locate', delete: 'Delete',
};

/** Plain words for the compliance settings Steward evaluates (Graph property names). */
const SETTING_WORDS: Record<string, string> = {
  osMinimumVersion: 'Minimum OS version',
  osMaximumVersion: 'Maximum OS version',
  osMinimumBuildVersion: 'Minimum OS build',
  osMaximumBuildVersion: 'Maximum OS build',
  passcodeRequired: 'Passcode required',
  passwordRequired: 'Password required',
  passcodeMinimumLength: 'Minimum passcode length',
  passwordMinimumLength: 'Minimum password length',
  passcodeBlockSimple: 'No simple passcodes',
  passwordBlockSimple: 'No simple passwords',
  securityBlockJailbrokenDevices: 'Not jailbroken',
  storageRequireEncryption: 'Storage encrypted',
  bitLockerEnabled: 'BitLocker on',
  secureBootEnabled: 'Secure Boot on',
  firewallEnabled: 'Firewall on',
  systemIntegrityProtectionEnabled: 'System Integrity Protection on',
  deviceThreatProtectionEnabled: 'Threat protection',
  activeFirewallRequired: 'Firewall on',
  defenderEnabled: 'Microsoft Defender on',
  antivirusRequired: 'Antivirus on',
};

/** "Minimum OS version (osMinimumVersion)", or the name as it is. */
export function settingWords(name: string): string {
  const words = SETTING_WORDS[name];
  return words ? `${words} (${name})` : name;
}
