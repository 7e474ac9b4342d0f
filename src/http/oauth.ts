// OAuth 2.0 client credentials (RFC 6749 §4.4) at POST /oauth2/token, for automation. Errors use
// RFC 6749 §5.2's JSON ({"error", "error_description"}), which OAuth client libraries expect.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import type { ApiClientStore } from '../core/rbac/model.js';
import { authenticateApiClient } from '../core/rbac/api-clients.js';
import { issueAccessToken, type SigningKeyStore } from '../core/auth/access-tokens.js';

export interface OAuthDeps {
  apiClients: ApiClientStore;
  keys: SigningKeyStore;
  clock: Clock;
  issuer: string;
  /** Called for every refused client, for the audit log. */
  onRefused?(clientId: string, reason: string, req: FastifyRequest): Promise<void>;
}

function oauthError(reply: FastifyReply, status: number, error: string, description: string) {
  void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
  if (status === 401) void reply.header('www-authenticate', 'Basic realm="steward"');
  return reply.code(status).send({ error, error_description: description });
}

export const oauthRoutes: FastifyPluginAsync<{ deps: OAuthDeps }> = async (app, { deps }) => {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.post('/oauth2/token', { config: { permission: 'public' }, schema: { summary: 'OAuth 2.0 client credentials token', tags: ['auth'] } }, async (req, reply) => {
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      return oauthError(reply, 400, 'invalid_request', 'The token request must be application/x-www-form-urlencoded (RFC 6749 §4.4.2).');
    }
    const form = (req.body ?? {}) as Record<string, string>;
    let clientId = form.client_id;
    let clientSecret = form.client_secret;
    // client_secret_basic (RFC 6749 §2.3.1): the id and secret form-encoded in a Basic header.
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (basic?.[1]) {
      const decoded = Buffer.from(basic[1], 'base64').toString();
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
        clientSecret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
      }
    }
    if (form.grant_type === undefined) return oauthError(reply, 400, 'invalid_request', 'grant_type is missing; Steward supports client_credentials.');
    if (form.grant_type !== 'client_credentials') return oauthError(reply, 400, 'unsupported_grant_type', `grant_type ${form.grant_type.slice(0, 40)} is not supported; use client_credentials.`);
    if (!clientId || !clientSecret) return oauthError(reply, 400, 'invalid_request', 'client_id and client_secret are required.');
    const client = await authenticateApiClient(deps, { clientId, clientSecret });
    if (!client) {
      await deps.onRefused?.(clientId, 'invalid client credentials', req);
      return oauthError(reply, 401, 'invalid_client', 'The client id or secret is wrong, or the client is disabled.');
    }
    const { accessToken, expiresIn } = await issueAccessToken(deps, { subject: client.id, subjectKind: 'apiClient', issuer: deps.issuer, audience: deps.issuer });
    void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    return { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn };
  });
};
