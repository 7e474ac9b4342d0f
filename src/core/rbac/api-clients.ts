import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { invalidInput, notFound } from '../errors.js';
import { hashClientSecret, newClientSecret, verifyClientSecret } from '../auth/secrets.js';
import type { ApiClient, ApiClientStore } from './model.js';

/**
 * Creates an API client. The secret is returned this once and stored only as a hash; losing it
 * means creating a new client.
 */
export async function createApiClient(deps: { apiClients: ApiClientStore; clock: Clock }, input: { displayName: string }): Promise<{ client: ApiClient; clientSecret: string }> {
  const displayName = input.displayName.trim();
  if (!displayName || displayName.length > 256) throw invalidInput('The API client needs a name of 1 to 256 characters.', 'displayName');
  const clientSecret = newClientSecret();
  const client: ApiClient = {
    id: randomUUID(),
    clientId: randomUUID(),
    displayName,
    accountEnabled: true,
    createdDateTime: deps.clock.now().toISOString(),
    secretHint: clientSecret.slice(0, 10),
  };
  await deps.apiClients.create(client, hashClientSecret(clientSecret));
  return { client, clientSecret };
}

/** The client whose id and secret these are, if they are right and the client is enabled. */
export async function authenticateApiClient(deps: { apiClients: ApiClientStore }, input: { clientId: string; clientSecret: string }): Promise<ApiClient | undefined> {
  const found = await deps.apiClients.byClientId(input.clientId);
  if (!found) {
    // Spend the same work as a real check, so that timing does not tell which client ids exist.
    verifyClientSecret(hashClientSecret('stw_cs_none'), input.clientSecret);
    return undefined;
  }
  if (!verifyClientSecret(found.secretHash, input.clientSecret) || !found.accountEnabled) return undefined;
  const { secretHash: _hash, ...client } = found;
  return client;
}

export async function deleteApiClient(deps: { apiClients: ApiClientStore }, input: { id: string }): Promise<ApiClient> {
  const client = await deps.apiClients.get(input.id);
  if (!client) throw notFound(`API client ${input.id} was not found.`, 'id');
  await deps.apiClients.delete(client.id);
  return client;
}
