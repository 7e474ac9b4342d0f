// What a person must do to fix a compliance setting their device fails, in plain words, for the
// company portal. The one place this wording lives: the portal's API sends it, the pages show it.
// Each entry takes the policy's required value (a minimum version, a length) and the device's
// operating system, so that the words name the right Settings app path for iPhone, Mac or PC.
import type { CompliancePolicyType } from '../compliance/policy.js';
import type { SettingResult } from '../compliance/setting-result.js';
import { platformOfPolicy } from '../compliance/evaluate-device.js';

export interface FixContext {
  policyType: CompliancePolicyType;
  /** The policy's settings by their Graph names (the required values). */
  policySettings: Readonly<Record<string, unknown>>;
  /** managedDevice.operatingSystem: 'iOS', 'iPadOS', 'macOS', 'Windows'… */
  operatingSystem: string | null;
}

type Platform = 'apple-mobile' | 'mac' | 'windows' | 'other';

function platformOf(ctx: FixContext): Platform {
  switch (platformOfPolicy(ctx.policyType)) {
    case 'iOS': return 'apple-mobile';
    case 'macOS': return 'mac';
    case 'windows': return 'windows';
    default: return 'other';
  }
}

/** The OS as the person knows it: iPadOS on an iPad, iOS on an iPhone. */
function osName(ctx: FixContext): string {
  const os = ctx.operatingSystem;
  if (os === 'iPadOS' || os === 'iOS' || os === 'macOS') return os;
  switch (platformOf(ctx)) {
    case 'apple-mobile': return 'iOS';
    case 'mac': return 'macOS';
    case 'windows': return 'Windows';
    case 'other': return os ?? 'the operating system';
  }
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined);

const updatePath: Record<Platform, string> = {
  'apple-mobile': 'Settings > General > Software Update',
  mac: 'System Settings > General > Software Update',
  windows: 'Settings > Windows Update',
  other: 'the device\'s settings',
};

const passcodePath: Record<Platform, string> = {
  'apple-mobile': 'Settings > Face ID & Passcode (or Touch ID & Passcode)',
  mac: 'System Settings > Users & Groups (or Touch ID & Password)',
  windows: 'Settings > Accounts > Sign-in options',
  other: 'the device\'s settings',
};

const WINDOWS_SECURITY = 'Settings > Privacy & security > Windows Security';

type Wording = (ctx: FixContext, currentValue: string | null) => string;

