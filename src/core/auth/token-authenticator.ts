// Bearer tokens → principals: verifies Steward's own access token, then looks up the API client
// or user it was issued to (which must still exist and be enabled) and its role grants.
import type { Clock } from '../clock.js';
import type { GroupStore, UserStore } from '../directory/ports.js';
import type { ApiClientStore, RbacStore } from '../rbac/model.js';
import { grantsFor } from '../rbac/grants.js';
import { allScope } from '../rbac/scope.js';
import { verifyAccessToken, type SigningKeyStore } from './access-tokens.js';
import type { Authenticator, Principal } from './principal.js';

export interface TokenAuthenticatorDeps {
  keys: SigningKeyStore;
  clock: Clock;
  apiClients: ApiClientStore;
  users: UserStore;
  groups: GroupStore;
  rbac: RbacStore;
  /** The issuer and audience Steward puts in its tokens: its public URL. */
  issuer: string;
}

export function tokenAuthenticator(deps: TokenAuthenticatorDeps): Authenticator {
  return {
    async authenticate(token) {
      const claims = await verifyAccessToken(deps, token, { issuer: deps.issuer, audience: deps.issuer });
      if (!claims) return undefined;
      if (claims.subjectKind === 'apiClient') {
        const client = await deps.apiClients.get(claims.subject);
        if (!client?.accountEnabled) return undefined;
        return { kind: 'apiClient', id: client.id, displayName: client.displayName, name: client.clientId, grants: await grantsFor(deps, client.id) } satisfies Principal;
      }
      const user = await deps.users.get(claims.subject, allScope);
      if (!user?.accountEnabled) return undefined;
      return { kind: 'user', id: user.id, displayName: user.displayName, name: user.userPrincipalName, grants: await grantsFor(deps, user.id) } satisfies Principal;
    },
  };
}
