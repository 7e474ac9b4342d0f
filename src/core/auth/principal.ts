// Who is making an admin API request, and what they may do where.
import { unionOfScopes, type Scope } from '../rbac/scope.js';

/**
 * Intune resource operations, as Intune's role definitions name them
 * (`Microsoft.Intune_<Resource>_<Operation>`, see deviceManagement/resourceOperations).
 */
export type ResourceOperation = `Microsoft.Intune_${string}_${string}`;

/**
 * One role assignment's worth of rights: the role's operations over the assignment's scope, its
 * scope groups and scope tags (one clause; `allScope` for Steward's own principals and tests).
 */
export interface Grant {
  allowed: ReadonlySet<ResourceOperation>;
  scope: Scope;
}

export interface Principal {
  kind: 'user' | 'apiClient' | 'cli';
  id: string;
  displayName: string;
  /** For people: their userPrincipalName; for API clients: their client id. */
  name: string;
  grants: readonly Grant[];
}

export function isAllowed(principal: Principal, operation: ResourceOperation): boolean {
  return principal.grants.some((g) => g.allowed.has(operation));
}

/**
 * Where the principal may use `operation`: the union of the scopes of the grants that allow it,
 * each grant keeping its own groups and tags together (see core/rbac/scope.ts).
 */
export function scopeFor(principal: Principal, operation: ResourceOperation): Scope {
  return unionOfScopes(principal.grants.filter((g) => g.allowed.has(operation)).map((g) => g.scope));
}

/** Verifies a bearer token and says whose it is; undefined for a token that is not valid. */
export interface Authenticator {
  authenticate(bearerToken: string): Promise<Principal | undefined>;
}
