// The admin side of bench/apple.ts, over Steward's real admin API as an automation script would
// use it: an OAuth client (made with `steward api-client create`), a token from POST /oauth2/token,
// then Graph calls over HTTPS with one keep-alive agent.
import { Agent, request } from 'node:https';
import type { StewardUnderTest } from './apple-server.js';

export interface AdminApi {
  call(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<{ status: number; json: unknown; text: string }>;
  close(): void;
}

/** Makes an API client with the CLI and signs it in. */
export async function signInAdmin(server: StewardUnderTest): Promise<AdminApi> {
  const out = await server.cli(['api-client', 'create', '--name', 'bench', '--role', 'Intune Administrator']);
  const { clientId, clientSecret } = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { clientId?: string; clientSecret?: string };
  if (!clientId || !clientSecret) throw new Error(`api-client create printed no credentials: ${out}`);
  const agent = new Agent({ keepAlive: true, ca: server.caPem });
  const send = (method: string, path: string, headers: Record<string, string>, body: string | undefined) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(new URL(path, server.url), { method, agent, headers: { ...headers, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString();
  const tokenRes = await send('POST', '/oauth2/token', { 'content-type': 'application/x-www-form-urlencoded' }, form);
  const token = tokenRes.status === 200 ? (JSON.parse(tokenRes.text) as { access_token?: string }).access_token : undefined;
  if (token === undefined) throw new Error(`POST /oauth2/token answered ${tokenRes.status}: ${tokenRes.text}`);
  return {
    async call(method, path, body) {
      const res = await send(method, path, {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      }, body === undefined ? undefined : JSON.stringify(body));
      let json: unknown;
      try { json = res.text === '' ? undefined : JSON.parse(res.text); } catch { json = undefined; }
      return { status: res.status, json, text: res.text };
    },
    close: () => agent.destroy(),
  };
}

/** Calls and insists on the status. */
export async function expect(api: AdminApi, status: number, method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<unknown> {
  const res = await api.call(method, path, body);
  if (res.status !== status) throw new Error(`${method} ${path} answered ${res.status}, expected ${status}: ${res.text.slice(0, 2000)}`);
  return res.json;
}

/** Every managed device's id by its UDID, following the nextLinks. */
export async function managedDeviceIds(api: AdminApi): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  let path: string | undefined = '/v1.0/deviceManagement/managedDevices?$top=500';
  while (path !== undefined) {
    const page = await expect(api, 200, 'GET', path) as { value: { id: string; udid?: string | null }[]; '@odata.nextLink'?: string };
    for (const d of page.value) if (d.udid) ids.set(d.udid, d.id);
    const next = page['@odata.nextLink'];
    path = next === undefined ? undefined : new URL(next).pathname + new URL(next).search;
  }
  return ids;
}
