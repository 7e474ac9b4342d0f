// The discovery answer ([MS-MDE2] §3.1): which authentication policy the PC uses, and where the
// policy, enrollment and sign-in services are.
//
// - OnPremise (the default): Windows asks for the password itself and sends it in a WS-Security
//   UsernameToken. No second factor fits in it, so people with an authenticator app cannot use it.
// - Federated: Windows opens Steward's sign-in page (password, then the authenticator code) in a
//   web view; the page hands Windows a short-lived token that it sends as a BinarySecurityToken.
//   Chosen when the setting asks for it, or when the tenant requires an authenticator app of
//   everyone (deviceManagement.settings.stewardRequireAuthenticatorForUsers), since OnPremise
//   could then enroll nobody.
// - Enrollment profile links (ms-device-enrollment:?mode=mdm&servername=…&accesstoken=…) point
//   servername at the token discovery path, which always answers Federated: Windows passes the
//   link's accesstoken only to the Federated sign-in page (as a query parameter next to appru and
//   login_hint), never in a UsernameToken. Discovery itself never sees the token, hence the path.
// The answer never depends on the e-mail address sent, so discovery says nothing about which
// people exist.
import type { SettingsStore } from '../settings/ports.js';
import { readTenantSettings } from '../settings/tenant-settings.js';
import type { AuthPolicy, DiscoveryRequest, DiscoveryResponse } from '../../protocol/windows/mde2.js';
import { WINDOWS_PATHS, type WindowsAuthPolicySetting } from './windows-paths.js';
import { refuse } from './windows-refusal.js';

export type WindowsDiscoveryEntry = 'user' | 'token';

export async function discoverWindowsEnrollment(
  deps: { settings: SettingsStore; baseUrl: string; authPolicy: WindowsAuthPolicySetting },
  input: { request: DiscoveryRequest; entry: WindowsDiscoveryEntry },
): Promise<Omit<DiscoveryResponse, 'relatesTo' | 'activityId'>> {
  // [MS-MDE2] §3.1.4.1.3.1: a client that lists no policy (an MDE v1 client) speaks OnPremise.
  const offered: readonly AuthPolicy[] = input.request.authPolicies.length > 0 ? input.request.authPolicies : ['OnPremise'];
  let authPolicy: AuthPolicy;
  if (input.entry === 'token') {
    if (!offered.includes('Federated')) {
      throw refuse('not-supported', 'This version of Windows cannot enroll with an enrollment link. Update Windows, or enroll with your work account in Settings > Accounts > Access work or school.');
    }
    authPolicy = 'Federated';
  } else {
    const tenant = await readTenantSettings(deps);
    const wanted: AuthPolicy = deps.authPolicy === 'Federated' || tenant.stewardRequireAuthenticatorForUsers ? 'Federated' : 'OnPremise';
    const other: AuthPolicy = wanted === 'Federated' ? 'OnPremise' : 'Federated';
    if (offered.includes(wanted)) authPolicy = wanted;
    else if (offered.includes(other)) authPolicy = other;
    else throw refuse('not-supported', 'This device offers only certificate sign-in, which Steward does not use for enrollment. Enroll from Settings > Accounts > Access work or school.');
  }
  const version = Number(input.request.requestVersion);
  return {
    authPolicy,
    // The highest enrollment version Steward answers in is 4.0 (what Windows 10 and 11 ask for);
    // an MDE v1 client (RequestVersion below 3.0) gets none, as the v1 response has none.
    ...(version >= 3 ? { enrollmentVersion: version >= 4 ? '4.0' : '3.0' } : {}),
    enrollmentPolicyServiceUrl: `${deps.baseUrl}${WINDOWS_PATHS.policy}`,
    enrollmentServiceUrl: `${deps.baseUrl}${WINDOWS_PATHS.enrollment}`,
    ...(authPolicy === 'Federated' ? { authenticationServiceUrl: `${deps.baseUrl}${WINDOWS_PATHS.authenticate}` } : {}),
  };
}