/** By setting name; the same name means the same thing across the policy types that have it. */
const WORDING: Readonly<Record<string, Wording>> = {
  passcodeRequired: (c) => `Set a passcode: ${passcodePath[platformOf(c)]}.`,
  passwordRequired: (c) => `Set a password to sign in: ${passcodePath[platformOf(c)]}.`,
  passcodeMinimumLength: (c) => `Set a passcode of at least ${text(c.policySettings.passcodeMinimumLength) ?? 'the required number of'} characters: ${passcodePath[platformOf(c)]}.`,
  passwordMinimumLength: (c) => `Set a password of at least ${text(c.policySettings.passwordMinimumLength) ?? 'the required number of'} characters: ${passcodePath[platformOf(c)]}.`,
  passcodeBlockSimple: (c) => `Choose a passcode that is not simple (no repeated or sequential digits such as 1111 or 1234): ${passcodePath[platformOf(c)]}.`,
  passwordBlockSimple: (c) => `Choose a password that is not simple (no repeated or sequential characters): ${passcodePath[platformOf(c)]}.`,
  passcodeRequiredType: (c) => `Use the kind of passcode your organization asks for (${text(c.policySettings.passcodeRequiredType) ?? 'see your IT department'}): ${passcodePath[platformOf(c)]}.`,
  passwordRequiredType: (c) => `Use the kind of password your organization asks for (${text(c.policySettings.passwordRequiredType) ?? 'see your IT department'}): ${passcodePath[platformOf(c)]}.`,
  passcodeMinutesOfInactivityBeforeLock: (c) => `Make the screen lock after at most ${text(c.policySettings.passcodeMinutesOfInactivityBeforeLock) ?? 'a few'} minutes: ${platformOf(c) === 'apple-mobile' ? 'Settings > Display & Brightness > Auto-Lock' : 'the device\'s lock screen settings'}.`,
  passwordMinutesOfInactivityBeforeLock: (c) => `Make the screen lock after at most ${text(c.policySettings.passwordMinutesOfInactivityBeforeLock) ?? 'a few'} minutes of inactivity.`,
  passcodeExpirationDays: () => 'Change your passcode: it is older than your organization allows.',
  passwordExpirationDays: () => 'Change your password: it is older than your organization allows.',
  osMinimumVersion: (c) => `Update ${osName(c)} to ${text(c.policySettings.osMinimumVersion) ?? 'the latest version'} or later: ${updatePath[platformOf(c)]}.`,
  osMinimumBuildVersion: (c) => `Update ${osName(c)} to build ${text(c.policySettings.osMinimumBuildVersion) ?? 'the latest'} or later: ${updatePath[platformOf(c)]}.`,
  osMaximumVersion: (c, v) => `${osName(c)} ${v ?? ''}`.trimEnd() + ` is newer than your organization allows (at most ${text(c.policySettings.osMaximumVersion) ?? 'an approved version'}). Contact your IT department; do not update further until they say so.`,
  osMaximumBuildVersion: (c) => `This ${osName(c)} build is newer than your organization allows. Contact your IT department.`,
  validOperatingSystemBuildRanges: (c) => `Update Windows to a version your organization allows: ${updatePath[platformOf(c)]}. If it is up to date, contact your IT department.`,
  securityBlockJailbrokenDevices: () => 'This device appears to be jailbroken. Restore it with a Mac or PC (Finder or Apple Devices) to remove the jailbreak; until then it cannot reach company resources.',
  storageRequireEncryption: (c) => platformOf(c) === 'mac'
    ? 'Turn on FileVault disk encryption: System Settings > Privacy & Security > FileVault.'
    : platformOf(c) === 'windows'
      ? 'Turn on device encryption (BitLocker): Settings > Privacy & security > Device encryption, or Control Panel > BitLocker Drive Encryption.'
      : 'Turn on storage encryption in the device\'s security settings.',
  bitLockerEnabled: () => 'Turn on BitLocker: Control Panel > BitLocker Drive Encryption > Turn on BitLocker (or Settings > Privacy & security > Device encryption).',
  systemIntegrityProtectionEnabled: () => 'Turn System Integrity Protection back on: start the Mac in macOS Recovery, open Terminal and run "csrutil enable", then restart. Ask your IT department if unsure.',
  firewallEnabled: () => 'Turn on the firewall: System Settings > Network > Firewall.',
  firewallBlockAllIncoming: () => 'Block all incoming connections: System Settings > Network > Firewall > Options > Block all incoming connections.',
  firewallEnableStealthMode: () => 'Turn on stealth mode: System Settings > Network > Firewall > Options > Enable stealth mode.',
  gatekeeperAllowedAppSource: () => 'Allow apps only from the App Store and identified developers: System Settings > Privacy & Security > Security.',
  secureBootEnabled: () => 'Turn on Secure Boot in the PC\'s UEFI firmware settings (at start-up). Ask your IT department for help.',
  tpmRequired: () => 'This PC needs a TPM security chip: turn it on in the firmware settings (often called TPM, PTT or fTPM), or ask your IT department.',
  activeFirewallRequired: () => `Turn on Microsoft Defender Firewall: ${WINDOWS_SECURITY} > Firewall & network protection.`,
  antivirusRequired: () => `Turn on antivirus protection: ${WINDOWS_SECURITY} > Virus & threat protection.`,
  defenderEnabled: () => `Turn on Microsoft Defender Antivirus: ${WINDOWS_SECURITY} > Virus & threat protection.`,
  antiSpywareRequired: () => `Turn on spyware protection: ${WINDOWS_SECURITY} > Virus & threat protection.`,
  rtpEnabled: () => `Turn on real-time protection: ${WINDOWS_SECURITY} > Virus & threat protection > Manage settings.`,
  signatureOutOfDate: () => `Update the antivirus definitions: ${WINDOWS_SECURITY} > Virus & threat protection > Protection updates > Check for updates.`,
  codeIntegrityEnabled: () => 'Turn on code integrity (Memory integrity): Windows Security > Device security > Core isolation.',
  managedEmailProfileRequired: () => 'Install your organization\'s e-mail account from the company portal instead of adding it by hand.',
  deviceThreatProtectionEnabled: () => 'Install and open your organization\'s threat protection app, and follow what it asks.',
};

/** "passcodeMinimumLength" → "passcode minimum length". */
function words(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** What to do about one setting's result; undefined when there is nothing to do (compliant, not applicable). */
export function howToFix(ctx: FixContext, setting: Pick<SettingResult, 'settingName' | 'state' | 'currentValue'>): string | undefined {
  switch (setting.state) {
    case 'compliant':
    case 'notApplicable':
      return undefined;
    case 'unknown':
      return 'Waiting for the device to report: turn it on, unlock it and connect it to the internet.';
    case 'nonCompliant': {
      const wording = WORDING[setting.settingName];
      return wording
        ? wording(ctx, setting.currentValue)
        : `Your device does not meet your organization's requirement "${words(setting.settingName)}". Contact your IT department.`;
    }
  }
}

/** What to do about a device that is noncompliant because it has not checked in for too long. */
export function checkInFix(thresholdDays: number): string {
  return `This device has not checked in for more than ${thresholdDays} day${thresholdDays === 1 ? '' : 's'}: turn it on, unlock it and connect it to the internet.`;
}

/** Setting names with their own wording (for tests and documentation). */
export const WORDED_SETTINGS: readonly string[] = Object.keys(WORDING);
