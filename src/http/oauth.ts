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

/** Client ids are UUIDs (core/rbac/api-clients.ts). */
const CLIENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Marks a form in which a parameter was repeated; holds the parameter's name. */
const REPEATED = Symbol('repeated parameter');
type Form = Partial<Record<string, string>> & { [REPEATED]?: string };

function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function basicCredentials(header: string): { clientId: string; clientSecret: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  const clientId = formDecode(decoded.slice(0, colon));
  const clientSecret = formDecode(decoded.slice(colon + 1));
  return clientId && clientSecret ? { clientId, clientSecret } : undefined;
}

function oauthError(reply: FastifyReply, status: number, error: string, description: string) {
  void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
  if (status === 401) void reply.header('www-authenticate', 'Basic realm="steward"');
  return reply.code(status).send({ error, error_description: description });
}

export const oauthRoutes: FastifyPluginAsync<{ deps: OAuthDeps }> = async (app, { deps }) => {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
    const params = new URLSearchParams(body as string);
    const form: Form = {};
    for (const [name, value] of params) {
      // RFC 6749 §3.2: parameters MUST NOT be included more than once.
      if (Object.hasOwn(form, name)) { done(null, { [REPEATED]: name } satisfies Form); return; }
      form[name] = value;
    }
    done(null, form);
  });

  app.post('/oauth2/token', { config: { permission: 'public' }, schema: { summary: 'OAuth 2.0 client credentials token', tags: ['auth'] } }, async (req, reply) => {
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      return oauthError(reply, 400, 'invalid_request', 'The token request must be application/x-www-form-urlencoded (RFC 6749 §4.4.2).');
    }
    const form = (req.body ?? {}) as Form;
    const repeated = form[REPEATED];
    if (repeated !== undefined) return oauthError(reply, 400, 'invalid_request', `${repeated.slice(0, 40)} is given more than once.`);
    let clientId = form.client_id;
    let clientSecret = form.client_secret;
    const authorization = req.headers.authorization;
    if (authorization !== undefined && /^Basic(\s|$)/i.test(authorization)) {
      // client_secret_basic (RFC 6749 §2.3.1): the id and secret, each form-encoded, in a Basic header.
      const basic = basicCredentials(authorization);
      if (!basic) return oauthError(reply, 400, 'invalid_request', 'The Authorization header must be Basic base64(urlencode(client_id):urlencode(client_secret)) (RFC 6749 §2.3.1).');
      // A client MUST NOT use more than one authentication method in a request (RFC 6749 §2.3).
      if (clientSecret !== undefined) return oauthError(reply, 400, 'invalid_request', 'Send the client secret either in the Authorization header or in the body, not both.');
      if (clientId !== undefined && clientId !== basic.clientId) return oauthError(reply, 400, 'invalid_request', 'client_id in the body differs from the one in the Authorization header.');
      ({ clientId, clientSecret } = basic);
    }
    if (form.grant_type === undefined) return oauthError(reply, 400, 'invalid_request', 'grant_type is missing; Steward supports client_credentials.');
    if (form.grant_type !== 'client_credentials') return oauthError(reply, 400, 'unsupported_grant_type', `grant_type ${form.grant_type.slice(0, 40)} is not supported; use client_credentials.`);
    if (!clientId || !clientSecret) return oauthError(reply, 400, 'invalid_request', 'client_id and client_secret are required.');
    const client = await authenticateApiClient(deps, { clientId, clientSecret });
    if (!client) {
      // Only something shaped like a client id goes to the audit log: a secret pasted into
      // client_id by mistake must not.
      await deps.onRefused?.(CLIENT_ID.test(clientId) ? clientId : '(not a client id)', 'invalid client credentials', req);
      return oauthError(reply, 401, 'invalid_client', 'The client id or secret is wrong, or the client is disabled.');
    }
    const { accessToken, expiresIn } = await issueAccessToken(deps, { subject: client.id, subjectKind: 'apiClient', issuer: deps.issuer, audience: deps.issuer });
    void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    return { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn };
  });
};
