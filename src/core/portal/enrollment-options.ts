// What the company portal offers a person to enroll a device, per platform, and why not when it
// cannot: Apple's personal enrollment profile (enrollment/apple-profile.ts, kind 'user') and
// Windows' ms-device-enrollment: link for the person's account (MS-MDE2 discovery with the
// person's own sign-in: windows-discovery.ts, entry 'user').
import type { CredentialStore } from '../auth/sign-in-ports.js';
import type { UserStore } from '../directory/ports.js';
import { isLicensedForEnrollment } from '../directory/licenses.js';
import { notFound } from '../errors.js';
import type { PushCertificateStore } from '../push/ports.js';
import { allScope } from '../rbac/scope.js';
import type { SettingsStore } from '../settings/ports.js';
import { readTenantSettings } from '../settings/tenant-settings.js';
import { WINDOWS_PATHS, type WindowsAuthPolicySetting } from '../enrollment/windows-paths.js';

export interface EnrollmentOptionsDeps {
  users: UserStore;
  credentials: Pick<CredentialStore, 'get'>;
  settings: SettingsStore;
  pushCertificates: Pick<PushCertificateStore, 'current'>;
}

export interface PlatformOption {
  available: boolean;
  /** Why not, in words, when not available. */
  reason: string | null;
}

export interface EnrollmentOptions {
  userPrincipalName: string;
  apple: PlatformOption;
  windows: PlatformOption & {
    /** ms-device-enrollment:?mode=mdm&username=…&servername=… (null when not available). */
    enrollmentUrl: string | null;
    /** Where the same is done by hand. */
    settingsPath: string;
    /** What to type when Windows asks for the server address. */
    serverAddress: string;
    /** How Windows will ask the person to sign in: its own password box, or Steward's sign-in page. */
    signIn: 'password' | 'webPage';
  };
}

export const WINDOWS_SETTINGS_PATH = 'Settings > Accounts > Access work or school > Connect (on Windows 11: Enroll only in device management)';

const NO_DEVICE_ENDPOINTS = 'This Steward server does not enroll devices: its certificate authority is not set up. Contact your IT department.';

export async function enrollmentOptions(
  deps: EnrollmentOptionsDeps,
  input: {
    userId: string;
    /** Steward's public https URL, without a trailing slash. */
    baseUrl: string;
    /** Whether this server has its device endpoints (its CA). */
    deviceEndpoints: boolean;
    /** The configured Windows authentication policy (--windows-auth-policy). */
    windowsAuthPolicy: WindowsAuthPolicySetting;
  },
): Promise<EnrollmentOptions> {
  const user = await deps.users.get(input.userId, allScope);
  if (!user) throw notFound(`user ${input.userId} was not found.`);
  const licensed = isLicensedForEnrollment(user);
  const noLicense = 'Your account has no Steward license, so you cannot enroll devices. Ask your IT department to assign you one.';

  let appleReason: string | null = null;
  if (!input.deviceEndpoints) appleReason = NO_DEVICE_ENDPOINTS;
  else if (!licensed) appleReason = noLicense;
  else if ((await deps.pushCertificates.current()) === undefined) appleReason = 'iPhones, iPads and Macs cannot enroll yet: your IT department must upload the Apple MDM push certificate first.';

  const tenant = await readTenantSettings(deps);
  const federated = input.windowsAuthPolicy === 'Federated' || tenant.stewardRequireAuthenticatorForUsers;
  let windowsReason: string | null = null;
  if (!input.deviceEndpoints) windowsReason = NO_DEVICE_ENDPOINTS;
  else if (!licensed) windowsReason = noLicense;
  else if (!federated && (await deps.credentials.get(user.id))?.totpSecret) {
    // The OnPremise sign-in is Windows' own password box: no room for the authenticator code, and
    // windows-credential.ts refuses a person who has one.
    windowsReason = 'Your account uses an authenticator app, and Windows\' sign-in on this server cannot ask for its code. Ask your IT department to turn on web sign-in for Windows enrollment.';
  }
  const url = new URL(input.baseUrl);
  const enrollmentUrl = `ms-device-enrollment:?mode=mdm&username=${encodeURIComponent(user.userPrincipalName)}&servername=${encodeURIComponent(`${input.baseUrl}${WINDOWS_PATHS.discovery}`)}`;
  return {
    userPrincipalName: user.userPrincipalName,
    apple: { available: appleReason === null, reason: appleReason },
    windows: {
      available: windowsReason === null,
      reason: windowsReason,
      enrollmentUrl: windowsReason === null ? enrollmentUrl : null,
      settingsPath: WINDOWS_SETTINGS_PATH,
      serverAddress: url.host,
      signIn: federated ? 'webPage' : 'password',
    },
  };
}
