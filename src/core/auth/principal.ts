// Who is making an admin API request, and what they may do. Issue #3 (directory and RBAC) fills
// in roles and scopes; the shape is fixed here so that every route checks the same way.

/**
 * Intune resource operations, as Intune's role definitions name them
 * (`Microsoft.Intune_<Resource>_<Operation>`, see deviceManagement/resourceOperations).
 */
export type ResourceOperation = `Microsoft.Intune_${string}_${string}`;

export interface Principal {
  kind: 'admin' | 'apiClient';
  id: string;
  displayName: string;
  /** Resource operations granted by the principal's role assignments. */
  allowed: ReadonlySet<ResourceOperation>;
}

export function isAllowed(principal: Principal, operation: ResourceOperation): boolean {
  return principal.allowed.has(operation);
}

/** Verifies a bearer token and says whose it is; undefined for a token that is not valid. */
export interface Authenticator {
  authenticate(bearerToken: string): Promise<Principal | undefined>;
}
