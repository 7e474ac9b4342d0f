// The sign-in API's answers (http/sign-in.ts), as the web pages read them.

export interface SessionUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
}

/** GET /auth/session (and, without the last two fields, POST /auth/signin's signedIn answer). */
export interface SessionInfo {
  status: 'signedIn';
  csrfToken: string;
  user: SessionUser;
  /** True when any role assignment grants the person an operation: they may use the console. */
  isAdmin: boolean;
  /** Every `Microsoft.Intune_<Resource>_<Operation>` the person's roles grant, sorted. */
  allowedResourceOperations: string[];
}

export interface TotpSetupRequired {
  status: 'totpSetupRequired';
  setupToken: string;
  secret: string;
  otpauthUri: string;
  expiresDateTime: string;
}

/** The session cookie and the header unsafe requests carry its CSRF token in. */
export const SESSION_COOKIE_NAME = '__Host-steward_session';
export const CSRF_HEADER_NAME = 'X-CSRF-Token';
