// Graph's collection envelope: @odata.context, value, @odata.count and an absolute @odata.nextLink
// on the public URL that carries the opaque $skiptoken.
import type { FastifyRequest } from 'fastify';
import { invalidInput } from '../../core/errors.js';

export interface CollectionPage<T> {
  items: T[];
  nextSkipToken?: string;
  count?: number;
  select?: string[];
}

export function apiBase(publicUrl: URL): string {
  return publicUrl.href.replace(/\/$/, '');
}

/** `https://host/v1.0/$metadata#deviceManagement/managedDevices(id,deviceName)` */
export function contextUrl(publicUrl: URL, version: string, entitySet: string, select?: string[]): string {
  return `${apiBase(publicUrl)}/${version}/$metadata#${entitySet}${select ? `(${select.join(',')})` : ''}`;
}

export function nextLink(req: FastifyRequest, publicUrl: URL, skipToken: string): string {
  const [path = '', query = ''] = req.url.split('?', 2);
  const params = new URLSearchParams(query);
  params.delete('skiptoken');
  params.set('$skiptoken', skipToken);
  return `${apiBase(publicUrl)}${path}?${params.toString()}`;
}

export function project<T extends object>(item: T, select: string[] | undefined, keepType = false): Partial<T> {
  if (!select) return item;
  const out: Record<string, unknown> = {};
  if (keepType && '@odata.type' in item) out['@odata.type'] = item['@odata.type'];
  for (const key of select) if (key in item) out[key] = (item as Record<string, unknown>)[key];
  return out as Partial<T>;
}

export function collection<T extends object>(
  req: FastifyRequest,
  publicUrl: URL,
  version: string,
  entitySet: string,
  page: CollectionPage<T>,
  present: (item: T) => object,
  /** Items of a derived type (a policy's subtype) keep their @odata.type whatever $select says, as in Graph. */
  options: { polymorphic?: boolean } = {},
) {
  return {
    '@odata.context': contextUrl(publicUrl, version, entitySet, page.select),
    ...(page.count !== undefined ? { '@odata.count': page.count } : {}),
    ...(page.nextSkipToken ? { '@odata.nextLink': nextLink(req, publicUrl, page.nextSkipToken) } : {}),
    value: page.items.map((i) => project(present(i) as T, page.select, options.polymorphic)),
  };
}

/** The version segment a Graph route was reached under: 'v1.0' or 'beta'. */
export function graphVersion(req: FastifyRequest): 'v1.0' | 'beta' {
  return req.url.startsWith('/beta') ? 'beta' : 'v1.0';
}

/** Query-string values as strings; an option given twice is refused. */
export function queryOptions(req: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.query as Record<string, unknown>)) {
    if (Array.isArray(v)) throw invalidInput(`Query option ${k} is given more than once.`, k);
    out[k] = typeof v === 'string' ? v : undefined;
  }
  return out;
}
