// Helpers for directory tests: Graph bodies for users and groups, and thin wrappers over
// app.inject that create them the way an admin script would.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { bearer } from './http.js';

/** Every directory operation, for a principal that may do anything to users and groups. */
export const directoryAdmin = bearer(
  'Microsoft.Intune_Users_Create', 'Microsoft.Intune_Users_Read', 'Microsoft.Intune_Users_Update', 'Microsoft.Intune_Users_Delete',
  'Microsoft.Intune_Groups_Create', 'Microsoft.Intune_Groups_Read', 'Microsoft.Intune_Groups_Update', 'Microsoft.Intune_Groups_Delete',
  'Microsoft.Intune_Licenses_Assign', 'Microsoft.Intune_Organization_Read', 'Microsoft.Intune_Audit_Read',
);

export const GOOD_PASSWORD = 'Correct-Horse-Battery-9';

export interface GraphCollection { '@odata.context': string; '@odata.nextLink'?: string; '@odata.count'?: number; value: Record<string, unknown>[] }
export interface GraphErrorBody { error: { code: string; message: string; target?: string } }

/** A Graph POST /users body; the UPN is unique unless given. */
export function aUserBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const nick = `u${randomUUID().slice(0, 8)}`;
  return {
    accountEnabled: true,
    displayName: `User ${nick}`,
    mailNickname: nick,
    userPrincipalName: `${nick}@contoso.example`,
    passwordProfile: { forceChangePasswordNextSignIn: true, password: GOOD_PASSWORD },
    ...overrides,
  };
}

/** A Graph POST /groups body for an assigned security group. */
export function aGroupBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const nick = `g${randomUUID().slice(0, 8)}`;
  return { displayName: `Group ${nick}`, mailEnabled: false, mailNickname: nick, securityEnabled: true, ...overrides };
}

export function directoryClient(app: FastifyInstance, headers: Record<string, string> = directoryAdmin) {
  const send = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<LightMyRequestResponse> =>
    app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const created = async (url: string, body: Record<string, unknown>) => {
    const res = await send('POST', url, body);
    assert.equal(res.statusCode, 201, res.body);
    return res.json<Record<string, unknown> & { id: string }>();
  };
  return {
    send,
    get: (url: string) => send('GET', url),
    createUser: (overrides: Record<string, unknown> = {}) => created('/v1.0/users', aUserBody(overrides)),
    createGroup: (overrides: Record<string, unknown> = {}) => created('/v1.0/groups', aGroupBody(overrides)),
    async addMember(groupId: string, memberId: string) {
      return send('POST', `/v1.0/groups/${groupId}/members/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${memberId}` });
    },
    /** The ids in a collection, following every nextLink. */
    async allIds(url: string): Promise<string[]> {
      const ids: string[] = [];
      for (let next: string | undefined = url; next;) {
        const res = await send('GET', next);
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json<GraphCollection>();
        ids.push(...body.value.map((v) => v.id as string));
        next = body['@odata.nextLink']?.replace(/^https:\/\/[^/]+/, '');
      }
      return ids;
    },
  };
}

export type DirectoryClient = ReturnType<typeof directoryClient>;

/** Audit events about one resource id, oldest first (the API lists newest first). */
export async function auditEventsFor(app: FastifyInstance, resourceId: string): Promise<Record<string, unknown>[]> {
  const res = await app.inject({ url: '/v1.0/deviceManagement/auditEvents?$top=999', headers: bearer('Microsoft.Intune_Audit_Read') });
  assert.equal(res.statusCode, 200, res.body);
  const events = res.json<GraphCollection>().value;
  return events.filter((e) => (e.resources as { resourceId: string | null }[]).some((r) => r.resourceId === resourceId)).reverse();
}
