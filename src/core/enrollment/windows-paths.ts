// Where Windows finds Steward, relative to the public URL, and the fixed values of its enrollment.
// The enrollment paths are Microsoft's ([MS-MDE2] §3.1: auto-discovery builds
// https://enterpriseenrollment.<upn domain>/EnrollmentServer/Discovery.svc).

export const WINDOWS_PATHS = {
  /** Auto-discovery and the Settings app's "Enroll only in device management" land here. */
  discovery: '/EnrollmentServer/Discovery.svc',
  /**
   * The servername of an enrollment profile's ms-device-enrollment: link. Always answers Federated,
   * because only the Federated flow carries the link's accesstoken (see windows-discovery.ts).
   */
  tokenDiscovery: '/EnrollmentServer/Token/Discovery.svc',
  policy: '/EnrollmentServer/Policy.svc',
  enrollment: '/EnrollmentServer/Enrollment.svc',
  /** Steward's sign-in page for the Federated policy ([MS-MDE2] §3.2 AuthenticationServiceUrl). */
  authenticate: '/EnrollmentServer/Authenticate',
  /** The OMA-DM (MS-MDM) endpoint written into the provisioning document (w7 ADDR). */
  management: '/ManagementServer/MDM.svc',
} as const;

/** The DMClient provider id (w7 PROVIDER-ID and DMClient/Provider/{ProviderID}). */
export const WINDOWS_SERVER_ID = 'Steward';

/** The client certificate's life, and the certificate template name GetPolicies offers. */
export const WINDOWS_IDENTITY_VALIDITY_DAYS = 365;
export const WINDOWS_CERTIFICATE_TEMPLATE = 'Steward Windows MDM';
/** RSA key length the PC must use ([MS-XCEP] minimalKeyLength): what Windows generates by default. */
export const WINDOWS_MINIMAL_KEY_LENGTH = 2048;

/** A federated sign-in token lives this long and is spent by one enrollment. */
export const WINDOWS_SIGN_IN_TOKEN_TTL_MS = 15 * 60_000;

/** How Windows authenticates the person enrolling (config `--windows-auth-policy`). */
export type WindowsAuthPolicySetting = 'OnPremise' | 'Federated';
